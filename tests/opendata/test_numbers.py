from decimal import Decimal

import pytest

from opendata.models import ResourceVersion
from opendata.sources.numbers import (
    GERMAN,
    PLAIN,
    NumberFormat,
    decimal_places,
    field_format,
    guess_format,
    number_literal,
    parse_decimal,
    parse_float,
    read_column,
    schema_fields,
)
from opendata.sources.tables import EN_DASH


@pytest.mark.parametrize(
    ("text", "number_format", "literal"),
    [
        ("1234", PLAIN, "1234"),
        (" 12.5 ", PLAIN, "12.5"),
        ("-3", PLAIN, "-3"),
        ("1e3", PLAIN, "1e3"),
        ("1.234,5", GERMAN, "1234.5"),
        ("1.234", GERMAN, "1234"),
        ("1,234.5", NumberFormat(decimal_char=".", group_char=","), "1234.5"),
        ("1\u00a0234", PLAIN, "1234"),
        ("1\u202f234,5", None, "1234.5"),
        ("10,5", None, "10.5"),
        ("4.25", None, "4.25"),
    ],
)
def test_numbers_are_read_in_their_format(text, number_format, literal):
    assert number_literal(text, number_format) == literal


@pytest.mark.parametrize(
    "text", ["", "-", EN_DASH, ".", "x", "zwölf", "nan", "inf", "-Infinity", "1_000", "1,5", "١٢"]
)
def test_missing_markers_words_and_no_finite_numbers_are_no_numbers(text):
    assert number_literal(text, PLAIN) is None
    assert parse_float(text, PLAIN) is None
    assert parse_decimal(text, PLAIN) is None


def test_a_float_too_large_to_hold_is_no_number_but_stays_exact_as_decimal():
    assert parse_float("1e999") is None
    assert parse_decimal("1e999") == Decimal("1e999")


def test_decimals_are_exact_and_keep_their_places():
    assert parse_decimal("10,50") == Decimal("10.50")
    assert parse_float("1.234,5", GERMAN) == 1234.5


@pytest.mark.parametrize(
    ("literal", "places"), [("12", 0), ("12.50", 2), ("1.", 0), ("1e-3", 3), ("1.5e3", 0)]
)
def test_decimal_places_count_what_is_written_after_the_exponent(literal, places):
    assert decimal_places(literal) == places


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (["1", "2", "-3", EN_DASH, "."], PLAIN),
        (["1.5", "2e3", ""], PLAIN),
        (["1,5", "1.234,5", "-"], GERMAN),
        (["01", "02"], None),  # codes whose leading zero a number would lose
        (["1", "x"], None),
        (["1,5", "4.25"], None),  # a misplaced group separator in a German column
        (["1,2,3"], None),
        (["1,5e3"], None),
        (["1-2"], None),
        (["-"], None),
        (["1", "nan"], None),
        (["1\n2"], None),
    ],
)
def test_a_column_is_numeric_when_every_present_cell_is_a_number(cells, expected):
    assert guess_format(cells) == expected


def test_more_missing_markers_can_be_given():
    assert guess_format(["1", "x"], missing={"x"}) == PLAIN


def test_every_cell_a_guessed_column_holds_is_read():
    cells = ["1.234,5", "2,25", "-1", ".", EN_DASH]
    read = read_column(cells, guess_format(cells))
    assert read.values == [1234.5, 2.25, -1.0]
    assert (read.cells, read.filled, read.missing, read.places) == (5, 3, 2, 2)
    assert not read.integral


def test_a_column_read_cell_by_cell_counts_text_as_filled_but_not_as_a_number():
    read = read_column(["10,5", "4.25", "vertraulich", "x", ""], missing={"", "x"})
    assert read.values == [10.5, 4.25]
    assert (read.filled, read.missing, read.places) == (3, 3, 2)


def test_whole_numbers_make_an_integral_column():
    read = read_column(["1", "20", "300"], PLAIN)
    assert read.integral
    assert read.places == 0


def test_the_schema_declares_each_fields_format():
    field = {"name": "Betrag", "type": "number", "decimalChar": ",", "groupChar": "."}
    version = ResourceVersion(table_schema={"fields": [field, {"type": "string"}]})
    assert schema_fields(version) == {"Betrag": field}
    assert field_format(field) == GERMAN
    assert field_format({"name": "Jahr", "type": "integer"}) == PLAIN
    assert schema_fields(ResourceVersion(table_schema={})) == {}
