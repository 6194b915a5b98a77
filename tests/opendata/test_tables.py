import io
import zipfile
from pathlib import Path

import pytest
from django.utils import translation
from openpyxl import Workbook

from opendata.sources import (
    MAX_ERRORS,
    FileTooLarge,
    SourceError,
    read_table,
    validate_table,
)

BERLIN = Path(__file__).resolve().parents[2] / "fixtures" / "berlin"


@pytest.fixture(autouse=True)
def english():
    """Messages are checked in the source language, whatever translations exist."""
    with translation.override("en"):
        yield


def xlsx(*rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def fields(report) -> dict[str, str]:
    return {field["name"]: field["type"] for field in report.schema["fields"]}


# Reading ------------------------------------------------------------------------------------


def test_plain_utf8_csv_is_read_with_its_header_and_rows():
    table = read_table(b"name,count\nA,1\nB,2\n", filename="t.csv")
    assert table.columns == ["name", "count"]
    assert table.rows == [["A", "1"], ["B", "2"]]
    assert table.line_numbers == [2, 3]
    assert (table.format, table.encoding, table.delimiter) == ("csv", "utf-8", ",")


def test_empty_file_is_rejected_with_message():
    for data in (b"", b"  \n\n"):
        with pytest.raises(SourceError, match=r"t\.csv: the file is empty"):
            read_table(data, filename="t.csv")


def test_header_only_is_rejected_with_message():
    with pytest.raises(SourceError, match="only a header, no rows of data"):
        read_table(b"name;count\r\n", filename="t.csv")


def test_windows_1252_is_detected_when_bytes_are_not_utf8():
    table = read_table("Straße;Anzahl\nMüllerstraße;3\n".encode("cp1252"), filename="t.csv")
    assert table.encoding == "cp1252"
    assert table.columns == ["Straße", "Anzahl"]
    assert table.rows == [["Müllerstraße", "3"]]


def test_bytes_neither_utf8_nor_windows_1252_are_rejected_with_position():
    with pytest.raises(SourceError, match=r"neither UTF-8 nor Windows-1252 text \(byte 4\)"):
        read_table(b"a,b\n\x81,2\n", filename="t.csv")


def test_utf8_with_bom_and_semicolon_is_read():
    data = "\ufeffBezirk;Einwohner\r\nMitte;397134\r\nPankow;413385\r\n".encode()
    table = read_table(data, filename="bezirke.csv")
    assert (table.encoding, table.delimiter) == ("utf-8-sig", ";")
    assert table.columns == ["Bezirk", "Einwohner"]
    assert table.rows[1] == ["Pankow", "413385"]


def test_tab_separated_is_read():
    table = read_table(b"a\tb\tc\n1\t2,5\t3\n", filename="t.tsv")
    assert table.delimiter == "\t"
    assert table.rows == [["1", "2,5", "3"]]


def test_quoted_delimiters_and_line_breaks_keep_line_numbers():
    data = b'name,note\n"Doe, J.","two\nlines"\n\nX,y\n'
    table = read_table(data, filename="t.csv")
    assert table.delimiter == ","
    assert table.rows == [["Doe, J.", "two\nlines"], ["X", "y"]]
    assert table.line_numbers == [2, 5]  # the blank line 4 is skipped, not counted as a row


def test_nul_bytes_are_rejected_with_message():
    with pytest.raises(SourceError, match="contains NUL bytes"):
        read_table(b"a,b\n1,\x002\n", filename="t.csv")
    with pytest.raises(SourceError, match="contains NUL bytes"):
        read_table(b"a,b\n\xe4,\x002\n", filename="t.csv")  # also on the Windows-1252 path


def test_utf16_is_rejected_with_advice():
    with pytest.raises(SourceError, match="UTF-16 text; save it as UTF-8"):
        read_table("a,b\n1,2\n".encode("utf-16"), filename="t.csv")


def test_file_over_limit_is_rejected_naming_the_limit():
    with pytest.raises(FileTooLarge, match=r"the limit is 1\.0\xa0KB") as caught:
        read_table(b"a,b\n" + b"1,2\n" * 300, filename="t.csv", max_bytes=1024)
    assert isinstance(caught.value, SourceError)
    assert read_table(b"a,b\n1,2\n", filename="t.csv", max_bytes=8).rows == [["1", "2"]]


def test_duplicate_header_names_are_rejected_naming_the_columns():
    with pytest.raises(
        SourceError, match=r"line 1: column 3 is named “a” like column 1; column names must"
    ):
        read_table(b"a,b, a \n1,2,3\n", filename="t.csv")


def test_empty_header_name_is_rejected_naming_the_column():
    with pytest.raises(SourceError, match="line 1: column 2 has no name"):
        read_table(b"a;;c\n1;2;3\n", filename="t.csv")


def test_unreadable_csv_reports_the_line():
    long_field = b"x" * 200_000
    with pytest.raises(SourceError, match=r"t\.csv, line 3: field larger than field limit"):
        read_table(b"a,b\n1,2\n3," + long_field + b"\n", filename="t.csv")


def test_xlsx_round_trip_keeps_strings_and_numbers():
    data = xlsx(["Bezirk", "Einwohner", "Anteil"], ["Mitte", 397134, 0.5], ["Pankow", 413385, None])
    table = read_table(data, filename="bezirke.xlsx")
    assert (table.format, table.encoding, table.delimiter) == ("xlsx", None, None)
    assert table.columns == ["Bezirk", "Einwohner", "Anteil"]
    assert table.rows == [["Mitte", "397134", "0.5"], ["Pankow", "413385", ""]]
    assert table.line_numbers == [2, 3]
    report = validate_table(table)
    assert report.valid
    assert fields(report) == {"Bezirk": "string", "Einwohner": "integer", "Anteil": "number"}


def test_xlsx_is_recognised_by_content_whatever_its_name():
    assert read_table(xlsx(["a"], [1]), filename="upload.bin").format == "xlsx"


def test_xlsx_with_empty_sheet_is_rejected():
    with pytest.raises(SourceError, match=r"the first sheet \(Sheet\) is empty"):
        read_table(xlsx(), filename="t.xlsx")


def test_xlsx_with_header_only_is_rejected():
    with pytest.raises(SourceError, match="only a header, no rows of data"):
        read_table(xlsx(["a", "b"]), filename="t.xlsx")


def test_xlsx_duplicate_header_is_rejected():
    with pytest.raises(SourceError, match="column 2 is named “a” like column 1"):
        read_table(xlsx(["a", "a"], [1, 2]), filename="t.xlsx")


def test_zip_that_is_not_xlsx_is_rejected():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("data.csv", "a,b\n1,2\n")
    with pytest.raises(SourceError, match="a ZIP archive, not an XLSX workbook"):
        read_table(buffer.getvalue(), filename="data.xlsx")


def test_damaged_xlsx_is_rejected():
    data = xlsx(["a"], [1])
    with pytest.raises(SourceError, match=r"t\.xlsx: "):
        read_table(data[: len(data) // 2], filename="t.xlsx")


def test_xlsx_name_on_text_and_old_excel_are_rejected():
    with pytest.raises(SourceError, match="not an XLSX workbook"):
        read_table(b"a,b\n1,2\n", filename="t.xlsx")
    with pytest.raises(SourceError, match=r"an old Excel file \(\.xls\)"):
        read_table(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, filename="t.xls")


# Validating ---------------------------------------------------------------------------------


def test_inferred_schema_has_integer_number_and_string():
    table = read_table(b"name,count,share\nA,1,0.5\nB,2,1\n", filename="t.csv")
    report = validate_table(table)
    assert report.valid
    assert report.errors == []
    assert fields(report) == {"name": "string", "count": "integer", "share": "number"}


def test_german_decimals_are_inferred_as_numbers():
    table = read_table("Ort;Anteil;Fläche\nA;2,5;1.234,5\nB;3;12\n".encode(), filename="t.csv")
    report = validate_table(table)
    assert report.valid, report.errors
    assert report.schema["fields"][1] == {"name": "Anteil", "type": "number", "decimalChar": ","}
    assert report.schema["fields"][2]["groupChar"] == "."


def test_codes_with_leading_zeros_stay_strings():
    table = read_table(b"code,n\n01100101,1\n12601236,2\n", filename="t.csv")
    assert fields(validate_table(table)) == {"code": "string", "n": "integer"}


def test_ragged_rows_are_reported_with_their_line_numbers():
    table = read_table(b"a,b,c\n1,2,3\n4,5\n6,7,8,9\n", filename="t.csv")
    report = validate_table(table)
    assert not report.valid
    assert [(error.row, error.column, error.message) for error in report.errors] == [
        (3, None, "line 3 has 2 cells, but the header has 3"),
        (4, None, "line 4 has 4 cells, but the header has 3"),
    ]


def test_type_errors_name_line_column_and_value():
    table = read_table(b"name,count\nA,1\nB,zwei\n", filename="t.csv")
    schema = {"fields": [{"name": "name", "type": "string"}, {"name": "count", "type": "integer"}]}
    report = validate_table(table, schema)
    assert [(error.row, error.column) for error in report.errors] == [(3, "count")]
    assert report.errors[0].message == "line 3, column “count”: “zwei” is not a whole number"


def test_required_values_and_primary_key_duplicates_are_reported():
    table = read_table(b"id,name\n1,A\n1,B\n2,\n", filename="t.csv")
    schema = {
        "fields": [
            {"name": "id", "type": "integer"},
            {"name": "name", "type": "string", "constraints": {"required": True}},
        ],
        "primaryKey": ["id"],
    }
    report = validate_table(table, schema)
    assert [(error.row, error.column, error.message) for error in report.errors] == [
        (3, None, "line 3: the primary key (id) repeats line 2"),
        (4, "name", "line 4, column “name”: a value is required"),
    ]


def test_unique_constraint_names_the_earlier_line():
    table = read_table(b"id\nx\n\ny\nx\n", filename="t.csv")
    schema = {"fields": [{"name": "id", "type": "string", "constraints": {"unique": True}}]}
    [error] = validate_table(table, schema).errors
    assert (error.row, error.column) == (5, "id")
    assert error.message == "line 5, column “id”: “x” repeats line 2; the values must be unique"


def test_schema_columns_that_do_not_match_the_header_are_reported():
    table = read_table(b"a,b\n1,2\n", filename="t.csv")
    schema = {"fields": [{"name": "a", "type": "integer"}, {"name": "c", "type": "string"}]}
    report = validate_table(table, schema)
    assert [(error.row, error.column) for error in report.errors] == [(1, "c"), (1, "b")]
    assert report.errors[0].message == "line 1: the column “c” is missing"


def test_columns_in_another_order_than_the_schema_are_matched_by_name():
    table = read_table(b"b,a\nx,1\n", filename="t.csv")
    schema = {"fields": [{"name": "a", "type": "integer"}, {"name": "b", "type": "string"}]}
    assert validate_table(table, schema).valid


def test_invalid_schema_is_rejected_with_message():
    table = read_table(b"a\n1\n", filename="t.csv")
    with pytest.raises(SourceError, match="The table schema is not valid"):
        validate_table(table, {"fields": [{"name": "a", "type": "no-such-type"}]})


def test_errors_are_capped_and_the_rest_counted():
    data = b"n\n" + b"x\n" * (MAX_ERRORS + 20)
    table = read_table(data, filename="t.csv")
    report = validate_table(table, {"fields": [{"name": "n", "type": "integer"}]})
    assert len(report.errors) == MAX_ERRORS
    assert report.error_count == MAX_ERRORS + 20
    assert report.more_errors == 20
    assert report.errors[-1].row == MAX_ERRORS + 1


# Real data ----------------------------------------------------------------------------------


def test_population_table_utf8_bom_semicolon_counts_are_integers():
    path = BERLIN / "einwohner_plr_2022-06.csv"
    table = read_table(path.read_bytes(), filename=path.name)
    assert (table.format, table.encoding, table.delimiter) == ("csv", "utf-8-sig", ";")
    assert table.columns[:3] == ["Gesamt", "unter6", "6-15"]
    assert table.columns[-2:] == ["ausländer", "PLR-ID"]
    assert len(table.rows) == 542
    assert table.rows[0] == [
        "3503", "169", "181", "35", "438", "1193", "377", "396", "714", "1708", "1509", "01100101"
    ]  # fmt: skip
    assert table.rows[-1][-1] == "12601236"
    report = validate_table(table)
    assert report.valid, report.errors[:3]
    types = fields(report)
    assert types["PLR-ID"] == "string"  # keeps its leading zero
    assert {types[name] for name in table.columns[:-1]} == {"integer"}  # with dashes as missing


def test_social_monitoring_table_utf8_comma_types_and_values():
    path = BERLIN / "mss_2021_plr.csv"
    table = read_table(path.read_bytes(), filename=path.name)
    assert (table.format, table.encoding, table.delimiter) == ("csv", "utf-8", ",")
    assert len(table.columns) == 28
    assert table.columns[:3] == ["PLR_NAME", "PLR_ID", "Resident Count"]
    assert len(table.rows) == 542
    first = dict(zip(table.columns, table.rows[0], strict=True))
    assert first["PLR_NAME"] == "Stülerstraße"
    assert first["Status Dynamics Index Value"] == "Status mittel , Dynamik negativ"
    assert first["Unemployment Percent"] == "4.22594"
    report = validate_table(table)
    assert report.valid, report.errors[:3]
    types = fields(report)
    assert types["PLR_ID"] == "string"
    assert types["Resident Count"] == "integer"
    assert types["Unemployment Percent"] == "number"
    assert types["Status Index verb"] == "string"


def test_population_table_as_windows_1252_reads_the_same():
    path = BERLIN / "einwohner_plr_2022-06.csv"
    utf8 = read_table(path.read_bytes(), filename=path.name)
    text = path.read_bytes().decode("utf-8-sig")  # umlauts and dashes exist in cp1252
    legacy = read_table(text.encode("cp1252"), filename=path.name)
    assert legacy.encoding == "cp1252"
    assert (legacy.columns, legacy.rows) == (utf8.columns, utf8.rows)
