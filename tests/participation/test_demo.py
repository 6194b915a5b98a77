import io
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from wagtail.models import Page

from maps.models import Address, Area
from maps.sources import address_search_key
from participation.models import (
    Answer,
    ConsultationIndexPage,
    ConsultationPage,
    Contribution,
    Group,
    Membership,
    Phase,
    Proposal,
    ReviewComment,
    Statement,
    Support,
    Topic,
    User,
)

pytestmark = pytest.mark.django_db

SENIORS = "beratungsstelle-senioren-friedrichshain-kreuzberg"
YOUTH = "jugendfreizeiteinrichtungen-gropiusstadt"
TOWN_HALL = "stufenlose-wege-rathaus-schoeneberg"
CITIZENS_OFFICE = "barrierefreies-buergeramt-rathaus-tempelhof"
DISABILITY_BOARD = "behindertenbeirat-tempelhof-schoeneberg"
SENIORS_BOARD = "seniorenvertretung-friedrichshain-kreuzberg"
SELF_HELP = "selbsthilfe-blind-sehbehindert-schoeneberg"
PRESS = "kiezblatt-schoeneberg"
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")


def load_demo() -> str:
    out = io.StringIO()
    call_command("load_demo", no_progress=True, no_addresses=True, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            Page,
            Proposal,
            Contribution,
            Support,
            Topic,
            User,
            Group,
            Membership,
            Statement,
            ReviewComment,
            Answer,
        )
    }


def consultation(slug: str) -> ConsultationPage:
    return ConsultationPage.objects.get(slug=slug)


def test_demo_has_four_consultations_in_the_index_with_their_phases(demo_site):
    index = ConsultationIndexPage.objects.get()
    assert (index.slug, index.show_in_menus, index.live) == ("beteiligung", True, True)
    assert index.get_prev_sibling() is None  # first in the main navigation
    phases = {page.slug: page.phase for page in ConsultationPage.objects.child_of(index).live()}
    assert phases == {
        SENIORS: Phase.CONTRIBUTIONS,
        YOUTH: Phase.CONTRIBUTIONS,
        TOWN_HALL: Phase.RESULT,
        CITIZENS_OFFICE: Phase.REVIEW,
    }
    youth = consultation(YOUTH)
    assert youth.moderation == ConsultationPage.Moderation.PRE
    assert youth.geometry_kinds == ["Point", "Polygon"] and youth.allow_no_place
    assert consultation(TOWN_HALL).geometry_kinds == ["Point", "LineString"]
    assert [area.code for area in youth.areas.all()] == ["0830"]
    for page in ConsultationPage.objects.all():
        assert page.easy_language_summary and page.easy_language_body
        assert page.topics.exists()


def test_proposals_lie_inside_their_consultation_area(demo_site):
    expected = {SENIORS: 4, YOUTH: 4, TOWN_HALL: 4, CITIZENS_OFFICE: 3}
    for page in ConsultationPage.objects.all():
        proposals = list(page.proposals.all())
        assert len(proposals) == expected[page.slug]
        for proposal in proposals:
            assert page.consultation_area.covers(proposal.geometry), proposal.title
            assert proposal.area is not None


def test_care_home_proposal_is_at_the_reprojected_facility(demo_site):
    """Seniorenzentrum Bethel Friedrichshain, Andreasstraße 21: (393626.749, 5819332.372) in
    EPSG:25833 is 13.4324545 E, 52.5137154 N in WGS 84 (the transverse Mercator inverse on
    GRS80 by Krüger's series, agreeing with gdaltransform to 1e-8 degrees)."""
    proposal = Proposal.objects.get(title="Standort Andreasstraße (Friedrichshain)")
    assert proposal.geometry.srid == 4326
    assert proposal.geometry.x == pytest.approx(13.4324545, abs=1e-5)
    assert proposal.geometry.y == pytest.approx(52.5137154, abs=1e-5)
    assert proposal.area.code == "0240"  # the smallest area with an outline: Friedrichshain West


def test_youth_centre_proposals_are_the_forecast_areas_youth_centres(demo_site):
    titles = set(consultation(YOUTH).proposals.values_list("title", flat=True))
    assert titles == {
        "Stadtvilla Global",
        "Jugendfreizeiteinrichtung UFO",
        "Jugendzentrum Wutzkyallee",
        "Mädchentreff Gropiusstadt",
    }


def test_contributions_of_every_location_kind_exist(demo_site):
    top_level = Contribution.objects.filter(reply_to__isnull=True)
    assert top_level.count() >= 30
    kinds = {c.geometry.geom_type for c in top_level.filter(geometry__isnull=False)}
    assert kinds == {"Point", "LineString", "Polygon"}
    chosen = top_level.filter(geometry__isnull=True, area__isnull=False)
    assert chosen.exclude(area__level="planungsraum").exists()  # chosen from the list
    by_address = chosen.get(text__startswith="Wir pflegen meinen Schwiegervater")
    assert by_address.area.code == "02200210"  # Zossener Straße 10
    assert top_level.filter(geometry__isnull=True, area__isnull=True).exists()
    assert set(top_level.values_list("category", flat=True)) == set(Contribution.Category.values)
    # A place on the map is stored with the area it lies in.
    assert not top_level.filter(geometry__isnull=False, area__isnull=True).exists()


def test_address_is_resolved_through_the_imported_address_list():
    call_command("import_areas", no_progress=True, stdout=io.StringIO())
    # A made-up planning area for a real address: the list wins over the demo file's fallback.
    Address.objects.create(
        street="Zossener Straße",
        house_number="10",
        postcode="10961",
        locality="Kreuzberg",
        area=Area.objects.get(code="02200211"),
        search_key=address_search_key("Zossener Straße", "10"),
    )
    load_demo()
    contribution = Contribution.objects.get(text__startswith="Wir pflegen meinen Schwiegervater")
    assert contribution.area.code == "02200211"


def test_contributions_have_replies_supports_and_several_authors(demo_site):
    assert Contribution.objects.filter(reply_to__isnull=False).count() >= 5
    assert Support.objects.count() >= 30
    for contribution in Contribution.objects.filter(support_count__gt=0):
        assert contribution.supports.count() == contribution.support_count
    authors = User.objects.filter(contributions__isnull=False).distinct()
    assert authors.count() >= 6
    assert all(author.display_name for author in authors)
    assert all(author.email.endswith("@quartier.example") for author in authors)


def test_pre_moderated_consultation_has_pending_and_one_rejected_contribution(demo_site):
    contributions = consultation(YOUTH).contributions
    statuses = list(contributions.values_list("status", flat=True))
    assert statuses.count(Contribution.Status.PENDING) >= 2
    rejected = contributions.get(status=Contribution.Status.REJECTED)
    assert rejected.moderation_reason.startswith("Entfernt: Werbung")
    assert rejected.moderated_by.username == "moderator"
    published = contributions.filter(status=Contribution.Status.PUBLISHED)
    assert published.count() >= 8
    assert not published.filter(moderated_at__isnull=True).exists()


def test_contributions_are_dated_within_their_phase(demo_site):
    for page in ConsultationPage.objects.all():
        for contribution in page.contributions.all():
            day = contribution.created_at.date()
            assert page.contributions_start <= day <= page.contributions_end


def test_second_load_creates_nothing():
    load_demo()
    before = counts()
    output = load_demo()
    assert "consultation pages created: none" in output
    assert "groups created: none" in output
    assert "statements: 0; answers: 0" in output
    assert counts() == before


def test_deleted_consultation_is_written_again_with_its_contributions(demo_site):
    before = counts()
    page = consultation(TOWN_HALL)
    # Its result dataset would stay in the catalogue (open data keeps its address): delete
    # it too, as editors removing the whole consultation would.
    page.result_dataset.dataset.delete()
    page.delete()
    assert "consultation pages created: Stufenlose Wege" in load_demo()
    assert counts() == before


def test_no_demo_text_contains_an_email_address(demo_site):
    texts = list(Contribution.objects.values_list("text", "moderation_reason"))
    texts += Proposal.objects.values_list("title", "description")
    texts += User.objects.values_list("display_name", "username")
    texts += Group.objects.values_list("name", "description")
    texts += Membership.objects.values_list("message")
    texts += Statement.objects.values_list("text")
    texts += Answer.objects.values_list("reasons")
    texts += ReviewComment.objects.values_list("text")
    for page in ConsultationPage.objects.all():
        texts.append(
            (
                page.title,
                page.summary,
                page.easy_language_summary,
                str(page.body),
                str(page.easy_language_body),
            )
        )
    index = ConsultationIndexPage.objects.get()
    texts.append((index.intro, str(index.easy_language_body)))
    for row in texts:
        for text in row:
            assert not EMAIL.search(text), text


def test_without_demo_password_the_consultations_come_without_contributions(settings):
    settings.DEMO_PASSWORD = ""
    assert "no contributions" in load_demo()
    assert ConsultationPage.objects.count() == 4
    assert Proposal.objects.count() == 15
    assert not Contribution.objects.exists()
    assert not User.objects.exists()
    # The groups need no accounts: they are there, and invited to the review, without members.
    assert Group.objects.count() == 4
    assert not Membership.objects.exists()
    assert not Statement.objects.exists()
    assert set(consultation(CITIZENS_OFFICE).invited_groups.values_list("slug", flat=True)) == {
        DISABILITY_BOARD,
        SELF_HELP,
    }
    settings.DEMO_PASSWORD = "demo-passwort-123"
    load_demo()  # the accounts appear later: the contributions follow
    assert Contribution.objects.count() > 30
    assert User.objects.get(username="helga").check_password("demo-passwort-123")
    assert Membership.objects.filter(group__slug=PRESS).count() == 1
    assert Answer.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_loading_the_demo_mails_nobody(mailoutbox):
    load_demo()
    assert Contribution.objects.filter(moderated_at__isnull=False).exists()
    assert Answer.objects.filter(statement__isnull=False).exists()
    assert Membership.objects.filter(decided_by__isnull=False).exists()
    assert mailoutbox == []


# Groups, statements, the review and answers ----------------------------------------------------


def test_demo_groups_have_their_kinds_verification_and_members(demo_site):
    groups = {group.slug: group for group in Group.objects.all()}
    assert {slug: (group.kind, group.verified) for slug, group in groups.items()} == {
        DISABILITY_BOARD: (Group.Kind.ADVISORY_BOARD, True),
        SENIORS_BOARD: (Group.Kind.ADVISORY_BOARD, True),
        SELF_HELP: (Group.Kind.SELF_HELP, False),
        PRESS: (Group.Kind.PRESS, True),
    }
    for group in groups.values():
        assert (group.verified_at is not None) == group.verified
        assert len(group.description) > 100
        spokespersons = group.memberships.filter(
            role=Membership.Role.SPOKESPERSON, status=Membership.Status.ACTIVE
        )
        assert spokespersons.count() == 1, group.name
    press = groups[PRESS].memberships.get()
    assert (press.status, press.user.display_name) == (
        Membership.Status.ACTIVE,
        "Redaktion Kiezblatt",
    )
    # Members who asked to join were accepted by the spokesperson, who the editor appointed.
    board = groups[DISABILITY_BOARD]
    spokesperson = board.memberships.get(role=Membership.Role.SPOKESPERSON)
    assert spokesperson.decided_by.username == "editor"
    accepted = board.memberships.get(user__username="tobias")
    assert (accepted.status, accepted.decided_by) == (Membership.Status.ACTIVE, spokesperson.user)
    pending = Membership.objects.get(status=Membership.Status.REQUESTED)
    assert (pending.group, pending.user.username) == (board, "frank")
    assert pending.message and pending.decided_at is None
    members = User.objects.filter(memberships__isnull=False).distinct()
    assert all(member.email.endswith("@quartier.example") for member in members)


def test_review_consultation_is_hidden_from_all_but_invited_members(demo_site, client):
    page = consultation(CITIZENS_OFFICE)
    today = page.review_start + timedelta(days=5)
    assert (page.phase, page.review_end, page.contributions_start) == (
        Phase.REVIEW,
        today + timedelta(days=9),
        today + timedelta(days=10),
    )
    assert not page.contributions.exists()
    assert ReviewComment.objects.filter(consultation=page).count() == 3
    assert set(page.review_comments.values_list("group__slug", flat=True)) == {
        DISABILITY_BOARD,
        SELF_HELP,
    }
    statement = page.statements.get()
    assert statement.in_review and statement.group.slug == DISABILITY_BOARD
    assert page.review_published_at is None
    for proposal in page.proposals.all():
        assert page.consultation_area.covers(proposal.geometry)

    assert client.get(page.url).status_code == 404
    client.force_login(User.objects.get(username="ingrid"))  # a board that is not invited
    assert client.get(page.url).status_code == 404
    client.force_login(User.objects.get(username="tobias"))
    response = client.get(page.url)
    assert response.status_code == 200
    assert page.title in response.content.decode()


def test_result_consultation_has_answered_every_contribution_and_statement(demo_site):
    page = consultation(TOWN_HALL)
    assert page.phase == Phase.RESULT
    assert page.result_date == page.contributions_end + timedelta(days=13)
    statements = page.statements.select_related("group")
    assert {statement.group.slug for statement in statements} == {DISABILITY_BOARD, SELF_HELP}
    for statement in statements:
        assert not statement.in_review
        assert statement.resolution_date < statement.created_at.date()
        assert page.contributions_start <= statement.created_at.date() <= page.contributions_end
        assert statement.author.memberships.get(group=statement.group).role == "spokesperson"
    published = page.contributions.filter(
        reply_to__isnull=True, status=Contribution.Status.PUBLISHED
    )
    assert published.count() == 9
    assert not published.filter(answer__isnull=True).exists()
    assert not statements.filter(answer__isnull=True).exists()
    answers = Answer.objects.filter(contribution__consultation=page) | Answer.objects.filter(
        statement__consultation=page
    )
    assert answers.count() == 11
    assert set(answers.values_list("outcome", flat=True)) == set(Answer.Outcome.values)
    for answer in answers.select_related("answered_by"):
        assert answer.answered_by.username == "editor"
        assert page.contributions_end < answer.answered_at.date() < page.result_date
        assert answer.updated_at == answer.answered_at


def test_open_consultation_has_a_board_statement_a_group_contribution_and_answers(demo_site):
    page = consultation(SENIORS)
    statement = page.statements.get()
    assert statement.group.slug == SENIORS_BOARD and not statement.in_review
    assert statement.proposal.title == "Standort Lausitzer Straße (Kreuzberg)"
    on_behalf = page.contributions.get(group__isnull=False)
    assert on_behalf.group.slug == SENIORS_BOARD
    assert on_behalf.author.memberships.get(group=on_behalf.group).status == "active"
    assert on_behalf.status == Contribution.Status.PUBLISHED
    answered = page.contributions.filter(answer__isnull=False)
    assert answered.count() == 2
    for contribution in answered:
        assert contribution.created_at < contribution.answer.answered_at
        assert contribution.answer.answered_by.username == "editor"
    assert not Answer.objects.filter(statement__consultation=page).exists()
