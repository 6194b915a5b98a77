"""Open data: map data of a large geodata resource, and converting a large table.

The usual approach reads the uploaded file again for every request: GDAL opens the original
GeoJSON in EPSG:25833 and each feature is reprojected and serialised; a table is read whole into
memory and written into one response. Quartier streams what it stored at publishing time (the
features already in WGS 84, one per line; the table a row at a time).
"""

import csv
import gzip
import io
import json
import tracemalloc

import pytest
from django.contrib.gis.gdal import DataSource
from django.core.files.base import ContentFile
from django.http import HttpResponse

from opendata.exports import map_features, table_csv
from opendata.models import Resource, ResourceVersion
from opendata.services import resource_version_create
from tests.benchmarks.conftest import measure
from tests.conftest import FIXTURES
from tests.factories import make_dataset

pytestmark = pytest.mark.django_db
ROWS = 200_000


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def dataset():
    return make_dataset(title="Kitas", slug="kitas", description="Kindertagesstätten")


def usual_map_data(path) -> bytes:
    layer = DataSource(str(path))[0]
    features = []
    for feature in layer:
        geometry = feature.geom
        geometry.transform(4326)
        features.append(
            {
                "type": "Feature",
                "geometry": json.loads(geometry.json),
                "properties": {"name": feature.get("e_name")},
            }
        )
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


def usual_table_csv(version) -> HttpResponse:
    with version.file.open("rb") as stored:
        text = stored.read().decode("cp1252")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return HttpResponse(buffer.getvalue().encode(), content_type="text/csv")


def peak_kib(function) -> float:
    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1] / 1024
    finally:
        tracemalloc.stop()


def test_geodata_map_data(dataset, report, tmp_path):
    data = gzip.decompress((FIXTURES / "berlin" / "kitas_epsg25833.geojson.gz").read_bytes())
    original = tmp_path / "kitas.geojson"
    original.write_bytes(data)
    resource = Resource.objects.create(dataset=dataset, title="Kitas", slug="kitas", kind="geodata")
    version = resource_version_create(resource=resource, data=data, filename="kitas.geojson")
    ours = measure(lambda: b"".join(map_features(version, "e_name")))
    usual = measure(lambda: usual_map_data(original))
    report.append(("map data of the 2,880 day-care centres (EPSG:25833 upload)", ours, usual))


def test_table_conversion(dataset, report):
    lines = ["Planungsraum;Einwohner;Anteil;Bemerkung"]
    lines += [f"{n:08d};{n % 9000};{n % 100},5;Zeile {n}" for n in range(ROWS)]
    data = ("\n".join(lines) + "\n").encode("cp1252")
    resource = Resource.objects.create(dataset=dataset, title="Gross", slug="gross", kind="table")
    version = ResourceVersion(
        resource=resource,
        number=1,
        filename="gross.csv",
        format="csv",
        media_type="text/csv",
        size=len(data),
        sha256="0" * 64,
    )
    version.file.save("gross.csv", ContentFile(data), save=False)
    version.save()

    def ours():
        for _chunk in table_csv(version):
            pass

    def usual():
        usual_table_csv(version)

    memory = f"peak memory {peak_kib(ours):,.0f} KiB vs {peak_kib(usual):,.0f} KiB"
    report.append(
        (
            f"CSV conversion of a {len(data) / 1e6:.0f} MB table, {ROWS:,} rows ({memory})",
            measure(ours, repeat=3),
            measure(usual, repeat=3),
        )
    )


def test_geodata_reading(report, monkeypatch):
    """Publishing geodata reads and reprojects every feature: with one coordinate transformation
    kept per coordinate system, or, as `geometry.transform(4326)` does, one built per feature."""
    from opendata.sources import features
    from opendata.sources.geodata import read_geodata

    data = gzip.decompress((FIXTURES / "berlin" / "kitas_epsg25833.geojson.gz").read_bytes())
    ours = measure(lambda: read_geodata(data, filename="kitas.geojson"), repeat=3)
    with monkeypatch.context() as patched:
        patched.setattr(features, "_to_wgs84", lambda srid: features.WGS84)
        usual = measure(lambda: read_geodata(data, filename="kitas.geojson"), repeat=3)
    report.append(("reading the 2,880 day-care centres (EPSG:25833 → WGS 84)", ours, usual))
