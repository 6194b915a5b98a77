"""What the group pages read: groups with their member counts, a group's public statements,
its spokespersons and the requests to join. Constant queries whatever the number of members
or statements. Never e-mail addresses: only display names leave here.

Also the one answer to "who is an active member (or spokesperson) of which group", asked by
the group pages, the statements and the review phase alike."""

from django.db.models import Count, Q, QuerySet

from ..models import Group, Membership, Statement, User

ACTIVE = Membership.Status.ACTIVE
SPOKESPERSON = Membership.Role.SPOKESPERSON


# Active members and spokespersons -----------------------------------------------------------


def active_memberships(
    *, group: Group | None = None, user: User | None = None, spokesperson: bool = False
) -> QuerySet[Membership]:
    """Active memberships (only spokespersons' with `spokesperson`), of one group and/or one
    user. An anonymous visitor or a deactivated account is a member of nothing."""
    memberships = Membership.objects.filter(status=ACTIVE)
    if user is not None:
        if not user.is_authenticated or not user.is_active:
            return memberships.none()
        memberships = memberships.filter(user=user)
    if group is not None:
        memberships = memberships.filter(group=group)
    if spokesperson:
        memberships = memberships.filter(role=SPOKESPERSON)
    return memberships


def is_active_member(*, group: Group, user: User | None) -> bool:
    """Whether `user` is an active member of `group` (a spokesperson is one too)."""
    return user is not None and active_memberships(group=group, user=user).exists()


def is_active_spokesperson(*, group: Group, user: User | None) -> bool:
    """Whether `user` is an active spokesperson of `group`."""
    return (
        user is not None and active_memberships(group=group, user=user, spokesperson=True).exists()
    )


def member_group_ids(*, user: User | None, spokesperson: bool = False) -> set[int]:
    """The ids of the groups `user` is an active member (or spokesperson) of."""
    if user is None:
        return set()
    memberships = active_memberships(user=user, spokesperson=spokesperson)
    return set(memberships.values_list("group_id", flat=True))


def member_groups(*, user: User | None, spokesperson: bool = False) -> QuerySet[Group]:
    """The groups `user` is an active member (or spokesperson) of, by name."""
    if user is None:
        return Group.objects.none()
    memberships = active_memberships(user=user, spokesperson=spokesperson)
    return Group.objects.filter(pk__in=memberships.values("group_id")).order_by("name")


# The group pages ----------------------------------------------------------------------------


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
    from .pages import CONSULTATION_CONTENT  # pages reads review, which reads the members here

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
        for membership in active_memberships(group=group, spokesperson=True)
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
    return list(member_groups(user=user))
