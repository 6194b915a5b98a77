"""The query parameters of the participation endpoints. An id or code that names nothing
anyone may see is refused with 400 (not answered with an empty list), so a typing error
shows."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from maps.api.params import BBoxField, ChoiceParameter, IdParameter, QueryParameters
from maps.models import Area
from maps.selectors import area_list
from participation.models import (
    Answer,
    ConsultationPage,
    Contribution,
    Group,
    Phase,
    Proposal,
    Statement,
    Topic,
)
from participation.models.consultations import PUBLIC_PHASES
from participation.selectors import consultation_find, proposal_list
from participation.selectors.answers import public_groups

BBOX_HELP = gettext_lazy(
    "Only items whose place meets this box: min_lon,min_lat,max_lon,max_lat in WGS 84 "
    "(EPSG:4326). Items without a place are left out."
)
BBOX_EXAMPLE = "13.35,52.49,13.45,52.54"


def _area(code: str) -> Area:
    area = area_list().filter(code=code).first()
    if area is None:
        raise serializers.ValidationError(
            _("There is no area with the code “%(code)s”.") % {"code": code}
        )
    return area


def _consultation(pk: int) -> ConsultationPage:
    consultation = consultation_find(pk=pk)
    if consultation is None:
        raise serializers.ValidationError(
            _("There is no published consultation with the id %(id)s.") % {"id": pk}
        )
    return consultation


class ConsultationQuery(QueryParameters):
    phase = ChoiceParameter(
        choices=PUBLIC_PHASES,
        required=False,
        help_text=gettext_lazy("Only consultations in this phase today."),
    )
    topic = serializers.SlugField(
        required=False,
        max_length=80,
        help_text=gettext_lazy("Only consultations on the topic with this slug."),
    )
    district = serializers.CharField(
        required=False,
        max_length=16,
        help_text=gettext_lazy(
            "Only consultations about the area with this code or an area inside it "
            "(e.g. 02 for a district)."
        ),
    )

    examples = {"phase": Phase.CONTRIBUTIONS}

    def validate_topic(self, slug: str) -> str:
        if not Topic.objects.filter(slug=slug).exists():
            raise serializers.ValidationError(
                _("There is no topic with the slug “%(slug)s”.") % {"slug": slug}
            )
        return slug

    def validate_district(self, code: str) -> Area:
        return _area(code)


class ProposalQuery(QueryParameters):
    consultation = IdParameter(
        required=False, help_text=gettext_lazy("Only the proposals of this consultation (its id).")
    )
    bbox = BBoxField(required=False, help_text=BBOX_HELP)

    examples = {"bbox": BBOX_EXAMPLE}

    def validate_consultation(self, pk: int) -> ConsultationPage:
        return _consultation(pk)


class ContributionQuery(QueryParameters):
    consultation = IdParameter(
        required=False,
        help_text=gettext_lazy("Only the contributions to this consultation (its id)."),
    )
    proposal = IdParameter(
        required=False,
        help_text=gettext_lazy("Only the contributions on this proposal (its id)."),
    )
    category = ChoiceParameter(
        choices=Contribution.Category.choices,
        required=False,
        help_text=gettext_lazy("Only contributions of this category."),
    )
    area = serializers.CharField(
        required=False,
        max_length=16,
        help_text=gettext_lazy(
            "Only contributions placed in the area with this code or an area inside it."
        ),
    )
    bbox = BBoxField(required=False, help_text=BBOX_HELP)

    examples = {"bbox": BBOX_EXAMPLE, "category": Contribution.Category.SUGGESTION}

    def validate_consultation(self, pk: int) -> ConsultationPage:
        return _consultation(pk)

    def validate_proposal(self, pk: int) -> Proposal:
        proposal = proposal_list().filter(pk=pk).first()
        if proposal is None:
            raise serializers.ValidationError(
                _("There is no published proposal with the id %(id)s.") % {"id": pk}
            )
        return proposal

    def validate_area(self, code: str) -> Area:
        return _area(code)


class StatementQuery(QueryParameters):
    consultation = IdParameter(
        required=False,
        help_text=gettext_lazy("Only the statements on this consultation (its id)."),
    )
    group = IdParameter(
        required=False, help_text=gettext_lazy("Only the statements of this group (its id).")
    )
    recommendation = ChoiceParameter(
        choices=Statement.Recommendation.choices,
        required=False,
        help_text=gettext_lazy("Only statements with this recommendation."),
    )

    examples = {"recommendation": Statement.Recommendation.CONDITIONS}

    def validate_consultation(self, pk: int) -> ConsultationPage:
        return _consultation(pk)

    def validate_group(self, pk: int) -> Group:
        group = public_groups().filter(pk=pk).first()
        if group is None:
            raise serializers.ValidationError(
                _("There is no group with the id %(id)s.") % {"id": pk}
            )
        return group


class AnswerQuery(QueryParameters):
    consultation = IdParameter(
        required=False,
        help_text=gettext_lazy("Only the answers in this consultation (its id)."),
    )
    outcome = ChoiceParameter(
        choices=Answer.Outcome.choices,
        required=False,
        help_text=gettext_lazy("Only answers with this outcome."),
    )

    examples = {"outcome": Answer.Outcome.PARTLY}

    def validate_consultation(self, pk: int) -> ConsultationPage:
        return _consultation(pk)
