"""Publishing geodata: each Berlin file becomes a version with its features in WGS 84; bad files
store nothing; the dataset page shows a map and the list of features; conversions to GeoJSON,
GeoPackage and CSV with WKT."""

import csv
import io
import json

import pytest
from django.contrib.gis.gdal import DataSource
from django.contrib.gis.geos import GEOSGeometry
from django.core.exceptions import ValidationError

from opendata.models import ResourceVersion
from opendata.services import UploadTooLarge, resource_version_create
from tests.conftest import FIXTURES
from tests.opendata.test_views import dataset, resource  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db
BERLIN = FIXTURES / "berlin"
# Berlin in WGS 84, with a margin for the district outlines.
WEST, SOUTH, EAST, NORTH = 13.05, 52.30, 13.80, 52.70


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(root):
    return sorted(path for path in root.rglob("*") if path.is_file())


def publish(dataset, filename, data=None, **fields):  # noqa: F811
    geodata = resource(dataset, title="Orte", slug=fields.pop("slug", "orte"), kind="geodata")
    for name, value in fields.items():
        setattr(geodata, name, value)
    geodata.save()
    data = (BERLIN / filename).read_bytes() if data is None else data
    return resource_version_create(resource=geodata, data=data, filename=filename)


def features_of(version):
    with version.features_file.open("rb") as stored:
        return json.load(stored)["features"]


@pytest.mark.parametrize(
    ("filename", "count", "geometry_type", "srid", "label"),
    [
        ("pflegeeinrichtungen_epsg25833.geojson", 274, "Point", 25833, "einrichtung_name"),
        ("jugendfreizeiteinrichtungen_epsg25833.geojson", 407, "Point", 25833, "e_name"),
        ("bezirke.geojson", 12, "Polygon", 4326, "name"),
        ("prognoseraeume_2021.geojson", 58, "Polygon", 4326, "PGR_NAME"),
    ],
)
def test_each_berlin_file_is_published_with_its_features_in_wgs84(
    dataset,  # noqa: F811
    filename,
    count,
    geometry_type,
    srid,
    label,
):
    version = publish(dataset, filename)
    assert version.record_count == count
    assert version.format == "geojson"
    assert version.media_type == "application/geo+json"
    assert version.report["source_srid"] == srid
    assert version.report["label_field"] == label
    west, south, east, north = version.report["bbox"]
    assert WEST < west < east < EAST
    assert SOUTH < south < north < NORTH
    features = features_of(version)
    assert len(features) == count
    assert version.report["geometry_type"] == geometry_type
    assert {feature["geometry"]["type"] for feature in features} == {geometry_type}
    # The original file is kept as it was uploaded.
    with version.file.open("rb") as stored:
        assert stored.read() == (BERLIN / filename).read_bytes()


def test_a_care_home_is_reprojected_to_where_it_is(dataset):  # noqa: F811
    version = publish(dataset, "pflegeeinrichtungen_epsg25833.geojson")
    first = features_of(version)[0]
    assert first["properties"]["gc_strasse"] == "Judith-Auer-Straße"
    assert first["properties"]["platzzahl"] == 122
    # Judith-Auer-Straße 8, Lichtenberg: 13.468° E, 52.534° N.
    longitude, latitude = first["geometry"]["coordinates"]
    assert longitude == pytest.approx(13.4682, abs=0.0005)
    assert latitude == pytest.approx(52.5338, abs=0.0005)


BAD_FILES = {
    "empty.geojson": (b"", "empty"),
    "broken.geojson": (b'{"type": "FeatureCollection", "features": [', "not valid JSON"),
    "mixed.geojson": (
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {},
                        "geometry": {"type": "Point", "coordinates": [13.4, 52.5]},
                    },
                    {
                        "type": "Feature",
                        "properties": {},
                        "geometry": {
                            "type": "LineString",
                            "coordinates": [[13.4, 52.5], [13.5, 52.5]],
                        },
                    },
                ],
            }
        ).encode(),
        "feature 2",
    ),
    "places.txt": (b"13.4,52.5", "unknown file type"),
}


@pytest.mark.parametrize("filename", BAD_FILES)
def test_bad_geodata_is_refused_with_a_message_and_stores_nothing(dataset, media, filename):  # noqa: F811
    data, message = BAD_FILES[filename]
    with pytest.raises(ValidationError) as raised:
        publish(dataset, filename, data=data)
    assert message in " ".join(raised.value.messages)
    assert not ResourceVersion.objects.exists()
    assert stored_files(media) == []


def test_too_large_geodata_is_refused(dataset, settings, media):  # noqa: F811
    settings.OPENDATA_MAX_UPLOAD_BYTES = 1000
    with pytest.raises(UploadTooLarge):
        publish(dataset, "bezirke.geojson")
    assert stored_files(media) == []


def test_geodata_marked_as_counts_of_people_is_refused(dataset, media):  # noqa: F811
    with pytest.raises(ValidationError, match="Disclosure control works on tables"):
        publish(dataset, "bezirke.geojson", personal_data="aggregated")
    assert stored_files(media) == []


@pytest.fixture
def care_homes(dataset):  # noqa: F811
    publish(dataset, "pflegeeinrichtungen_epsg25833.geojson", slug="pflege")
    return dataset


def download(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response, b"".join(response.streaming_content)


def test_geojson_conversion_is_the_features_in_wgs84(client, care_homes):
    url = "/downloads/einwohner/pflege/v1/export.geojson"
    response, body = download(client, url)
    assert response["Content-Type"] == "application/geo+json"
    assert 'filename="pflegeeinrichtungen_epsg25833-v1.geojson"' in response["Content-Disposition"]
    features = json.loads(body)["features"]
    assert len(features) == 274
    assert "crs" not in json.loads(body)  # RFC 7946: WGS 84, no crs member


def test_csv_conversion_has_the_attributes_and_the_geometry_as_wkt(client, care_homes):
    response, body = download(client, "/downloads/einwohner/pflege/v1/export.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert len(rows) == 274
    first = rows[0]
    assert first["gc_strasse"] == "Judith-Auer-Straße"
    assert first["platzzahl"] == "122"
    point = GEOSGeometry(first["WKT"])
    assert point.geom_type == "Point"
    assert point.x == pytest.approx(13.4682, abs=0.0005)


def test_geopackage_conversion_opens_in_gdal_with_every_feature(client, care_homes, tmp_path):
    response, body = download(client, "/downloads/einwohner/pflege/v1/export.gpkg")
    assert response["Content-Type"] == "application/geopackage+sqlite3"
    assert body.startswith(b"SQLite format 3\x00")
    path = tmp_path / "download.gpkg"
    path.write_bytes(body)
    layer = DataSource(str(path))[0]
    assert layer.num_feat == 274
    assert layer.srs.srid == 4326
    assert "einrichtung_name" in layer.fields
    names = [feature.get("einrichtung_name") for feature in layer]
    assert any("Judith-Auer-Straße" in name for name in names)


@pytest.mark.parametrize(
    ("slug", "export_format"),
    [("pflege", "json"), ("pflege", "xlsx"), ("tabelle", "geojson"), ("tabelle", "gpkg")],
)
def test_conversions_are_offered_only_for_their_kind(client, care_homes, slug, export_format):
    table = resource(care_homes)
    resource_version_create(resource=table, data=b"a,b\n1,2\n", filename="t.csv")
    url = f"/downloads/einwohner/{slug}/v1/export.{export_format}"
    assert client.get(url).status_code == 404


def test_dataset_page_has_a_map_and_the_list_of_features(client, care_homes):
    response = client.get(care_homes.url)
    html = response.content.decode()
    assert 'data-features-url="/daten/einwohner/kartendaten/pflege/"' in html
    assert "opendata/feature_map.js" in html
    # The list equivalent: every attribute and the location, paged like a table.
    assert "einrichtung_name" in html
    assert "Judith-Auer-Straße" in html
    assert '<th scope="col"' in html and ">lon<" in html and ">lat<" in html
    assert "274 rows." in html
    filtered = client.get(care_homes.url, {"r": "pflege", "filter": "Judith-Auer"})
    assert "1 of 274 row contains the text." in filtered.content.decode()
    assert "download>GeoPackage</a>" in html


def test_a_dataset_page_without_geodata_loads_no_map(client, dataset):  # noqa: F811
    table = resource(dataset)
    resource_version_create(resource=table, data=b"a,b\n1,2\n", filename="t.csv")
    assert "feature_map.js" not in client.get(dataset.url).content.decode()


def test_map_data_holds_geometry_and_name_only(client, care_homes):
    response = client.get("/daten/einwohner/kartendaten/pflege/")
    assert response["Content-Type"] == "application/geo+json"
    collection = json.loads(b"".join(response.streaming_content))
    assert len(collection["features"]) == 274
    first = collection["features"][0]
    assert set(first["properties"]) == {"name", "row"}
    assert first["properties"]["name"].startswith("Verbund Lichtenberger Seniorenheime")
    assert first["geometry"]["type"] == "Point"


def test_map_data_of_an_unknown_resource_or_unpublished_dataset_is_not_found(client, care_homes):
    assert client.get("/daten/einwohner/kartendaten/nichts/").status_code == 404
    care_homes.unpublish()
    assert client.get("/daten/einwohner/kartendaten/pflege/").status_code == 404


def test_attributes_are_typed_by_their_values_and_the_chart_uses_counts(client, care_homes):
    version = ResourceVersion.objects.get(resource__slug="pflege")
    types = {field["name"]: field["type"] for field in version.table_schema["fields"]}
    assert types["platzzahl"] == "integer"
    assert types["gc_xwert"] == "number"
    # Identifiers and postcodes are written as text: no histogram of them.
    assert types["ik_nummer"] == types["gc_plz"] == "string"
    html = client.get(care_homes.url).content.decode()
    assert "Chart: distribution of “platzzahl”" in html
