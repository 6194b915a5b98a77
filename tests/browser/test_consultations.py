"""Taking part in a consultation in a real browser: with the keyboard alone (on the map, by
address, without a place), without JavaScript, and axe-core on every page of the flow."""

import pytest
from django.conf import settings
from django.test import Client

from maps.models import Area
from maps.services import address_import
from maps.sources import AddressRecord
from tests.browser.conftest import axe_violations, focused
from tests.browser.test_keyboard import tab_to
from tests.factories import UserFactory, make_consultation

TEXT = "Eine Bank im Schatten wäre hier gut."


@pytest.fixture
def consultation(site):
    address_import(
        records=[AddressRecord("Wilhelmstraße", "140", "10963", "Kreuzberg", "02100101")],
        checksum="browser-consultation",
    )
    district = Area.objects.get(code="02")
    return make_consultation(
        areas=[district], title="Bänke in Friedrichshain-Kreuzberg", allow_polygon=False
    )


@pytest.fixture
def resident(site):
    return UserFactory(username="browser-resident", display_name="Anwohnerin Kiez")


def logged_in(context_factory, user, site, **options):
    """A browser page whose session belongs to `user` (logged in through Django's client)."""
    client = Client()
    client.force_login(user)
    context = context_factory(**options)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": site}])
    return context.new_page()


def write_text_and_category(page):
    tab_to(page, lambda element: element["id"] == "id_text")
    page.keyboard.type(TEXT)
    tab_to(page, lambda element: element["name"] == "category")
    page.keyboard.press("Space")


def choose_location(page, value: str):
    tab_to(page, lambda element: element["name"] == "location")
    # Arrow keys move through a radio group and check the option they land on.
    for _ in range(6):
        if focused(page)["value"] == value:
            break
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")
    assert page.locator(f"input[name=location][value={value}]").is_checked()


def submit(page):
    tab_to(page, lambda element: element["tag"] == "button" and "Beitrag senden" in element["text"])
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")


def test_keyboard_only_contribution_on_the_map(site, consultation, resident, context_factory):
    page = logged_in(context_factory, resident, site)
    page.goto(site + consultation.url + "beitragen/")
    write_text_and_category(page)
    choose_location(page, "map")
    map_element = tab_to(page, lambda element: element["id"] == "place-map")
    assert map_element
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Enter")
    status = page.locator("[data-place-status]")
    status.filter(has_text="Punkt gesetzt").wait_for()
    status.filter(has_text="Gebiet: ").wait_for()
    assert page.locator("#id_geometry").input_value().startswith('{"type":"Point"')
    submit(page)
    contribution = consultation.contributions.get()
    assert contribution.geometry.geom_type == "Point"
    assert contribution.area.code.startswith("02")
    assert TEXT in page.locator("main").inner_text()

    page.goto(site + consultation.url)
    assert TEXT in page.locator(f"#beitrag-{contribution.pk}").inner_text()
    page.locator("#consultation-map path.leaflet-interactive").first.wait_for()
    assert page.locator("#consultation-map").get_attribute("data-loaded-features") == "1"
    assert axe_violations(page) == []


def test_keyboard_only_contribution_by_address(site, consultation, resident, context_factory):
    page = logged_in(context_factory, resident, site)
    page.goto(site + consultation.url + "beitragen/")
    write_text_and_category(page)
    choose_location(page, "address")
    tab_to(page, lambda element: element["id"] == "id_address")
    page.keyboard.type("Wilhelmstraße 140")
    submit(page)
    contribution = consultation.contributions.get()
    assert contribution.area.code == "02100101"
    assert contribution.geometry is None
    page.goto(site + consultation.url)
    assert "Askanischer Platz" in page.locator(f"#beitrag-{contribution.pk}").inner_text()


def test_keyboard_only_contribution_without_a_place(site, consultation, resident, context_factory):
    page = logged_in(context_factory, resident, site)
    page.goto(site + consultation.url + "beitragen/")
    write_text_and_category(page)
    choose_location(page, "none")
    submit(page)
    contribution = consultation.contributions.get()
    assert contribution.area is None and contribution.geometry is None
    page.goto(site + consultation.url)
    assert "Kein bestimmter Ort" in page.locator(f"#beitrag-{contribution.pk}").inner_text()


def test_form_works_without_javascript(site, consultation, resident, context_factory):
    page = logged_in(context_factory, resident, site, java_script_enabled=False)
    page.goto(site + consultation.url + "beitragen/")
    assert not page.locator("#place-map").is_visible()
    page.fill("#id_text", TEXT)
    page.check("input[name=category][value=question]")
    page.check("input[name=location][value=area]")
    page.select_option("#id_area", "0210")
    with page.expect_navigation(wait_until="load"):
        page.click("#contribution-form button[type=submit]")
    contribution = consultation.contributions.get()
    assert contribution.area.code == "0210"
    assert contribution.category == "question"


def test_form_error_state_is_announced_and_passes_axe(
    site, consultation, resident, context_factory
):
    page = logged_in(context_factory, resident, site)
    page.goto(site + consultation.url + "beitragen/")
    assert axe_violations(page) == []
    with page.expect_navigation(wait_until="load"):
        page.click("#contribution-form button[type=submit]")
    assert page.title().startswith("Fehler:")
    assert focused(page)["id"] == "error-summary"
    assert axe_violations(page) == []
    assert not consultation.contributions.exists()


def test_index_consultation_and_contribution_pages_pass_axe(
    site, consultation, resident, context_factory, contribution_factory
):
    contribution = contribution_factory(consultation=consultation, author=resident)
    contribution_factory(
        consultation=consultation,
        author=resident,
        geometry=None,
        status="rejected",
        moderation_reason="Werbung",
    )
    page = logged_in(context_factory, resident, site)
    for path in (
        consultation.get_parent().url,
        consultation.url,
        contribution.url,
        contribution.url + "melden/",
    ):
        page.goto(site + path)
        assert axe_violations(page) == [], path
