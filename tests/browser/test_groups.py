"""Groups and statements in a real browser: a spokesperson publishes a statement with the
keyboard only (after an error), an editor answers it in the admin with the keyboard only (after
an error), the answer shows under the statement and on the result report, and axe-core finds
nothing on the group pages, both forms in their error state, the statement page and the
result report."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from participation.models import Answer, ConsultationPage, Group, Membership, Phase, Statement
from tests.browser.conftest import axe_violations
from tests.browser.test_consultations import logged_in
from tests.browser.test_keyboard import focused, tab_to
from tests.factories import make_consultation

TEXT = "Der Beirat begrüßt die Beratungsstelle, wenn alle Räume stufenlos erreichbar sind."
REASONS = "Die Räume im Erdgeschoss werden stufenlos; der Keller nicht."


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


def answer_with_the_keyboard(page, site, statement):
    """An editor answers the statement in the admin, first sending the form empty."""
    page.goto(f"{site}/admin/beteiligung/antworten/stellungnahme/{statement.pk}/")
    tab_to(page, lambda element: element["text"] == "Antwort speichern", limit=150)
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")
    assert focused(page)["id"] == "error-summary"
    assert axe_violations(page) == []
    assert not Answer.objects.filter(statement=statement).exists()

    tab_to(page, lambda element: element["name"] == "outcome", limit=150)
    for _ in range(4):
        if focused(page)["value"] == Answer.Outcome.PARTLY:
            break
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")
    tab_to(page, lambda element: element["id"] == "id_reasons")
    page.keyboard.type(REASONS)
    tab_to(page, lambda element: element["text"] == "Antwort speichern")
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")


def test_spokesperson_publishes_a_statement_and_an_editor_answers_it_with_the_keyboard(
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
    answer_with_the_keyboard(logged_in(context_factory, editor, site), site, statement)
    answer = Answer.objects.get(statement=statement)
    assert (answer.outcome, answer.reasons) == (Answer.Outcome.PARTLY, REASONS)

    page.goto(site + consultation.url + f"stellungnahmen/{statement.pk}/")
    main = page.locator("main").inner_text()
    assert TEXT in main
    assert "Antwort der Verwaltung" in main and "Teilweise übernommen" in main
    assert axe_violations(page) == []

    # Weeks later the consultation reaches its result: the report shows the answer.
    today = timezone.localdate()
    ConsultationPage.objects.filter(pk=consultation.pk).update(
        contributions_start=today - timedelta(days=40),
        contributions_end=today - timedelta(days=10),
        result_date=today,
    )
    anonymous = context_factory().new_page()
    anonymous.goto(site + consultation.url)
    tab_to(anonymous, lambda element: element["text"].startswith("Ergebnisbericht lesen"), limit=80)
    with anonymous.expect_navigation(wait_until="load"):
        anonymous.keyboard.press("Enter")
    main = anonymous.locator("main").inner_text()
    assert group.name in main and REASONS in main
    assert axe_violations(anonymous) == []


def test_group_pages_pass_axe_and_reflow(site, board, page):
    from tests.browser.test_accessibility import check_pages

    group, _spokesperson = board
    paths = ["/gruppen/", "/gruppen/?art=advisory_board", f"/gruppen/{group.slug}/"]
    assert check_pages(page, site, paths) == {}


def test_review_page_of_an_invited_member_passes_axe_and_is_hidden_from_others(
    site, board, context_factory
):
    group, spokesperson = board
    today = timezone.localdate()
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
