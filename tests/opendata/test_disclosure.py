import copy

import pytest

from opendata.disclosure import DisclosureRule, SuppressedCell, disclosure_control

AGE_GROUPS = ["unter6", "6-15", "15-18", "18-27", "27-45", "45-55", "55-65", "65undmehr"]


def table(data: dict[str, list[int]], columns: list[str]) -> list[dict[str, object]]:
    """Rows named by `area`, with a `gesamt` total column and a last `Summe` total row."""
    rows: list[dict[str, object]] = [
        {"area": area, **dict(zip(columns, counts, strict=True)), "gesamt": sum(counts)}
        for area, counts in data.items()
    ]
    column_totals = {column: sum(int(row[column]) for row in rows) for column in columns}
    rows.append({"area": "Summe", **column_totals, "gesamt": sum(column_totals.values())})
    return rows


def is_total_row(row: dict[str, object]) -> bool:
    return row["area"] == "Summe"


def cells(result) -> set[tuple[int, str, str]]:
    return {(cell.row, cell.column, cell.reason) for cell in result.suppressed}


def recomputable_cells(
    rows: list[dict[str, object]],
    *,
    count_columns: list[str],
    total_column: str,
    total_row_index: int,
    symbol: str = ".",
) -> list[tuple[tuple[int, str], int]]:
    """Withheld cells a reader could still work out from a single row's or column's total.

    Each row adds up to its total column and each column adds up to the total row; a line with
    exactly one withheld cell gives that cell away as total minus the rest (or, for a withheld
    total, as the sum of the rest).
    """
    data_rows = [index for index in range(len(rows)) if index != total_row_index]
    lines = [
        ([(index, column) for column in count_columns], (index, total_column))
        for index in range(len(rows))
    ] + [
        ([(index, column) for index in data_rows], (total_row_index, column))
        for column in [*count_columns, total_column]
    ]

    def count(cell: tuple[int, str]) -> int:
        return int(str(rows[cell[0]][cell[1]]).strip() or 0)

    found = []
    for parts, total in lines:
        hidden = [cell for cell in [*parts, total] if rows[cell[0]][cell[1]] == symbol]
        if len(hidden) != 1:
            continue
        cell = hidden[0]
        known = sum(count(part) for part in parts if part != cell)
        found.append((cell, known if cell == total else count(total) - known))
    return found


def test_table_without_small_counts_is_published_unchanged():
    rows = table({"A": [10, 20, 30], "B": [5, 6, 7]}, ["a", "b", "c"])

    result = disclosure_control(
        rows, count_columns=["a", "b", "c"], total_column="gesamt", total_row=is_total_row
    )

    assert result.suppressed == []
    assert result.rows == rows
    assert (result.primary_count, result.secondary_count) == (0, 0)


def test_single_small_cell_is_suppressed_with_complements_in_its_row_and_column():
    rows = table(
        {"A": [1, 20, 30], "B": [10, 11, 50], "C": [18, 22, 40]},
        ["a", "b", "c"],
    )

    result = disclosure_control(
        rows, count_columns=["a", "b", "c"], total_column="gesamt", total_row=is_total_row
    )

    assert result.suppressed == [
        SuppressedCell(row=0, column="a", value=1, reason="primary"),
        SuppressedCell(row=0, column="b", value=20, reason="secondary"),
        SuppressedCell(row=1, column="a", value=10, reason="secondary"),
        SuppressedCell(row=1, column="b", value=11, reason="secondary"),
    ]
    assert (result.primary_count, result.secondary_count) == (1, 3)
    assert [result.rows[0][column] for column in ["a", "b", "c", "gesamt"]] == [".", ".", 30, 51]
    assert result.rows[3] == rows[3]
    assert (
        recomputable_cells(
            result.rows,
            count_columns=["a", "b", "c"],
            total_column="gesamt",
            total_row_index=3,
        )
        == []
    )


def test_without_complements_the_small_cell_could_be_recomputed_from_its_row_total():
    rows = table({"A": [1, 20, 30], "B": [10, 11, 50]}, ["a", "b", "c"])
    primary_only = copy.deepcopy(rows)
    primary_only[0]["a"] = "."

    assert ((0, "a"), 1) in recomputable_cells(
        primary_only, count_columns=["a", "b", "c"], total_column="gesamt", total_row_index=2
    )


def test_secondary_suppression_cascades_until_no_line_has_a_single_suppressed_cell():
    rows = table(
        {"A": [1, 20, 30], "B": [15, 25, 35], "C": [18, 22, 40]},
        ["a", "b", "c"],
    )

    result = disclosure_control(
        rows, count_columns=["a", "b", "c"], total_column="gesamt", total_row=is_total_row
    )

    # Round one: (A, b) for row A, (B, a) for column a, (C, b) for column b; that leaves rows
    # B and C with a single suppressed cell each, closed in round two by (B, b) and (C, a).
    assert cells(result) == {
        (0, "a", "primary"),
        (0, "b", "secondary"),
        (1, "a", "secondary"),
        (2, "b", "secondary"),
        (1, "b", "secondary"),
        (2, "a", "secondary"),
    }
    assert (
        recomputable_cells(
            result.rows,
            count_columns=["a", "b", "c"],
            total_column="gesamt",
            total_row_index=3,
        )
        == []
    )


def test_complement_ties_go_to_the_earliest_column():
    rows = table({"A": [1, 10, 10], "B": [10, 10, 10]}, ["a", "b", "c"])

    result = disclosure_control(
        rows, count_columns=["a", "b", "c"], total_column="gesamt", total_row=is_total_row
    )

    assert cells(result) == {
        (0, "a", "primary"),
        (0, "b", "secondary"),
        (1, "a", "secondary"),
        (1, "b", "secondary"),
    }


def test_small_total_is_suppressed_and_protected_within_its_margin_but_grand_total_never():
    rows = table(
        {"A": [1, 1, 0], "B": [10, 12, 30], "C": [20, 14, 9]},
        ["a", "b", "c"],
    )

    result = disclosure_control(
        rows, count_columns=["a", "b", "c"], total_column="gesamt", total_row=is_total_row
    )

    assert (0, "gesamt", "primary") in cells(result)
    assert result.rows[3]["gesamt"] == rows[3]["gesamt"]
    assert result.rows[0]["c"] == 0
    assert (
        recomputable_cells(
            result.rows,
            count_columns=["a", "b", "c"],
            total_column="gesamt",
            total_row_index=3,
        )
        == []
    )


def test_table_without_totals_gets_primary_suppression_only():
    rows = [{"a": 1, "b": 50}, {"a": 30, "b": 40}]

    result = disclosure_control(rows, count_columns=["a", "b"])

    assert cells(result) == {(0, "a", "primary")}
    assert result.rows == [{"a": ".", "b": 50}, {"a": 30, "b": 40}]


def test_threshold_is_configurable():
    rows = [{"a": 4, "b": 5, "c": 2}]

    result = disclosure_control(rows, count_columns=["a", "b", "c"], rule=DisclosureRule(5))

    assert cells(result) == {(0, "a", "primary"), (0, "c", "primary")}
    assert result.rows == [{"a": ".", "b": 5, "c": "."}]


def test_symbol_is_configurable():
    result = disclosure_control([{"a": 2}], count_columns=["a"], rule=DisclosureRule(symbol="*"))

    assert result.rows == [{"a": "*"}]


def test_zero_is_published_by_default():
    result = disclosure_control([{"a": 0, "b": 2}], count_columns=["a", "b"])

    assert result.rows == [{"a": 0, "b": "."}]


def test_zero_is_suppressed_when_the_rule_says_so():
    rows = [{"a": 0, "b": 2, "c": 9}]

    result = disclosure_control(
        rows, count_columns=["a", "b", "c"], rule=DisclosureRule(suppress_zero=True)
    )

    assert cells(result) == {(0, "a", "primary"), (0, "b", "primary")}
    assert result.rows == [{"a": ".", "b": ".", "c": 9}]


def test_zero_is_a_complement_only_when_no_nonzero_count_is_left():
    rows = [
        {"area": "A", "a": 2, "b": 0},
        {"area": "B", "a": 7, "b": 0},
        {"area": "Summe", "a": 9, "b": 0},
    ]

    result = disclosure_control(rows, count_columns=["a", "b"], total_row=is_total_row)

    # Row A's sum is published elsewhere, and only its zero is left to protect the 2; that zero
    # then needs a complement in column b, which is again a zero.
    assert cells(result) == {
        (0, "a", "primary"),
        (0, "b", "secondary"),
        (1, "a", "secondary"),
        (1, "b", "secondary"),
    }


def test_numeric_strings_are_read_as_counts_and_published_unchanged():
    rows = [{"area": "A", "a": " 7 ", "b": "2", "c": "12", "d": None, "e": ""}]

    result = disclosure_control(rows, count_columns=["a", "b", "c", "d", "e"])

    assert result.suppressed == [SuppressedCell(row=0, column="b", value=2, reason="primary")]
    assert result.rows == [{"area": "A", "a": " 7 ", "b": ".", "c": "12", "d": None, "e": ""}]


def test_missing_count_column_is_left_missing():
    result = disclosure_control([{"area": "A", "a": 1}], count_columns=["a", "b"])

    assert result.rows == [{"area": "A", "a": "."}]


@pytest.mark.parametrize("value", ["zwölf", "1.234", "1,5", "-3", "+5", 2.5, True, "."])
def test_value_that_is_not_a_count_is_rejected_naming_row_and_column(value):
    rows = [{"a": 10, "b": 20}, {"a": 30, "b": value}]

    with pytest.raises(ValueError, match=r"row 2, column 'b'"):
        disclosure_control(rows, count_columns=["a", "b"])


def test_input_rows_are_not_modified():
    rows = table({"A": [1, 20, 30], "B": [10, 11, 50]}, ["a", "b", "c"])
    before = copy.deepcopy(rows)

    result = disclosure_control(
        rows, count_columns=["a", "b", "c"], total_column="gesamt", total_row=is_total_row
    )

    assert rows == before
    assert result.rows != rows
    assert all(
        published is not original for published, original in zip(result.rows, rows, strict=True)
    )


def test_total_column_among_count_columns_is_rejected():
    with pytest.raises(ValueError, match="total column 'gesamt'"):
        disclosure_control(
            [{"a": 1, "gesamt": 1}], count_columns=["a", "gesamt"], total_column="gesamt"
        )


def test_more_than_one_total_row_is_rejected():
    rows = [{"area": "Summe", "a": 5}, {"area": "Summe", "a": 5}]

    with pytest.raises(ValueError, match="rows 1, 2"):
        disclosure_control(rows, count_columns=["a"], total_row=is_total_row)


@pytest.mark.parametrize("threshold", [0, -1])
def test_rule_needs_a_positive_threshold(threshold):
    with pytest.raises(ValueError, match="threshold"):
        DisclosureRule(threshold=threshold)


def test_berlin_residents_by_planning_area_and_age_group():
    # Residents of the planning areas of Bezirksregion Siemensstadt (Spandau), June 2022.
    residents = {
        "05300838": ("Gartenfeld", [0, 0, 0, 3, 7, 9, 8, 3]),
        "05300839": ("Rohrdamm", [438, 743, 239, 835, 1988, 1031, 1069, 1422]),
        "05300840": ("Nonnendammallee", [22, 33, 9, 36, 131, 64, 64, 103]),
        "05300841": ("Siemensdamm", [261, 364, 98, 556, 1474, 513, 577, 737]),
    }
    rows: list[dict[str, object]] = [
        {
            "plr_id": plr_id,
            "planungsraum": name,
            **{group: str(count) for group, count in zip(AGE_GROUPS, counts, strict=True)},
            "gesamt": str(sum(counts)),
        }
        for plr_id, (name, counts) in residents.items()
    ]
    rows.append(
        {
            "plr_id": "053008",
            "planungsraum": "Siemensstadt",
            **{group: str(sum(int(row[group]) for row in rows)) for group in AGE_GROUPS},
            "gesamt": str(sum(int(row["gesamt"]) for row in rows)),
        }
    )

    result = disclosure_control(
        rows,
        count_columns=AGE_GROUPS,
        rule=DisclosureRule(threshold=5),
        total_column="gesamt",
        total_row=lambda row: row["plr_id"] == "053008",
    )

    # Gartenfeld's two small groups protect each other within its row; in their columns the
    # smallest other planning area, Nonnendammallee, gives the complements.
    assert result.suppressed == [
        SuppressedCell(row=0, column="18-27", value=3, reason="primary"),
        SuppressedCell(row=0, column="65undmehr", value=3, reason="primary"),
        SuppressedCell(row=2, column="18-27", value=36, reason="secondary"),
        SuppressedCell(row=2, column="65undmehr", value=103, reason="secondary"),
    ]
    assert result.rows[0]["unter6"] == "0"
    assert result.rows[0]["gesamt"] == "30"
    assert result.rows[4] == rows[4]
    assert (
        recomputable_cells(
            result.rows,
            count_columns=AGE_GROUPS,
            total_column="gesamt",
            total_row_index=4,
        )
        == []
    )
