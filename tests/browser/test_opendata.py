"""The open-data catalogue and a dataset page in a real browser: keyboard facets, preview,
download, and axe-core."""

from datetime import date

import pytest
from wagtail.models import Site

from opendata.models import DatasetIndexPage, DatasetPage, DataTheme, Organisation, Resource
from opendata.services import resource_version_create
from tests.browser.conftest import axe_violations
from tests.browser.test_keyboard import tab_to
from tests.conftest import FIXTURES


@pytest.fixture
def catalogue(site, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    root = Site.objects.get(is_default_site=True).root_page
    index = root.add_child(instance=DatasetIndexPage(title="Offene Daten", slug="daten"))
    publisher = Organisation.objects.create(name="Amt für Statistik", slug="statistik")
    for slug, title, theme in (
        ("einwohner", "Einwohnerinnen und Einwohner je Planungsraum", "SOCI"),
        ("verkehr", "Verkehrszählungen", "TRAN"),
    ):
        page = index.add_child(
            instance=DatasetPage(
                title=title,
                slug=slug,
                description=f"{title} in Berlin.",
                publisher=publisher,
                licence="cc-by/4.0",
                contact_name="Amt für Statistik Berlin-Brandenburg",
                issued=date(2022, 6, 30),
            )
        )
        # Browser tests flush the database, data migrations included: make the theme exist.
        data_theme, _created = DataTheme.objects.get_or_create(code=theme, defaults={"name": theme})
        page.themes.set([data_theme])
        page.save_revision().publish()
    dataset = DatasetPage.objects.get(slug="einwohner")
    resource = Resource.objects.create(
        dataset=dataset, title="Einwohner 2022", slug="einwohner-2022", kind="table"
    )
    resource_version_create(
        resource=resource,
        data=(FIXTURES / "berlin" / "einwohner_plr_2022-06.csv").read_bytes(),
        filename="einwohner.csv",
    )
    return index


def test_find_a_dataset_by_facet_with_the_keyboard_preview_and_download(site, catalogue, page):
    page.goto(site + catalogue.url)
    assert axe_violations(page) == []
    tab_to(
        page, lambda element: element["name"] == "thema" and element["value"] == "SOCI", limit=150
    )
    page.keyboard.press("Space")
    tab_to(page, lambda element: element["text"] == "Datensätze anzeigen")
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")
    assert "thema=SOCI" in page.url
    results = page.locator("main").inner_text()
    assert "Einwohnerinnen und Einwohner" in results and "Verkehrszählungen" not in results
    link = tab_to(
        page, lambda element: (element["href"] or "").endswith("/daten/einwohner/"), limit=150
    )
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")
    assert page.locator(".table-preview table").is_visible()
    assert page.locator(".table-preview tbody tr").count() == 25
    assert axe_violations(page) == []
    download_link = page.locator("a[href*='/downloads/einwohner/einwohner-2022/v1/']").first
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
        catalogue.url + "einwohner/",
        catalogue.url + "einwohner/?r=einwohner-2022&seite=2&sortierung=Gesamt&richtung=ab",
    ]
    assert check_pages(page, site, paths) == {}
