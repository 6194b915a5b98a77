"""Reading the LOR table and any reference file: no database involved."""

from collections import Counter

import pytest
from django.contrib.gis.geos import MultiPolygon

from maps.sources import (
    WGS84,
    AreaRecord,
    SourceError,
    read_area_shapes,
    read_lor_hierarchy,
)
from tests.maps.conftest import DISTRICTS_GEOJSON, FORECAST_AREAS_GEOJSON, LOR_CSV
from tests.maps.sources_samples import (
    ARABIC_INDIC_DIGITS,
    HEADER,
    STUELERSTRASSE,
    TIERGARTEN,
    collection,
    feature,
    inside_berlin,
    lor_csv,
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


# Hostile and odd files -----------------------------------------------------------------------


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
