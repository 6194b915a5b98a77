import hashlib
import io
import json
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from openpyxl import load_workbook
from wagtail.models import PageViewRestriction

from opendata.models import DataTheme, Organisation, Resource
from opendata.services import resource_version_create
from tests.conftest import FIXTURES
from tests.factories import make_dataset

pytestmark = pytest.mark.django_db
POPULATION = (FIXTURES / "berlin" / "einwohner_plr_2022-06.csv").read_bytes()
SMALL = b"Bezirk;Einwohner\nMitte;300\nPankow;100\nSpandau;200\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with translation.override("en"):
        yield tmp_path


@pytest.fixture
def dataset():
    Organisation.objects.create(
        name="Amt für Statistik", slug="statistik", email="info@statistik.example"
    )
    page = make_dataset(
        contact_email="info@statistik.example",
        frequency="ANNUAL",
        temporal_start=date(2022, 6, 30),
        temporal_end=date(2022, 6, 30),
    )
    page.themes.set(DataTheme.objects.filter(code="SOCI"))
    page.tags.add("Bevölkerung")
    page.save()
    return page


def resource(dataset, **fields):
    values = {"title": "Tabelle", "slug": "tabelle", "kind": "table", **fields}
    return Resource.objects.create(dataset=dataset, **values)


@pytest.fixture
def table(dataset, user):
    table = resource(dataset, title="Einwohner 2022", slug="einwohner-2022")
    resource_version_create(
        resource=table, data=POPULATION, filename="einwohner.csv", author=user, note="Erstausgabe"
    )
    resource_version_create(
        resource=table,
        data=POPULATION.replace(b"\r\n", b"\n"),
        filename="einwohner.csv",
        author=user,
        note="Zeilenenden vereinheitlicht",
    )
    return table


@pytest.fixture
def small(dataset):
    small = resource(dataset, title="Bezirke", slug="bezirke")
    resource_version_create(resource=small, data=SMALL, filename="bezirke.csv")
    return small


def download_url(number, filename="einwohner.csv", dataset="einwohner", slug="einwohner-2022"):
    return f"/downloads/{dataset}/{slug}/v{number}/{filename}"


def test_landing_page_shows_metadata_and_citation(client, dataset, table):
    html = client.get(dataset.url).content.decode()
    assert "Einwohner je Planungsraum" in html
    assert "Amt für Statistik" in html
    assert 'href="http://dcat-ap.de/def/licenses/cc-by/4.0"' in html
    assert "Creative Commons Attribution 4.0 International" in html
    assert "Bevölkerung" in html
    assert "annually" in html
    assert "Amt für Statistik Berlin-Brandenburg" in html
    year = table.versions.first().created_at.year
    assert f"Amt für Statistik ({year}): Einwohner je Planungsraum. http://" in html
    assert "Licence: Creative Commons Attribution 4.0 International." in html


def test_landing_page_links_spatial_coverage_to_areas(client, dataset, area):
    dataset.areas.set([area])
    dataset.save()
    html = client.get(dataset.url).content.decode()
    assert f'href="/gebiete/{area.code}/"' in html


def test_landing_page_shows_every_version_with_checksum_and_download(client, dataset, table):
    html = client.get(dataset.url).content.decode()
    second, first = table.versions.all()
    for version in (first, second):
        assert version.sha256 in html
        assert f'href="{download_url(version.number)}"' in html
    assert "Erstausgabe" in html
    assert "Zeilenenden vereinheitlicht" in html
    assert "Change history (2 versions)" in html
    assert "/downloads/einwohner/einwohner-2022/latest/einwohner.csv" in html


def test_landing_page_shows_no_personal_e_mail(client, dataset, table, user):
    html = client.get(dataset.url).content.decode()
    assert user.email not in html
    assert str(user) not in html
    assert "info@statistik.example" in html


def test_aggregated_personal_data_says_small_counts_are_suppressed(client, dataset):
    counts = resource(dataset, personal_data="aggregated")
    data = "Gebiet;Frauen;Männer\nA;1;10\nB;7;8\nC;9;12\n".encode()
    resource_version_create(resource=counts, data=data, filename="klein.csv")
    html = client.get(dataset.url).content.decode()
    assert "small counts were suppressed" in html


def test_landing_page_queries_do_not_grow_with_versions(
    client, dataset, table, small, django_assert_max_num_queries
):
    with CaptureQueriesContext(connection) as before:
        client.get(dataset.url)
    for _ in range(3):
        resource_version_create(resource=table, data=POPULATION, filename="einwohner.csv")
        resource_version_create(resource=small, data=SMALL, filename="bezirke.csv")
    with django_assert_max_num_queries(len(before)):
        response = client.get(dataset.url)
    assert "Change history (5 versions)" in response.content.decode()
    with django_assert_max_num_queries(17):
        client.get(dataset.url)


def test_each_version_downloads_byte_identical_with_headers(client, table):
    expected = {1: POPULATION, 2: POPULATION.replace(b"\r\n", b"\n")}
    for number, data in expected.items():
        response = client.get(download_url(number))
        assert response.status_code == 200
        assert response.streaming
        assert b"".join(response.streaming_content) == data
        assert response["Content-Type"] == "text/csv"
        assert response["Content-Disposition"] == 'attachment; filename="einwohner.csv"'
        assert response["Content-Length"] == str(len(data))
        assert response["ETag"] == f'"{hashlib.sha256(data).hexdigest()}"'


def test_download_counts_without_storing_who(client, table):
    responses = [
        client.get(download_url(1)),
        client.get(download_url(2)),
        client.head(download_url(2)),
    ]
    table.refresh_from_db()
    assert table.download_count == 2
    assert not any(response.cookies for response in responses)


def test_latest_redirects_to_the_newest_version(client, table):
    response = client.get("/downloads/einwohner/einwohner-2022/latest/einwohner.csv")
    assert response.status_code == 302
    assert response["Location"] == download_url(2)


@pytest.mark.parametrize(
    "url",
    [
        download_url(1, filename="anders.csv"),
        download_url(3),
        download_url(1, slug="unbekannt"),
        download_url(1, dataset="unbekannt"),
        "/downloads/einwohner/einwohner-2022/latest/anders.csv",
        "/downloads/einwohner/unbekannt/latest/einwohner.csv",
    ],
)
def test_unknown_downloads_are_not_found(client, table, url):
    assert client.get(url).status_code == 404


def test_unpublished_dataset_downloads_are_not_found(client, dataset, table):
    dataset.unpublish()
    assert client.get(download_url(1)).status_code == 404
    assert client.get("/downloads/einwohner/einwohner-2022/latest/einwohner.csv").status_code == 404


def test_restricted_dataset_downloads_are_not_found(client, dataset, table):
    PageViewRestriction.objects.create(page=dataset, restriction_type="login")
    assert client.get(download_url(1)).status_code == 404
    table.refresh_from_db()
    assert table.download_count == 0


def preview_cells(html, resource_slug):
    section = html.split(f'id="vorschau-{resource_slug}"', 1)[1].split("</section>", 1)[0]
    body = section.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [row.split("<td>")[1:] for row in body.split("<tr>")[1:]]


def test_preview_is_an_accessible_paginated_table(client, dataset, table):
    html = client.get(dataset.url).content.decode()
    assert "<caption" in html
    assert (
        '<th scope="col"><a href="?r=einwohner-2022&amp;sortierung=Gesamt&amp;richtung=auf' in html
    )
    assert '<label for="filter-einwohner-2022">' in html
    assert len(preview_cells(html, "einwohner-2022")) == 25
    assert 'href="?r=einwohner-2022&amp;seite=2"' in html
    second = client.get(dataset.url, {"r": "einwohner-2022", "seite": "2"}).content.decode()
    assert 'href="?r=einwohner-2022&amp;seite=3" rel="next"' in second
    row_26 = POPULATION.decode("utf-8-sig").splitlines()[26].split(";")
    assert [cell.removesuffix("</td>") for cell in preview_cells(second, "einwohner-2022")[0]][
        :3
    ] == row_26[:3]


def test_preview_sorts_by_a_column_numerically(client, dataset, small):
    params = {"r": "bezirke", "sortierung": "Einwohner", "richtung": "ab"}
    html = client.get(dataset.url, params).content.decode()
    rows = preview_cells(html, "bezirke")
    assert [row[0].split("<")[0] for row in rows] == ["Mitte", "Spandau", "Pankow"]
    assert 'aria-sort="descending"' in html
    html = client.get(dataset.url, {**params, "richtung": "auf"}).content.decode()
    assert [row[0].split("<")[0] for row in preview_cells(html, "bezirke")] == [
        "Pankow",
        "Spandau",
        "Mitte",
    ]
    assert 'aria-sort="ascending"' in html


def test_preview_filters_rows_by_text(client, dataset, small, table):
    html = client.get(dataset.url, {"r": "bezirke", "filter": "pank"}).content.decode()
    assert [row[0].split("<")[0] for row in preview_cells(html, "bezirke")] == ["Pankow"]
    assert "1 of 3 row contains the text." in html
    # The other table's preview is not filtered.
    assert len(preview_cells(html, "einwohner-2022")) == 25


def test_preview_ignores_an_unknown_column_and_bad_page(client, dataset, small):
    params = {"r": "bezirke", "sortierung": "<script>", "seite": "x"}
    response = client.get(dataset.url, params)
    assert response.status_code == 200
    assert "<script>" not in response.content.decode().split('id="vorschau-bezirke"')[1]


def test_preview_parses_each_version_once(client, dataset, small, monkeypatch):
    import opendata.selectors

    calls = []
    real = opendata.selectors.read_table
    monkeypatch.setattr(
        opendata.selectors, "read_table", lambda *a, **k: calls.append(1) or real(*a, **k)
    )
    client.get(dataset.url)
    client.get(dataset.url, {"r": "bezirke", "seite": "1"})
    assert len(calls) == 1


def test_table_converts_to_csv_json_and_xlsx(client, dataset, small):
    base = "/downloads/einwohner/bezirke/v1/export"
    csv_response = client.get(f"{base}.csv")
    assert csv_response.streaming
    assert csv_response["Content-Type"] == "text/csv; charset=utf-8"
    assert csv_response["Content-Disposition"] == 'attachment; filename="bezirke-v1.csv"'
    text = b"".join(csv_response.streaming_content).decode("utf-8-sig")
    assert text == "Bezirk,Einwohner\nMitte,300\nPankow,100\nSpandau,200\n"

    json_response = client.get(f"{base}.json")
    assert json_response.streaming
    records = json.loads(b"".join(json_response.streaming_content))
    assert records[1] == {"Bezirk": "Pankow", "Einwohner": "100"}

    xlsx_response = client.get(f"{base}.xlsx")
    assert xlsx_response.streaming
    workbook = load_workbook(io.BytesIO(b"".join(xlsx_response.streaming_content)))
    assert list(workbook.active.iter_rows(values_only=True))[3] == ("Spandau", "200")
    small.refresh_from_db()
    assert small.download_count == 3


def test_unknown_conversions_are_not_found(client, dataset, small):
    assert client.get("/downloads/einwohner/bezirke/v2/export.csv").status_code == 404
    assert client.get("/downloads/einwohner/bezirke/v1/export.xml").status_code == 404
