"""Browser tests: Playwright drives Debian's Chromium against the live test server.

Pages are opened with every request outside the test server aborted, so nothing here
depends on map tiles or any other outside service.
"""

import io
import os
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

# Playwright's sync API runs an event loop in this thread; the ORM calls in tests are still
# synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def site(transactional_db, live_server):
    """The demo site served live; returns its base URL."""
    from django.core.management import call_command

    call_command("load_demo", no_progress=True, no_addresses=True, stdout=io.StringIO())
    return live_server.url


def _local_only(route):
    if route.request.url.startswith(("http://localhost", "http://127.0.0.1")):
        route.continue_()
    else:
        route.abort()


@pytest.fixture
def context_factory(browser):
    contexts = []

    def make(**options):
        context = browser.new_context(bypass_csp=True, locale="de-DE", **options)
        context.route("**/*", _local_only)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        # Let every request a page's scripts started (map data, place checks) be answered
        # first: the live server must not hold the database while the test database is flushed.
        for open_page in context.pages:
            open_page.wait_for_load_state("networkidle")
        context.close()


@pytest.fixture
def page(context_factory):
    return context_factory().new_page()


# Short CSS animations and transitions still running (a message fading in, a button changing
# colour): axe would measure colours halfway. Long ones (the admin's pulsing badge, 25 s) are
# decoration axe measures the same at any moment.
ANIMATING = """() => document.getAnimations().some(animation =>
    animation.playState === "running" && animation.effect.getComputedTiming().endTime <= 3000)"""


def axe_violations(page) -> list[dict]:
    """Run axe-core on the open page once its short animations have ended; return its WCAG
    2.0/2.1 A and AA violations."""
    page.wait_for_function(f"() => !({ANIMATING})()", timeout=5000)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    return [
        {
            "id": violation["id"],
            "help": violation["help"],
            "targets": [node["target"] for node in violation["nodes"]][:5],
        }
        for violation in result["violations"]
    ]


def focused(page) -> dict:
    """What has keyboard focus: tag, id, text and accessible attributes."""
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            return {tag: el.tagName.toLowerCase(), id: el.id, text: el.textContent.trim(),
                    name: el.getAttribute('name'), value: el.getAttribute('value'),
                    href: el.getAttribute('href')};
        }"""
    )
