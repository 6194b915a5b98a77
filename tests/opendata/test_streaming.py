"""Downloads and conversions stream: the memory a download takes does not grow with the file.

Each case builds a published version from a generated file at two sizes (the larger ten times
the smaller) and measures, with tracemalloc, the peak of memory allocated while the whole
response is read. Reading a file into memory would make the peak grow with the file; streaming
keeps it at a few buffers."""

import json
import tracemalloc

import pytest
from django.core.files.base import ContentFile
from django.test import Client

from opendata.models import ResourceVersion
from opendata.sources.stored import COLLECTION_END, COLLECTION_START
from tests.opendata.test_views import dataset, resource  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db
SMALL_ROWS, LARGE_ROWS = 5_000, 50_000


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def table_file(rows: int) -> bytes:
    lines = ["Planungsraum;Einwohner;Anteil;Bemerkung"]
    lines += [
        f"{number:08d};{number % 9000};{number % 100},5;Zeile {number}" for number in range(rows)
    ]
    return ("\n".join(lines) + "\n").encode("cp1252")


def features_file(rows: int) -> bytes:
    features = (
        json.dumps(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [13.3 + number / 1e6, 52.5]},
                "properties": {"name": f"Ort {number}", "plaetze": number % 300},
            },
            separators=(",", ":"),
        ).encode()
        for number in range(rows)
    )
    return COLLECTION_START + b",\n".join(features) + COLLECTION_END


def version_with(dataset, kind: str, rows: int) -> ResourceVersion:  # noqa: F811
    item = resource(dataset, title=f"{kind} {rows}", slug=f"{kind}-{rows}", kind=kind)
    version = ResourceVersion(resource=item, number=1, sha256="0" * 64)
    if kind == "table":
        data = table_file(rows)
        version.filename, version.format, version.media_type = "gross.csv", "csv", "text/csv"
    else:
        data = features_file(rows)
        version.filename, version.format = "orte.geojson", "geojson"
        version.media_type = "application/geo+json"
        version.report = {"fields": ["name", "plaetze"], "label_field": "name"}
        version.features_file.save("features.geojson", ContentFile(data), save=False)
    version.size = len(data)
    version.file.save(version.filename, ContentFile(data), save=False)
    version.save()
    return version


def peak_while_reading(url: str) -> tuple[int, int]:
    """The bytes received and the peak of memory allocated while reading the response."""
    client = Client()
    tracemalloc.start()
    try:
        response = client.get(url)
        assert response.status_code == 200, url
        received = 0
        for chunk in response.streaming_content:
            received += len(chunk)
        _size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return received, peak


@pytest.mark.parametrize(
    ("kind", "path"),
    [
        ("table", "v1/gross.csv"),
        ("table", "v1/export.csv"),
        ("table", "v1/export.json"),
        ("geodata", "v1/orte.geojson"),
        ("geodata", "v1/export.geojson"),
        ("geodata", "v1/export.csv"),
    ],
)
def test_memory_does_not_grow_with_the_file(dataset, kind, path):  # noqa: F811
    peaks = {}
    for rows in (SMALL_ROWS, LARGE_ROWS):
        version = version_with(dataset, kind, rows)
        url = f"/downloads/{dataset.slug}/{version.resource.slug}/{path}"
        received, peak = peak_while_reading(url)
        assert received > version.size / 4  # CSV with WKT is smaller than GeoJSON
        peaks[rows] = (received, peak)
    (small_bytes, small_peak), (large_bytes, large_peak) = peaks[SMALL_ROWS], peaks[LARGE_ROWS]
    assert large_bytes > 9 * small_bytes
    # Ten times the data, not ten times the memory: the peak stays within a small allowance
    # (buffers, caches warmed on first use) and far below the file's size.
    assert large_peak < small_peak + 512 * 1024, (small_peak, large_peak)
    assert large_peak < large_bytes / 4, (large_peak, large_bytes)
