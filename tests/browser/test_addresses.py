"""Finding the area of an address, with the keyboard alone; axe-core on its states."""

import pytest

from maps.services import address_import
from maps.sources import AddressRecord
from tests.browser.conftest import axe_violations, focused
from tests.browser.test_keyboard import tab_to


@pytest.fixture
def addresses(site):
    address_import(
        records=[
            AddressRecord("Ackerstraße", "1", "10115", "Mitte", "01100309"),
            AddressRecord("Ackerstraße", "1A", "10115", "Mitte", "01100309"),
            AddressRecord("Pappelplatz", "", "10115", "Mitte", "01100415"),
        ],
        checksum="browser-test",
    )
    return site


def test_address_lookup_with_the_keyboard_only(addresses, page):
    page.goto(addresses + "/gebiete/")
    tab_to(page, lambda element: element["id"] == "id_q")
    page.keyboard.type("Ackerstr. 1")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/gebiete/adresse/?q=Ackerstr.+1")
    results = page.locator(".address-results li")
    assert results.count() == 2
    assert "Ackerstraße 1A" in results.nth(1).inner_text()
    link = tab_to(page, lambda element: (element["href"] or "").startswith("/gebiete/011"))
    assert link["href"] == "/gebiete/01100309/"
    assert axe_violations(page) == []


def test_address_lookup_error_and_empty_states_pass_axe(addresses, page):
    for query in ("ab", "Nirgendweg"):
        page.goto(addresses + f"/gebiete/adresse/?q={query}")
        assert axe_violations(page) == []
    page.goto(addresses + "/gebiete/adresse/?q=ab")
    assert focused(page)["id"] == "error-summary"
