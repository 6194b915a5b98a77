"""The demo's contributions: written through the services in the order the site allows (the
contributions, their moderation, the replies, the supports), then dated over the contribution
phase. Used by `participation.demo`."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from maps.selectors import area_containing

from ..models import ConsultationPage, Contribution, Group, Proposal, User
from ..services import (
    area_is_in_consultation,
    contribution_create,
    contribution_moderate,
    reply_create,
    support_toggle,
)
from ..services.groups import group_member_check
from .groups import group_by_slug
from .places import DemoFileError, address_area, area_by_code, place_geometry, place_kind

PUBLISHED = Contribution.Status.PUBLISHED


def proposals_by_key(page: ConsultationPage, spec: dict) -> dict[str, Proposal]:
    """The consultation's proposals under the keys the demo file gives them."""
    by_title = {proposal.title: proposal for proposal in page.proposals.all()}
    proposals = {}
    for item in spec.get("proposals", []):
        if item["title"] not in by_title:
            raise DemoFileError(
                f"{page.title}: proposal {item['title']!r} is missing; delete the consultation "
                "to have it written again"
            )
        proposals[item["key"]] = by_title[item["title"]]
    return proposals


def contributions_write(
    page: ConsultationPage,
    spec: dict,
    people: dict[str, User],
    groups: dict[str, Group],
    proposals: dict[str, Proposal],
    *,
    moderator: User,
) -> int:
    """Write a consultation's contributions, then moderate them, then the replies, then the
    supports, in the order the site allows them; finally spread their times over the phase."""
    anchors = {key: proposal.geometry for key, proposal in proposals.items()}

    written = []
    for item in spec.get("contributions", []):
        kind = place_kind(item, page.title)
        geometry = area = None
        if kind == "area":
            area = area_by_code(item["area"])
        elif kind == "address":
            area = address_area(item["address"])
        elif kind is not None:
            geometry = place_geometry(kind, item, anchors)
        contribution = _contribution_create(
            page,
            author=people[item["author"]],
            text=item["text"],
            category=item["category"],
            proposal=proposals[item["proposal"]] if "proposal" in item else None,
            geometry=geometry,
            area=area,
            group=group_by_slug(groups, item["group"], page.title) if "group" in item else None,
        )
        written.append((contribution, item))

    _moderate(written, moderator)
    replies = []
    for contribution, item in written:
        for reply in item.get("replies", []):
            replies.append(
                (_reply_create(page, contribution, people[reply["author"]], reply), reply)
            )
    _moderate(replies, moderator)
    for contribution, item in written:
        for username in item.get("supported_by", []):
            support_toggle(contribution=contribution, user=people[username])
    _spread_over_phase(page, written, replies)
    return len(written) + len(replies)


def _contribution_create(page: ConsultationPage, **fields) -> Contribution:
    if page.is_open:
        return contribution_create(consultation=page, **fields)
    # `contribution_create` refuses once contributions have closed, as it should; a consultation
    # that is already being evaluated gets its contributions written here, after the same place
    # checks, as they would have been made while it was open.
    geometry, area = fields["geometry"], fields["area"]
    if fields["group"] is not None:
        group_member_check(group=fields["group"], user=fields["author"])
    if geometry is not None:
        outline = page.consultation_area
        if geometry.geom_type not in page.geometry_kinds or (
            outline is not None and not outline.covers(geometry)
        ):
            raise DemoFileError(f"{page.title}: a {geometry.geom_type} here is not possible")
        area = area_containing(geometry=geometry)
    elif area is not None and not area_is_in_consultation(consultation=page, area=area):
        raise DemoFileError(f"{page.title}: {area.name} lies outside the consultation area")
    elif area is None and not page.allow_no_place:
        raise DemoFileError(f"{page.title}: a contribution needs a place")
    fields.update(text=fields["text"].strip(), area=area)
    return Contribution.objects.create(consultation=page, status=PUBLISHED, **fields)


def _reply_create(
    page: ConsultationPage, parent: Contribution, author: User, spec: dict
) -> Contribution:
    if page.is_open:
        return reply_create(parent=parent, author=author, text=spec["text"])
    # As above: replies to a closed consultation's contributions are written directly.
    return Contribution.objects.create(
        consultation=page,
        reply_to=parent,
        author=author,
        text=spec["text"].strip(),
        status=PUBLISHED,
    )


def _moderate(written: list[tuple[Contribution, dict]], moderator: User) -> None:
    """Bring each contribution to the status the demo file gives it (published unless it says
    pending or rejected), as a moderator would."""
    approve = []
    for contribution, item in written:
        wanted = item.get("status", PUBLISHED)
        if wanted == contribution.status:
            continue
        if wanted == PUBLISHED:
            approve.append(contribution)
        elif wanted == Contribution.Status.REJECTED:
            contribution_moderate(
                contributions=[contribution],
                moderator=moderator,
                approve=False,
                reason=item["reason"],
            )
            contribution.status = wanted
        else:
            raise DemoFileError(f"a contribution cannot be made {wanted!r} here")
    if approve:
        contribution_moderate(contributions=approve, moderator=moderator, approve=True)
        for contribution in approve:
            contribution.status = PUBLISHED


def _spread_over_phase(
    page: ConsultationPage,
    written: list[tuple[Contribution, dict]],
    replies: list[tuple[Contribution, dict]],
) -> None:
    """Date the contributions over the contribution phase so far, in the file's order, replies
    a few hours after what they answer, moderation soon after."""
    zone = timezone.get_current_timezone()
    now = timezone.now()
    start = datetime.combine(page.contributions_start, time(8), zone)
    end = min(now - timedelta(hours=1), datetime.combine(page.contributions_end, time(20), zone))
    step = (end - start) / (len(written) + 1)
    changed = []
    for number, (contribution, _item) in enumerate(written, start=1):
        contribution.created_at = (start + step * number).replace(second=0, microsecond=0)
        changed.append(contribution)
    for number, (reply, _spec) in enumerate(replies, start=1):
        parent_time = reply.reply_to.created_at
        reply.created_at = min(parent_time + timedelta(hours=2 + number % 5), end)
        changed.append(reply)
    moderated = set(
        Contribution.objects.filter(
            pk__in=[c.pk for c in changed], moderated_at__isnull=False
        ).values_list("pk", flat=True)
    )
    for contribution in changed:
        if contribution.pk in moderated:
            contribution.moderated_at = min(contribution.created_at + timedelta(hours=3), now)
    Contribution.objects.bulk_update(changed, ["created_at", "moderated_at"])
