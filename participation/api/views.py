from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, permissions, status
from rest_framework.response import Response

from maps.api.exceptions import Conflict, ErrorSerializer, UnprocessableContent
from maps.api.pagination import GeoJSONPagination
from maps.api.throttling import ScopedUserRateThrottle
from maps.api.viewsets import PublicReadOnlyViewSet
from participation.models import ConsultationPage, Contribution
from participation.selectors import (
    ContributionFilters,
    consultation_summaries,
    proposal_list,
    published_contributions,
)
from participation.selectors.answers import public_answers, public_groups, public_statements
from participation.selectors.api import created_contribution
from participation.services import contribution_create

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
    ContributionCreateSerializer,
    ContributionSerializer,
    CreatedContributionSerializer,
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


CREATE_EXAMPLE = {
    "consultation": 1,
    "text": "Hier fehlt eine Bank im Schatten.",
    "category": Contribution.Category.SUGGESTION.value,
    "geometry": {"type": "Point", "coordinates": [13.42, 52.52]},
}


def error_response(description) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


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
    create=extend_schema(
        summary=_("Create a contribution"),
        description=_(
            "Contribute to a consultation, under the same rules as the form on its page: the "
            "consultation must take contributions today, the place (a GeoJSON geometry in WGS "
            "84, or the code of an area) must lie in the consultation area and be of a kind it "
            "allows, and only a member may write on behalf of a group. Needs an API key "
            "(Authorization: Bearer <key>) or the site's login session with its CSRF token. "
            "The answer is the new contribution as this API shows it, with its status: "
            "published, or pending while it awaits moderation. Nothing is stored when the "
            "request is refused. Each account may create a limited number of contributions "
            "per hour."
        ),
        request=ContributionCreateSerializer,
        examples=[
            OpenApiExample(
                "contribution",
                summary=_("A suggestion with a point"),
                value=CREATE_EXAMPLE,
                request_only=True,
            )
        ],
        responses={
            201: OpenApiResponse(
                CreatedContributionSerializer,
                description=_("Created; the contribution as this API shows it, with its status."),
            ),
            400: error_response(_("Malformed JSON, or a field is missing or malformed.")),
            401: error_response(_("No API key or login, or an unknown or revoked API key.")),
            403: error_response(
                _(
                    "Not allowed: not a member of the group, a consultation only invited "
                    "groups may contribute to, or the CSRF token is missing."
                )
            ),
            409: error_response(_("The consultation takes no contributions now (its phase).")),
            415: error_response(_("The body is not JSON (send Content-Type: application/json).")),
            422: error_response(
                _(
                    "Well-formed, but against the rules: e.g. the place lies outside the "
                    "consultation area or is of a kind it does not allow, the text is too long, "
                    "the proposal belongs to another consultation."
                )
            ),
        },
    ),
)
class ContributionViewSet(PublicReadOnlyViewSet):
    serializer_class = ContributionSerializer
    pagination_class = GeoJSONPagination
    list_parameters = ContributionQuery
    lookup_value_regex = ID_PATTERN
    not_found_message = _("There is no published contribution with the id %(pk)s.")
    http_method_names = ["get", "post", "head", "options"]

    def get_permissions(self):
        if self.action == "create":
            return [permissions.IsAuthenticated()]
        return super().get_permissions()

    def permission_denied(self, request, message=None, code=None):
        if request.authenticators and not request.successful_authenticator:
            raise exceptions.NotAuthenticated(
                gettext_now(
                    "Creating a contribution needs an API key (Authorization: Bearer <key>) "
                    "or a login."
                )
            )
        super().permission_denied(request, message=message, code=code)

    def get_throttles(self):
        throttles = super().get_throttles()
        if self.action == "create":
            throttles.append(ScopedUserRateThrottle("contributions"))
        return throttles

    def create(self, request, *args, **kwargs):
        serializer = ContributionCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        arguments = serializer.service_kwargs()
        try:
            contribution = contribution_create(author=request.user, **arguments)
        except PermissionDenied as denied:
            raise _refusal(arguments["consultation"], denied) from None
        except ValidationError as error:
            raise _rule_violation(error) from None
        created = created_contribution(pk=contribution.pk)
        data = CreatedContributionSerializer(created, context=self.get_serializer_context()).data
        headers = {}
        if created.status == Contribution.Status.PUBLISHED:
            headers["Location"] = request.build_absolute_uri(
                reverse("api:contribution-detail", args=[created.pk])
            )
        return Response(data, status=status.HTTP_201_CREATED, headers=headers)

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


def _refusal(consultation: ConsultationPage, denied: PermissionDenied) -> exceptions.APIException:
    """Who may not contribute is a 403; a consultation not taking contributions now, a 409."""
    if not consultation.is_open:
        return Conflict(str(denied))
    return exceptions.PermissionDenied(str(denied))


def _rule_violation(error: ValidationError) -> exceptions.APIException:
    """The service's messages under the API's field names: 403 for writing on behalf of a
    group one is not a member of, 422 for everything else."""
    errors = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
    if "location" in errors:
        errors.setdefault("geometry", []).extend(errors.pop("location"))
    if "group" in errors:
        return exceptions.PermissionDenied(" ".join(f"group: {m}" for m in errors["group"]))
    if "" in errors:
        errors["non_field_errors"] = errors.pop("")
    return UnprocessableContent(errors)


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
