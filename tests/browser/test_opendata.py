"""The open-data catalogue and a dataset page in a real browser: keyboard facets, preview,
download, and axe-core."""

import pytest

from opendata.models import DatasetIndexPage
from tests.browser.conftest import axe_violations
from tests.browser.test_keyboard import tab_to


@pytest.fixture
def catalogue(site):
    """The demo's catalogue: population per planning area (theme SOCI) and the social
    monitoring 2021 (themes SOCI and REGI), both published as tables."""
    return DatasetIndexPage.objects.get()


def test_find_a_dataset_by_facet_with_the_keyboard_preview_and_download(site, catalogue, page):
    page.goto(site + catalogue.url)
    assert axe_violations(page) == []
    tab_to(
        page, lambda element: element["name"] == "thema" and element["value"] == "REGI", limit=150
    )
    page.keyboard.press("Space")
    tab_to(page, lambda element: element["text"] == "Datensätze anzeigen", limit=150)
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")
    assert "thema=REGI" in page.url
    results = page.locator("main").inner_text()
    assert "Monitoring Soziale Stadtentwicklung" in results
    assert "Einwohnerinnen und Einwohner" not in results
    link = tab_to(
        page,
        lambda element: (element["href"] or "").endswith(
            "/daten/monitoring-soziale-stadtentwicklung-2021/"
        ),
        limit=150,
    )
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")
    assert page.locator(".table-preview table").is_visible()
    assert page.locator(".table-preview tbody tr").count() == 25
    assert axe_violations(page) == []
    download_link = page.locator(
        "a[href*='/downloads/monitoring-soziale-stadtentwicklung-2021/mss-2021/v1/']"
    ).first
    with page.expect_download() as download_info:
        download_link.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    assert link


def test_catalogue_and_dataset_pages_pass_axe_and_reflow(site, catalogue, page):
    from tests.browser.test_accessibility import check_pages

    paths = [
        catalogue.url,
        catalogue.url + "?q=Einwohner&thema=SOCI&sortierung=relevance",
        catalogue.url + "?thema=NOPE",
        catalogue.url + "einwohner-planungsraum-2022/",
        catalogue.url + "einwohner-planungsraum-2022/?r=einwohner-2022&seite=2&richtung=ab",
        catalogue.url + "monitoring-soziale-stadtentwicklung-2021/?r=mss-2021&karte=Child+Poverty"
        "+Percent&diagramm=Single+Parents",
        catalogue.url + "pflegeeinrichtungen/",
    ]
    assert check_pages(page, site, paths) == {}


def test_each_preview_kind_is_on_the_page(site, catalogue, page):
    """The table, its chart and the choropleth map of planning areas drawn as forecast areas."""
    page.goto(site + "/daten/einwohner-planungsraum-2022/")
    main = page.locator("main")
    assert main.locator(".table-preview table").is_visible()
    assert main.locator("section.chart svg[role=img]").is_visible()
    choropleth = main.locator("section.choropleth")
    assert choropleth.locator("svg[role=img] path > title").count() == 58
    assert choropleth.locator("table tbody tr").count() == 58


def test_geodata_map_with_its_list_passes_axe_and_keeps_the_tab_order_short(site, catalogue, page):
    """Care homes (274) are markers a keyboard reaches; the 2,880 day-care centres are dots on
    one canvas, so Tab leaves the map at once and the list below is the way through them."""
    page.goto(site + "/daten/pflegeeinrichtungen/")
    markers = page.locator("#karte-pflegeeinrichtungen .leaflet-marker-icon")
    markers.first.wait_for()
    assert markers.count() == 274
    assert markers.first.get_attribute("alt").startswith("Verbund Lichtenberger Seniorenheime")
    assert page.locator(".table-preview tbody tr").count() == 25
    assert axe_violations(page) == []

    page.goto(site + "/daten/kindertagesstaetten/")
    page.locator("#karte-kitas canvas").wait_for()
    assert page.locator("#karte-kitas .leaflet-marker-icon").count() == 0
    page.focus("#karte-kitas")
    stops = 0
    while page.evaluate("document.activeElement.closest('#karte-kitas') !== null"):
        page.keyboard.press("Tab")
        stops += 1
        assert stops <= 5, "Tab should leave the map without stopping at each day-care centre"
    assert axe_violations(page) == []


def test_boundaries_are_drawn_and_listed(site, catalogue, page):
    page.goto(site + "/daten/bezirksgrenzen-prognoseraeume/")
    page.locator("#karte-bezirke path.leaflet-interactive").first.wait_for()
    page.locator("#karte-prognoseraeume path.leaflet-interactive").first.wait_for()
    assert page.locator("#karte-bezirke path.leaflet-interactive").count() == 12
    assert page.locator("#karte-prognoseraeume path.leaflet-interactive").count() == 58
    assert "Treptow-Köpenick" in page.locator("#vorschau-bezirke").inner_text()
    assert axe_violations(page) == []
