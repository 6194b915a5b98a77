"""What changes participation data: one transaction per call, rules checked here (not in views,
forms or serializers), notifications queued after the commit."""

from django.contrib.gis.geos import GEOSGeometry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from maps.geometry import kind_name
from maps.models import Area
from maps.selectors import area_containing

from ..models import ConsultationPage, Contribution, Group, Proposal, Report, Support, User
from ..models.contributions import REASON_MAX_LENGTH, TEXT_MAX_LENGTH
from .groups import group_member_check


def _clean_text(value: str, *, field: str, maximum: int) -> str:
    text = (value or "").replace("\r\n", "\n").strip()
    if not text:
        raise ValidationError({field: _("Write something first: the text is empty.")})
    if len(text) > maximum:
        raise ValidationError(
            {
                field: _("The text is %(length)s characters long; at most %(maximum)s fit.")
                % {"length": len(text), "maximum": maximum}
            }
        )
    if "\x00" in text:
        raise ValidationError({field: _("The text contains a NUL character.")})
    return text


def contribution_may_post(*, consultation: ConsultationPage, user: User | None) -> None:
    """Raise PermissionDenied with the reason when `user` may not contribute now."""
    if user is None or not user.is_authenticated:
        raise PermissionDenied(_("Please log in to contribute."))
    if not user.is_active:
        raise PermissionDenied(_("This account is deactivated."))
    if not consultation.is_open:
        raise PermissionDenied(
            _("Contributions are closed: this consultation is in its %(phase)s phase.")
            % {"phase": consultation.phase.label}
        )
    if consultation.contributors == ConsultationPage.Contributors.INVITED_GROUPS:
        raise PermissionDenied(_("Only invited groups may contribute to this consultation."))


def area_is_in_consultation(*, consultation: ConsultationPage, area: Area) -> bool:
    """Whether an area lies in the consultation's areas (itself or one of its ancestors is
    chosen) or, for a drawn outline, overlaps it."""
    chosen = set(consultation.areas.values_list("pk", flat=True))
    if chosen:
        return bool(chosen & {area.pk, *(a.pk for a in area.ancestors)})
    outline = consultation.consultation_area
    if outline is None:
        return True
    for candidate in (area, *reversed(area.ancestors)):
        geometry = Area.objects.filter(pk=candidate.pk).values_list("geometry", flat=True)[0]
        if geometry is not None:
            return geometry.intersects(outline)
    return True


def _check_place(
    consultation: ConsultationPage, geometry: GEOSGeometry | None, area: Area | None
) -> Area | None:
    if geometry is None and area is None:
        if not consultation.allow_no_place:
            raise ValidationError(
                {"location": _("Say where: on the map, by address or by choosing an area.")}
            )
        return None
    if not consultation.allows_place:
        raise ValidationError({"location": _("This consultation takes no places.")})
    if geometry is not None:
        if geometry.srid != 4326:
            raise ValidationError({"geometry": _("The place must be in WGS 84 (EPSG:4326).")})
        if geometry.geom_type not in consultation.geometry_kinds:
            allowed = ", ".join(kind_name(kind) for kind in consultation.geometry_kinds)
            raise ValidationError(
                {
                    "geometry": _("%(kind)s is not possible here; allowed: %(allowed)s.")
                    % {"kind": kind_name(geometry.geom_type).capitalize(), "allowed": allowed}
                }
            )
        if not geometry.valid:
            raise ValidationError(
                {
                    "geometry": _("The drawn place is invalid: %(reason)s.")
                    % {"reason": geometry.valid_reason}
                }
            )
        outline = consultation.consultation_area
        if outline is not None and not outline.covers(geometry):
            raise ValidationError({"geometry": _("The place lies outside the consultation area.")})
        return area or area_containing(geometry=geometry)
    if not area_is_in_consultation(consultation=consultation, area=area):
        raise ValidationError(
            {"area": _("%(area)s lies outside the consultation area.") % {"area": area.name}}
        )
    return area


@transaction.atomic
def contribution_create(
    *,
    consultation: ConsultationPage,
    author: User,
    text: str,
    category: str = "",
    proposal: Proposal | None = None,
    geometry: GEOSGeometry | None = None,
    area: Area | None = None,
    group: Group | None = None,
) -> Contribution:
    """A new contribution, published at once or queued for moderation as the consultation
    says, written on behalf of `group` if given (the author must be an active member).
    Raises PermissionDenied (who/when) or ValidationError (what), storing nothing."""
    contribution_may_post(consultation=consultation, user=author)
    if group is not None:
        try:
            group_member_check(group=group, user=author)
        except ValidationError as error:
            raise ValidationError({"group": error.messages}) from None
    text = _clean_text(text, field="text", maximum=TEXT_MAX_LENGTH)
    if category not in Contribution.Category.values:
        raise ValidationError({"category": _("Choose a category.")})
    if proposal is not None and proposal.consultation_id != consultation.pk:
        raise ValidationError({"proposal": _("This proposal belongs to another consultation.")})
    area = _check_place(consultation, geometry, area)
    pre = consultation.moderation == ConsultationPage.Moderation.PRE
    contribution = Contribution.objects.create(
        consultation=consultation,
        author=author,
        text=text,
        category=category,
        proposal=proposal,
        geometry=geometry,
        area=area,
        group=group,
        status=Contribution.Status.PENDING if pre else Contribution.Status.PUBLISHED,
    )
    return contribution


@transaction.atomic
def reply_create(*, parent: Contribution, author: User, text: str) -> Contribution:
    """A reply to a published contribution (one level: replies to replies go to the parent).
    The parent's author is notified once the reply is public."""
    from ..tasks import reply_notify

    if parent.reply_to_id is not None:
        parent = parent.reply_to
    consultation = parent.consultation
    contribution_may_post(consultation=consultation, user=author)
    if parent.status != Contribution.Status.PUBLISHED:
        raise ValidationError({"text": _("Only published contributions can be answered.")})
    text = _clean_text(text, field="text", maximum=TEXT_MAX_LENGTH)
    pre = consultation.moderation == ConsultationPage.Moderation.PRE
    reply = Contribution.objects.create(
        consultation=consultation,
        author=author,
        text=text,
        reply_to=parent,
        status=Contribution.Status.PENDING if pre else Contribution.Status.PUBLISHED,
    )
    if reply.status == Contribution.Status.PUBLISHED:
        transaction.on_commit(lambda: reply_notify.enqueue(reply_id=reply.pk))
    return reply


@transaction.atomic
def support_toggle(*, contribution: Contribution, user: User) -> bool:
    """Support a published contribution, or take the support back; returns whether the user
    supports it now. The count is kept on the contribution for cheap lists."""
    if not user.is_authenticated:
        raise PermissionDenied(_("Please log in to support contributions."))
    if contribution.status != Contribution.Status.PUBLISHED:
        raise ValidationError(_("Only published contributions can be supported."))
    if contribution.author_id == user.pk:
        raise ValidationError(_("You cannot support your own contribution."))
    deleted, _rows = Support.objects.filter(contribution=contribution, user=user).delete()
    if deleted:
        Contribution.objects.filter(pk=contribution.pk).update(support_count=F("support_count") - 1)
        return False
    Support.objects.create(contribution=contribution, user=user)
    Contribution.objects.filter(pk=contribution.pk).update(support_count=F("support_count") + 1)
    return True


@transaction.atomic
def report_create(*, contribution: Contribution, reporter: User, reason: str) -> Report:
    """Report a contribution to the moderators, with a reason. A second open report by the
    same person is refused."""
    if not reporter.is_authenticated:
        raise PermissionDenied(_("Please log in to report a contribution."))
    if contribution.status != Contribution.Status.PUBLISHED:
        raise ValidationError({"reason": _("Only published contributions can be reported.")})
    reason = _clean_text(reason, field="reason", maximum=REASON_MAX_LENGTH)
    if Report.objects.filter(
        contribution=contribution, reporter=reporter, resolved_at__isnull=True
    ).exists():
        raise ValidationError({"reason": _("You have already reported this contribution.")})
    return Report.objects.create(contribution=contribution, reporter=reporter, reason=reason)


@transaction.atomic
def contribution_moderate(
    *, contributions: list[Contribution], moderator: User, approve: bool, reason: str = ""
) -> int:
    """Approve or reject contributions (a reason is required to reject); their open reports
    are resolved and each author is notified. Returns how many were changed."""
    from ..tasks import moderation_notify

    if not approve:
        reason = _clean_text(reason, field="reason", maximum=REASON_MAX_LENGTH)
    now = timezone.now()
    status = Contribution.Status.PUBLISHED if approve else Contribution.Status.REJECTED
    ids = [c.pk for c in contributions if c.status != Contribution.Status.WITHDRAWN]
    # Only a change of status is news for the author (dismissing reports on a published
    # contribution is not).
    changed = [
        c.pk for c in contributions if c.status not in {status, Contribution.Status.WITHDRAWN}
    ]
    Contribution.objects.filter(pk__in=ids).update(
        status=status,
        moderation_reason="" if approve else reason,
        moderated_at=now,
        moderated_by=moderator,
    )
    Report.objects.filter(contribution_id__in=ids, resolved_at__isnull=True).update(resolved_at=now)
    transaction.on_commit(lambda: [moderation_notify.enqueue(contribution_id=pk) for pk in changed])
    return len(ids)


@transaction.atomic
def proposal_save(*, proposal: Proposal) -> Proposal:
    """Store a proposal created or changed by an editor. Its area follows its place: the
    smallest area containing it, none without a place. An invalid drawing is refused."""
    geometry = proposal.geometry
    if geometry is not None:
        if geometry.srid != 4326:
            geometry.transform(4326)
        if not geometry.valid:
            raise ValidationError(
                {
                    "geometry": _("The drawn place is invalid: %(reason)s.")
                    % {"reason": geometry.valid_reason}
                }
            )
    proposal.area = area_containing(geometry=geometry) if geometry is not None else None
    proposal.save()
    return proposal
