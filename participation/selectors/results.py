"""What a consultation's result report reads: the contributions the administration answered
and its answers, counted by outcome, category, area and day, and the public statements.

The report covers the published top-level contributions (those the administration answers;
removed ones are counted apart, replies belong to the discussion) and the statements anyone
may see. Every figure comes from one aggregate query, so the report costs the same number
of queries for ten contributions as for ten thousand.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Answer, ConsultationPage, Contribution, Statement
from ..models.consultations import Phase
from .administration import place_writer
from .answers import answerable_contributions, public_statement_filter
from .review import is_editor, may_see_review

UNANSWERED = "unanswered"


@dataclass(frozen=True)
class Tally:
    """One row of a count table: a key for scripts and styles, its label and its count."""

    key: str
    label: str
    count: int


@dataclass(frozen=True)
class ResultFigures:
    contributions: int
    removed: int
    supports: int
    statements: int
    by_outcome: list[Tally]
    statements_by_outcome: list[Tally]
    by_category: list[Tally]
    by_area: list[Tally]
    per_day: list[tuple[date, int]]

    @property
    def answered(self) -> int:
        return sum(row.count for row in self.by_outcome if row.key != UNANSWERED)


def may_see_result(user, consultation: ConsultationPage) -> bool:
    """Everyone once the consultation has reached its result phase; before, only its editors
    (as a preview). Never a consultation the user may not see at all."""
    if not may_see_review(user, consultation):
        return False
    return consultation.phase == Phase.RESULT or is_editor(user, consultation)


def result_contributions(*, consultation: ConsultationPage) -> QuerySet[Contribution]:
    """The contributions the report covers, oldest first, with what its table shows joined
    in (area, proposal, group, answer)."""
    return (
        answerable_contributions()
        .filter(consultation=consultation)
        .select_related("area", "proposal", "group", "answer")
        .defer(
            "area__geometry", "proposal__geometry", "proposal__description", "group__description"
        )
        .order_by("created_at", "pk")
    )


def result_statements(*, consultation: ConsultationPage) -> QuerySet[Statement]:
    """The statements anyone may see, with their group, proposal and answer, oldest first."""
    return (
        Statement.objects.filter(public_statement_filter(), consultation=consultation)
        .select_related("group", "proposal", "answer")
        .defer("proposal__geometry", "proposal__description")
        .order_by("created_at", "pk")
    )


def _outcomes(rows: dict[str | None, int]) -> list[Tally]:
    counts = [
        Tally(value, str(label), rows.get(value, 0)) for value, label in Answer.Outcome.choices
    ]
    counts.append(Tally(UNANSWERED, _("Not answered yet"), rows.get(None, 0)))
    return counts


def _grouped(queryset: QuerySet, field: str) -> dict:
    return dict(queryset.order_by().values_list(field).annotate(count=Count("pk")))


def result_figures(*, consultation: ConsultationPage) -> ResultFigures:
    """Every count of the report (seven queries)."""
    contributions = answerable_contributions().filter(consultation=consultation)
    totals = Contribution.objects.filter(
        consultation=consultation, reply_to__isnull=True
    ).aggregate(
        published=Count("pk", filter=Q(status=Contribution.Status.PUBLISHED)),
        removed=Count("pk", filter=Q(status=Contribution.Status.REJECTED)),
        supports=Sum("support_count", filter=Q(status=Contribution.Status.PUBLISHED)),
    )
    statements = Statement.objects.filter(public_statement_filter(), consultation=consultation)
    categories = _grouped(contributions, "category")
    by_category = [
        Tally(value, str(label), categories.get(value, 0))
        for value, label in Contribution.Category.choices
    ]
    if categories.get(""):
        by_category.append(Tally("none", _("No category"), categories[""]))
    return ResultFigures(
        contributions=totals["published"],
        removed=totals["removed"],
        supports=totals["supports"] or 0,
        statements=sum(_grouped(statements, "answer__outcome").values()),
        by_outcome=_outcomes(_grouped(contributions, "answer__outcome")),
        statements_by_outcome=_outcomes(_grouped(statements, "answer__outcome")),
        by_category=by_category,
        by_area=_by_area(contributions),
        per_day=_per_day(consultation, contributions),
    )


def _by_area(contributions: QuerySet) -> list[Tally]:
    """Contributions per area (the area of their place or the one chosen), most first, then
    those without an area."""
    rows = (
        contributions.order_by()
        .values_list("area__code", "area__name")
        .annotate(count=Count("pk"))
        .order_by("-count", "area__name")
    )
    counts = [Tally(code, name, count) for code, name, count in rows if code]
    without = sum(count for code, _name, count in rows if not code)
    if without:
        counts.append(Tally("", _("No specific place"), without))
    return counts


def _per_day(consultation: ConsultationPage, contributions: QuerySet) -> list[tuple[date, int]]:
    """Contributions per day of the contribution phase, in the site's time zone, days without
    any included (a contribution dated outside the phase widens the range)."""
    zone = timezone.get_current_timezone()
    rows = dict(
        contributions.order_by()
        .annotate(day=TruncDate("created_at", tzinfo=zone))
        .values_list("day")
        .annotate(count=Count("pk"))
        .values_list("day", "count")
    )
    days = [day for day in rows if day is not None]
    first = min([consultation.contributions_start, *days])
    last = min(consultation.contributions_end, timezone.localdate())
    last = max([last, *days])
    return [
        (first + timedelta(days=offset), rows.get(first + timedelta(days=offset), 0))
        for offset in range((last - first).days + 1)
    ]


RESULT_EXPORT_FIELDS = (
    "pk",
    "created_at",
    "category",
    "text",
    "proposal_id",
    "proposal__title",
    "area__code",
    "area__name",
    "group__name",
    "support_count",
    "answer__outcome",
    "answer__reasons",
    "answer__answered_at",
)


def result_export_rows(*, consultation: ConsultationPage, geometry: str) -> QuerySet:
    """The report's contributions for its downloads, as dicts of exactly the exported values,
    oldest first, the geometry written by the database ("wkt" or "geojson"). Anonymous: no
    author, moderator or answering editor is read."""
    return (
        answerable_contributions()
        .filter(consultation=consultation)
        .annotate(place=place_writer(geometry))
        .order_by("created_at", "pk")
        .values(*RESULT_EXPORT_FIELDS, "place")
    )
