"""Who sees a consultation in its review phase, its statements and its groups' internal
discussion. One rule, used by the pages, the search, the sitemap, the API and the exports:
until its review phase has ended or the editors have published the review, a consultation
with a review phase is seen only by its editors and the active members of its invited
groups."""

from django.db.models import Q, QuerySet
from django.utils import timezone

from ..models import ConsultationPage, Group, ReviewComment, Statement, User
from .groups import member_group_ids


def consultations_hidden_in_review() -> QuerySet[ConsultationPage]:
    """The consultations no one but their editors and invited groups may see today."""
    return ConsultationPage.objects.filter(
        review_end__gte=timezone.localdate(), review_published_at__isnull=True
    )


def hidden_in_review_ids() -> QuerySet:
    """`consultations_hidden_in_review()` as a subquery of page ids, for `exclude(pk__in=…)`."""
    return consultations_hidden_in_review().values("pk")


def is_hidden_in_review(consultation: ConsultationPage) -> bool:
    return (
        consultation.review_end is not None
        and consultation.review_end >= timezone.localdate()
        and consultation.review_published_at is None
    )


def is_editor(user: User | None, consultation: ConsultationPage) -> bool:
    """Whether the user may edit the consultation page in Wagtail."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return consultation.permissions_for_user(user).can_edit()


def invited_group_ids(consultation: ConsultationPage) -> set[int]:
    return set(consultation.invited_groups.values_list("id", flat=True))


def review_groups(user: User | None, consultation: ConsultationPage) -> list[Group]:
    """The invited groups whose review the user takes part in or oversees: all of them for
    an editor, their own for an active member, none for anyone else."""
    groups = Group.objects.filter(id__in=invited_group_ids(consultation)).order_by("name")
    if is_editor(user, consultation):
        return list(groups)
    return list(groups.filter(id__in=member_group_ids(user=user)))


def may_take_part_in_review(user: User | None, consultation: ConsultationPage) -> bool:
    """Editors and the active members of the invited groups."""
    if user is None or not user.is_authenticated:
        return False
    if invited_group_ids(consultation) & member_group_ids(user=user):
        return True
    return is_editor(user, consultation)


def may_see_review(user: User | None, consultation: ConsultationPage) -> bool:
    """Whether the user may see the consultation at all (everyone may, once its review phase
    has ended or been published)."""
    return not is_hidden_in_review(consultation) or may_take_part_in_review(user, consultation)


def visible_statements(*, consultation: ConsultationPage, user: User | None) -> QuerySet[Statement]:
    """The statements on a consultation the user may read, newest first: those written in
    the review phase only once the review is published — except for the editors, who see
    all, and the members of the group that wrote them."""
    statements = Statement.objects.filter(consultation=consultation)
    if consultation.review_published_at is None and not is_editor(user, consultation):
        statements = statements.filter(
            Q(in_review=False) | Q(group_id__in=member_group_ids(user=user))
        )
    return statements.select_related("group", "proposal", "answer").order_by("-created_at", "-pk")


def review_comments(
    *, consultation: ConsultationPage, groups: list[Group]
) -> dict[int, list[ReviewComment]]:
    """The internal discussion of each of these groups, oldest first, keyed by group id.
    Callers pass `review_groups(user, consultation)`: never anyone else's groups."""
    discussion: dict[int, list[ReviewComment]] = {group.pk: [] for group in groups}
    comments = (
        ReviewComment.objects.filter(consultation=consultation, group__in=groups)
        .select_related("author", "proposal")
        .order_by("created_at", "pk")
    )
    for comment in comments:
        discussion[comment.group_id].append(comment)
    return discussion
