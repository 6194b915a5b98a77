"""The demo groups (`fixtures/demo/groups.toml`) and what they do in the demo consultations:
their members and an open request to join, their statements, a review's internal discussion,
and the editor's answers to contributions and statements.

As in the rest of the demo, what exists is kept and what is missing is created, through
`participation.services` wherever the rules allow it. A statement dated in a phase that is
over is refused by `statement_create`, as it should be; it is written directly after the same
checks, as `_contribution_create` does for contributions.
"""

from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from ..models import Answer, ConsultationPage, Group, Membership, Proposal, Statement, User
from ..services.answers import answer_save
from ..services.groups import group_join_request, group_save, membership_approve, membership_save
from ..services.statements import STATEMENT_PHASES, review_comment_create, statement_create
from .places import FIXTURES, DemoFileError

GROUPS_FILE = FIXTURES / "demo" / "groups.toml"
ACTIVE = Membership.Status.ACTIVE
SPOKESPERSON = Membership.Role.SPOKESPERSON
PUBLISHED = "published"
# An answer to a contribution in an open consultation comes a couple of days after it.
ANSWER_DELAY = timedelta(days=2)


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), timezone.get_current_timezone())


def _spread(start: datetime, end: datetime, count: int) -> list[datetime]:
    """`count` times evenly between `start` and `end`, to the minute."""
    step = (end - start) / (count + 1)
    return [
        (start + step * number).replace(second=0, microsecond=0) for number in range(1, count + 1)
    ]


def group_by_slug(groups: dict[str, Group], slug: str, where: str) -> Group:
    if slug not in groups:
        raise DemoFileError(f"{where}: unknown group {slug!r} (see groups.toml)")
    return groups[slug]


def group_usernames(group_specs: list[dict], consultation_specs: list[dict]) -> set[str]:
    """The accounts the groups and their statements and discussions name."""
    usernames = set()
    for spec in group_specs:
        usernames.update(member["username"] for member in spec.get("members", []))
        usernames.update(request["username"] for request in spec.get("requested", []))
    for spec in consultation_specs:
        for kind in ("statements", "review_comments"):
            usernames.update(item["author"] for item in spec.get(kind, []))
    return usernames


def answers_check(consultation_specs: list[dict]) -> None:
    """A consultation with a result has answered every published contribution and every
    statement: its result report shows them all."""
    for spec in consultation_specs:
        if "result" not in spec:
            continue
        unanswered = [
            item["text"][:40]
            for item in spec.get("contributions", [])
            if item.get("status", PUBLISHED) == PUBLISHED and "answer" not in item
        ]
        unanswered += [
            f"statement of {item['group']}"
            for item in spec.get("statements", [])
            if "answer" not in item
        ]
        if unanswered:
            raise DemoFileError(f"{spec['title']} has a result but no answer to {unanswered}")


# Groups and members -----------------------------------------------------------------------------


def groups_load(specs: list[dict], created: list[str]) -> dict[str, Group]:
    """The demo groups by slug. A missing one is created through `group_save`, which dates
    its verification; one that exists (by slug or name) is kept as the editors left it."""
    groups = {}
    for spec in specs:
        group = Group.objects.filter(Q(slug=spec["slug"]) | Q(name=spec["name"])).first()
        if group is None:
            if spec["kind"] not in Group.Kind.values:
                raise DemoFileError(f"{spec['name']}: unknown kind {spec['kind']!r}")
            group = group_save(
                group=Group(
                    name=spec["name"],
                    slug=spec["slug"],
                    kind=spec["kind"],
                    description=spec["description"].strip(),
                    website=spec.get("website", ""),
                    verified=spec.get("verified", False),
                )
            )
            created.append(group.name)
        groups[spec["slug"]] = group
    return groups


def memberships_load(
    specs: list[dict], groups: dict[str, Group], people: dict[str, User], *, editor: User
) -> None:
    """The groups' members as the site makes them: the editor appoints the spokespersons,
    everyone else asks to join and a spokesperson accepts; the requests under `requested`
    stay open. A membership that exists is kept."""
    for spec in specs:
        group = groups[spec["slug"]]
        members = spec.get("members", [])
        if not members or members[0].get("role") != SPOKESPERSON:
            raise DemoFileError(f"{group.name}: the first member is its spokesperson")
        existing = set(Membership.objects.filter(group=group).values_list("user_id", flat=True))
        for member in members:
            user = people[member["username"]]
            if user.pk in existing:
                continue
            if member.get("role") == SPOKESPERSON:
                membership_save(
                    membership=Membership(group=group, user=user, role=SPOKESPERSON, status=ACTIVE),
                    saved_by=editor,
                )
                continue
            request = group_join_request(group=group, user=user, message=member.get("message", ""))
            membership_approve(membership=request, decided_by=_decider(group, editor))
        for request in spec.get("requested", []):
            user = people[request["username"]]
            if user.pk not in existing:
                group_join_request(group=group, user=user, message=request.get("message", ""))


def _decider(group: Group, editor: User) -> User:
    """A spokesperson of the group decides on requests; the editor when it has none."""
    spokesperson = (
        Membership.objects.filter(group=group, role=SPOKESPERSON, status=ACTIVE)
        .select_related("user")
        .order_by("requested_at", "pk")
        .first()
    )
    return spokesperson.user if spokesperson is not None else editor


# Statements and the review ----------------------------------------------------------------------


def statements_write(
    page: ConsultationPage,
    spec: dict,
    people: dict[str, User],
    groups: dict[str, Group],
    proposals: dict[str, Proposal],
) -> int:
    """A consultation's statements when it has none, each published the day after the group
    resolved it: through `statement_create` while the consultation takes statements, written
    directly (after the same checks) when that phase is over."""
    items = spec.get("statements", [])
    if not items or page.statements.exists():
        return 0
    today, now = timezone.localdate(), timezone.now()
    for item in items:
        group = group_by_slug(groups, item["group"], page.title)
        resolved = today + timedelta(days=item["resolved"])
        published = min(_at(resolved + timedelta(days=1), 10), now - timedelta(hours=1))
        fields = {
            "consultation": page,
            "group": group,
            "author": people[item["author"]],
            "text": item["text"],
            "recommendation": item["recommendation"],
            "resolution_date": resolved,
            "proposal": proposals[item["proposal"]] if "proposal" in item else None,
        }
        if page.phase in STATEMENT_PHASES:
            statement = statement_create(**fields)
        else:
            statement = _statement_in_past_phase(published=published, **fields)
        Statement.objects.filter(pk=statement.pk).update(created_at=published)
    return len(items)


def _statement_in_past_phase(*, published: datetime, **fields) -> Statement:
    page, group, author = fields["consultation"], fields["group"], fields["author"]
    first_day = page.review_start or page.contributions_start
    if not first_day <= published.date() <= page.contributions_end:
        raise DemoFileError(f"{page.title}: a statement of {group} is dated outside its phases")
    if fields["recommendation"] not in Statement.Recommendation.values:
        raise DemoFileError(f"{page.title}: unknown recommendation {fields['recommendation']!r}")
    if not Membership.objects.filter(
        group=group, user=author, status=ACTIVE, role=SPOKESPERSON
    ).exists():
        raise DemoFileError(f"{page.title}: {author} is no spokesperson of {group}")
    in_review = page.review_end is not None and published.date() <= page.review_end
    fields.update(text=fields["text"].strip(), in_review=in_review)
    return Statement.objects.create(**fields)


def review_comments_write(
    page: ConsultationPage,
    spec: dict,
    people: dict[str, User],
    groups: dict[str, Group],
    proposals: dict[str, Proposal],
) -> int:
    """The invited groups' internal discussion, when there is none and the consultation is
    in its review phase (afterwards the discussion is closed), dated over the review so far."""
    items = spec.get("review_comments", [])
    if not items or not page.in_review or page.review_comments.exists():
        return 0
    now = timezone.now()
    times = _spread(_at(page.review_start, 9), now - timedelta(hours=1), len(items))
    for item, written in zip(items, times, strict=True):
        comment = review_comment_create(
            consultation=page,
            group=group_by_slug(groups, item["group"], page.title),
            author=people[item["author"]],
            text=item["text"],
            proposal=proposals[item["proposal"]] if "proposal" in item else None,
        )
        type(comment).objects.filter(pk=comment.pk).update(created_at=written)
    return len(items)


# Answers ----------------------------------------------------------------------------------------


def answers_write(page: ConsultationPage, spec: dict, *, editor: User) -> int:
    """The editor's answers the file gives, through `answer_save`, when no contribution or
    statement of the consultation is answered yet. Items are found by author and text, so an
    item the editors have removed is not answered. Answers are dated after contributions
    closed and before the result, or, while the consultation is open, soon after the item."""
    if Answer.objects.filter(
        Q(contribution__consultation=page) | Q(statement__consultation=page)
    ).exists():
        return 0
    contributions = {
        (contribution.author.username, contribution.text): contribution
        for contribution in page.contributions.filter(
            reply_to__isnull=True, status=PUBLISHED, author__isnull=False
        ).select_related("author")
    }
    statements = {
        (statement.group.slug, statement.text): statement
        for statement in page.statements.select_related("group")
    }
    wanted = [
        (contributions.get((item["author"], item["text"].strip())), item["answer"])
        for item in spec.get("contributions", [])
        if "answer" in item
    ]
    wanted += [
        (statements.get((item["group"], item["text"].strip())), item["answer"])
        for item in spec.get("statements", [])
        if "answer" in item
    ]
    wanted = sorted(
        ((target, answer) for target, answer in wanted if target is not None),
        key=lambda pair: pair[0].created_at,
    )
    times = _answer_times(page, [target for target, _answer in wanted])
    for (target, answer), answered in zip(wanted, times, strict=True):
        saved = answer_save(
            item=target, outcome=answer["outcome"], reasons=answer["reasons"], user=editor
        )
        Answer.objects.filter(pk=saved.pk).update(answered_at=answered, updated_at=answered)
    return len(wanted)


def _answer_times(page: ConsultationPage, items: list) -> list[datetime]:
    now = timezone.now() - timedelta(hours=1)
    if page.contributions_end >= timezone.localdate():
        return [min(item.created_at + ANSWER_DELAY, now) for item in items]
    start = _at(page.contributions_end + timedelta(days=1), 9)
    end = now
    if page.result_date is not None:
        end = min(end, _at(page.result_date - timedelta(days=1), 17))
    return _spread(start, end, len(items))
