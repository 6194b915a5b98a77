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
from participation.selectors.answers import public_answers, public_groups, public_statements

from .filters import (
    AnswerQuery,
    ConsultationQuery,
    ContributionQuery,
    ProposalQuery,
    StatementQuery,
)
from .serializers import (
    AnswerSerializer,
    ConsultationSerializer,
    ContributionSerializer,
    GroupSerializer,
    ProposalSerializer,
    StatementSerializer,
)

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


@extend_schema_view(
    list=extend_schema(
        summary=_("Groups"),
        description=_(
            "The groups that take part as groups (advisory boards, self-help groups, "
            "associations, press, administration), by name, and whether the editors checked "
            "that each is who it says it is. Members are not published."
        ),
        responses=responses(GroupSerializer(many=True)),
    ),
    retrieve=extend_schema(
        summary=_("One group"),
        parameters=[id_parameter(_("The group's id."))],
        responses=responses(GroupSerializer),
    ),
)
class GroupViewSet(PublicReadOnlyViewSet):
    serializer_class = GroupSerializer
    lookup_value_regex = ID_PATTERN
    not_found_message = _("There is no group with the id %(pk)s.")

    def get_queryset(self):
        return public_groups()


@extend_schema_view(
    list=extend_schema(
        summary=_("Statements"),
        description=_(
            "The groups' public statements on published consultations, newest first, each "
            "with the administration's answer (null until it is given). Statements written in "
            "a review phase appear once the editors publish the review."
        ),
        parameters=StatementQuery.schema_parameters(),
        responses=responses(StatementSerializer(many=True)),
    ),
    retrieve=extend_schema(
        summary=_("One statement"),
        parameters=[id_parameter(_("The statement's id."))],
        responses=responses(StatementSerializer),
    ),
)
class StatementViewSet(PublicReadOnlyViewSet):
    serializer_class = StatementSerializer
    list_parameters = StatementQuery
    lookup_value_regex = ID_PATTERN
    not_found_message = _("There is no public statement with the id %(pk)s.")

    def get_queryset(self):
        return public_statements(
            consultation=self.query.get("consultation"),
            group=self.query.get("group"),
            recommendation=self.query.get("recommendation", ""),
        )


@extend_schema_view(
    list=extend_schema(
        summary=_("Answers"),
        description=_(
            "The administration's answers to published contributions and public statements, "
            "newest first: what became of each item (outcome) and why. Who wrote an answer is "
            "not published: the administration answers."
        ),
        parameters=AnswerQuery.schema_parameters(),
        responses=responses(AnswerSerializer(many=True)),
    ),
    retrieve=extend_schema(
        summary=_("One answer"),
        parameters=[id_parameter(_("The answer's id."))],
        responses=responses(AnswerSerializer),
    ),
)
class AnswerViewSet(PublicReadOnlyViewSet):
    serializer_class = AnswerSerializer
    list_parameters = AnswerQuery
    lookup_value_regex = ID_PATTERN
    not_found_message = _("There is no public answer with the id %(pk)s.")

    def get_queryset(self):
        return public_answers(
            consultation=self.query.get("consultation"), outcome=self.query.get("outcome", "")
        )
