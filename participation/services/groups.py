"""What changes groups and their memberships: asking to join, the spokesperson's or editor's
decision, changing roles, leaving, and the editors' verification. One transaction per call;
who may do what is checked here, not in the views or the admin."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import Group, Membership, User
from ..selectors.groups import active_memberships, is_active_member, is_active_spokesperson

MEMBERSHIP_MESSAGE_MAX_LENGTH = 500
CHANGE_MEMBERSHIP = "participation.change_membership"
MAY_NOT_CHANGE_MEMBERS = gettext_lazy(
    "Only a spokesperson of this group or an editor may change its members."
)
LAST_SPOKESPERSON = gettext_lazy(
    "This is the group's last spokesperson. Make another member spokesperson first."
)


def membership_may_decide(*, group: Group, user: User | None) -> bool:
    """Whether `user` decides on the group's requests: an active spokesperson of this group,
    or an editor who may change memberships."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.has_perm(CHANGE_MEMBERSHIP):
        return True
    return is_active_spokesperson(group=group, user=user)


def group_member_check(*, group: Group, user: User) -> None:
    """Raise ValidationError unless `user` is an active member of `group` (to write on its
    behalf)."""
    if not is_active_member(group=group, user=user):
        raise ValidationError(_("You are not a member of this group."))


def _check_decider(*, membership: Membership, user: User, message: str = "") -> None:
    if not membership_may_decide(group=membership.group, user=user):
        raise PermissionDenied(
            message
            or _("Only a spokesperson of this group or an editor may decide on requests to join.")
        )


def _lock_memberships(group_id: int) -> None:
    """Lock the group's memberships, always in the same order: two changes to one group then
    wait for each other, so that two spokespersons stepping down at the same moment cannot
    both pass the last-spokesperson check."""
    list(
        Membership.objects.select_for_update()
        .filter(group_id=group_id)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _check_not_last_spokesperson(membership: Membership, *, message: str) -> None:
    """The group keeps a spokesperson as long as it has other members (call it with the
    group's memberships locked)."""
    if not (
        membership.status == Membership.Status.ACTIVE
        and membership.role == Membership.Role.SPOKESPERSON
    ):
        return
    others = active_memberships().filter(group_id=membership.group_id).exclude(pk=membership.pk)
    if others.exists() and not others.filter(role=Membership.Role.SPOKESPERSON).exists():
        raise ValidationError(message)


@transaction.atomic
def group_save(*, group: Group) -> Group:
    """Store a group created or changed by an editor. The date of verification is set when
    `verified` turns on and cleared when it turns off."""
    if not group.verified:
        group.verified_at = None
    elif group.verified_at is None:
        group.verified_at = timezone.now()
    group.save()
    return group


@transaction.atomic
def group_join_request(*, group: Group, user: User, message: str = "") -> Membership:
    """Ask to join `group`, with an optional message for its spokespersons. Asking again
    (or as a member) is refused with a message; nothing is stored twice."""
    if user is None or not user.is_authenticated:
        raise PermissionDenied(_("Please log in to ask to join a group."))
    if not user.is_active:
        raise PermissionDenied(_("This account is deactivated."))
    message = (message or "").replace("\r\n", "\n").strip()
    if len(message) > MEMBERSHIP_MESSAGE_MAX_LENGTH:
        raise ValidationError(
            {
                "message": _("Shorten the message to at most %(maximum)s characters.")
                % {"maximum": MEMBERSHIP_MESSAGE_MAX_LENGTH}
            }
        )
    existing = Membership.objects.filter(group=group, user=user).first()
    if existing is not None:
        raise ValidationError(_already_message(existing))
    try:
        with transaction.atomic():
            return Membership.objects.create(group=group, user=user, message=message)
    except IntegrityError:
        # Two requests at the same moment: the other one was stored.
        existing = Membership.objects.get(group=group, user=user)
        raise ValidationError(_already_message(existing)) from None


def _already_message(membership: Membership) -> str:
    if membership.status == Membership.Status.ACTIVE:
        return _("You are already a member of this group.")
    return _("You have already asked to join this group. A spokesperson will decide.")


@transaction.atomic
def membership_approve(*, membership: Membership, decided_by: User) -> Membership:
    """Accept a request to join: the person becomes a member."""
    _check_decider(membership=membership, user=decided_by)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.status != Membership.Status.REQUESTED:
        raise ValidationError(_("This person is already a member."))
    membership.status = Membership.Status.ACTIVE
    membership.decided_at = timezone.now()
    membership.decided_by = decided_by
    membership.save(update_fields=["status", "decided_at", "decided_by"])
    return membership


@transaction.atomic
def membership_decline(*, membership: Membership, decided_by: User) -> None:
    """Decline a request to join. The request is deleted, so the person may ask again."""
    _check_decider(membership=membership, user=decided_by)
    if membership.status != Membership.Status.REQUESTED:
        raise ValidationError(
            _("Only requests to join can be declined; this person is already a member.")
        )
    membership.delete()


@transaction.atomic
def membership_leave(*, group: Group, user: User) -> None:
    """Leave `group` (or withdraw a request to join). The last spokesperson cannot leave while
    other members remain."""
    _lock_memberships(group.pk)
    membership = (
        Membership.objects.filter(group=group, user=user).first() if user.is_authenticated else None
    )
    if membership is None:
        raise ValidationError(_("You are not a member of this group."))
    _check_not_last_spokesperson(
        membership,
        message=_(
            "You are the group's last spokesperson. Make another member spokesperson "
            "before you leave."
        ),
    )
    membership.delete()


@transaction.atomic
def membership_remove(*, membership: Membership, removed_by: User) -> None:
    """Remove someone from a group (a spokesperson of the group or an editor). The last
    spokesperson cannot be removed while other members remain."""
    _check_decider(membership=membership, user=removed_by, message=str(MAY_NOT_CHANGE_MEMBERS))
    _lock_memberships(membership.group_id)
    membership = Membership.objects.filter(pk=membership.pk).first()
    if membership is None:
        return  # removed a moment ago
    _check_not_last_spokesperson(membership, message=str(LAST_SPOKESPERSON))
    membership.delete()


@transaction.atomic
def membership_role_change(*, membership: Membership, role: str, changed_by: User) -> Membership:
    """Make an active member spokesperson, or a spokesperson a member again (a spokesperson of
    the group or an editor). The last spokesperson keeps the role while other members remain;
    asking for the role someone already has changes nothing."""
    _check_decider(membership=membership, user=changed_by, message=str(MAY_NOT_CHANGE_MEMBERS))
    if role not in Membership.Role.values:
        raise ValidationError(_("Choose a role."))
    _lock_memberships(membership.group_id)
    membership = Membership.objects.filter(pk=membership.pk).first()
    if membership is None:
        raise ValidationError(_("This person is no longer a member."))
    if membership.status != Membership.Status.ACTIVE:
        raise ValidationError(_("Only members have a role: decide on the request to join first."))
    if membership.role == role:
        return membership
    if role != Membership.Role.SPOKESPERSON:
        _check_not_last_spokesperson(membership, message=str(LAST_SPOKESPERSON))
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def membership_save(*, membership: Membership, saved_by: User) -> Membership:
    """Store a membership created or changed by an editor. Making it active records the
    decision; taking the role from the last spokesperson is refused while others remain."""
    if not saved_by.has_perm(CHANGE_MEMBERSHIP) and not saved_by.has_perm(
        "participation.add_membership"
    ):
        raise PermissionDenied(_("You may not change memberships."))
    if membership.pk is not None:
        _lock_memberships(membership.group_id)
        stored = Membership.objects.get(pk=membership.pk)
        losing_role = stored.role == Membership.Role.SPOKESPERSON and (
            membership.role != Membership.Role.SPOKESPERSON
            or membership.status != Membership.Status.ACTIVE
        )
        if losing_role:
            _check_not_last_spokesperson(stored, message=str(LAST_SPOKESPERSON))
    if membership.status == Membership.Status.ACTIVE and membership.decided_at is None:
        membership.decided_at = timezone.now()
        membership.decided_by = saved_by
    membership.save()
    return membership
