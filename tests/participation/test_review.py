"""The review phase: a consultation in it leaks nowhere to anyone but its editors and the
members of its invited groups; the groups' discussions never leak."""

from datetime import timedelta

import pytest
from django.utils import timezone

from participation.models import Membership, Proposal, ReviewComment, Statement
from participation.services.statements import review_comment_create, review_publish
from tests.factories import ContributionFactory, make_consultation
from tests.helpers import sitemap_paths
from tests.participation.test_statements import TODAY, join, make_group, make_review_consultation

pytestmark = pytest.mark.django_db

SECRET_TITLE = "Geheimes Pflegeheim Quastenweg"
STATEMENT_TEXT = "Stellungnahme des Beirats zum Quastenweg."
COMMENT_TEXT = "Interne Notiz: der Bürgermeister ist dagegen."


@pytest.fixture
def group():
    return make_group("Beirat für Menschen mit Behinderung")


@pytest.fixture
def member(group, user_factory):
    user = user_factory(username="member")
    join(group, user)
    return user


@pytest.fixture
def spokesperson(group, user_factory):
    user = user_factory(username="speaker")
    join(group, user, Membership.Role.SPOKESPERSON)
    return user


@pytest.fixture
def outsider(user_factory):
    return user_factory(username="outsider")


@pytest.fixture
def editor(user_factory):
    user = user_factory(username="editor")
    user.is_superuser = True
    user.is_staff = True
    user.save()
    return user


@pytest.fixture
def public_consultation():
    return make_consultation(title="Öffentlicher Spielplatz Quastenweg")


@pytest.fixture
def hidden(group, spokesperson, member, public_consultation):
    """A consultation in review with a proposal, a contribution, a statement and a comment."""
    page = make_review_consultation(group, title=SECRET_TITLE, slug="geheim")
    proposal = Proposal.objects.create(consultation=page, title="Quastenpark", description="x")
    contribution = ContributionFactory(consultation=page, text="Beitrag zum Quastenweg")
    statement = Statement.objects.create(
        consultation=page,
        group=group,
        author=spokesperson,
        text=STATEMENT_TEXT,
        recommendation=Statement.Recommendation.OBJECTS,
        resolution_date=TODAY,
        in_review=True,
    )
    review_comment_create(consultation=page, group=group, author=member, text=COMMENT_TEXT)
    page.proposal, page.contribution, page.statement = proposal, contribution, statement
    return page


def routes(page) -> list[str]:
    return [
        page.url,
        page.url + "kartendaten/",
        page.url + "ort/?lon=13.4&lat=52.5",
        page.url + "beitragen/",
        page.url + f"beitraege/{page.contribution.pk}/",
        page.url + f"vorschlaege/{page.proposal.pk}/",
        page.url + "stellungnahme/",
        page.url + f"stellungnahmen/{page.statement.pk}/",
        page.url + "pruefung/",
    ]


def everything_public(client) -> str:
    """What anyone can find: lists, search, sitemap and API, as one text."""
    parts = [
        client.get(page).content.decode()
        for page in (
            "/",
            "/beteiligung/",
            "/suche/?q=Quastenweg",
            "/suche/?q=Pflegeheim",
            "/api/v1/consultations/",
            "/api/v1/proposals/",
            "/api/v1/contributions/",
        )
    ]
    parts.append(" ".join(sitemap_paths(client.get("/sitemap.xml").content)))
    return "\n".join(parts)


@pytest.mark.parametrize("who", ["anonymous", "outsider"])
def test_consultation_in_review_leaks_nowhere(client, hidden, outsider, who):
    if who == "outsider":
        client.force_login(outsider)
    for url in routes(hidden):
        assert client.get(url).status_code == 404, url
    public = everything_public(client)
    assert "Öffentlicher Spielplatz Quastenweg" in public  # the search and lists do work
    for secret in (SECRET_TITLE, "/geheim/", "Quastenpark", "Beitrag zum Quastenweg"):
        assert secret not in public
    api = client.get(f"/api/v1/consultations/{hidden.pk}/")
    assert api.status_code == 404
    assert client.get(f"/api/v1/proposals/{hidden.proposal.pk}/").status_code == 404
    assert client.get(f"/api/v1/proposals/?consultation={hidden.pk}").status_code == 400


@pytest.mark.parametrize("who", ["member", "editor"])
def test_invited_member_and_editor_see_the_consultation_and_discussion(
    client, hidden, request, who
):
    client.force_login(request.getfixturevalue(who))
    page = client.get(hidden.url).content.decode()
    assert SECRET_TITLE in page
    assert STATEMENT_TEXT not in page  # listed by group and recommendation, with a link
    assert f"stellungnahmen/{hidden.statement.pk}/" in page
    statement = client.get(hidden.url + f"stellungnahmen/{hidden.statement.pk}/")
    assert STATEMENT_TEXT in statement.content.decode()
    review = client.get(hidden.url + "pruefung/").content.decode()
    assert COMMENT_TEXT in review
    assert "Quastenpark" in review


def test_members_see_only_their_own_groups_discussion(client, hidden, user_factory):
    other = make_group("Fahrradclub")
    hidden.invited_groups.add(other)
    hidden.save_revision().publish()
    cyclist = user_factory(username="cyclist")
    join(other, cyclist)
    client.force_login(cyclist)
    review = client.get(hidden.url + "pruefung/").content.decode()
    assert "Fahrradclub" in review
    assert COMMENT_TEXT not in review
    # The consultation is visible to them, but the other group's statement is not yet.
    assert f"stellungnahmen/{hidden.statement.pk}/" not in client.get(hidden.url).content.decode()
    assert client.get(hidden.url + f"stellungnahmen/{hidden.statement.pk}/").status_code == 404


def test_requested_member_does_not_see_the_review(client, hidden, group, user_factory):
    applicant = user_factory(username="applicant")
    join(group, applicant, status=Membership.Status.REQUESTED)
    client.force_login(applicant)
    assert client.get(hidden.url).status_code == 404


def test_member_adds_a_comment_to_the_discussion(client, hidden, group, member):
    client.force_login(member)
    response = client.post(
        hidden.url + "pruefung/",
        {"action": "comment", "group": group.pk, f"group-{group.pk}-text": "Noch eine Frage."},
    )
    assert response.status_code == 302
    assert ReviewComment.objects.filter(text="Noch eine Frage.", author=member).exists()


def test_empty_comment_is_reported_in_the_error_summary(client, hidden, group, member):
    client.force_login(member)
    html = client.post(
        hidden.url + "pruefung/",
        {"action": "comment", "group": group.pk, f"group-{group.pk}-text": ""},
    ).content.decode()
    assert 'id="error-summary"' in html
    assert "Write your comment" in html


def test_only_editors_publish_the_review(client, hidden, member, editor):
    client.force_login(member)
    client.post(hidden.url + "pruefung/", {"action": "publish"})
    hidden.refresh_from_db()
    assert hidden.review_published_at is None
    client.force_login(editor)
    assert "Publish the review" in client.get(hidden.url + "pruefung/").content.decode()
    client.post(hidden.url + "pruefung/", {"action": "publish"})
    hidden.refresh_from_db()
    assert hidden.review_published_at is not None


def test_published_review_survives_the_next_publication_of_the_page(hidden, editor):
    review_publish(consultation=hidden, user=editor)
    page = type(hidden).objects.get(pk=hidden.pk)
    page.get_latest_revision_as_object().save_revision().publish()
    page.refresh_from_db()
    assert page.review_published_at is not None


def test_after_publication_the_statement_is_public_and_the_discussion_is_not(
    client, hidden, editor, outsider
):
    review_publish(consultation=hidden, user=editor)
    # Once the phase has ended too, everything but the groups' discussion is public.
    type(hidden).objects.filter(pk=hidden.pk).update(
        review_start=TODAY - timedelta(days=10), review_end=TODAY - timedelta(days=1)
    )
    for who in (None, outsider):
        if who is not None:
            client.force_login(who)
        page = client.get(hidden.url).content.decode()
        assert SECRET_TITLE in page
        assert "Objects" in page
        statement = client.get(hidden.url + f"stellungnahmen/{hidden.statement.pk}/")
        assert STATEMENT_TEXT in statement.content.decode()
        assert COMMENT_TEXT not in page + statement.content.decode()
        review = client.get(hidden.url + "pruefung/")
        assert review.status_code in (302, 404)
        assert SECRET_TITLE in everything_public(client)
    assert COMMENT_TEXT not in everything_public(client)


def test_statement_written_in_review_stays_hidden_until_published(client, hidden, outsider):
    type(hidden).objects.filter(pk=hidden.pk).update(
        review_start=TODAY - timedelta(days=10), review_end=TODAY - timedelta(days=1)
    )
    client.force_login(outsider)
    assert SECRET_TITLE in client.get(hidden.url).content.decode()
    assert client.get(hidden.url + f"stellungnahmen/{hidden.statement.pk}/").status_code == 404
    type(hidden).objects.filter(pk=hidden.pk).update(review_published_at=timezone.now())
    assert client.get(hidden.url + f"stellungnahmen/{hidden.statement.pk}/").status_code == 200
