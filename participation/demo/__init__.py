"""The demo consultations: the consultation index, topics, four Berlin consultations with their
proposals, demo residents and their contributions, from `fixtures/demo/consultations.toml`; the
groups that review them, make statements and are answered, from `fixtures/demo/groups.toml`
(see `participation.demo.groups`).

Idempotent like the site demo (`cms.demo`): what exists is kept (editors and moderators may have
changed it), what is missing is created. A consultation is written with its proposals when it is
missing; its contributions when it has none and the demo accounts exist (with DEMO_PASSWORD).
Groups are created without a password; their members, statements, internal discussions and the
editor's answers need the demo accounts too. Contributions, replies, supports, moderation
decisions, memberships, statements and answers go through `participation.services`, so the demo
data obeys the rules the site's forms obey.
"""

import tomllib
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone
from wagtail.models import Page, Site

from ..models import (
    ConsultationIndexPage,
    ConsultationPage,
    Group,
    Proposal,
    Topic,
    User,
)
from ..services import proposal_save
from .contributions import contributions_write, proposals_by_key
from .groups import (
    GROUPS_FILE,
    answers_check,
    answers_write,
    group_by_slug,
    group_usernames,
    groups_load,
    memberships_load,
    review_comments_write,
    statements_write,
)
from .places import (
    FIXTURES,
    GEOMETRY_KINDS,
    DemoFileError,
    area_by_code,
    facility_points,
    place_geometry,
)

DEMO_FILE = FIXTURES / "demo" / "consultations.toml"
ALLOW_FIELDS = {
    "point": "allow_point",
    "line": "allow_line",
    "polygon": "allow_polygon",
    "none": "allow_no_place",
}


@dataclass
class DemoResult:
    created_pages: list[str] = field(default_factory=list)
    created_groups: list[str] = field(default_factory=list)
    residents: list[str] = field(default_factory=list)
    contributions: int = 0
    statements: int = 0
    answers: int = 0


def demo_load(
    *, path: Path = DEMO_FILE, groups_path: Path = GROUPS_FILE, password: str = ""
) -> DemoResult:
    """Create the consultation index, topics, demo groups and consultations with their proposals
    and, with a password (the demo accounts' one), the demo residents, the groups' members, the
    contributions, statements, review discussions and answers.

    The demo's participants are made up: the notifications the services queue for them
    (replies, moderation decisions, answers) are dropped rather than mailed to addresses nobody
    reads. This holds when the load is its own transaction, as in `manage.py load_demo`; inside an
    outer transaction the notifications run at its commit, after the load.
    """
    spec = tomllib.loads(path.read_text(encoding="utf-8"))
    groups_spec = tomllib.loads(groups_path.read_text(encoding="utf-8"))
    answers_check(spec["consultations"])
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        return _load(spec, groups_spec, password)


@transaction.atomic
def _load(spec: dict, groups_spec: dict, password: str) -> DemoResult:
    result = DemoResult()
    topics = {
        topic["slug"]: Topic.objects.get_or_create(
            slug=topic["slug"], defaults={"name": topic["name"]}
        )[0]
        for topic in spec["topics"]
    }
    index = _index_page(spec["index"], result)
    groups = groups_load(groups_spec["groups"], result.created_groups)
    people: dict[str, User] = {}
    if password:
        _residents([*spec["residents"], *groups_spec["residents"]], password, result)
        people = _people(spec, groups_spec)
        memberships_load(groups_spec["groups"], groups, people, editor=people[spec["editor"]])
    for consultation_spec in spec["consultations"]:
        page = _consultation(index, consultation_spec, topics, groups, result)
        if not people:
            continue
        page = ConsultationPage.objects.get(pk=page.pk)
        proposals = proposals_by_key(page, consultation_spec)
        if not page.contributions.exists():
            result.contributions += contributions_write(
                page,
                consultation_spec,
                people,
                groups,
                proposals,
                moderator=people[spec["moderator"]],
            )
        result.statements += statements_write(page, consultation_spec, people, groups, proposals)
        review_comments_write(page, consultation_spec, people, groups, proposals)
        result.answers += answers_write(page, consultation_spec, editor=people[spec["editor"]])
    return result


# Pages ----------------------------------------------------------------------------------------


def _blocks(raw: list) -> list[dict]:
    return [{"type": kind, "value": value} for kind, value in raw]


def _index_page(spec: dict, result: DemoResult) -> ConsultationIndexPage:
    """The one consultation index, first in the main navigation when it is created."""
    index = ConsultationIndexPage.objects.first()
    if index is not None:
        return index
    home = Site.objects.get(is_default_site=True).root_page
    index = ConsultationIndexPage(
        title=spec["title"],
        slug=spec["slug"],
        show_in_menus=spec.get("show_in_menus", False),
        intro=spec.get("intro", ""),
        easy_language_body=_blocks(spec.get("easy_language", [])),
    )
    first: Page | None = home.get_first_child()
    if first is None:
        home.add_child(instance=index)
    else:
        first.add_sibling(pos="left", instance=index)
    index.save_revision().publish()
    result.created_pages.append(index.title)
    return index


def _day(spec: dict, key: str) -> date | None:
    """An optional date given in days from today."""
    return timezone.localdate() + timedelta(days=spec[key]) if key in spec else None


def _consultation(
    index: ConsultationIndexPage,
    spec: dict,
    topics: dict[str, Topic],
    groups: dict[str, Group],
    result: DemoResult,
) -> ConsultationPage:
    existing = ConsultationPage.objects.child_of(index).filter(slug=spec["slug"]).first()
    if existing is not None:
        return existing
    today = timezone.localdate()
    allowed = set(spec["allow"])
    if allowed - ALLOW_FIELDS.keys():
        raise DemoFileError(
            f"{spec['title']}: unknown kinds of place {allowed - ALLOW_FIELDS.keys()}"
        )
    page = ConsultationPage(
        title=spec["title"],
        slug=spec["slug"],
        summary=spec["summary"],
        easy_language_summary=spec.get("easy_language_summary", ""),
        body=_blocks(spec.get("body", [])),
        easy_language_body=_blocks(spec.get("easy_language", [])),
        contributions_start=today + timedelta(days=spec["opens"]),
        contributions_end=today + timedelta(days=spec["closes"]),
        result_date=_day(spec, "result"),
        review_start=_day(spec, "review_opens"),
        review_end=_day(spec, "review_closes"),
        moderation=spec["moderation"],
        **{name: kind in allowed for kind, name in ALLOW_FIELDS.items()},
    )
    index.add_child(instance=page)
    page.areas.set([area_by_code(code) for code in spec["areas"]])
    page.topics.set([topics[slug] for slug in spec["topics"]])
    page.invited_groups.set(
        [group_by_slug(groups, slug, spec["title"]) for slug in spec.get("invited", [])]
    )
    page.save_revision().publish()
    page = ConsultationPage.objects.get(pk=page.pk)
    _proposals(page, spec)
    result.created_pages.append(page.title)
    return page


def _proposals(page: ConsultationPage, spec: dict) -> None:
    """The proposals at their facilities or drawn places, each inside the consultation area,
    stored through `proposal_save` as an editor's are."""
    names = [item["facility"] for item in spec.get("proposals", []) if "facility" in item]
    facilities = facility_points(spec["facilities"], names) if names else {}
    outline = page.consultation_area
    for order, item in enumerate(spec.get("proposals", [])):
        if "facility" in item:
            geometry = facilities[item["facility"]]
        else:
            kind = next((kind for kind in GEOMETRY_KINDS if kind in item), None)
            if kind is None:
                raise DemoFileError(f"{page.title}: {item['title']} needs a facility or a place")
            geometry = place_geometry(kind, item, anchors={})
        if outline is not None and not outline.covers(geometry):
            raise DemoFileError(f"{page.title}: {item['title']} lies outside the consultation area")
        proposal_save(
            proposal=Proposal(
                consultation=page,
                title=item["title"],
                description=item["description"].strip(),
                geometry=geometry,
                sort_order=order,
            )
        )


# People ---------------------------------------------------------------------------------------


def _residents(specs: list[dict], password: str, result: DemoResult) -> None:
    """Demo residents with the demo password (set when they are created) and a verified
    address at the reserved demo domain, so they can log in."""
    hashed = ""
    for spec in specs:
        user, created = User.objects.get_or_create(
            username=spec["username"],
            defaults={"email": spec["email"], "display_name": spec["display_name"]},
        )
        if created:
            hashed = hashed or make_password(password)  # hashing is slow on purpose: once
            user.password = hashed
            user.save(update_fields=["password"])
            EmailAddress.objects.get_or_create(
                user=user, email=user.email, defaults={"verified": True, "primary": True}
            )
        result.residents.append(user.username)


def _people(spec: dict, groups_spec: dict) -> dict[str, User]:
    """Everyone the demo files name as author, supporter, member, moderator or editor."""
    usernames = {spec["moderator"], spec["editor"]}
    usernames |= group_usernames(groups_spec["groups"], spec["consultations"])
    for consultation in spec["consultations"]:
        for item in consultation.get("contributions", []):
            usernames.add(item["author"])
            usernames.update(item.get("supported_by", []))
            usernames.update(reply["author"] for reply in item.get("replies", []))
    people = {user.username: user for user in User.objects.filter(username__in=usernames)}
    missing = usernames - people.keys()
    if missing:
        raise DemoFileError(f"unknown demo accounts: {', '.join(sorted(missing))}")
    return people
