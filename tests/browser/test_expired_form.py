"""A form sent after its security token expired: the typed text survives."""

from tests.browser.conftest import axe_violations, focused

TEXT = "Die Vorlesefunktion überspringt die Tabelle mit den Öffnungszeiten."


def test_text_typed_into_an_expired_form_is_kept_and_offered_again(site, context_factory):
    context = context_factory()
    page = context.new_page()
    page.goto(site + "/barrierefreiheit/")
    page.fill("#id_message", TEXT)
    page.check("#id_category_2")
    context.clear_cookies()  # as if the session and its token had expired
    with page.expect_navigation(wait_until="load"):
        page.click("#feedback-form button[type=submit]")

    assert page.locator("h1").inner_text() == "Das Formular konnte nicht gesendet werden"
    assert TEXT in page.locator("main").inner_text()
    assert axe_violations(page) == []

    with page.expect_navigation(wait_until="load"):
        page.get_by_role("link", name="Zurück zum Formular, mit Ihrem Text").click()
    assert page.locator("#id_message").input_value() == TEXT
    assert page.locator("#id_category_2").is_checked()
    assert focused(page)["id"] == "form-recovered"
    with page.expect_navigation(wait_until="load"):
        page.click("#feedback-form button[type=submit]")
    assert page.locator("#feedback-sent").is_visible()
