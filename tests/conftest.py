import io
from pathlib import Path

import pytest
from django.core.management import call_command
from pytest_factoryboy import register

from tests.factories import (
    AccessibilityFeedbackFactory,
    AreaFactory,
    ContributionFactory,
    UserFactory,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
# A second Quartier in its own process, for harvesting and publishing over HTTP.
pytest_plugins = ["tests.second_instance"]

register(UserFactory)
register(AreaFactory)
register(AccessibilityFeedbackFactory)
register(ContributionFactory)


@pytest.fixture
def demo_site(db):
    """The whole Berlin demo (areas, pages, settings, accounts), as `make run` loads it."""
    call_command("load_demo", no_progress=True, no_addresses=True, stdout=io.StringIO())


@pytest.fixture
def tmp_file(tmp_path):
    """Write bytes or text to a file in a temporary folder and return its path."""

    def write(name: str, content: bytes | str) -> Path:
        path = tmp_path / name
        if isinstance(content, str):
            content = content.encode("utf-8")
        path.write_bytes(content)
        return path

    return write


@pytest.fixture(autouse=True)
def empty_cache():
    """Every test starts with an empty cache: Wagtail caches the sites' root paths there, and a
    site changed by one test (then rolled back) must not decide the page URLs of the next."""
    from django.core.cache import cache

    cache.clear()
