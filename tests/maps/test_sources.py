"""Reading the LOR table and the outline files: no database involved."""

import json
from collections import Counter

import pytest
from django.contrib.gis.geos import MultiPolygon

from maps.sources import (
    WGS84,
    AreaRecord,
    SourceError,
    declared_srid,
    read_area_shapes,
    read_lor_hierarchy,
)
from tests.maps.conftest import DISTRICTS_GEOJSON, FORECAST_AREAS_GEOJSON, LOR_CSV

HEADER = (
    "Planungsraum (Nummer),Planungsraum (Name),Bezirksregion (Nummer),Bezirksregion (Name),"
    "Prognoseraum (Nummer),Prognoseraum (Name),Bezirk"
)
STUELERSTRASSE = "01100101,Stülerstraße,011001,Tiergarten Süd,0110,Zentrum,Mitte"
TIERGARTEN = "01100102,Großer Tiergarten,011001,Tiergarten Süd,0110,Zentrum,Mitte"

# A square of about 1 km near Alexanderplatz, in longitude/latitude and in EPSG:25833 (UTM 33N).
SQUARE_WGS84 = [[[13.40, 52.51], [13.41, 52.51], [13.41, 52.52], [13.40, 52.52], [13.40, 52.51]]]
SQUARE_UTM33 = [
    [[391000, 5819000], [392000, 5819000], [392000, 5820000], [391000, 5820000], [391000, 5819000]]
]
BERLIN_EXTENT = (13.08, 52.33, 13.77, 52.68)
ARABIC_INDIC_DIGITS = str.maketrans("0123456789", "".join(map(chr, range(0x660, 0x66A))))


def lor_csv(*rows: str, header: str = HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


def polygon(coordinates=SQUARE_WGS84) -> dict:
    return {"type": "Polygon", "coordinates": coordinates}


def feature(name: str = "Mitte", geometry: dict | None = None, **properties) -> dict:
    return {
        "type": "Feature",
        "properties": {"name": name, **properties},
        "geometry": polygon() if geometry is None else geometry,
    }


def collection(*features: dict, crs: str | None = None) -> str:
    data: dict = {"type": "FeatureCollection", "features": list(features)}
    if crs is not None:
        data["crs"] = {"type": "name", "properties": {"name": crs}}
    return json.dumps(data, ensure_ascii=False)


def read_shapes(tmp_file, text: str | bytes, key_property: str = "name"):
    return read_area_shapes(tmp_file("areas.geojson", text), key_property=key_property)


def inside_berlin(extent: tuple[float, float, float, float]) -> bool:
    min_x, min_y, max_x, max_y = extent
    return (
        BERLIN_EXTENT[0] < min_x < max_x < BERLIN_EXTENT[2]
        and BERLIN_EXTENT[1] < min_y < max_y < BERLIN_EXTENT[3]
    )


# The real Berlin files -----------------------------------------------------------------------


def test_berlin_lor_table_has_12_districts_58_forecast_areas_143_regions_542_planning_areas():
    levels = Counter(record.level for record in read_lor_hierarchy(LOR_CSV))
    assert levels == {"bezirk": 12, "prognoseraum": 58, "bezirksregion": 143, "planungsraum": 542}


def test_stuelerstrasse_nests_in_tiergarten_sued_zentrum_and_mitte():
    records = {record.code: record for record in read_lor_hierarchy(LOR_CSV)}
    assert records["01100101"] == AreaRecord("01100101", "Stülerstraße", "planungsraum", "011001")
    assert records["011001"] == AreaRecord("011001", "Tiergarten Süd", "bezirksregion", "0110")
    assert records["0110"] == AreaRecord("0110", "Zentrum", "prognoseraum", "01")
    assert records["01"] == AreaRecord("01", "Mitte", "bezirk", None)


def test_lor_records_come_parents_first_and_every_parent_is_known():
    seen: set[str] = set()
    for record in read_lor_hierarchy(LOR_CSV):
        assert record.parent_code is None or record.parent_code in seen, record
        seen.add(record.code)


def test_berlin_district_outlines_are_12_valid_multipolygons_inside_berlin_keyed_by_name():
    shapes = read_area_shapes(DISTRICTS_GEOJSON, key_property="name")
    districts = {r.name for r in read_lor_hierarchy(LOR_CSV) if r.level == "bezirk"}
    assert {shape.key for shape in shapes} == districts
    for shape in shapes:
        assert isinstance(shape.geometry, MultiPolygon), shape.key
        assert shape.geometry.srid == WGS84
        assert shape.geometry.valid, shape.key
        assert inside_berlin(shape.geometry.extent), shape.key


def test_berlin_forecast_area_outlines_are_58_keyed_by_the_lor_forecast_area_codes():
    shapes = read_area_shapes(FORECAST_AREAS_GEOJSON, key_property="PGR_ID")
    codes = {r.code for r in read_lor_hierarchy(LOR_CSV) if r.level == "prognoseraum"}
    assert len(shapes) == 58
    assert {shape.key for shape in shapes} == codes
    assert all(shape.geometry.valid and shape.geometry.srid == WGS84 for shape in shapes)


# Any file: missing, empty, not UTF-8 ---------------------------------------------------------

READERS = {
    "csv": lambda path: read_lor_hierarchy(path),
    "geojson": lambda path: read_area_shapes(path, key_property="name"),
}


@pytest.mark.parametrize("kind", READERS)
@pytest.mark.parametrize("content", ["", "  \n\r\n\t "], ids=["zero-bytes", "whitespace"])
def test_empty_file_is_rejected_as_empty(tmp_file, kind, content):
    with pytest.raises(SourceError, match=rf"^empty\.{kind}: the file is empty$"):
        READERS[kind](tmp_file(f"empty.{kind}", content))


@pytest.mark.parametrize("kind", READERS)
def test_missing_file_is_rejected_naming_its_path(tmp_path, kind):
    path = tmp_path / f"nowhere.{kind}"
    with pytest.raises(SourceError) as error:
        READERS[kind](path)
    assert str(error.value) == f"{path}: file not found"


@pytest.mark.parametrize("kind", READERS)
def test_windows_1252_file_is_rejected_as_not_utf8_naming_the_byte(tmp_file, kind):
    content = lor_csv(STUELERSTRASSE) if kind == "csv" else collection(feature("Köpenick"))
    raw = content.encode("cp1252")
    position = next(index for index, byte in enumerate(raw) if byte > 0x7F)
    with pytest.raises(SourceError) as error:
        READERS[kind](tmp_file(f"latin.{kind}", raw))
    assert str(error.value) == f"latin.{kind}: not UTF-8 text (byte {position})"


# The LOR table (CSV) -------------------------------------------------------------------------


def test_csv_with_semicolons_and_utf8_bom_is_read(tmp_file):
    text = lor_csv(STUELERSTRASSE, TIERGARTEN).replace(",", ";")
    path = tmp_file("lor.csv", "\ufeff" + text)
    records = read_lor_hierarchy(path)
    assert [(r.code, r.name, r.level, r.parent_code) for r in records] == [
        ("01", "Mitte", "bezirk", None),
        ("0110", "Zentrum", "prognoseraum", "01"),
        ("011001", "Tiergarten Süd", "bezirksregion", "0110"),
        ("01100101", "Stülerstraße", "planungsraum", "011001"),
        ("01100102", "Großer Tiergarten", "planungsraum", "011001"),
    ]


def test_csv_with_extra_columns_and_windows_line_ends_is_read(tmp_file):
    text = lor_csv("x," + STUELERSTRASSE + ",366933.12", header="UUID," + HEADER + ",Fläche")
    records = read_lor_hierarchy(tmp_file("lor.csv", text.replace("\n", "\r\n")))
    assert [record.code for record in records] == ["01", "0110", "011001", "01100101"]


def test_csv_missing_a_column_is_rejected_naming_the_column(tmp_file):
    header = HEADER.removesuffix(",Bezirk")
    row = STUELERSTRASSE.removesuffix(",Mitte")
    with pytest.raises(SourceError) as error:
        read_lor_hierarchy(tmp_file("lor.csv", lor_csv(row, header=header)))
    assert str(error.value) == "lor.csv: missing columns: Bezirk"


@pytest.mark.parametrize(
    ("row", "column", "length", "value"),
    [
        (STUELERSTRASSE.replace("01100101", "0110010"), "Planungsraum (Nummer)", 8, "0110010"),
        (STUELERSTRASSE.replace("011001,", "0110A1,"), "Bezirksregion (Nummer)", 6, "0110A1"),
        (STUELERSTRASSE.replace(",0110,", ",110,"), "Prognoseraum (Nummer)", 4, "110"),
        (STUELERSTRASSE.replace(",0110,", ",,"), "Prognoseraum (Nummer)", 4, ""),
        (
            STUELERSTRASSE.translate(ARABIC_INDIC_DIGITS),
            "Planungsraum (Nummer)",
            8,
            "01100101".translate(ARABIC_INDIC_DIGITS),
        ),
    ],
    ids=["seven-digits", "letter", "three-digits", "empty", "arabic-indic-digits"],
)
def test_csv_code_with_wrong_digits_is_rejected_naming_line_column_and_value(
    tmp_file, row, column, length, value
):
    with pytest.raises(SourceError) as error:
        read_lor_hierarchy(tmp_file("lor.csv", lor_csv(TIERGARTEN, row)))
    assert str(error.value) == f"lor.csv, line 3: {column} must be {length} digits, not {value!r}"


def test_csv_empty_name_is_rejected_naming_the_line_and_column(tmp_file):
    row = STUELERSTRASSE.replace("Tiergarten Süd", " ")
    with pytest.raises(SourceError) as error:
        read_lor_hierarchy(tmp_file("lor.csv", lor_csv(row)))
    assert str(error.value) == "lor.csv, line 2: empty Bezirksregion (Name)"


@pytest.mark.parametrize(
    "row",
    [
        STUELERSTRASSE.replace("01100101", "01200101"),  # planning area outside its region
        STUELERSTRASSE.replace("011001", "012001"),  # region outside its forecast area
    ],
    ids=["planning-area", "district-region"],
)
def test_csv_codes_that_do_not_nest_are_rejected(tmp_file, row):
    plr, _name, bzr, _bzr_name, pgr, *_ = row.split(",")
    with pytest.raises(SourceError) as error:
        read_lor_hierarchy(tmp_file("lor.csv", lor_csv(row)))
    assert str(error.value) == f"lor.csv, line 2: codes {plr}, {bzr}, {pgr} do not nest"


def test_csv_code_with_two_names_is_rejected_naming_line_code_and_both_names(tmp_file):
    renamed = TIERGARTEN.replace("Tiergarten Süd", "Tiergarten Nord")
    with pytest.raises(SourceError) as error:
        read_lor_hierarchy(tmp_file("lor.csv", lor_csv(STUELERSTRASSE, renamed)))
    assert str(error.value) == (
        "lor.csv, line 3: code 011001 was Tiergarten Süd before, now Tiergarten Nord"
    )


def test_csv_district_with_two_names_is_rejected(tmp_file):
    renamed = TIERGARTEN.replace("0110,Zentrum,Mitte", "0120,Moabit,Tiergarten").replace(
        "011001", "012001"
    )
    with pytest.raises(SourceError, match="line 3: code 01 was Mitte before, now Tiergarten"):
        read_lor_hierarchy(tmp_file("lor.csv", lor_csv(STUELERSTRASSE, renamed)))


def test_csv_with_only_a_header_is_rejected_as_having_no_rows(tmp_file):
    with pytest.raises(SourceError, match=r"^lor\.csv: no rows$"):
        read_lor_hierarchy(tmp_file("lor.csv", lor_csv()))


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


# Hostile and odd files -----------------------------------------------------------------------

CITY = (13.0, 52.3, 13.8, 52.7)


def test_folder_instead_of_file_is_rejected_as_unreadable(tmp_path):
    with pytest.raises(SourceError, match="cannot be read"):
        read_lor_hierarchy(tmp_path)


def test_csv_with_an_oversized_field_is_rejected_naming_the_line(tmp_file):
    path = tmp_file("lor.csv", lor_csv(STUELERSTRASSE, '"' + "x" * 200_000 + '",a,b,c,d,e,f'))
    with pytest.raises(SourceError, match=r"lor\.csv, line \d+: field larger than field limit"):
        read_lor_hierarchy(path)


def test_csv_with_control_characters_in_a_name_is_rejected(tmp_file):
    path = tmp_file("lor.csv", lor_csv(STUELERSTRASSE.replace("Stülerstraße", "Stüler\x07straße")))
    with pytest.raises(SourceError, match="line 2: contains control characters"):
        read_lor_hierarchy(path)


def test_file_with_nul_bytes_is_rejected(tmp_file):
    path = tmp_file("lor.csv", lor_csv(STUELERSTRASSE.replace("Stülerstraße", "Stüler\x00")))
    with pytest.raises(SourceError, match="NUL bytes"):
        read_lor_hierarchy(path)


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
