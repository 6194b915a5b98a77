"""Publishing a new version in the Wagtail admin, in a real browser: a broken file leads to an
error summary that has focus, links to its field, and passes axe-core."""

import re

import pytest

from opendata.models import Resource
from tests.browser.conftest import axe_violations, focused
from tests.browser.test_consultations import logged_in
from tests.factories import UserFactory

RAGGED_CSV = b"Planungsraum;Einwohner\n01100101;3412\n01100102\n"
# The problem with the file, in whichever language the admin speaks.
LINE_3 = re.compile(r"\b(line|Zeile) 3\b")


@pytest.fixture
def editor_page(site, context_factory):
    return logged_in(context_factory, UserFactory(is_staff=True, is_superuser=True), site)


def test_a_broken_file_shows_a_focused_error_summary_without_axe_violations(site, editor_page):
    page = editor_page
    resource = Resource.objects.get(slug="einwohner-2022")
    versions = resource.versions.count()
    page.goto(f"{site}/admin/daten/ressourcen/{resource.pk}/version/")
    page.set_input_files(
        "#id_file", {"name": "einwohner.csv", "mimeType": "text/csv", "buffer": RAGGED_CSV}
    )
    with page.expect_navigation(wait_until="load"):
        page.locator("form[enctype='multipart/form-data'] button[type=submit]").click()

    summary = page.locator("#error-summary")
    assert LINE_3.search(summary.inner_text())
    assert focused(page)["id"] == "error-summary"
    link = summary.locator("a[href='#id_file']")
    assert link.count() == 1
    field = page.locator("#id_file")
    assert field.get_attribute("aria-invalid") == "true"
    assert "id_file-errors" in field.get_attribute("aria-describedby").split()
    assert LINE_3.search(page.locator("#id_file-errors").inner_text())
    assert axe_violations(page) == []

    link.click()
    assert focused(page)["id"] == "id_file"
    assert resource.versions.count() == versions
