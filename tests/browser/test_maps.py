"""The district map: drawn from our own data with no tile server reachable, labelled in
German, usable with the keyboard, and paired with a list of the same districts."""


def test_home_map_draws_the_districts_without_tiles_and_lists_them(site, page):
    failed = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.goto(site + "/")
    page.wait_for_selector("#districts-map path.leaflet-interactive")
    assert page.locator("#districts-map path.leaflet-interactive").count() == 12
    assert any("tile.openstreetmap.org" in url for url in failed)  # tiles were unreachable

    district_links = page.locator(".map-block ul a")
    assert district_links.count() == 12
    assert "Mitte" in district_links.all_inner_texts()

    the_map = page.locator("#districts-map")
    assert the_map.get_attribute("role") == "region"
    assert the_map.get_attribute("aria-label") == "Karte der Bezirke"
    assert page.locator(".leaflet-control-zoom-in").get_attribute("title") == "Vergrößern"
    assert page.locator(".leaflet-control-zoom-out").get_attribute("aria-label") == "Verkleinern"


def test_map_pans_with_arrow_keys(site, page):
    page.goto(site + "/")
    page.wait_for_selector("#districts-map path.leaflet-interactive")
    pane = page.locator("#districts-map .leaflet-map-pane")
    before = pane.get_attribute("style")
    page.focus("#districts-map")
    page.keyboard.press("ArrowRight")
    page.wait_for_timeout(400)
    assert pane.get_attribute("style") != before


def test_district_link_leads_to_area_page_with_children(site, page):
    page.goto(site + "/")
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("link", name="Mitte", exact=True).first.click()
    assert page.url.endswith("/gebiete/01/")
    assert page.locator("h1").inner_text() == "Mitte"
    assert page.get_by_role("link", name="Zentrum").count() >= 1


def test_area_names_are_shown_as_text_never_run_as_html(site, page):
    from maps.models import Area
    from tests.factories import square

    Area.objects.create(
        code="99",
        name='<img src=x onerror="window.injected=1">Neu',
        level="bezirk",
        geometry=square(13.40, 52.50, size=0.05),
    )
    page.goto(site + "/gebiete/99/")
    page.wait_for_selector("#area-map path.leaflet-interactive")
    # Once the map has settled (fitBounds may still be moving the outline under a hover),
    # the pointer events go straight to the outline.
    page.wait_for_timeout(500)
    page.dispatch_event("#area-map path.leaflet-interactive", "mouseover")
    tooltip = page.locator(".leaflet-tooltip")
    tooltip.wait_for()
    assert tooltip.inner_text() == '<img src=x onerror="window.injected=1">Neu'
    page.click("#area-map path.leaflet-interactive")
    page.locator(".leaflet-popup-close-button").wait_for()
    assert page.locator(".leaflet-popup-close-button").get_attribute("aria-label") == "Schließen"
    assert page.evaluate("window.injected") is None
    assert "Geoportal Berlin" in page.locator("#area-map .leaflet-control-attribution").inner_text()
