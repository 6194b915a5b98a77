"""axe-core on every public page, and reflow at 320 CSS pixels."""

import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

from tests.browser.conftest import axe_violations

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def sitemap_paths(page, base: str) -> list[str]:
    response = page.request.get(f"{base}/sitemap.xml")
    assert response.ok
    root = ET.fromstring(response.body())  # noqa: S314 - our own sitemap
    return [urlsplit(loc.text).path for loc in root.findall("s:url/s:loc", SITEMAP_NS)]


def representative(paths: list[str]) -> list[str]:
    """Every page, but of the 755 area pages (one template) only the districts and the first
    page of each lower level: the rest differ only in data."""
    chosen, levels_seen = [], set()
    for path in paths:
        if not path.startswith("/gebiete/"):
            chosen.append(path)
            continue
        code = path.strip("/").split("/")[-1]
        if len(code) == 2 or len(code) not in levels_seen:
            chosen.append(path)
            levels_seen.add(len(code))
    return chosen


def check_pages(page, base: str, paths: list[str]) -> dict:
    problems = {}
    for path in paths:
        page.set_viewport_size({"width": 1280, "height": 900})
        response = page.goto(base + path)
        assert response.status in (200, 404), f"{path}: HTTP {response.status}"
        violations = axe_violations(page)
        page.set_viewport_size({"width": 320, "height": 800})
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        if violations or overflow > 0:
            problems[path] = {"axe": violations, "horizontal_overflow_px": overflow}
    return problems


def test_every_sitemap_page_has_no_axe_violations_and_reflows(site, page):
    paths = sitemap_paths(page, site)
    assert "/" in paths and "/leichte-sprache/" in paths and "/barrierefreiheit/" in paths
    assert any(path.startswith("/gebiete/") for path in paths)
    extra = ["/gebiete/", "/suche/?q=Berlin", "/suche/?q=" + "x" * 300, "/gibt-es-nicht/"]
    assert check_pages(page, site, representative(paths) + extra) == {}


def test_english_pages_have_no_axe_violations(site, context_factory):
    context = context_factory()
    context.add_cookies([{"name": "quartier_language", "value": "en", "url": site}])
    page = context.new_page()
    paths = ["/", "/ueber-quartier/", "/barrierefreiheit/", "/gebiete/01/", "/suche/?q=Daten"]
    assert check_pages(page, site, paths) == {}
    assert page.evaluate("document.documentElement.lang") == "en"


def test_feedback_form_in_its_error_state_has_no_axe_violations(site, page):
    page.goto(site + "/barrierefreiheit/")
    page.click("#feedback-form button[type=submit]")
    assert page.locator("#error-summary").is_visible()
    assert axe_violations(page) == []
