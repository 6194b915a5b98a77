"""What the administration's answers read: which items wait for an answer (for the editors)
and which answers, statements and groups are public (for the REST API). Querysets are built
once, in a constant number of queries."""

from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce

from ..models import Answer, ConsultationPage, Contribution, Group, Statement
from .api import public_consultations
from .pages import CONSULTATION_CONTENT

ANSWER_STATES = ("unanswered", "answered")


def answerable_contributions() -> QuerySet[Contribution]:
    """The contributions the administration answers: published and top-level (replies are
    part of the discussion, not items of their own)."""
    return Contribution.objects.filter(status=Contribution.Status.PUBLISHED, reply_to__isnull=True)


def _count_per_consultation(queryset: QuerySet) -> Subquery:
    return Coalesce(
        Subquery(
            queryset.filter(consultation=OuterRef("pk"))
            .order_by()
            .values("consultation")
            .annotate(count=Count("pk"))
            .values("count"),
            output_field=IntegerField(),
        ),
        0,
    )


def answer_consultations() -> QuerySet[ConsultationPage]:
    """Every consultation (drafts too) for the editors, without its content, with
    `unanswered_contributions`, `unanswered_statements` and `unanswered` (their sum), most
    unanswered first: one query however many consultations there are."""
    contributions = _count_per_consultation(answerable_contributions().filter(answer__isnull=True))
    statements = _count_per_consultation(Statement.objects.filter(answer__isnull=True))
    return (
        ConsultationPage.objects.defer(*CONSULTATION_CONTENT)
        .annotate(unanswered_contributions=contributions, unanswered_statements=statements)
        .annotate(unanswered=F("unanswered_contributions") + F("unanswered_statements"))
        .order_by("-unanswered", "title", "pk")
    )


def answer_unanswered_total() -> int:
    """How many contributions and statements wait for an answer, over all consultations
    (two counts)."""
    contributions = answerable_contributions().filter(answer__isnull=True).count()
    return contributions + Statement.objects.filter(answer__isnull=True).count()


def _by_state(items: QuerySet, state: str) -> QuerySet:
    if state not in ("", *ANSWER_STATES):
        raise ValueError(state)
    if state:
        items = items.filter(answer__isnull=state == "unanswered")
    return items.annotate(
        is_answered=ExpressionWrapper(Q(answer__isnull=False), output_field=BooleanField())
    ).order_by("is_answered", "created_at", "pk")


def answer_contributions(
    *, consultation: ConsultationPage, state: str = ""
) -> QuerySet[Contribution]:
    """A consultation's answerable contributions, unanswered first and then oldest first,
    with their answer, author and proposal joined in. `state` "unanswered" or "answered"
    keeps only those."""
    contributions = answerable_contributions().filter(consultation=consultation)
    return _by_state(
        contributions.select_related("answer", "author", "proposal").defer(
            "geometry", "proposal__geometry", "proposal__description"
        ),
        state,
    )


def answer_statements(*, consultation: ConsultationPage, state: str = "") -> QuerySet[Statement]:
    """A consultation's statements (those of a review phase too), unanswered first, with
    their group, proposal and answer joined in."""
    statements = Statement.objects.filter(consultation=consultation)
    return _by_state(
        statements.select_related("answer", "group", "proposal").defer(
            "proposal__geometry", "proposal__description"
        ),
        state,
    )


def answer_contribution_get(*, pk: int) -> Contribution | None:
    """An answerable contribution with its consultation and answer (None if there is none)."""
    return (
        answerable_contributions()
        .select_related("answer", "consultation", "author", "proposal")
        .defer(
            "geometry",
            "proposal__geometry",
            *(f"consultation__{field}" for field in CONSULTATION_CONTENT),
        )
        .filter(pk=pk)
        .first()
    )


def answer_statement_get(*, pk: int) -> Statement | None:
    """A statement with its consultation, group and answer (None if there is none)."""
    return (
        Statement.objects.select_related("answer", "consultation", "group", "proposal")
        .defer(*(f"consultation__{field}" for field in CONSULTATION_CONTENT))
        .filter(pk=pk)
        .first()
    )


# Public (the REST API) ---------------------------------------------------------------------


def public_statement_filter(prefix: str = "", *, public: QuerySet | None = None) -> Q:
    """Statements anyone may see: of a consultation anyone may see (`public`, the ids of
    `public_consultations()` if not given), and not written in a review phase whose review
    the editors have not published yet."""
    if public is None:
        public = public_consultations().values("pk")
    return Q(**{f"{prefix}consultation__in": public}) & (
        Q(**{f"{prefix}in_review": False})
        | Q(**{f"{prefix}consultation__review_published_at__isnull": False})
    )


def public_groups() -> QuerySet[Group]:
    """Every group, by name: a group's name, kind and description are public (its members
    are not)."""
    return Group.objects.order_by("name", "pk")


def public_statements(
    *,
    consultation: ConsultationPage | None = None,
    group: Group | None = None,
    recommendation: str = "",
) -> QuerySet[Statement]:
    """Statements anyone may see, newest first, with their group, consultation and answer
    joined in."""
    statements = Statement.objects.filter(public_statement_filter())
    if consultation is not None:
        statements = statements.filter(consultation=consultation)
    if group is not None:
        statements = statements.filter(group=group)
    if recommendation:
        statements = statements.filter(recommendation=recommendation)
    return (
        statements.select_related("group", "answer", "consultation")
        .defer(*(f"consultation__{field}" for field in CONSULTATION_CONTENT))
        .order_by("-created_at", "-pk")
    )


def public_answers(
    *, consultation: ConsultationPage | None = None, outcome: str = ""
) -> QuerySet[Answer]:
    """Answers anyone may see, newest first: to published top-level contributions and to
    public statements, of consultations anyone may see. `consultation_id` is annotated
    (from whichever item is answered)."""
    public = public_consultations().values("pk")
    answers = Answer.objects.filter(
        Q(
            contribution__status=Contribution.Status.PUBLISHED,
            contribution__reply_to__isnull=True,
            contribution__consultation__in=public,
        )
        | Q(statement__isnull=False) & public_statement_filter("statement__", public=public)
    )
    answers = answers.annotate(
        consultation_id=Coalesce("contribution__consultation_id", "statement__consultation_id")
    )
    if consultation is not None:
        answers = answers.filter(consultation_id=consultation.pk)
    if outcome:
        answers = answers.filter(outcome=outcome)
    return answers.order_by("-answered_at", "-pk")
