"""What reads participation data: querysets built once, in a constant number of queries
whatever the number of contributions; geometry serialised by the database."""

from dataclasses import dataclass

import orjson
from django.contrib.gis.db.models import functions
from django.contrib.gis.db.models.functions import AsGeoJSON
from django.contrib.gis.geos import Polygon
from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from maps.models import Area

from .models import ConsultationPage, Contribution, Phase, Proposal, Report, Support, User

GEOJSON_PRECISION = 6  # about 10 cm: people point at doors and benches


def consultation_list(
    *, district: Area | None = None, topic: str = "", phase: str = ""
) -> QuerySet[ConsultationPage]:
    """Live consultations, newest first, filtered by district (a chosen area lies in it),
    topic slug and current phase."""
    consultations = (
        ConsultationPage.objects.live()
        .public()
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
    consultations, with what a list shows joined in."""
    contributions = Contribution.objects.filter(
        reply_to__isnull=True,
        status__in=[Contribution.Status.PUBLISHED, Contribution.Status.REJECTED],
        consultation__live=True,
    )
    if consultation is not None:
        contributions = contributions.filter(consultation=consultation)
    return (
        contributions.select_related("author", "area", "proposal")
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
        .select_related("author")
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
        .values_list("pk", "category", "status", "text", "geojson")
    )
    features = []
    for pk, category, status, text, geojson in rows:
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


# The REST API --------------------------------------------------------------------------------

# What a list in the API never shows of a consultation (and need not read).
CONSULTATION_CONTENT = ("body", "easy_language_body", "area_geometry")


def public_consultations() -> QuerySet[ConsultationPage]:
    """Consultations anyone may see: live and without a view restriction."""
    return ConsultationPage.objects.live().public()


def consultation_find(*, pk: int) -> ConsultationPage | None:
    """A consultation anyone may see, without its content (None if there is none)."""
    return public_consultations().defer(*CONSULTATION_CONTENT).filter(pk=pk).first()


def consultation_summaries(
    *, district: Area | None = None, topic: str = "", phase: str = ""
) -> QuerySet[ConsultationPage]:
    """`consultation_list` without the content, with the number of published contributions
    (replies included) as `contribution_count`, in a stable order for paging."""
    published = (
        Contribution.objects.filter(
            consultation=OuterRef("pk"), status=Contribution.Status.PUBLISHED
        )
        .order_by()
        .values("consultation")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return (
        consultation_list(district=district, topic=topic, phase=phase)
        .defer(*CONSULTATION_CONTENT)
        .annotate(contribution_count=Coalesce(Subquery(published), 0))
        .order_by("-contributions_start", "title", "pk")
    )


def proposal_list(
    *, consultation: ConsultationPage | None = None, bbox: Polygon | None = None
) -> QuerySet[Proposal]:
    """Proposals of consultations anyone may see, in their consultation's order, with the
    geometry written as GeoJSON by the database (`geojson`)."""
    proposals = Proposal.objects.filter(consultation__in=public_consultations().values("pk"))
    if consultation is not None:
        proposals = proposals.filter(consultation=consultation)
    if bbox is not None:
        proposals = proposals.filter(geometry__intersects=bbox)
    return (
        proposals.select_related("consultation", "area")
        .defer(
            "geometry",
            "area__geometry",
            *(f"consultation__{field}" for field in CONSULTATION_CONTENT),
        )
        .annotate(geojson=AsGeoJSON("geometry", precision=GEOJSON_PRECISION))
        .order_by("consultation", "sort_order", "pk")
    )


def published_contributions(
    *,
    consultation: ConsultationPage | None = None,
    filters: ContributionFilters | None = None,
    bbox: Polygon | None = None,
) -> QuerySet[Contribution]:
    """Exactly the published contributions, replies included, of consultations anyone may
    see, newest first; author, area and consultation joined in and the geometry written as
    GeoJSON by the database (`geojson`). With `bbox`, only those whose geometry meets it."""
    contributions = Contribution.objects.filter(
        status=Contribution.Status.PUBLISHED,
        consultation__in=public_consultations().values("pk"),
    )
    if consultation is not None:
        contributions = contributions.filter(consultation=consultation)
    if filters is not None:
        contributions = filters.apply(contributions)
    if bbox is not None:
        contributions = contributions.filter(geometry__intersects=bbox)
    return (
        contributions.select_related("author", "area", "consultation")
        .defer(
            "geometry",
            "area__geometry",
            *(f"consultation__{field}" for field in CONSULTATION_CONTENT),
        )
        .annotate(geojson=AsGeoJSON("geometry", precision=GEOJSON_PRECISION))
        .order_by("-created_at", "-pk")
    )


# Moderation and exports for the administration ---------------------------------------------

MODERATION_QUEUES = ("pending", "reported", "published")


def _queue_conditions() -> dict[str, Q]:
    reported_ids = Report.objects.filter(resolved_at__isnull=True).values("contribution_id")
    pending = Q(status=Contribution.Status.PENDING)
    reported = Q(status=Contribution.Status.PUBLISHED, pk__in=reported_ids)
    return {
        "": pending | reported,
        "pending": pending,
        "reported": reported,
        "published": Q(status=Contribution.Status.PUBLISHED),
    }


def _for_moderators(contributions: QuerySet[Contribution]) -> QuerySet[Contribution]:
    open_reports = Report.objects.filter(resolved_at__isnull=True)
    report_count = (
        open_reports.filter(contribution=OuterRef("pk"))
        .order_by()
        .values("contribution")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return (
        contributions.select_related("consultation", "author", "area", "proposal")
        .defer(
            "geometry",
            "area__geometry",
            "proposal__geometry",
            "proposal__description",
            *(f"consultation__{field}" for field in CONSULTATION_CONTENT),
        )
        .annotate(
            open_report_count=Coalesce(Subquery(report_count), 0),
            has_geometry=ExpressionWrapper(Q(geometry__isnull=False), output_field=BooleanField()),
        )
        .prefetch_related(
            Prefetch("reports", open_reports.order_by("created_at", "pk"), to_attr="open_reports")
        )
    )


def moderation_queue(*, queue: str = "") -> QuerySet[Contribution]:
    """Contributions for the moderators, oldest first. By default those waiting for a decision
    (pending, or published with an open report); `queue` narrows this to "pending" or
    "reported", or lists every "published" one (to remove one afterwards).

    Consultation, proposal, area and author are joined in; `open_report_count` counts the open
    reports, `open_reports` holds them (oldest first) and `has_geometry` says whether a place
    was drawn."""
    conditions = _queue_conditions()
    if queue not in conditions:
        raise ValueError(queue)
    return _for_moderators(Contribution.objects.filter(conditions[queue])).order_by(
        "created_at", "pk"
    )


def moderation_get(*, pk: int) -> Contribution | None:
    """One contribution, whatever its status, with what `moderation_queue` joins in."""
    return _for_moderators(Contribution.objects.filter(pk=pk)).first()


def moderation_find(*, pks) -> QuerySet[Contribution]:
    """Contributions by id (a list or a query of ids), whatever their status, oldest first,
    with what `moderation_queue` joins in."""
    return _for_moderators(Contribution.objects.filter(pk__in=pks)).order_by("created_at", "pk")


def moderation_waiting_count() -> int:
    """How many contributions wait for a moderator's decision (one query)."""
    return Contribution.objects.filter(_queue_conditions()[""]).count()


class AsWKT(functions.AsWKT):
    """WKT with at most as many decimals as the second argument allows (the databases' default
    of 15 writes floating-point noise)."""

    arity = 2


EXPORT_FIELDS = (
    "pk",
    "reply_to_id",
    "created_at",
    "category",
    "status",
    "text",
    "moderation_reason",
    "proposal_id",
    "proposal__title",
    "area__code",
    "area__name",
    "author_id",
    "author__display_name",
    "support_count",
)


def contribution_export_rows(*, consultation: ConsultationPage, geometry: str) -> QuerySet:
    """A consultation's contributions for the administration's exports, as dicts of exactly
    the exported values, oldest first; replies included, withdrawn ones left out (their
    authors took them back). The geometry is written by the database, as `geometry` "wkt" or
    "geojson" says (None without a place).

    Nothing here identifies a person beyond the public display name: no e-mail address, user
    name, reporter or moderator is read."""
    writers = {
        "wkt": AsWKT("geometry", Value(GEOJSON_PRECISION)),
        "geojson": AsGeoJSON("geometry", precision=GEOJSON_PRECISION),
    }
    return (
        Contribution.objects.filter(consultation=consultation)
        .exclude(status=Contribution.Status.WITHDRAWN)
        .annotate(place=writers[geometry])
        .order_by("created_at", "pk")
        .values(*EXPORT_FIELDS, "place")
    )
