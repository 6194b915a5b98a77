"""axe-core on every public page, and reflow at 320 CSS pixels."""

from participation.models import Contribution, Proposal
from tests.browser.conftest import axe_violations
from tests.helpers import sitemap_paths


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


def check_pages(page, base: str, paths: list[str], *, missing: str = "/gibt-es-nicht/") -> dict:
    """axe-core and reflow on each path; only `missing` may (and must) answer 404."""
    problems = {}
    for path in paths:
        page.set_viewport_size({"width": 1280, "height": 900})
        response = page.goto(base + path)
        expected = 404 if path == missing else 200
        assert response.status == expected, f"{path}: HTTP {response.status}"
        violations = axe_violations(page)
        page.set_viewport_size({"width": 320, "height": 800})
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        if violations or overflow > 0:
            problems[path] = {"axe": violations, "horizontal_overflow_px": overflow}
    return problems


def test_every_sitemap_page_has_no_axe_violations_and_reflows(site, page):
    response = page.request.get(f"{site}/sitemap.xml")
    assert response.ok
    paths = sitemap_paths(response.body())
    assert "/" in paths and "/leichte-sprache/" in paths and "/barrierefreiheit/" in paths
    assert any(path.startswith("/gebiete/") for path in paths)
    assert any(path.startswith("/beteiligung/") for path in paths)
    contribution = Contribution.objects.filter(status="published", reply_to=None).first()
    removed = Contribution.objects.filter(status="rejected").first()
    proposal = Proposal.objects.first()
    extra = [
        "/suche/?q=Berlin",
        "/suche/?q=" + "x" * 300,
        "/gibt-es-nicht/",
        "/api/v1/",
        "/beteiligung/?phase=contributions",
        contribution.url,
        removed.url,
        proposal.url,
        contribution.consultation.url + "?kategorie=concern",
    ]
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
    with page.expect_navigation(wait_until="load"):
        page.click("#feedback-form button[type=submit]")
    assert page.locator("#error-summary").is_visible()
    assert axe_violations(page) == []


def test_sign_language_page_has_no_axe_violations(site, page):
    from cms.models import ContentPage
    from tests.cms.test_sign_language import CAPTIONS, document

    about = ContentPage.objects.get(slug="ueber-quartier")
    about.sign_language_video = document("ueber-quartier.webm")
    about.sign_language_captions = document("ueber-quartier.vtt", CAPTIONS)
    about.save_revision().publish()
    assert check_pages(page, site, ["/ueber-quartier/gebaerdensprache/", "/ueber-quartier/"]) == {}
    assert page.locator("video track[kind=captions]").count() == 0  # the page itself: no video
