"""Groups and statements in a real browser: a spokesperson publishes a statement with the
keyboard only (after an error), the administration's answer shows under it, and axe-core finds
nothing on the group pages, the statement form in its error state and the statement page."""

from datetime import date, timedelta

import pytest

from participation.models import Answer, ConsultationPage, Group, Membership, Phase, Statement
from participation.services.answers import answer_save
from tests.browser.conftest import axe_violations
from tests.browser.test_consultations import logged_in
from tests.browser.test_keyboard import focused, tab_to
from tests.factories import make_consultation

TEXT = "Der Beirat begrüßt die Beratungsstelle, wenn alle Räume stufenlos erreichbar sind."


@pytest.fixture
def board(site, user_factory):
    """The disability advisory board, verified, with a spokesperson."""
    group = Group.objects.create(
        name="Behindertenbeirat Friedrichshain-Kreuzberg",
        slug="behindertenbeirat-fk",
        kind=Group.Kind.ADVISORY_BOARD,
        description="Der Beirat vertritt die Belange von Menschen mit Behinderungen.",
        verified=True,
        verified_at="2026-01-15T10:00:00+01:00",
    )
    spokesperson = user_factory(display_name="Sprecherin Beirat")
    Membership.objects.create(
        group=group,
        user=spokesperson,
        role=Membership.Role.SPOKESPERSON,
        status=Membership.Status.ACTIVE,
    )
    return group, spokesperson


def open_consultation() -> ConsultationPage:
    return next(
        page for page in ConsultationPage.objects.live() if page.phase == Phase.CONTRIBUTIONS
    )


def test_spokesperson_publishes_a_statement_with_the_keyboard_and_sees_the_answer(
    site, board, context_factory, user_factory
):
    group, spokesperson = board
    consultation = open_consultation()
    page = logged_in(context_factory, spokesperson, site)
    page.goto(site + consultation.url + "stellungnahme/")

    # Submitting the empty form: the error summary takes the focus and passes axe.
    tab_to(page, lambda element: element["text"] == "Stellungnahme veröffentlichen", limit=80)
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")
    assert page.title().startswith("Fehler")
    assert focused(page)["id"] == "error-summary"
    assert axe_violations(page) == []

    tab_to(page, lambda element: element["id"] == "id_text", limit=80)
    page.keyboard.type(TEXT)
    tab_to(page, lambda element: element["name"] == "recommendation")
    page.keyboard.press("ArrowDown")  # the second option: supports with conditions
    assert focused(page)["value"] == Statement.Recommendation.CONDITIONS
    tab_to(page, lambda element: element["id"] == "id_resolution_date")
    page.keyboard.type("05052025")  # day and month alike: the field's order depends on the locale
    tab_to(page, lambda element: element["text"] == "Stellungnahme veröffentlichen", limit=80)
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")

    statement = Statement.objects.get(group=group)
    assert statement.text == TEXT
    assert statement.recommendation == Statement.Recommendation.CONDITIONS
    assert statement.resolution_date == date(2025, 5, 5)
    assert not statement.in_review

    editor = user_factory(is_staff=True, is_superuser=True)
    answer_save(
        item=statement,
        outcome=Answer.Outcome.PARTLY,
        reasons="Die Räume im Erdgeschoss werden stufenlos; der Keller nicht.",
        user=editor,
    )
    page.goto(site + consultation.url + f"stellungnahmen/{statement.pk}/")
    main = page.locator("main").inner_text()
    assert TEXT in main
    assert "Antwort der Verwaltung" in main and "Teilweise übernommen" in main
    assert axe_violations(page) == []


def test_group_pages_pass_axe_and_reflow(site, board, page):
    from tests.browser.test_accessibility import check_pages

    group, _spokesperson = board
    paths = ["/gruppen/", "/gruppen/?art=advisory_board", f"/gruppen/{group.slug}/"]
    assert check_pages(page, site, paths) == {}


def test_review_page_of_an_invited_member_passes_axe_and_is_hidden_from_others(
    site, board, context_factory
):
    group, spokesperson = board
    today = date.today()
    consultation = make_consultation(
        title="Barrierefreie Wege im Kiez",
        review_start=today - timedelta(days=3),
        review_end=today + timedelta(days=10),
        contributions_start=today + timedelta(days=11),
        contributions_end=today + timedelta(days=40),
    )
    consultation.invited_groups.add(group)
    consultation.save()  # a parental many-to-many is written with the page
    anonymous = context_factory().new_page()
    assert anonymous.goto(site + consultation.url).status == 404
    assert anonymous.goto(site + consultation.url + "pruefung/").status == 404

    page = logged_in(context_factory, spokesperson, site)
    assert page.goto(site + consultation.url + "pruefung/").status == 200
    assert group.name in page.locator("main").inner_text()
    assert axe_violations(page) == []
