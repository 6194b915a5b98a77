"""Everything works with JavaScript switched off: the list stands in for the map, forms submit."""

from cms.models import AccessibilityFeedback


def test_feedback_form_submits_without_javascript(site, context_factory):
    page = context_factory(java_script_enabled=False).new_page()
    page.goto(site + "/barrierefreiheit/")
    page.check("#id_category_2")
    page.fill("#id_message", "Der Screenreader liest die Tabelle nicht vor.")
    with page.expect_navigation(wait_until="load"):
        page.click("#feedback-form button[type=submit]")
    assert page.locator("#feedback-sent").is_visible()
    assert AccessibilityFeedback.objects.get().category == "screen_reader"


def test_district_list_is_shown_and_map_hidden_without_javascript(site, context_factory):
    page = context_factory(java_script_enabled=False).new_page()
    page.goto(site + "/")
    assert not page.locator("#districts-map").is_visible()
    assert page.locator(".map-block ul a").count() == 12
