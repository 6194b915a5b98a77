"""What moderators and editors read in the admin: the moderation queue and exports."""

from django.contrib.gis.db.models import functions
from django.contrib.gis.db.models.functions import AsGeoJSON
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

from ..models import ConsultationPage, Contribution, Report
from .pages import CONSULTATION_CONTENT, GEOJSON_PRECISION

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


def place_writer(geometry: str):
    """The expression that has the database write a contribution's place as "wkt" or
    "geojson" (None without a place)."""
    if geometry == "wkt":
        return AsWKT("geometry", Value(GEOJSON_PRECISION))
    return AsGeoJSON("geometry", precision=GEOJSON_PRECISION)


def contribution_export_rows(*, consultation: ConsultationPage, geometry: str) -> QuerySet:
    """A consultation's contributions for the administration's exports, as dicts of exactly
    the exported values, oldest first; replies included, withdrawn ones left out (their
    authors took them back). The geometry is written by the database, as `geometry` "wkt" or
    "geojson" says (None without a place).

    Nothing here identifies a person beyond the public display name: no e-mail address, user
    name, reporter or moderator is read."""
    return (
        Contribution.objects.filter(consultation=consultation)
        .exclude(status=Contribution.Status.WITHDRAWN)
        .annotate(place=place_writer(geometry))
        .order_by("created_at", "pk")
        .values(*EXPORT_FIELDS, "place")
    )
