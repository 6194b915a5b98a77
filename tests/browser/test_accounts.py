"""Accounts in a real browser: registration, confirmation, sign-in and sign-out with the
keyboard alone, and axe-core on the account pages, also in their error states."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.cache import cache

from participation.models import User
from tests.browser.conftest import axe_violations, focused
from tests.browser.test_accessibility import check_pages
from tests.browser.test_keyboard import tab_to

EMAIL = "kiezlaeuferin@private.example"
PASSWORD = "Kiezbank unter Linden 1987"
MEMBER_PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """allauth counts mails and attempts per address in the cache; each test starts afresh."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def member(site, user_factory):
    user = user_factory()
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


IN_MAIN_FORM = "() => document.activeElement.matches('main form button')"
IN_HEADER_LOGOUT = (
    "() => document.activeElement.matches('.site-header form[action$=\"/logout/\"] button')"
)


def tab_until(page, script: str, limit: int = 60) -> None:
    """Press Tab until `script` (run in the page) says the focused element is the one."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(script):
            return
    raise AssertionError("never reached the element with the keyboard")


def submit_with_enter(page) -> None:
    """Tab on to the form's button in the main content and press Enter."""
    tab_until(page, IN_MAIN_FORM)
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")


def reflows(page) -> bool:
    page.set_viewport_size({"width": 320, "height": 800})
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    page.set_viewport_size({"width": 1280, "height": 900})
    return overflow <= 0


def sign_in(page, site: str, email: str, password: str) -> None:
    page.goto(site + "/konto/login/")
    page.fill("#id_login", email)
    page.fill("#id_password", password)
    with page.expect_navigation(wait_until="load"):
        page.click("#login-form button[type=submit]")


def test_registration_confirmation_and_sign_in_with_the_keyboard_only(site, page):
    page.goto(site + "/")
    tab_to(page, lambda element: element["href"] == "/konto/signup/")
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")

    tab_to(page, lambda element: element["id"] == "id_email")
    page.keyboard.type(EMAIL)
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "id_display_name"
    page.keyboard.type("Moderation")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    submit_with_enter(page)

    # The error summary has focus and leads to the display name, which kept what was typed.
    assert focused(page)["id"] == "error-summary"
    assert page.title().startswith("Fehler: ")
    assert page.locator("#error-summary a").count() == 1
    assert page.locator("#id_display_name").get_attribute("aria-invalid") == "true"
    assert page.locator("#id_email").input_value() == EMAIL
    assert not User.objects.filter(email=EMAIL).exists()
    page.keyboard.press("Tab")
    assert focused(page)["href"] == "#id_display_name"
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "id_display_name"
    page.keyboard.press("Control+A")
    page.keyboard.type("Kiezläuferin")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)  # passwords are never sent back to the browser
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    submit_with_enter(page)

    assert page.url.endswith("/konto/confirm-email/")
    assert User.objects.get(email=EMAIL).display_name == "Kiezläuferin"
    assert len(mail.outbox) == 1
    assert axe_violations(page) == []

    page.goto(re.search(r"https?://\S+", mail.outbox[0].body).group(0))
    submit_with_enter(page)  # "Confirm"
    assert page.url.endswith("/konto/login/")
    assert focused(page)["tag"] == "div"  # the confirmation notice is read first

    tab_to(page, lambda element: element["id"] == "id_login")
    page.keyboard.type(EMAIL)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    submit_with_enter(page)

    header = page.locator(".site-header")
    assert "Kiezläuferin" in header.inner_text()
    assert EMAIL not in page.content()
    tab_until(page, IN_HEADER_LOGOUT)
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")
    assert "Kiezläuferin" not in header.inner_text()
    assert header.locator("a[href^='/konto/login/']").count() == 1


def test_sign_in_with_errors_has_no_axe_violations(site, page, member):
    page.goto(site + "/konto/login/")
    with page.expect_navigation(wait_until="load"):
        page.click("#login-form button[type=submit]")
    assert page.locator("#error-summary a").count() == 2
    assert axe_violations(page) == []
    assert reflows(page)

    page.fill("#id_login", member.email)
    page.fill("#id_password", "falsches Passwort")
    with page.expect_navigation(wait_until="load"):
        page.click("#login-form button[type=submit]")
    assert page.locator("#error-summary").is_visible()
    assert focused(page)["id"] == "error-summary"
    assert axe_violations(page) == []


def test_registration_with_errors_has_no_axe_violations(site, page):
    page.goto(site + "/konto/signup/")
    page.fill("#id_email", "keine Adresse")
    page.fill("#id_display_name", "x")
    page.fill("#id_password1", "kurz")
    with page.expect_navigation(wait_until="load"):
        page.click("#signup-form button[type=submit]")
    assert page.locator("#error-summary a").count() >= 4
    assert axe_violations(page) == []
    assert reflows(page)


def test_password_reset_pages_have_no_axe_violations(site, page, member):
    assert check_pages(page, site, ["/konto/password/reset/"]) == {}

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(site + "/konto/password/reset/")
    with page.expect_navigation(wait_until="load"):
        page.click("#password-reset-form button[type=submit]")
    assert page.locator("#error-summary").is_visible()
    assert axe_violations(page) == []

    page.fill("#id_email", member.email)
    with page.expect_navigation(wait_until="load"):
        page.click("#password-reset-form button[type=submit]")
    assert page.url.endswith("/konto/password/reset/done/")
    assert axe_violations(page) == []

    page.goto(re.search(r"https?://\S+", mail.outbox[-1].body).group(0))
    assert page.locator("#id_password1").get_attribute("autocomplete") == "new-password"
    assert axe_violations(page) == []
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", "etwas anderes")
    with page.expect_navigation(wait_until="load"):
        page.click("#password-reset-key-form button[type=submit]")
    assert page.locator("#error-summary").is_visible()
    assert axe_violations(page) == []


def test_account_pages_of_a_signed_in_person_have_no_axe_violations(site, page, member):
    sign_in(page, site, member.email, MEMBER_PASSWORD)
    paths = [
        "/konto/profil/",
        "/konto/api-schluessel/",
        "/konto/email/",
        "/konto/password/change/",
        "/konto/logout/",
    ]
    assert check_pages(page, site, paths) == {}

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(site + "/konto/profil/")
    page.fill("#id_display_name", "Redaktion")
    with page.expect_navigation(wait_until="load"):
        page.click("#display-name-form button[type=submit]")
    assert page.locator("#error-summary").is_visible()
    assert axe_violations(page) == []

    page.fill("#id_display_name", "Neue Nachbarin")
    with page.expect_navigation(wait_until="load"):
        page.click("#display-name-form button[type=submit]")
    assert focused(page)["tag"] == "div"  # "Your display name is now …"
    assert "Neue Nachbarin" in page.locator(".site-header").inner_text()
    assert axe_violations(page) == []
