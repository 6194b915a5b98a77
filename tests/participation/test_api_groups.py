"""The REST API for groups, statements and the administration's answers: public data only,
filters that refuse bad values, and a constant number of queries."""

import re
from datetime import date

import pytest
from django.core.cache import cache
from django.utils import timezone
from wagtail.models import PageViewRestriction

from participation.models import Answer, Contribution, Group, Membership, Statement
from tests.factories import make_consultation

pytestmark = pytest.mark.django_db

EMAIL = re.compile(rb"[\w.+-]+@[\w-]+\.[\w.-]+")


@pytest.fixture
def consultation():
    return make_consultation()


@pytest.fixture
def group(user_factory):
    group = Group.objects.create(
        name="Seniorenvertretung Mitte",
        slug="seniorenvertretung-mitte",
        kind=Group.Kind.ADVISORY_BOARD,
        description="Die gewählte Vertretung der Seniorinnen und Senioren.",
        website="https://senioren.example.org/",
        verified=True,
        verified_at=timezone.now(),
    )
    member = user_factory(username="member.private", email="member@private.example")
    Membership.objects.create(group=group, user=member, role=Membership.Role.SPOKESPERSON)
    return group


@pytest.fixture
def editor(user_factory):
    return user_factory(username="editor.private", display_name="Redakteurin Geheim")


def statement(consultation, group, **fields) -> Statement:
    values = {
        "consultation": consultation,
        "group": group,
        "text": "Wir unterstützen den Standort.",
        "recommendation": Statement.Recommendation.SUPPORTS,
        "resolution_date": date(2026, 3, 1),
        **fields,
    }
    return Statement.objects.create(**values)


def answer(editor, **item) -> Answer:
    return Answer.objects.create(
        **item, outcome=Answer.Outcome.PARTLY, reasons="Teilweise übernommen.", answered_by=editor
    )


def get_json(api, path: str, status: int = 200) -> dict:
    response = api.get(path)
    assert response.status_code == status, (path, response.content[:500])
    assert response["Content-Type"].startswith("application/json"), path
    return response.json()


def ids(page: dict) -> set[int]:
    return {item["id"] for item in page["results"]}


# Groups ------------------------------------------------------------------------------------


def test_group_shows_public_fields_only(api, group):
    page = get_json(api, "/api/v1/groups/")

    assert page["count"] == 1
    item = page["results"][0]
    assert set(item) == {
        "id",
        "name",
        "slug",
        "kind",
        "description",
        "website",
        "verified",
        "verified_at",
        "url",
    }
    assert item["kind"] == "advisory_board"
    assert item["verified"] is True
    assert item["url"] == "http://testserver/gruppen/seniorenvertretung-mitte/"
    assert get_json(api, f"/api/v1/groups/{group.pk}/") == item


def test_unknown_group_is_a_404_in_json(api):
    assert "no group" in get_json(api, "/api/v1/groups/999/", 404)["detail"]


# Statements --------------------------------------------------------------------------------


def test_statement_fields_with_its_answer(api, consultation, group, editor):
    item = statement(consultation, group, author=group.members.first())
    answer(editor, statement=item)

    data = get_json(api, f"/api/v1/statements/{item.pk}/")

    assert set(data) == {
        "id",
        "consultation",
        "proposal",
        "group",
        "text",
        "recommendation",
        "resolution_date",
        "document",
        "created_at",
        "answer",
    }
    assert data["consultation"] == consultation.pk
    assert data["proposal"] is None
    assert data["group"] == {"id": group.pk, "name": group.name, "verified": True}
    assert data["recommendation"] == "supports"
    assert data["resolution_date"] == "2026-03-01"
    assert data["document"] is None
    assert set(data["answer"]) == {"outcome", "reasons", "answered_at"}
    assert data["answer"]["outcome"] == "partly"


def test_statement_without_answer_has_null_answer(api, consultation, group):
    item = statement(consultation, group)
    assert get_json(api, f"/api/v1/statements/{item.pk}/")["answer"] is None


def test_only_public_statements_are_listed(api, consultation, group):
    public = statement(consultation, group)
    in_review = statement(consultation, group, in_review=True)
    published_review = make_consultation(title="Review veröffentlicht")
    published_review.review_published_at = timezone.now()
    published_review.save()
    reviewed = statement(published_review, group, in_review=True)
    draft = make_consultation(title="Entwurf")
    draft.unpublish()
    hidden_draft = statement(draft, group)
    restricted = make_consultation(title="Geschützt")
    PageViewRestriction.objects.create(page=restricted, restriction_type="login")
    hidden_restricted = statement(restricted, group)

    assert ids(get_json(api, "/api/v1/statements/")) == {public.pk, reviewed.pk}
    for hidden in (in_review, hidden_draft, hidden_restricted):
        get_json(api, f"/api/v1/statements/{hidden.pk}/", 404)


def test_statement_filters(api, consultation, group):
    other_group = Group.objects.create(name="Presse", slug="presse", kind=Group.Kind.PRESS)
    other = make_consultation(title="Zweite Beteiligung")
    first = statement(consultation, group)
    objecting = statement(consultation, other_group, recommendation="objects")
    elsewhere = statement(other, group)

    def listed(query):
        return ids(get_json(api, f"/api/v1/statements/?{query}"))

    assert listed(f"consultation={consultation.pk}") == {first.pk, objecting.pk}
    assert listed(f"group={group.pk}") == {first.pk, elsewhere.pk}
    assert listed("recommendation=objects") == {objecting.pk}
    assert listed(f"group={group.pk}&consultation={other.pk}") == {elsewhere.pk}


@pytest.mark.parametrize(
    ("query", "parameter", "message"),
    [
        ("consultation=abc", "consultation", "Give an id"),
        ("consultation=999", "consultation", "no published consultation"),
        ("group=0", "group", "Give an id"),
        ("group=999", "group", "no group with the id 999"),
        ("recommendation=maybe", "recommendation", "Unknown value “maybe”"),
        ("colour=red", None, "Unknown parameter “colour”"),
    ],
)
def test_bad_statement_parameter_is_a_400_naming_the_problem(api, query, parameter, message):
    body = get_json(api, f"/api/v1/statements/?{query}", 400)

    assert message in body["detail"]
    if parameter:
        assert message in body["errors"][parameter][0]


# Answers -----------------------------------------------------------------------------------


def test_answers_are_those_of_published_contributions_and_public_statements(
    api, consultation, group, editor, contribution_factory
):
    published = contribution_factory(consultation=consultation)
    to_contribution = answer(editor, contribution=published)
    to_statement = answer(editor, statement=statement(consultation, group))
    removed = contribution_factory(consultation=consultation)
    hidden_removed = answer(editor, contribution=removed)
    Contribution.objects.filter(pk=removed.pk).update(status="rejected")
    hidden_review = answer(editor, statement=statement(consultation, group, in_review=True))
    draft = make_consultation(title="Entwurf")
    hidden_draft = answer(editor, contribution=contribution_factory(consultation=draft))
    draft.unpublish()

    page = get_json(api, "/api/v1/answers/")

    assert ids(page) == {to_contribution.pk, to_statement.pk}
    by_id = {item["id"]: item for item in page["results"]}
    assert by_id[to_contribution.pk] == {
        "id": to_contribution.pk,
        "item_type": "contribution",
        "item": published.pk,
        "consultation": consultation.pk,
        "outcome": "partly",
        "reasons": "Teilweise übernommen.",
        "answered_at": by_id[to_contribution.pk]["answered_at"],
    }
    assert by_id[to_statement.pk]["item_type"] == "statement"
    assert by_id[to_statement.pk]["consultation"] == consultation.pk
    for hidden in (hidden_removed, hidden_review, hidden_draft):
        get_json(api, f"/api/v1/answers/{hidden.pk}/", 404)


def test_answer_filters(api, consultation, group, editor, contribution_factory):
    other = make_consultation(title="Zweite Beteiligung")
    here = answer(editor, contribution=contribution_factory(consultation=consultation))
    there = answer(editor, statement=statement(other, group))
    adopted = contribution_factory(consultation=other)
    adopted_answer = Answer.objects.create(
        contribution=adopted, outcome="adopted", reasons="Ja.", answered_by=editor
    )

    def listed(query):
        return ids(get_json(api, f"/api/v1/answers/?{query}"))

    assert listed(f"consultation={consultation.pk}") == {here.pk}
    assert listed(f"consultation={other.pk}") == {there.pk, adopted_answer.pk}
    assert listed("outcome=adopted") == {adopted_answer.pk}
    assert listed(f"outcome=partly&consultation={other.pk}") == {there.pk}


@pytest.mark.parametrize(
    ("query", "parameter", "message"),
    [
        ("consultation=-1", "consultation", "Give an id"),
        ("consultation=999", "consultation", "no published consultation"),
        ("outcome=yes", "outcome", "Unknown value “yes”"),
        ("page_size=0", "page_size", "Give a whole number"),
    ],
)
def test_bad_answer_parameter_is_a_400_naming_the_problem(api, query, parameter, message):
    body = get_json(api, f"/api/v1/answers/?{query}", 400)

    assert message in body["detail"]
    assert message in body["errors"][parameter][0]


# Privacy -----------------------------------------------------------------------------------


def test_no_personal_data_in_any_response(api, consultation, group, editor, contribution_factory):
    item = statement(consultation, group, author=group.members.first())
    statement_answer = answer(editor, statement=item)
    contribution_answer = answer(
        editor, contribution=contribution_factory(consultation=consultation)
    )
    paths = [
        "/api/v1/groups/",
        f"/api/v1/groups/{group.pk}/",
        "/api/v1/statements/",
        f"/api/v1/statements/{item.pk}/",
        "/api/v1/answers/",
        f"/api/v1/answers/{statement_answer.pk}/",
        f"/api/v1/answers/{contribution_answer.pk}/",
    ]
    forbidden = [
        b"private",
        b"Redakteurin",
        b"answered_by",
        b"members",
        b"author",
        b"email",
        b"username",
        b"in_review",
    ]
    for path in paths:
        body = api.get(path).content
        assert EMAIL.search(body) is None, path
        for word in forbidden:
            assert word not in body, (path, word)


# Performance -------------------------------------------------------------------------------

# View restrictions (which consultations are public), count and rows; a filter by
# consultation looks the consultation up (its view restrictions and the page).
LIST_QUERIES = 3


@pytest.mark.parametrize("count", [3, 30])
def test_lists_run_a_constant_number_of_queries(
    api, group, editor, contribution_factory, django_assert_max_num_queries, count
):
    consultation = make_consultation()
    for n in range(count):
        answer(editor, statement=statement(consultation, group, text=f"Stellungnahme {n}"))
        answer(editor, contribution=contribution_factory(consultation=consultation))
        Group.objects.create(name=f"Gruppe {n}", slug=f"gruppe-{n}", kind=Group.Kind.ASSOCIATION)
    cache.clear()

    for path, expected, queries in [
        ("/api/v1/groups/?page_size=500", count + 1, 2),
        ("/api/v1/statements/?page_size=500", count, LIST_QUERIES),
        ("/api/v1/answers/?page_size=500", 2 * count, LIST_QUERIES),
        (
            f"/api/v1/statements/?page_size=500&consultation={consultation.pk}",
            count,
            LIST_QUERIES + 2,
        ),
        (
            f"/api/v1/answers/?page_size=500&consultation={consultation.pk}",
            2 * count,
            LIST_QUERIES + 2,
        ),
    ]:
        with django_assert_max_num_queries(queries, info=path):
            page = get_json(api, path)
        assert page["count"] == expected, path
