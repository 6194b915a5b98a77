"""Numbers in the cells of published tables: how a column writes them, and their values.

Statistics offices write German numbers ("1.234,5"), mark a missing or withheld value with an
en dash, "-" or "." and publish area codes with leading zeros ("01100101") that are no
numbers. Every reader of table cells (the charts, the choropleth maps) reads them here, so
that a cell means the same number everywhere on the site.
"""

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from .tables import MISSING_VALUES

# "." is what disclosure control writes for a withheld small count (opendata.disclosure).
MISSING = frozenset([*MISSING_VALUES, "."])
# A number as Python writes it, once group separators are gone and the decimal mark is a point.
LITERAL = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
# Spaces some offices group digits with ("1 234", also no-break and narrow no-break spaces).
SPACES = str.maketrans("", "", " \u00a0\u202f")
# Checks of a column's cells joined into one text, one cell a line (see guess_format): a
# character that no number has; a German number with a misplaced group or decimal separator;
# a code such as "01100101" (a Planungsraum), whose leading zero a number would lose.
NOT_IN_NUMBERS = re.compile(r"[^0-9.,eE+\-\n]")
MISPLACED_GROUP = re.compile(r"\.(?!\d{3}(?:[.,\n]|\Z))")
MISPLACED_COMMA = re.compile(r",\d*[.,]")
LEADING_ZERO = re.compile(r"\n0[0-9]")


@dataclass(frozen=True)
class NumberFormat:
    """How a column writes its numbers: the decimal mark and the digit group separator."""

    decimal_char: str = "."
    group_char: str = ""


PLAIN = NumberFormat()
GERMAN = NumberFormat(decimal_char=",", group_char=".")


def field_format(field: dict) -> NumberFormat:
    """The format a Table Schema field declares (`decimalChar`, `groupChar`)."""
    return NumberFormat(
        decimal_char=field.get("decimalChar", "."), group_char=field.get("groupChar", "")
    )


def schema_fields(version) -> dict[str, dict]:
    """The Table Schema fields of a resource version by name; none when the caller deferred
    the schema, since reading it then would cost a query per resource."""
    if "table_schema" in version.get_deferred_fields() or not version.table_schema:
        return {}
    return {
        field["name"]: field for field in version.table_schema.get("fields", []) if "name" in field
    }


def number_literal(text: str, number_format: NumberFormat | None = None) -> str | None:
    """`text` as a plain number literal ("1234.5"), or None when it holds no number: a missing
    marker, a word, "nan" or "inf". Without a format each cell decides for itself: German when
    it has a comma. Spaces between digits are group separators whatever the format."""
    text = text.strip().translate(SPACES)
    if number_format is None:
        number_format = GERMAN if "," in text else PLAIN
    if number_format.group_char:
        text = text.replace(number_format.group_char, "")
    if number_format.decimal_char != ".":
        text = text.replace(number_format.decimal_char, ".")
    return text if LITERAL.fullmatch(text) else None


def parse_float(text: str, number_format: NumberFormat | None = None) -> float | None:
    """The cell as a finite float, or None (see number_literal)."""
    literal = number_literal(text, number_format)
    if literal is None:
        return None
    value = float(literal)
    return value if math.isfinite(value) else None


def parse_decimal(text: str, number_format: NumberFormat | None = None) -> Decimal | None:
    """The cell as an exact Decimal, or None (see number_literal)."""
    literal = number_literal(text, number_format)
    return None if literal is None else Decimal(literal)


def decimal_places(literal: str) -> int:
    """The decimal places a number literal is written with: 2 for "12.50", 3 for "1e-3"."""
    mantissa, _e, exponent = literal.lower().partition("e")
    fraction = mantissa.partition(".")[2]
    return max(0, len(fraction) - int(exponent or 0))


@dataclass(frozen=True)
class ColumnNumbers:
    """The numbers in a column's cells (see read_column)."""

    values: list[float]
    cells: int
    filled: int  # cells without a missing marker, numbers or not
    places: int  # the most decimal places a value is written with

    @property
    def missing(self) -> int:
        """Cells without a number: missing markers and text."""
        return self.cells - len(self.values)

    @property
    def integral(self) -> bool:
        return all(value.is_integer() for value in self.values)


def read_column(
    cells: Iterable[str], number_format: NumberFormat | None = None, missing=MISSING
) -> ColumnNumbers:
    """The finite numbers in `cells`, in the given format or each cell's own (number_literal),
    with what a column's type and display depend on."""
    values, count, filled, places = [], 0, 0, 0
    for cell in cells:
        count += 1
        if cell.strip() in missing:
            continue
        filled += 1
        literal = number_literal(cell, number_format)
        value = None if literal is None else float(literal)
        if value is not None and math.isfinite(value):
            values.append(value)
            places = max(places, decimal_places(literal))
    return ColumnNumbers(values=values, cells=count, filled=filled, places=places)


def guess_format(cells: Iterable[str], missing=MISSING) -> NumberFormat | None:
    """The format of a column whose every cell not in `missing` is a finite number (GERMAN
    when any cell has a comma), else None; codes with leading zeros are no numbers.

    The cells are checked as one text, with string methods and simple patterns rather than a
    loop in Python, which would take half a second for the columns of a 100,000-row table."""
    present = [text for text in map(str.strip, cells) if text not in missing]
    if not present:
        return None
    joined = "\n".join(present)
    if joined.count("\n") != len(present) - 1 or NOT_IN_NUMBERS.search(joined):
        return None  # a cell with a line break, or a character that no number has
    # Every line starts after a line break here, and with a digit once its sign is removed.
    unsigned = ("\n" + joined).replace("\n-", "\n").replace("\n+", "\n")
    if LEADING_ZERO.search(unsigned):
        return None
    german = "," in joined
    if not german and not any(character in joined for character in ".eE"):
        lone_sign = "\n\n" in unsigned or unsigned.endswith("\n")
        misplaced_sign = "-" in unsigned or "+" in unsigned
        return None if lone_sign or misplaced_sign else PLAIN
    if german:
        if (
            "e" in joined
            or "E" in joined
            or MISPLACED_GROUP.search(joined)
            or MISPLACED_COMMA.search(joined)
        ):
            return None
        joined = joined.replace(".", "").replace(",", ".")
    try:
        finite = all(map(math.isfinite, map(float, joined.split("\n"))))
    except ValueError:
        return None
    if not finite:
        return None
    return GERMAN if german else PLAIN
