"""Reading uploaded geodata (GeoJSON, GeoPackage, zipped Shapefile): no database involved."""

import io
import json
import sqlite3
import subprocess
import threading
import zipfile
from ctypes import POINTER, c_char_p
from pathlib import Path

import pytest
from django.contrib.gis.gdal import OGRGeometry
from django.contrib.gis.gdal.libgdal import lgdal
from django.contrib.gis.geos import GEOSGeometry
from django.utils import translation

from maps.sources import SourceError
from opendata.sources import gdal_files
from opendata.sources.geodata import read_geodata

BERLIN = Path(__file__).resolve().parents[2] / "fixtures" / "berlin"
CARE_HOMES = BERLIN / "pflegeeinrichtungen_epsg25833.geojson"
YOUTH_CENTRES = BERLIN / "jugendfreizeiteinrichtungen_epsg25833.geojson"
UTM33 = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::25833"}}


@pytest.fixture(autouse=True)
def english():
    """Messages are checked in the source language, whatever translations exist."""
    with translation.override("en"):
        yield


def vsimem_files() -> list[bytes]:
    read_dir = lgdal.VSIReadDirRecursive
    read_dir.argtypes, read_dir.restype = [c_char_p], POINTER(c_char_p)
    listing = read_dir(b"/vsimem/")
    names = []
    while listing and listing[len(names)] is not None:
        names.append(listing[len(names)])
    return names


def first_care_home_in_wgs84() -> GEOSGeometry:
    """The first care home, reprojected here from the raw numbers in the file."""
    first = json.loads(CARE_HOMES.read_text())["features"][0]
    x, y = first["geometry"]["coordinates"]
    point = GEOSGeometry(f"POINT({x} {y})", 25833)
    point.transform(4326)
    return point


def ogr2ogr(tmp_path: Path, driver: str, target: str, source: Path = CARE_HOMES) -> Path:
    path = tmp_path / target
    subprocess.run(  # noqa: S603
        ["ogr2ogr", "-f", driver, str(path), str(source)],  # noqa: S607
        check=True,
        capture_output=True,
    )
    return path


def zipped(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def shapefile_zip(tmp_path: Path, source: Path = CARE_HOMES) -> bytes:
    folder = ogr2ogr(tmp_path, "ESRI Shapefile", "shapefile", source)
    return zipped({f"pflege/{path.name}": path.read_bytes() for path in folder.iterdir()})


def collection(*features, crs=None) -> bytes:
    document = {"type": "FeatureCollection", "features": list(features)}
    if crs is not None:
        document["crs"] = crs
    return json.dumps(document).encode()


def feature(geometry, **properties) -> dict:
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def point(x=13.4, y=52.5) -> dict:
    return {"type": "Point", "coordinates": [x, y]}


def square(x=13.4, y=52.5) -> dict:
    ring = [[x, y], [x + 0.01, y], [x + 0.01, y + 0.01], [x, y + 0.01], [x, y]]
    return {"type": "Polygon", "coordinates": [ring]}


def error_of(data: bytes, filename: str = "upload.geojson", **limits) -> str:
    with pytest.raises(SourceError) as error:
        read_geodata(data, filename=filename, **limits)
    return str(error.value)


# The Berlin facility files, in each format ---------------------------------------------------


def assert_care_homes(layer, file_format):
    assert layer.format == file_format
    assert layer.source_srid == 25833
    assert layer.geometry_type == "Point"
    assert len(layer.features) == 274
    first = layer.features[0]
    assert first.properties["ik_nummer"] == "511100229"
    assert first.geometry.srid == 4326
    expected = first_care_home_in_wgs84()
    assert first.geometry.x == pytest.approx(expected.x, abs=1e-7)
    assert first.geometry.y == pytest.approx(expected.y, abs=1e-7)
    assert (13.46, 52.53) < first.geometry.coords < (13.47, 52.54)
    assert vsimem_files() == []


def test_care_homes_geojson_in_utm_is_reprojected_to_wgs84():
    layer = read_geodata(CARE_HOMES.read_bytes(), filename=CARE_HOMES.name)
    assert_care_homes(layer, "geojson")


def test_youth_centres_geojson_are_all_read_within_berlin():
    layer = read_geodata(YOUTH_CENTRES.read_bytes(), filename=YOUTH_CENTRES.name)
    assert len(layer.features) == 407
    assert layer.geometry_type == "Point"
    for item in layer.features:
        assert 13.0 < item.geometry.x < 13.8
        assert 52.3 < item.geometry.y < 52.7


def test_care_homes_geopackage_is_read_from_memory_and_reprojected(tmp_path):
    path = ogr2ogr(tmp_path, "GPKG", "pflege.gpkg")
    layer = read_geodata(path.read_bytes(), filename="pflege.gpkg")
    assert_care_homes(layer, "gpkg")
    assert layer.features[0].properties["platzzahl"] == 122


def test_care_homes_zipped_shapefile_is_read_from_memory_and_reprojected(tmp_path):
    layer = read_geodata(shapefile_zip(tmp_path), filename="pflege.zip")
    assert_care_homes(layer, "shapefile")
    assert layer.features[0].properties["gc_strasse"] == "Judith-Auer-Straße"


def test_geopackage_keeps_features_without_geometry_and_drops_heights(tmp_path):
    source = tmp_path / "heights.geojson"
    source.write_bytes(
        collection(
            feature(None, name="a"),
            feature({"type": "Point", "coordinates": [13.4, 52.5, 34.0]}, name="b"),
        )
    )
    path = ogr2ogr(tmp_path, "GPKG", "heights.gpkg", source)
    layer = read_geodata(path.read_bytes(), filename="heights.gpkg")
    assert [item.properties["name"] for item in layer.features] == ["a", "b"]
    assert layer.features[0].geometry is None
    assert layer.features[1].geometry.coords == (13.4, 52.5)
    assert layer.geometry_type == "Point"
    assert layer.source_srid == 4979  # ogr2ogr declares WGS 84 with heights


def test_geopackage_with_a_geometry_collection_is_rejected_naming_the_feature(tmp_path):
    source = tmp_path / "collection.geojson"
    collection_member = {"type": "GeometryCollection", "geometries": [point()]}
    source.write_bytes(collection(feature(point()), feature(collection_member)))
    path = ogr2ogr(tmp_path, "GPKG", "collection.gpkg", source)
    assert error_of(path.read_bytes(), "c.gpkg") == (
        "c.gpkg, feature 2: unsupported geometry type GEOMETRYCOLLECTION"
    )
    assert vsimem_files() == []


# Geometry types ------------------------------------------------------------------------------


def test_points_and_multipoints_become_multipoints():
    multi = {"type": "MultiPoint", "coordinates": [[13.4, 52.5], [13.5, 52.6]]}
    layer = read_geodata(collection(feature(point()), feature(multi)), filename="mixed.geojson")
    assert layer.geometry_type == "MultiPoint"
    assert [item.geometry.geom_type for item in layer.features] == ["MultiPoint", "MultiPoint"]
    assert layer.features[0].geometry.coords == ((13.4, 52.5),)
    assert layer.features[0].geometry.srid == 4326


def test_points_and_polygons_are_rejected_naming_the_first_differing_feature():
    data = collection(feature(point()), feature(None), feature(square()), feature(point()))
    assert error_of(data) == (
        "upload.geojson, feature 3: a Polygon among Point features; one kind of geometry per file"
    )


def test_feature_without_geometry_is_kept_with_no_geometry():
    layer = read_geodata(
        collection(feature(None, name="Kita"), feature(point())), filename="a.geojson"
    )
    assert layer.features[0].geometry is None
    assert layer.features[0].properties == {"name": "Kita"}
    assert layer.geometry_type == "Point"


def test_invalid_geometry_type_is_rejected_naming_the_feature():
    data = collection(feature(point()), feature({"type": "Circle", "coordinates": [13, 52]}))
    assert error_of(data).startswith(
        "upload.geojson, feature 2: invalid geometry type 'Circle'; expected one of Point"
    )


def test_unreadable_coordinates_are_rejected_naming_the_feature():
    data = collection(feature({"type": "Point", "coordinates": "here"}))
    assert error_of(data) == "upload.geojson, feature 1: unreadable Point geometry"


def test_self_intersecting_polygon_is_repaired():
    bowtie = {
        "type": "Polygon",
        "coordinates": [[[13.4, 52.5], [13.5, 52.6], [13.5, 52.5], [13.4, 52.6], [13.4, 52.5]]],
    }
    layer = read_geodata(collection(feature(bowtie), feature(square())), filename="a.geojson")
    assert layer.geometry_type == "MultiPolygon"
    assert all(item.geometry.valid for item in layer.features)


# Coordinate systems --------------------------------------------------------------------------


def test_file_without_crs_in_lon_lat_is_read_as_wgs84():
    layer = read_geodata(collection(feature(point(13.4, 52.5))), filename="a.geojson")
    assert layer.source_srid == 4326
    assert layer.features[0].geometry.coords == (13.4, 52.5)


def test_utm_coordinates_without_crs_are_rejected_as_outside_lon_lat():
    data = collection(feature(point(396096.8, 5821513.1)))
    assert error_of(data) == (
        "upload.geojson, feature 1: coordinates outside longitude/latitude range "
        "(396097, 5.82151e+06, 396097, 5.82151e+06); "
        "does the file declare its coordinate system?"
    )


def test_coordinates_that_cannot_be_reprojected_are_rejected():
    data = collection(feature(point()), feature(point(1e8, 1e7)), crs=UTM33)
    assert error_of(data) == "upload.geojson, feature 2: cannot be reprojected to WGS 84"


def test_declared_wgs84_outside_lon_lat_is_rejected():
    crs = {"type": "name", "properties": {"name": "EPSG:4326"}}
    data = collection(feature(point(200, 52.5)), crs=crs)
    assert "feature 1: coordinates outside longitude/latitude range" in error_of(data)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "urn:ogc:def:crs:OGC:1.3:CRS27",
            "unknown coordinate system 'urn:ogc:def:crs:OGC:1.3:CRS27'",
        ),
        ("ESRI:102100", "unknown coordinate system 'ESRI:102100'"),
        ("EPSG:99999", "unknown coordinate system EPSG:99999"),
    ],
    ids=["non-epsg-urn", "esri", "unknown-epsg"],
)
def test_unknown_or_non_epsg_crs_is_rejected(name, message):
    crs = {"type": "name", "properties": {"name": name}}
    assert error_of(collection(feature(point()), crs=crs)) == f"upload.geojson: {message}"


# Broken files and limits ---------------------------------------------------------------------


@pytest.mark.parametrize("filename", ["a.geojson", "a.gpkg", "a.zip"])
def test_empty_file_is_rejected(filename):
    assert error_of(b"  \n", filename) == f"{filename}: the file is empty"


def test_broken_json_is_rejected_with_line_and_column():
    data = b'{\n  "type": "FeatureCollection",\n  "features": [,]\n}\n'
    assert error_of(data) == ("upload.geojson: not valid JSON (line 3, column 16): Expecting value")


def test_feature_collection_without_features_is_rejected():
    assert error_of(collection()) == "upload.geojson: the FeatureCollection has no features"


def test_json_that_is_not_a_feature_collection_is_rejected():
    assert error_of(json.dumps(point()).encode()) == (
        "upload.geojson: not a GeoJSON FeatureCollection"
    )


def test_unknown_file_type_is_rejected():
    assert error_of(b"x", "a.kml").startswith("a.kml: unknown file type")


def test_file_over_max_bytes_is_rejected_before_reading():
    data = CARE_HOMES.read_bytes()
    assert error_of(data, max_bytes=1000) == (
        f"upload.geojson: the file is too large ({len(data)} bytes; at most 1000)"
    )


def test_more_than_max_features_is_rejected(tmp_path):
    assert error_of(CARE_HOMES.read_bytes(), max_features=100) == (
        "upload.geojson: more than 100 features"
    )
    package = ogr2ogr(tmp_path, "GPKG", "pflege.gpkg").read_bytes()
    assert error_of(package, "p.gpkg", max_features=100) == "p.gpkg: more than 100 features"
    assert vsimem_files() == []


# GeoPackage ----------------------------------------------------------------------------------


def test_file_without_sqlite_header_is_not_a_geopackage():
    assert error_of(b'{"type": "FeatureCollection"}', "a.gpkg") == (
        "a.gpkg: not a GeoPackage (no SQLite header)"
    )


def test_plain_sqlite_database_is_not_a_geopackage(tmp_path):
    path = tmp_path / "plain.sqlite"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE t (x)")
    connection.close()
    assert error_of(path.read_bytes(), "a.gpkg") == (
        "a.gpkg: an SQLite database, but not a GeoPackage (application id 00000000)"
    )


def test_damaged_geopackage_is_rejected_and_nothing_is_left_in_memory(tmp_path):
    package = ogr2ogr(tmp_path, "GPKG", "pflege.gpkg").read_bytes()
    assert error_of(package[:2048], "a.gpkg") == "a.gpkg: not a readable GeoPackage"
    assert vsimem_files() == []


# Zipped Shapefile ----------------------------------------------------------------------------


def test_zip_without_shp_is_rejected():
    assert error_of(zipped({"readme.txt": b"hello"}), "a.zip") == (
        "a.zip: the archive holds no .shp file"
    )


def test_shp_without_its_prj_is_rejected(tmp_path):
    members = zipfile.ZipFile(io.BytesIO(shapefile_zip(tmp_path)))
    files = {name: members.read(name) for name in members.namelist() if not name.endswith(".prj")}
    assert error_of(zipped(files), "a.zip") == (
        "a.zip: pflege/pflegeeinrichtungen.shp comes without its .prj file"
    )


@pytest.mark.parametrize(
    "member", ["../evil.shp", "/etc/evil.shp", "a/../../evil.shp", "C:\\evil.shp"]
)
def test_zip_with_path_traversal_names_is_rejected(member):
    message = error_of(zipped({member: b"x"}), "a.zip")
    assert message == f"a.zip: the archive member {member!r} points outside the archive"


def test_zip_inside_zip_is_rejected():
    assert error_of(zipped({"inner.zip": zipped({"a.shp": b"x"})}), "a.zip") == (
        "a.zip: the archive contains another archive ('inner.zip')"
    )


def test_zip_bomb_is_stopped_at_the_unpacked_size_cap(monkeypatch):
    monkeypatch.setattr(gdal_files, "MAX_UNPACKED_BYTES", 1024 * 1024)
    files = {f"a{suffix}": b"\0" * (400 * 1024) for suffix in (".shp", ".shx", ".dbf", ".prj")}
    data = zipped(files)
    assert len(data) < 10_000
    assert error_of(data, "a.zip") == "a.zip: the archive unpacks to more than 1 MB"


def test_shp_that_is_not_a_shapefile_is_rejected():
    files = {f"a{suffix}": b"<OGRVRTDataSource/>" for suffix in (".shp", ".shx", ".dbf", ".prj")}
    assert error_of(zipped(files), "a.zip") == "a.zip: the .shp file is not a Shapefile"


def test_not_a_zip_is_rejected():
    assert error_of(b"PK but not really", "a.zip") == "a.zip: not a readable zip archive"


def test_gdal_options_are_restored_after_reading(tmp_path):
    get_option = lgdal.CPLGetThreadLocalConfigOption
    get_option.argtypes, get_option.restype = [c_char_p, c_char_p], c_char_p
    read_geodata(shapefile_zip(tmp_path), filename="pflege.zip")
    for key in gdal_files.CONFINED_OPTIONS:
        assert get_option(key.encode(), None) is None


def test_reprojection_builds_one_transformation_per_system_and_thread():
    """Building a transformation costs more than using it: one per EPSG code is kept, but never
    shared between threads (a GDAL transformation is not thread-safe)."""
    from opendata.sources.features import _to_wgs84

    assert _to_wgs84(25833) is _to_wgs84(25833)
    assert _to_wgs84(25833) is not _to_wgs84(3857)
    other = []
    thread = threading.Thread(target=lambda: other.append(_to_wgs84(25833)))
    thread.start()
    thread.join()
    assert other[0] is not _to_wgs84(25833)


def test_features_reprojected_with_a_kept_transformation_match_a_fresh_one():
    layer = read_geodata(CARE_HOMES.read_bytes(), filename=CARE_HOMES.name)
    document = json.loads(CARE_HOMES.read_text())
    for feature, member in zip(layer.features[:50], document["features"][:50], strict=True):
        fresh = GEOSGeometry(OGRGeometry(json.dumps(member["geometry"])).wkb, srid=25833)
        fresh.transform(4326)
        assert feature.geometry.srid == 4326
        assert feature.geometry.equals_exact(fresh, tolerance=1e-9)
