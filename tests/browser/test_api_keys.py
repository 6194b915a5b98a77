"""API keys on the account page in a real browser, with the keyboard alone: a mistake, a new
key shown once, and revoking it; axe-core in every state."""

import pytest
from wagtail.models import APIToken

from participation.services.tokens import api_token_user
from tests.browser.conftest import axe_violations, focused
from tests.browser.test_consultations import logged_in
from tests.browser.test_keyboard import tab_to
from tests.factories import UserFactory

URL = "/konto/api-schluessel/"
NAME = "Datenabgleich Schulamt"


@pytest.fixture
def resident(site):
    return UserFactory(username="browser-key-owner", display_name="Skript-Schreiberin")


def press_enter_and_wait(page) -> None:
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")


def on_create_button(page) -> bool:
    return page.evaluate("document.activeElement.matches('#api-key-form button')")


def reflows(page) -> bool:
    page.set_viewport_size({"width": 320, "height": 800})
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    page.set_viewport_size({"width": 1280, "height": 900})
    return overflow <= 0


def test_api_key_is_created_shown_once_and_revoked_with_the_keyboard_alone(
    site, context_factory, resident
):
    page = logged_in(context_factory, resident, site)
    page.goto(site + "/konto/profil/")
    tab_to(page, lambda element: element["href"] == URL)
    press_enter_and_wait(page)
    assert page.url.endswith(URL)
    assert axe_violations(page) == []

    # An empty name: the error summary takes focus and links to the field.
    tab_to(page, lambda element: element["id"] == "id_name")
    press_enter_and_wait(page)
    assert focused(page)["id"] == "error-summary"
    assert page.locator("#id_name").get_attribute("aria-invalid") == "true"
    assert "id_name-error" in page.locator("#id_name").get_attribute("aria-describedby")
    assert not APIToken.objects.exists()
    assert axe_violations(page) == []

    page.keyboard.press("Tab")
    assert focused(page)["href"] == "#id_name"
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "id_name"
    page.keyboard.type(NAME)
    tab_to(page, lambda element: element["tag"] == "button" and on_create_button(page))
    press_enter_and_wait(page)

    # The new key, once, with focus on it; it works.
    assert focused(page)["id"] == "new-key"
    secret = page.locator("#new-key-secret").input_value()
    assert api_token_user(secret) == resident
    assert page.locator("#new-key-secret").get_attribute("readonly") is not None
    assert axe_violations(page) == []
    assert reflows(page)

    tab_to(page, lambda element: element["tag"] == "button" and NAME in element["text"])
    press_enter_and_wait(page)

    assert page.url.endswith(URL)
    assert focused(page)["tag"] == "div"  # "The key … is revoked"
    assert NAME in page.locator("[role=status]").inner_text()
    assert secret not in page.content()
    assert api_token_user(secret) is None
    assert axe_violations(page) == []
