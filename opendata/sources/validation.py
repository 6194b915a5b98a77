"""Validating a table with frictionless against a given or inferred Table Schema: every
problem of a readable table, with its line in the file, collected into a report."""

import re
from dataclasses import dataclass, field

import frictionless
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maps.sources.files import SourceError

from .tables import MISSING_VALUES, Table

MAX_ERRORS = 100
# Types frictionless may infer for a column, with the words the messages use for them.
TYPE_NAMES = {
    "integer": gettext_lazy("whole number"),
    "number": gettext_lazy("number"),
    "boolean": gettext_lazy("yes/no value"),
    "date": gettext_lazy("date (YYYY-MM-DD)"),
    "datetime": gettext_lazy("date and time"),
    "time": gettext_lazy("time"),
    "year": gettext_lazy("year"),
}
GERMAN_NUMBER = re.compile(r"-?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?")
LEADING_ZERO = re.compile(r"-?0\d")
ROW_POSITION = re.compile(r"position (\d+)")


@dataclass(frozen=True)
class TableError:
    """One problem in a table: where it is (line of the file, column name) and what it is."""

    row: int
    column: str | None
    message: str


@dataclass(frozen=True)
class ValidationReport:
    schema: dict
    errors: list[TableError] = field(default_factory=list)
    error_count: int = 0  # all errors, including those beyond the first MAX_ERRORS

    @property
    def valid(self) -> bool:
        return self.error_count == 0

    @property
    def more_errors(self) -> int:
        """How many errors were found beyond those listed in `errors`."""
        return self.error_count - len(self.errors)


def validate_table(table: Table, schema: dict | None = None) -> ValidationReport:
    """Check every row of `table` against a Table Schema and report what does not fit.

    Without `schema`, one is inferred from all rows (integer, number, string, date, …): numbers
    written the German way ("1.234,5") become numbers, codes with leading zeros stay strings,
    and a dash or an en dash counts as missing. Rows with more or fewer cells than the header,
    values of the wrong type, missing required values and repeated primary keys are errors; the
    report keeps the first MAX_ERRORS and counts the rest. Raises SourceError for a schema that
    is not a valid Table Schema.
    """
    if schema is None:
        schema = infer_schema(table)
    try:
        frictionless_schema = frictionless.Schema.from_descriptor(schema)
    except frictionless.FrictionlessException as error:
        raise SourceError(
            _("The table schema is not valid: %(reason)s") % {"reason": error.error.message}
        ) from error
    schema = frictionless_schema.to_descriptor()
    collected = _Errors()
    missing = [name for name in frictionless_schema.field_names if name not in table.columns]
    unexpected = [name for name in table.columns if name not in frictionless_schema.field_names]
    for name in missing:
        collected.add(
            table.header_line,
            name,
            _("line %(line)s: the column “%(column)s” is missing")
            % {"line": table.header_line, "column": name},
        )
    for name in unexpected:
        collected.add(
            table.header_line,
            name,
            _("line %(line)s: the column “%(column)s” is not in the schema")
            % {"line": table.header_line, "column": name},
        )
    if missing or unexpected:
        return collected.report(schema)

    width = len(table.columns)
    for line, row in zip(table.line_numbers, table.rows, strict=True):
        if len(row) != width:
            collected.add(
                line,
                None,
                _("line %(line)s has %(cells)s cells, but the header has %(columns)s")
                % {"line": line, "cells": len(row), "columns": width},
            )
    # The columns are the schema's, checked above; they may come in another order.
    resource = frictionless.Resource(
        data=[table.columns, *table.rows],
        schema=frictionless.Schema.from_descriptor({**schema, "fieldsMatch": "equal"}),
    )
    with resource:
        for row in resource.row_stream:
            line = _line(table, row.row_number)
            for error in row.errors:
                if error.type in ("missing-cell", "extra-cell"):
                    continue  # reported once per row above
                collected.add(line, *_describe(error, table, frictionless_schema, line))
    collected.errors.sort(key=lambda error: error.row)
    return collected.report(schema)


def infer_schema(table: Table) -> dict:
    """A Table Schema for `table`, inferred by frictionless from all its rows."""
    resource = frictionless.Resource(
        data=[table.columns, *table.rows],
        detector=frictionless.Detector(
            sample_size=len(table.rows) + 1, field_missing_values=MISSING_VALUES
        ),
    )
    resource.infer()
    schema = resource.schema.to_descriptor()
    for index, field_descriptor in enumerate(schema["fields"]):
        values = [
            row[index]
            for row in table.rows
            if index < len(row) and row[index].strip() not in MISSING_VALUES
        ]
        if field_descriptor["type"] in ("integer", "number"):
            if any(LEADING_ZERO.match(value) for value in values):
                # Codes such as "01100101" (a Planungsraum): a number would lose the zero.
                field_descriptor["type"] = "string"
        elif (
            field_descriptor["type"] == "string"
            and values
            and all(GERMAN_NUMBER.fullmatch(value) for value in values)
            and any("," in value for value in values)
        ):
            field_descriptor.update(type="number", decimalChar=",")
            if any("." in value for value in values):
                field_descriptor["groupChar"] = "."
    schema["missingValues"] = MISSING_VALUES
    return schema


class _Errors:
    def __init__(self):
        self.errors: list[TableError] = []
        self.count = 0

    def add(self, row: int, column: str | None, message: str) -> None:
        self.count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(TableError(row=row, column=column, message=message))

    def report(self, schema: dict) -> ValidationReport:
        return ValidationReport(schema=schema, errors=self.errors, error_count=self.count)


def _line(table: Table, row_number: int) -> int:
    """The line of the file for frictionless's row number (1 is the header)."""
    if row_number <= 1 or row_number - 2 >= len(table.line_numbers):
        return table.header_line
    return table.line_numbers[row_number - 2]


def _describe(error, table: Table, schema: frictionless.Schema, line: int) -> tuple:
    """The column and the message for one of frictionless's row errors."""
    column = getattr(error, "field_name", None) or None
    where = {
        "line": line,
        "column": column,
        "value": Truncator(str(getattr(error, "cell", ""))).chars(40),
    }
    if error.type == "type-error":
        field_type = schema.get_field(column).type
        where["type"] = TYPE_NAMES.get(field_type, field_type)
        message = _("line %(line)s, column “%(column)s”: “%(value)s” is not a %(type)s")
    elif error.type == "constraint-error" and '"required"' in error.note:
        message = _("line %(line)s, column “%(column)s”: a value is required")
    elif error.type == "constraint-error":
        where["constraint"] = error.note
        message = _(
            "line %(line)s, column “%(column)s”: “%(value)s” breaks the rule %(constraint)s"
        )
    elif error.type in ("primary-key", "unique-error"):
        where["columns"] = ", ".join(schema.primary_key)
        position = ROW_POSITION.search(error.note)
        if position is not None:
            where["other"] = _line(table, int(position.group(1)))
        if error.type == "unique-error":
            message = _(
                "line %(line)s, column “%(column)s”: “%(value)s” repeats line %(other)s; "
                "the values must be unique"
            )
        elif position is None:
            message = _("line %(line)s: the primary key (%(columns)s) is empty")
        else:
            message = _("line %(line)s: the primary key (%(columns)s) repeats line %(other)s")
    elif error.type == "blank-row":
        message = _("line %(line)s is empty")
    else:
        where["message"] = error.message
        message = _("line %(line)s: %(message)s")
    return column, message % where
