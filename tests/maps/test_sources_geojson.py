"""Reading outline files (GeoJSON): no database involved."""

import json

import pytest
from django.contrib.gis.geos import MultiPolygon

from maps.sources import (
    WGS84,
    SourceError,
    declared_srid,
    read_area_shapes,
)
from tests.maps.conftest import DISTRICTS_GEOJSON, FORECAST_AREAS_GEOJSON
from tests.maps.sources_samples import (
    SQUARE_UTM33,
    SQUARE_WGS84,
    collection,
    feature,
    polygon,
    read_shapes,
)

CITY = (13.0, 52.3, 13.8, 52.7)

# Outlines (GeoJSON) --------------------------------------------------------------------------


def test_invalid_json_is_rejected_with_line_and_column(tmp_file):
    text = '{\n  "type": "FeatureCollection",\n  "features": [,]\n}\n'
    with pytest.raises(SourceError) as error:
        read_shapes(tmp_file, text)
    assert str(error.value) == (
        "areas.geojson: not valid JSON (line 3, column 16): Expecting value"
    )


def test_json_nested_too_deeply_is_rejected_as_invalid_json(tmp_file):
    with pytest.raises(SourceError) as error:
        read_shapes(tmp_file, "[" * 100_000)
    assert str(error.value) == "areas.geojson: not valid JSON (nested too deeply)"


@pytest.mark.parametrize(
    "data",
    [
        [],
        "FeatureCollection",
        feature(),
        polygon(),
        {"type": "featurecollection", "features": [feature()]},
    ],
    ids=["list", "string", "feature", "geometry", "lower-case-type"],
)
def test_json_that_is_not_a_feature_collection_is_rejected(tmp_file, data):
    with pytest.raises(SourceError) as error:
        read_shapes(tmp_file, json.dumps(data))
    assert str(error.value) == "areas.geojson: not a GeoJSON FeatureCollection"


@pytest.mark.parametrize(
    "data",
    [
        {"type": "FeatureCollection"},
        {"type": "FeatureCollection", "features": []},
        {"type": "FeatureCollection", "features": None},
        {"type": "FeatureCollection", "features": {"0": feature()}},
    ],
    ids=["missing", "empty-list", "null", "object"],
)
def test_feature_collection_without_features_is_rejected(tmp_file, data):
    with pytest.raises(SourceError) as error:
        read_shapes(tmp_file, json.dumps(data))
    assert str(error.value) == "areas.geojson: the FeatureCollection has no features"


@pytest.mark.parametrize(
    "second",
    [
        {"type": "Feature", "properties": {"NAME": "Pankow"}, "geometry": polygon()},
        {"type": "Feature", "properties": {"name": "  "}, "geometry": polygon()},
        {"type": "Feature", "properties": None, "geometry": polygon()},
        {"type": "Feature", "geometry": polygon()},
        {"type": "Feature", "properties": ["name", "Pankow"], "geometry": polygon()},
        "Pankow",
    ],
    ids=["other-case", "blank", "null-properties", "no-properties", "list-properties", "string"],
)
def test_feature_missing_the_key_property_is_rejected_naming_feature_and_property(tmp_file, second):
    with pytest.raises(SourceError) as error:
        read_shapes(tmp_file, collection(feature("Mitte"), second))
    assert str(error.value) == "areas.geojson, feature 2: property 'name' is missing"


def test_duplicate_key_is_rejected_naming_the_feature_and_key(tmp_file):
    text = collection(feature("Mitte"), feature("Pankow"), feature("Mitte"))
    with pytest.raises(SourceError) as error:
        read_shapes(tmp_file, text)
    assert str(error.value) == "areas.geojson, feature 3: Mitte appears twice"


def test_numeric_key_property_is_read_as_text(tmp_file):
    text = collection({"type": "Feature", "properties": {"BEZ": 12}, "geometry": polygon()})
    assert [shape.key for shape in read_shapes(tmp_file, text, key_property="BEZ")] == ["12"]


def test_point_instead_of_polygon_is_rejected(tmp_file):
    point = {"type": "Point", "coordinates": [13.4, 52.5]}
    with pytest.raises(SourceError) as error:
        read_shapes(tmp_file, collection(feature("Mitte", point)))
    assert str(error.value) == (
        "areas.geojson, feature 1 (Mitte): a Polygon or MultiPolygon is expected, not Point"
    )


def test_multipoint_is_rejected(tmp_file):
    points = {"type": "MultiPoint", "coordinates": [[13.4, 52.5], [13.5, 52.5], [13.5, 52.6]]}
    with pytest.raises(SourceError, match=r"feature 1 \(Mitte\): .* not MultiPoint$"):
        read_shapes(tmp_file, collection(feature("Mitte", points)))


@pytest.mark.parametrize("geometry", [None, {}, {"coordinates": SQUARE_WGS84}, "POLYGON"])
def test_feature_without_geometry_is_rejected(tmp_file, geometry):
    data = {"type": "Feature", "properties": {"name": "Mitte"}, "geometry": geometry}
    with pytest.raises(SourceError) as error:
        read_shapes(tmp_file, collection(data))
    assert str(error.value) == "areas.geojson, feature 1 (Mitte): the geometry is missing"


def test_unreadable_geometry_is_rejected_naming_the_feature(tmp_file):
    broken = {"type": "Polygon", "coordinates": "somewhere in Mitte"}
    with pytest.raises(SourceError, match=r"^areas\.geojson, feature 1 \(Mitte\): unreadable"):
        read_shapes(tmp_file, collection(feature("Mitte", broken)))


def test_empty_polygon_is_rejected(tmp_file):
    empty = {"type": "MultiPolygon", "coordinates": []}
    with pytest.raises(SourceError, match=r"feature 1 \(Mitte\): the geometry is empty$"):
        read_shapes(tmp_file, collection(feature("Mitte", empty)))


def test_polygon_is_promoted_to_multipolygon(tmp_file):
    [shape] = read_shapes(tmp_file, collection(feature("Mitte", polygon())))
    assert isinstance(shape.geometry, MultiPolygon)
    assert shape.geometry.srid == WGS84
    assert len(shape.geometry) == 1
    assert shape.geometry[0].exterior_ring.coords == tuple(map(tuple, SQUARE_WGS84[0]))


def test_multipolygon_is_kept_as_it_is(tmp_file):
    other = [[[x + 0.1, y] for x, y in SQUARE_WGS84[0]]]
    multi = {"type": "MultiPolygon", "coordinates": [SQUARE_WGS84, other]}
    [shape] = read_shapes(tmp_file, collection(feature("Mitte", multi)))
    assert shape.geometry.geom_type == "MultiPolygon"
    assert len(shape.geometry) == 2


def test_self_intersecting_bow_tie_polygon_is_repaired_into_valid_multipolygon(tmp_file):
    bow_tie = polygon(
        [[[13.40, 52.50], [13.42, 52.52], [13.42, 52.50], [13.40, 52.52], [13.40, 52.50]]]
    )
    [shape] = read_shapes(tmp_file, collection(feature("Mitte", bow_tie)))
    assert isinstance(shape.geometry, MultiPolygon)
    assert shape.geometry.valid
    assert len(shape.geometry) == 2  # the two triangles either side of the crossing
    assert shape.geometry.area == pytest.approx(2 * 0.01 * 0.02 / 2)
    assert shape.geometry.extent == pytest.approx((13.40, 52.50, 13.42, 52.52))


def test_geojson_in_epsg25833_is_reprojected_to_wgs84(tmp_file):
    text = collection(feature("Mitte", polygon(SQUARE_UTM33)), crs="urn:ogc:def:crs:EPSG::25833")
    [shape] = read_shapes(tmp_file, text)
    assert shape.geometry.srid == WGS84
    min_x, min_y, max_x, max_y = shape.geometry.extent
    # Longitude first: about 13.4 °E, 52.5 °N, and about 1 km across.
    assert 13.38 < min_x < max_x < 13.42
    assert 52.50 < min_y < max_y < 52.53
    assert max_x - min_x == pytest.approx(0.0149, abs=0.001)
    assert max_y - min_y == pytest.approx(0.0090, abs=0.001)


def test_epsg25833_coordinates_without_crs_are_rejected_with_the_crs_hint(tmp_file):
    text = collection(feature("Mitte", polygon(SQUARE_UTM33)))
    with pytest.raises(SourceError) as error:
        read_shapes(tmp_file, text)
    message = str(error.value)
    assert message.startswith("areas.geojson, feature 1 (Mitte): coordinates outside")
    assert "391000, 5.819e+06, 392000, 5.82e+06" in message
    assert "does the file declare its coordinate system (crs)?" in message


def test_unknown_crs_name_is_rejected_naming_it(tmp_file):
    text = collection(feature("Mitte"), crs="urn:ogc:def:crs:OGC:1.3:BERLIN_SOLDNER")
    with pytest.raises(SourceError) as error:
        read_shapes(tmp_file, text)
    assert str(error.value) == (
        "areas.geojson: unknown coordinate system 'urn:ogc:def:crs:OGC:1.3:BERLIN_SOLDNER'"
    )


def test_crs_that_gdal_does_not_know_is_rejected_naming_the_feature(tmp_file):
    text = collection(feature("Mitte"), crs="EPSG:999999")
    with pytest.raises(SourceError, match=r"^areas\.geojson, feature 1 \(Mitte\): unreadable"):
        read_shapes(tmp_file, text)


# declared_srid -------------------------------------------------------------------------------


def test_no_crs_member_means_wgs84():
    assert declared_srid(None) == WGS84


@pytest.mark.parametrize(
    ("name", "srid"),
    [
        ("EPSG:25833", 25833),
        ("epsg:25833", 25833),
        ("urn:ogc:def:crs:EPSG::25833", 25833),
        ("urn:ogc:def:crs:EPSG:6.6:25833", 25833),
        ("http://www.opengis.net/def/crs/EPSG/0/25833", 25833),
        ("urn:ogc:def:crs:EPSG::3068", 3068),
        ("urn:ogc:def:crs:OGC:1.3:CRS84", WGS84),
        ("OGC:CRS84", WGS84),
        (" EPSG:4326 ", WGS84),
    ],
)
def test_declared_srid_understands_the_usual_spellings(name, srid):
    assert declared_srid({"type": "name", "properties": {"name": name}}) == srid


@pytest.mark.parametrize("name", ["ETRS89 / UTM zone 33N", "EPSG:25833:extra", "25833", ""])
def test_declared_srid_rejects_unknown_names(name):
    with pytest.raises(SourceError) as error:
        declared_srid({"type": "name", "properties": {"name": name}})
    assert str(error.value) == f"unknown coordinate system {name!r}"


@pytest.mark.parametrize(
    "crs",
    [
        "EPSG:25833",
        {"type": "name"},
        {"type": "name", "properties": {}},
        {"type": "name", "properties": {"name": 25833}},
        {"type": "name", "properties": None},
        {"type": "name", "properties": "EPSG:25833"},
    ],
    ids=["string", "no-properties", "no-name", "number", "null-properties", "string-properties"],
)
def test_declared_srid_rejects_crs_without_a_name(crs):
    with pytest.raises(SourceError, match=r"^the crs member has no name$"):
        declared_srid(crs)


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_coordinates_are_rejected(tmp_file, constant):
    text = collection(feature()).replace("13.41", constant, 1)
    with pytest.raises(SourceError, match=f"{constant} is not a number GeoJSON allows"):
        read_shapes(tmp_file, text)


def test_outline_in_wgs84_declared_as_epsg25833_is_rejected_as_outside_the_city(tmp_file):
    text = collection(feature(), crs="urn:ogc:def:crs:EPSG::25833")
    path = tmp_file("areas.geojson", text)
    with pytest.raises(SourceError, match=r"feature 1 \(Mitte\): the outline .* lies outside"):
        read_area_shapes(path, key_property="name", bounds=CITY)


def test_outline_inside_the_city_bounds_is_accepted(tmp_file):
    path = tmp_file("areas.geojson", collection(feature()))
    [shape] = read_area_shapes(path, key_property="name", bounds=CITY)
    assert shape.key == "Mitte"


def test_real_berlin_outlines_lie_within_the_configured_city_bounds(settings):
    for path, key in ((DISTRICTS_GEOJSON, "name"), (FORECAST_AREAS_GEOJSON, "PGR_ID")):
        assert read_area_shapes(path, key_property=key, bounds=settings.CITY_BOUNDS)
