"""Statistical disclosure control for aggregated personal data.

Tables of counts about people (residents per planning area by age group, clients per service
by district, …) are published only after small counts have been suppressed, so that no one can
learn something about a handful of identifiable people. This module does that for a table given
as a list of rows (dicts); it knows nothing about models or files, so the publishing step, an
import command and the tests all call it the same way.

Two kinds of suppression are applied:

* **Primary**: every count ``0 < value < threshold`` (and ``0`` too, if the rule says so) is
  replaced by the rule's symbol — ``"."`` by default, the sign German official statistics use
  for "value withheld".
* **Secondary** (complementary): a suppressed cell must not be recomputable as a line total
  minus the other cells of that line. Every row and every column that contains exactly one
  suppressed cell gets one more suppressed cell, chosen as the smallest non-zero count left in
  that line (earliest column or row first on ties); this is repeated until no line has exactly
  one suppressed cell, because each new suppression can leave another line with a single one.

Secondary suppression runs only when the table carries a total column or a total row. It then
protects rows *and* columns: a table with only a total row still has row sums that are usually
published elsewhere (the planning area's population, for instance), so both are treated as
derivable. A table without any totals needs primary suppression only.

Totals are public aggregates and are never picked as a complement for a cell in the body of the
table. A total that is small itself is suppressed primarily; it could then be recomputed from
the grand total and the other totals of its margin, so the margin gets a complement like any
other line — the smallest other total, never the grand total.

The guarantee is per line: no suppressed cell equals a published line total minus published
cells. Attacks that combine several lines (linear programming over hierarchical tables) are
outside its scope.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

Reason = Literal["primary", "secondary"]
Cell = tuple[int, str]


@dataclass(frozen=True)
class DisclosureRule:
    """How small a count must be to be withheld, and how withheld values are written.

    Counts from 1 to ``threshold - 1`` are suppressed; ``0`` is suppressed only with
    ``suppress_zero`` (a zero says that nobody is in the group, which is sensitive for some
    tables, e.g. "no recipients of care in this area").
    """

    threshold: int = 3
    suppress_zero: bool = False
    symbol: str = "."

    def __post_init__(self) -> None:
        if isinstance(self.threshold, bool) or not isinstance(self.threshold, int):
            raise ValueError(f"threshold must be a whole number, got {self.threshold!r}")
        if self.threshold < 1:
            raise ValueError(f"threshold must be at least 1, got {self.threshold}")
        if not isinstance(self.symbol, str) or not self.symbol:
            raise ValueError("symbol must be a non-empty string")

    def is_sensitive(self, value: int) -> bool:
        """Whether a count must be suppressed primarily under this rule."""
        if value == 0:
            return self.suppress_zero
        return value < self.threshold


DEFAULT_RULE = DisclosureRule()


@dataclass(frozen=True)
class SuppressedCell:
    """One withheld value, with why it was withheld.

    ``row`` is the index of the row in the input list (counting from 0), ``column`` the column
    name and ``value`` the original count, so that an editor can review the suppression before
    the table is published.
    """

    row: int
    column: str
    value: int
    reason: Reason


@dataclass(frozen=True)
class DisclosureResult:
    """A table ready for publishing and the list of what was withheld in it."""

    rows: list[dict[str, object]]
    suppressed: list[SuppressedCell]

    @property
    def primary_count(self) -> int:
        """How many cells were withheld because they are small."""
        return sum(1 for cell in self.suppressed if cell.reason == "primary")

    @property
    def secondary_count(self) -> int:
        """How many cells were withheld so that small ones cannot be recomputed."""
        return sum(1 for cell in self.suppressed if cell.reason == "secondary")


@dataclass(frozen=True)
class _Line:
    """A row or column of the table whose cells add up to a total."""

    cells: list[Cell]
    is_margin: bool


def disclosure_control(
    rows: list[dict[str, object]],
    *,
    count_columns: list[str],
    rule: DisclosureRule = DEFAULT_RULE,
    total_column: str | None = None,
    total_row: Callable[[dict[str, object]], bool] | None = None,
) -> DisclosureResult:
    """Suppress small counts in a table and the cells that would reveal them.

    ``rows`` is the table, one dict per row; only ``count_columns`` and ``total_column`` are
    looked at, any other column (area code, name, …) is passed through. ``total_row`` picks the
    row holding the column totals, if there is one (at most one row may match).

    Counts may be ints or strings of digits with surrounding spaces (``"12"``, ``" 7 "``);
    ``None``, a missing key or a blank string is a missing value and is left as it is. Anything
    else raises ``ValueError`` naming the row (counting from 1) and the column.

    Returns new rows with withheld cells replaced by ``rule.symbol`` and all other values
    unchanged, and the withheld cells in table order. The input is not modified.
    """
    if total_column is not None and total_column in count_columns:
        raise ValueError(f"total column {total_column!r} must not be one of the count columns")
    if len(set(count_columns)) != len(count_columns):
        raise ValueError("count columns must not repeat")
    columns = [*count_columns, *([total_column] if total_column is not None else [])]
    total_row_index = _find_total_row(rows, total_row)

    values: dict[Cell, int] = {}
    for index, row in enumerate(rows):
        for column in columns:
            count = _parse_count(row.get(column), row_number=index + 1, column=column)
            if count is not None:
                values[(index, column)] = count

    reasons: dict[Cell, Reason] = {
        cell: "primary" for cell, value in values.items() if rule.is_sensitive(value)
    }
    if total_column is not None or total_row_index is not None:
        lines = _lines(len(rows), columns, total_column, total_row_index)
        _suppress_complements(lines, values, reasons, total_column, total_row_index)

    column_order = {column: position for position, column in enumerate(columns)}
    suppressed = [
        SuppressedCell(row=index, column=column, value=values[(index, column)], reason=reason)
        for (index, column), reason in sorted(
            reasons.items(), key=lambda item: (item[0][0], column_order[item[0][1]])
        )
    ]
    published = [dict(row) for row in rows]
    for cell in suppressed:
        published[cell.row][cell.column] = rule.symbol
    return DisclosureResult(rows=published, suppressed=suppressed)


def _find_total_row(
    rows: list[dict[str, object]], total_row: Callable[[dict[str, object]], bool] | None
) -> int | None:
    if total_row is None:
        return None
    matches = [index for index, row in enumerate(rows) if total_row(row)]
    if len(matches) > 1:
        numbers = ", ".join(str(index + 1) for index in matches)
        raise ValueError(f"more than one row is marked as the total row: rows {numbers}")
    return matches[0] if matches else None


def _parse_count(value: object, *, row_number: int, column: str) -> int | None:
    """Read one cell as a count; ``None`` for a missing value."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"row {row_number}, column {column!r}: {value!r} is not a count")
    if isinstance(value, int):
        count = value
    elif isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        # Digits only: int() would also take "+5", "1_000" or non-ASCII digits.
        if not (text.isascii() and text.isdigit()):
            raise ValueError(f"row {row_number}, column {column!r}: {value!r} is not a count")
        count = int(text)
    else:
        raise ValueError(f"row {row_number}, column {column!r}: {value!r} is not a count")
    if count < 0:
        raise ValueError(f"row {row_number}, column {column!r}: a count cannot be negative")
    return count


def _lines(
    row_count: int, columns: list[str], total_column: str | None, total_row_index: int | None
) -> list[_Line]:
    """Every row, then every column, of the table, in table order."""
    row_lines = [
        _Line(
            cells=[(index, column) for column in columns],
            is_margin=index == total_row_index,
        )
        for index in range(row_count)
    ]
    column_lines = [
        _Line(
            cells=[(index, column) for index in range(row_count)],
            is_margin=column == total_column,
        )
        for column in columns
    ]
    return row_lines + column_lines


def _suppress_complements(
    lines: list[_Line],
    values: Mapping[Cell, int],
    reasons: dict[Cell, Reason],
    total_column: str | None,
    total_row_index: int | None,
) -> None:
    """Add secondary suppressions until no line has exactly one suppressed cell."""

    def is_total(cell: Cell) -> bool:
        return cell[1] == total_column or cell[0] == total_row_index

    def is_grand_total(cell: Cell) -> bool:
        return cell[1] == total_column and cell[0] == total_row_index

    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(1 for cell in line.cells if cell in reasons) != 1:
                continue
            candidates = [
                (position, cell)
                for position, cell in enumerate(line.cells)
                if cell in values
                and cell not in reasons
                and not (is_grand_total(cell) if line.is_margin else is_total(cell))
            ]
            if not candidates:
                continue
            # Zeros last: they are often known anyway (structural zeros), so withholding one
            # hides little.
            _, complement = min(
                candidates,
                key=lambda candidate: (
                    values[candidate[1]] == 0,
                    values[candidate[1]],
                    candidate[0],
                ),
            )
            reasons[complement] = "secondary"
            changed = True
