"""Uploaded tables (CSV, XLSX): read them into rows of text, then validate them.

`read_table` refuses what cannot be read at all (empty, too large, not text, broken header) with
a SourceError naming the file and the line. `validate_table` checks what can be read row by row
against a Table Schema (given, or inferred from the data) and reports every problem with its
line, column and a message, instead of stopping at the first.
"""

import csv
import datetime
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.template.defaultfilters import filesizeformat
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from maps.sources.files import SourceError, checked_rows, decode, has_control_characters

DELIMITERS = (",", ";", "\t")
CSV_EXTENSIONS = {".csv", ".tsv", ".txt"}
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the pre-2007 binary Excel format (.xls)
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# An XLSX may unpack to this many times its own size (XML compresses well); a larger ratio is
# a zip bomb rather than a spreadsheet.
MAX_XLSX_EXPANSION = 100

# Cells that mean "no value": empty, and the dashes German statistical offices print for
# "nothing" (an en dash in the population tables of the Amt für Statistik).
EN_DASH = "\u2013"
MISSING_VALUES = ["", "-", EN_DASH]


class FileTooLarge(SourceError):
    """The upload is larger than the caller allows (an HTTP 413 for a web request)."""


@dataclass(frozen=True)
class Table:
    """A table as read from a file: trimmed unique column names and rows of text cells.

    `line_numbers[i]` is the line of the file (or row of the sheet) where `rows[i]` starts;
    the header is line 1 unless blank lines precede it. A row may have more or fewer cells than
    there are columns; `validate_table` reports those.
    """

    columns: list[str]
    rows: list[list[str]]
    line_numbers: list[int]
    format: str  # "csv" or "xlsx"
    encoding: str | None = None  # "utf-8", "utf-8-sig" or "cp1252" for CSV
    delimiter: str | None = None  # for CSV
    header_line: int = 1


# Reading ------------------------------------------------------------------------------------


def read_table(data: bytes, *, filename: str, max_bytes: int | None = None) -> Table:
    """Read an uploaded CSV or XLSX file into a Table.

    XLSX is recognised by its content (a ZIP holding `xl/workbook.xml`), anything else not
    binary is read as CSV: UTF-8 (with or without BOM), else Windows-1252; the delimiter is the
    one of `,` `;` tab that splits the header into the most columns. Raises FileTooLarge above
    `max_bytes`, SourceError for everything that makes the file unusable.
    """
    name = Path(filename).name
    if max_bytes is not None and len(data) > max_bytes:
        raise FileTooLarge(
            _("%(file)s: the file is %(size)s; the limit is %(limit)s")
            % {"file": name, "size": filesizeformat(len(data)), "limit": filesizeformat(max_bytes)}
        )
    extension = Path(name).suffix.lower()
    if data.startswith(ZIP_MAGIC):
        return _read_xlsx(data, name, max_bytes=max_bytes)
    if data.startswith(OLE_MAGIC):
        raise SourceError(
            _("%(file)s: an old Excel file (.xls); save it as .xlsx or CSV") % {"file": name}
        )
    if extension == ".xlsx":
        raise SourceError(_("%(file)s: not an XLSX workbook") % {"file": name})
    return _read_csv(data, name)


def _read_csv(data: bytes, name: str) -> Table:
    text, encoding = _decode(data, name)
    first_line = next((line for line in text[:65536].splitlines() if line.strip()), "")
    delimiter = max(DELIMITERS, key=lambda d: len(next(csv.reader([first_line], delimiter=d))))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records = _csv_records(reader, name)
    header_line, header = next(records, (0, []))
    rows, line_numbers = [], []
    for line, row in records:
        line_numbers.append(line)
        rows.append(row)
    return _table(
        name,
        header,
        rows,
        line_numbers,
        header_line=header_line,
        format="csv",
        encoding=encoding,
        delimiter=delimiter,
    )


def _decode(data: bytes, name: str) -> tuple[str, str]:
    """The text of a CSV file and the encoding it was read with."""
    if data.startswith(UTF16_BOMS):
        raise SourceError(_("%(file)s: UTF-16 text; save it as UTF-8") % {"file": name})
    try:
        text = decode(data, Path(name))  # empty, NUL bytes, UTF-8 with or without BOM
    except SourceError as error:
        if not isinstance(error.__cause__, UnicodeDecodeError):
            raise
    else:
        return text, "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
    # Not UTF-8: spreadsheet exports on Windows are Windows-1252 (a superset of Latin-1).
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as error:
        raise SourceError(
            _("%(file)s: neither UTF-8 nor Windows-1252 text (byte %(position)s)")
            % {"file": name, "position": error.start}
        ) from error
    if "\x00" in text:
        raise SourceError(_("%(file)s: contains NUL bytes; not a text file") % {"file": name})
    return text, "cp1252"


def _csv_records(reader, name: str) -> Iterator[tuple[int, list[str]]]:
    """The non-blank records of a CSV file, each with the line it starts on."""
    line = 1
    try:
        for row in checked_rows(reader):
            if row:
                yield line, row
            line = reader.line_num + 1
    except csv.Error as error:
        raise SourceError(
            _("%(file)s, line %(line)s: %(error)s") % {"file": name, "line": line, "error": error}
        ) from error


def _read_xlsx(data: bytes, name: str, *, max_bytes: int | None) -> Table:
    from openpyxl import load_workbook  # only uploads of spreadsheets need it

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile as error:
        raise SourceError(_("%(file)s: a damaged ZIP archive") % {"file": name}) from error
    if "xl/workbook.xml" not in {member.filename for member in members}:
        raise SourceError(
            _("%(file)s: a ZIP archive, not an XLSX workbook; upload CSV or XLSX") % {"file": name}
        )
    unpacked = sum(member.file_size for member in members)
    if unpacked > MAX_XLSX_EXPANSION * (max_bytes or len(data)):
        raise SourceError(
            _("%(file)s: the workbook unpacks to %(size)s; too large to read")
            % {"file": name, "size": filesizeformat(unpacked)}
        )
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds of error on a broken workbook
        raise SourceError(
            _("%(file)s: cannot be read as an XLSX workbook (%(reason)s)")
            % {"file": name, "reason": Truncator(str(error) or type(error).__name__).chars(80)}
        ) from error
    try:
        if not workbook.worksheets:
            raise SourceError(_("%(file)s: the workbook has no sheets") % {"file": name})
        sheet = workbook.worksheets[0]
        records = (
            (number, [cell_text(value) for value in values])
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
        )
        records = ((number, trim_trailing(row)) for number, row in records)
        records = ((number, row) for number, row in records if row)
        header_line, header = next(records, (0, []))
        if not header:
            raise SourceError(
                _("%(file)s: the first sheet (%(sheet)s) is empty")
                % {"file": name, "sheet": sheet.title}
            )
        rows, line_numbers = [], []
        for number, row in records:
            line_numbers.append(number)
            # Empty cells at the end of a sheet row are not written; they are not missing.
            rows.append(row + [""] * (len(header) - len(row)))
    finally:
        workbook.close()
    return _table(name, header, rows, line_numbers, header_line=header_line, format="xlsx")


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        return value.date().isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value)


def trim_trailing(row: list[str]) -> list[str]:
    """A sheet row without the empty cells after its last value."""
    end = len(row)
    while end and not row[end - 1].strip():
        end -= 1
    return row[:end]


def _table(
    name: str, header: list[str], rows: list[list[str]], line_numbers: list[int], **details
) -> Table:
    if not header:
        raise SourceError(_("%(file)s: the file is empty") % {"file": name})
    header_line = details["header_line"]
    columns = [column.strip() for column in header]
    seen: dict[str, int] = {}
    for number, column in enumerate(columns, start=1):
        where = {"file": name, "line": header_line, "number": number}
        if not column:
            raise SourceError(_("%(file)s, line %(line)s: column %(number)s has no name") % where)
        if has_control_characters(column):
            raise SourceError(
                _(
                    "%(file)s, line %(line)s: the name of column %(number)s contains control "
                    "characters"
                )
                % where
            )
        if column in seen:
            raise SourceError(
                _(
                    "%(file)s, line %(line)s: column %(number)s is named “%(column)s” like "
                    "column %(first)s; column names must be unique"
                )
                % {**where, "column": column, "first": seen[column]}
            )
        seen[column] = number
    if not rows:
        raise SourceError(_("%(file)s: only a header, no rows of data") % {"file": name})
    return Table(columns=columns, rows=rows, line_numbers=line_numbers, **details)
