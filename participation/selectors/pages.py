"""What the public pages read: querysets built once, in a constant number of queries
whatever the number of contributions; geometry serialised by the database."""

from dataclasses import dataclass

import orjson
from django.contrib.gis.db.models.functions import AsGeoJSON
from django.db.models import (
    Count,
    Prefetch,
    Q,
    QuerySet,
)
from django.utils import timezone

from maps.models import Area

from ..models import Answer, ConsultationPage, Contribution, Phase, Proposal, Support, User
from .review import hidden_in_review_ids

GEOJSON_PRECISION = 6  # about 10 cm: people point at doors and benches
# What lists never show of a consultation page (and need not read).
CONSULTATION_CONTENT = ("body", "easy_language_body", "area_geometry")


def consultation_list(
    *, district: Area | None = None, topic: str = "", phase: str = ""
) -> QuerySet[ConsultationPage]:
    """Live consultations anyone may see (none in an unpublished review phase), newest first,
    filtered by district (a chosen area lies in it), topic slug and current phase."""
    consultations = (
        ConsultationPage.objects.live()
        .public()
        .exclude(pk__in=hidden_in_review_ids())
        .defer("area_geometry")
        .prefetch_related("topics", Prefetch("areas", Area.objects.defer("geometry")))
        .order_by("-contributions_start", "title")
    )
    if district is not None:
        consultations = consultations.filter(
            Q(areas=district)
            | Q(areas__parent=district)
            | Q(areas__parent__parent=district)
            | Q(areas__parent__parent__parent=district)
        ).distinct()
    if topic:
        consultations = consultations.filter(topics__slug=topic)
    if phase:
        today = timezone.localdate()
        consultations = consultations.filter(_phase_filter(phase, today))
    return consultations


def _phase_filter(phase: str, today) -> Q:
    if phase == Phase.INFORMATION:
        return Q(contributions_start__gt=today)
    if phase == Phase.CONTRIBUTIONS:
        return Q(contributions_start__lte=today, contributions_end__gte=today)
    if phase == Phase.EVALUATION:
        return Q(contributions_end__lt=today) & (
            Q(result_date__isnull=True) | Q(result_date__gt=today)
        )
    if phase == Phase.RESULT:
        return Q(result_date__lte=today)
    raise ValueError(phase)


def public_contributions(*, consultation: ConsultationPage | None = None) -> QuerySet:
    """Top-level contributions the public may see (published or removed-with-reason) of live
    consultations not hidden in their review phase, with what a list shows joined in."""
    contributions = Contribution.objects.filter(
        reply_to__isnull=True,
        status__in=[Contribution.Status.PUBLISHED, Contribution.Status.REJECTED],
        consultation__live=True,
    ).exclude(consultation__in=hidden_in_review_ids())
    if consultation is not None:
        contributions = contributions.filter(consultation=consultation)
    return (
        contributions.select_related("author", "area", "proposal", "group", "answer")
        .defer("area__geometry", "proposal__geometry", "proposal__description")
        .annotate(
            reply_count=Count(
                "replies", filter=Q(replies__status=Contribution.Status.PUBLISHED), distinct=True
            )
        )
        .order_by("-created_at", "-pk")
    )


@dataclass(frozen=True)
class ContributionFilters:
    """The filters a list, its map and the API share."""

    category: str = ""
    area: Area | None = None
    proposal: Proposal | None = None

    def apply(self, contributions: QuerySet) -> QuerySet:
        if self.category:
            contributions = contributions.filter(category=self.category)
        if self.area is not None:
            contributions = contributions.filter(
                Q(area=self.area)
                | Q(area__parent=self.area)
                | Q(area__parent__parent=self.area)
                | Q(area__parent__parent__parent=self.area)
            )
        if self.proposal is not None:
            contributions = contributions.filter(proposal=self.proposal)
        return contributions


def contribution_get(*, consultation: ConsultationPage, pk: int) -> Contribution | None:
    """A visible top-level contribution with its visible replies (None if there is none)."""
    replies = (
        Contribution.objects.filter(status=Contribution.Status.PUBLISHED)
        .select_related("author", "group", "answer")
        .order_by("created_at", "pk")
    )
    return (
        public_contributions(consultation=consultation)
        .prefetch_related(Prefetch("replies", replies, to_attr="visible_replies"))
        .filter(pk=pk)
        .first()
    )


def supported_ids(*, user: User, contributions) -> set[int]:
    """Which of these contributions the user supports (one query)."""
    if not user.is_authenticated:
        return set()
    return set(
        Support.objects.filter(
            user=user, contribution__in=[c.pk for c in contributions]
        ).values_list("contribution_id", flat=True)
    )


def contribution_features(contributions: QuerySet) -> bytes:
    """The contributions that have a geometry, as a GeoJSON FeatureCollection for the map
    (one query; the database writes the geometry)."""
    rows = (
        contributions.filter(geometry__isnull=False)
        .annotate(geojson=AsGeoJSON("geometry", precision=GEOJSON_PRECISION))
        .values_list("pk", "category", "status", "text", "answer__outcome", "geojson")
    )
    features = []
    for pk, category, status, text, outcome, geojson in rows:
        removed = status == Contribution.Status.REJECTED
        features.append(
            {
                "type": "Feature",
                "id": pk,
                "properties": {
                    "id": pk,
                    "category": category,
                    "category_label": str(Contribution.Category(category).label)
                    if category
                    else "",
                    "removed": removed,
                    "excerpt": "" if removed else _excerpt(text),
                    "outcome": outcome or "",
                    "outcome_label": str(Answer.Outcome(outcome).label) if outcome else "",
                },
                "geometry": orjson.Fragment(geojson),
            }
        )
    return orjson.dumps({"type": "FeatureCollection", "features": features})


def proposal_features(proposals) -> bytes:
    features = [
        {
            "type": "Feature",
            "id": f"proposal-{proposal.pk}",
            "properties": {"id": proposal.pk, "name": proposal.title, "url": proposal.url},
            "geometry": orjson.Fragment(proposal.geometry.geojson),
        }
        for proposal in proposals
        if proposal.geometry is not None
    ]
    return orjson.dumps({"type": "FeatureCollection", "features": features})


def _excerpt(text: str, length: int = 140) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def consultation_area_choices(*, consultation: ConsultationPage) -> list[Area]:
    """The areas someone may choose as a contribution's place: the consultation's areas and
    everything inside them, in LOR order (the whole city's districts, forecast areas and
    district regions when the consultation names none)."""
    chosen = list(consultation.areas.values_list("code", flat=True))
    areas = Area.objects.defer("geometry").order_by("code")
    if not chosen:
        return list(areas.exclude(level=Area.Level.PLANUNGSRAUM))
    query = Q()
    for code in chosen:
        query |= Q(code__startswith=code)
    return list(areas.filter(query))
