"""What the group pages read: groups with their member counts, a group's public statements,
its spokespersons and the requests to join. Constant queries whatever the number of members
or statements. Never e-mail addresses: only display names leave here."""

from django.db.models import Count, Q, QuerySet

from ..models import Group, Membership, Statement, User
from .pages import CONSULTATION_CONTENT

ACTIVE = Membership.Status.ACTIVE


def group_list(*, kind: str = "") -> QuerySet[Group]:
    """All groups by name, with `member_count` (active members), optionally of one kind."""
    groups = Group.objects.annotate(
        member_count=Count("memberships", filter=Q(memberships__status=ACTIVE))
    ).order_by("name")
    if kind:
        groups = groups.filter(kind=kind)
    return groups


def group_get(*, slug: str) -> Group | None:
    """One group with `member_count`, or None."""
    return group_list().filter(slug=slug).first()


def group_public_statements(*, group: Group) -> QuerySet[Statement]:
    """The group's statements the public may read: on live consultations, and written outside
    a review phase or in one whose review the editors have published."""
    return (
        Statement.objects.filter(group=group, consultation__live=True)
        .filter(Q(in_review=False) | Q(consultation__review_published_at__isnull=False))
        .select_related("consultation", "proposal")
        .defer(
            *(f"consultation__{field}" for field in CONSULTATION_CONTENT),
            "proposal__geometry",
            "proposal__description",
        )
        .order_by("-created_at", "-pk")
    )


def group_spokespersons(*, group: Group) -> list[User]:
    """The group's active spokespersons (shown by display name only)."""
    return [
        membership.user
        for membership in Membership.objects.filter(
            group=group, status=ACTIVE, role=Membership.Role.SPOKESPERSON
        )
        .select_related("user")
        .order_by("user__display_name", "pk")
    ]


def group_membership_of(*, group: Group, user: User) -> Membership | None:
    """`user`'s membership or request in `group`, if any."""
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(group=group, user=user).first()


def group_memberships(*, group: Group, status: str) -> QuerySet[Membership]:
    """The group's requests (`requested`) or members (`active`), spokespersons first."""
    return (
        Membership.objects.filter(group=group, status=status)
        .select_related("user")
        .order_by("-role", "requested_at", "pk")
    )


def user_groups(*, user: User) -> list[Group]:
    """The groups `user` may write for: those they are an active member of."""
    if not user.is_authenticated:
        return []
    return list(Group.objects.filter(memberships__user=user, memberships__status=ACTIVE))
