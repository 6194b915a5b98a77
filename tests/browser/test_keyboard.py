"""A keyboard-only visitor: skip link, language switch, and the accessibility feedback form."""

from django.core import mail

from cms.models import AccessibilityFeedback
from tests.browser.conftest import focused


def tab_to(page, predicate, limit: int = 60) -> dict:
    """Press Tab until `predicate(focused element)` holds; fail if it never does."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        element = focused(page)
        if predicate(element):
            return element
    raise AssertionError("never reached the element with the keyboard")


def test_skip_link_is_first_and_moves_focus_to_main_content(site, page):
    page.goto(site + "/")
    page.keyboard.press("Tab")
    assert focused(page)["href"] == "#main"
    assert page.locator(".skip-link").is_visible()
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "main"


def test_language_switch_works_with_the_keyboard(site, page):
    page.goto(site + "/ueber-quartier/")
    assert page.evaluate("document.documentElement.lang") == "de"
    tab_to(page, lambda element: element["name"] == "language" and element["value"] == "en")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/ueber-quartier/")
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.locator(".skip-link").inner_text() == "Skip to content"
    tab_to(page, lambda element: element["name"] == "language" and element["value"] == "de")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.evaluate("document.documentElement.lang") == "de"


def test_feedback_form_error_then_success_with_keyboard_only(site, page):
    page.goto(site + "/barrierefreiheit/")
    message = tab_to(page, lambda element: element["id"] == "id_message")
    assert message["tag"] == "textarea"
    page.keyboard.type("kurz")
    tab_to(page, lambda element: element["tag"] == "button")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    # The error summary has focus, names both problems and links to each field.
    assert focused(page)["id"] == "error-summary"
    assert page.locator("#error-summary").get_attribute("role") == "alert"
    assert page.title().startswith("Fehler: ")
    links = page.locator("#error-summary a")
    assert links.count() == 2
    assert page.locator("#id_message").get_attribute("aria-invalid") == "true"
    assert "id_message-error" in page.locator("#id_message").get_attribute("aria-describedby")
    assert page.locator("#id_message").input_value() == "kurz"  # typed text is kept
    assert AccessibilityFeedback.objects.count() == 0

    page.keyboard.press("Tab")
    assert focused(page)["href"] == "#id_category_0"
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "id_category_0"
    page.keyboard.press("ArrowDown")  # choose the second kind of barrier
    assert page.locator("#id_category_1").is_checked()

    tab_to(page, lambda element: element["id"] == "id_message")
    page.keyboard.press("Control+A")
    page.keyboard.type("Das Hauptmenü lässt sich nicht mit der Tab-Taste erreichen.")
    tab_to(page, lambda element: element["tag"] == "button")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert focused(page)["id"] == "feedback-sent"
    feedback = AccessibilityFeedback.objects.get()
    assert feedback.category == "keyboard"
    assert "Tab-Taste" in feedback.message
    assert len(mail.outbox) == 1


def test_every_focusable_element_shows_a_visible_focus_indicator(site, page):
    """WCAG 2.4.7: walk the home page and the feedback form with Tab; each stop has the site's
    own focus outline (the browser's default ring is too faint on the blue header)."""
    missing = []
    for path in ("/", "/barrierefreiheit/"):
        page.goto(site + path)
        page.wait_for_load_state("load")
        seen = set()
        for _ in range(80):
            page.keyboard.press("Tab")
            stop = page.evaluate(
                """() => {
                    const el = document.activeElement;
                    if (el === document.body) return {key: 'body'};
                    const style = getComputedStyle(el);
                    const drawn = !['none', 'auto'].includes(style.outlineStyle);
                    return {key: el.outerHTML.slice(0, 80),
                            outline: drawn ? parseFloat(style.outlineWidth) || 0 : 0,
                            shadow: style.boxShadow !== 'none'};
                }"""
            )
            if stop["key"] in seen or stop["key"] == "body":
                break
            seen.add(stop["key"])
            if stop["outline"] < 2 and not stop["shadow"]:
                missing.append((path, stop["key"]))
        assert len(seen) > 10, path
    assert missing == []
