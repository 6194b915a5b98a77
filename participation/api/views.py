from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)

from maps.api.exceptions import ErrorSerializer
from maps.api.pagination import GeoJSONPagination
from maps.api.viewsets import PublicReadOnlyViewSet
from participation.selectors import (
    ContributionFilters,
    consultation_summaries,
    proposal_list,
    published_contributions,
)

from .filters import ConsultationQuery, ContributionQuery, ProposalQuery
from .serializers import ConsultationSerializer, ContributionSerializer, ProposalSerializer

ID_PATTERN = "[0-9]{1,18}"


def id_parameter(description) -> OpenApiParameter:
    return OpenApiParameter(
        "id",
        int,
        OpenApiParameter.PATH,
        description=description,
        examples=[OpenApiExample("id", value=1)],
    )


def responses(serializer) -> dict:
    return {200: serializer, 400: ErrorSerializer, 404: ErrorSerializer}


@extend_schema_view(
    list=extend_schema(
        summary=_("Consultations"),
        description=_(
            "Published consultations, those that open last first: phase and dates, topics, "
            "areas, what a contribution may give as its place, and how many contributions "
            "are published."
        ),
        parameters=ConsultationQuery.schema_parameters(),
        responses=responses(ConsultationSerializer(many=True)),
    ),
    retrieve=extend_schema(
        summary=_("One consultation"),
        parameters=[id_parameter(_("The consultation's id."))],
        responses=responses(ConsultationSerializer),
    ),
)
class ConsultationViewSet(PublicReadOnlyViewSet):
    serializer_class = ConsultationSerializer
    list_parameters = ConsultationQuery
    lookup_value_regex = ID_PATTERN
    not_found_message = _("There is no published consultation with the id %(pk)s.")

    def get_queryset(self):
        return consultation_summaries(
            district=self.query.get("district"),
            topic=self.query.get("topic", ""),
            phase=self.query.get("phase", ""),
        )


@extend_schema_view(
    list=extend_schema(
        summary=_("Proposals"),
        description=_(
            "The proposals of published consultations (measures, sites) as a GeoJSON "
            "FeatureCollection, in the order their consultation gives them. A proposal "
            "without a place has a null geometry."
        ),
        parameters=ProposalQuery.schema_parameters(),
        responses=responses(ProposalSerializer(many=True)),
    ),
    retrieve=extend_schema(
        summary=_("One proposal"),
        description=_("One proposal as a GeoJSON Feature."),
        parameters=[id_parameter(_("The proposal's id."))],
        responses=responses(ProposalSerializer),
    ),
)
class ProposalViewSet(PublicReadOnlyViewSet):
    serializer_class = ProposalSerializer
    pagination_class = GeoJSONPagination
    list_parameters = ProposalQuery
    lookup_value_regex = ID_PATTERN
    not_found_message = _("There is no published proposal with the id %(pk)s.")

    def get_queryset(self):
        return proposal_list(
            consultation=self.query.get("consultation"), bbox=self.query.get("bbox")
        )


@extend_schema_view(
    list=extend_schema(
        summary=_("Contributions"),
        description=_(
            "Exactly the published contributions to published consultations, replies "
            "included (reply_to names the contribution answered), newest first, as a "
            "GeoJSON FeatureCollection. A contribution without a place has a null geometry. "
            "Of the author, only the name they chose to show is given."
        ),
        parameters=ContributionQuery.schema_parameters(),
        responses=responses(ContributionSerializer(many=True)),
    ),
    retrieve=extend_schema(
        summary=_("One contribution"),
        description=_("One published contribution as a GeoJSON Feature."),
        parameters=[id_parameter(_("The contribution's id."))],
        responses=responses(ContributionSerializer),
    ),
)
class ContributionViewSet(PublicReadOnlyViewSet):
    serializer_class = ContributionSerializer
    pagination_class = GeoJSONPagination
    list_parameters = ContributionQuery
    lookup_value_regex = ID_PATTERN
    not_found_message = _("There is no published contribution with the id %(pk)s.")

    def get_queryset(self):
        return published_contributions(
            consultation=self.query.get("consultation"),
            filters=ContributionFilters(
                category=self.query.get("category", ""),
                area=self.query.get("area"),
                proposal=self.query.get("proposal"),
            ),
            bbox=self.query.get("bbox"),
        )
