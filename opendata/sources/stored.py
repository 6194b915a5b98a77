"""Reading back what the catalogue stored, a row or a feature at a time, so that downloads and
conversions take the same memory for a file of 1 MB as for one of 1 GB.

Published files were checked when they were uploaded; these readers only find their way through
the format again (encoding, delimiter, workbook) and do not validate.
"""

import codecs
import csv
import io
import json
from collections.abc import Iterator
from typing import IO

from maps.sources.files import checked_rows

from .tables import DELIMITERS, ZIP_MAGIC, cell_text, trim_trailing

SNIFF_BYTES = 65536


def _encoding(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def table_records(stored: IO[bytes]) -> Iterator[list[str]]:
    """The header and then every non-blank row of a stored CSV or XLSX table, each row padded
    or cut to the header's width."""
    head = stored.read(SNIFF_BYTES)
    stored.seek(0)
    records = _xlsx_records(stored) if head.startswith(ZIP_MAGIC) else _csv_records(stored, head)
    header = next(records, None)
    if header is None:
        return
    header = [column.strip() for column in header]
    yield header
    width = len(header)
    for row in records:
        yield (row + [""] * width)[:width]


def _csv_records(stored: IO[bytes], head: bytes) -> Iterator[list[str]]:
    encoding = _encoding(head)
    text = io.TextIOWrapper(stored, encoding=encoding, errors="replace", newline="")
    sample = head.decode(encoding, errors="ignore")
    first_line = next((line for line in sample.splitlines() if line.strip()), "")
    delimiter = max(DELIMITERS, key=lambda d: len(next(csv.reader([first_line], delimiter=d))))
    for row in checked_rows(csv.reader(text, delimiter=delimiter)):
        if row:
            yield row


def _xlsx_records(stored: IO[bytes]) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    workbook = load_workbook(stored, read_only=True, data_only=True)
    try:
        for values in workbook.worksheets[0].iter_rows(values_only=True):
            row = trim_trailing([cell_text(value) for value in values])
            if row:
                yield row
    finally:
        workbook.close()


# Geodata -----------------------------------------------------------------------------------------
#
# A published geodata version keeps the uploaded file as it was and, next to it, the features in
# WGS 84 as a GeoJSON FeatureCollection with one feature per line. That file is valid GeoJSON for
# anyone, and it can be read back a line at a time.

COLLECTION_START = b'{"type":"FeatureCollection","features":[\n'
COLLECTION_END = b"\n]}\n"


def feature_records(stored: IO[bytes]) -> Iterator[dict]:
    """The features (GeoJSON objects) of a stored one-feature-per-line FeatureCollection."""
    for line in stored:
        text = line.strip().rstrip(b",")
        if text.startswith(b'{"type":"Feature"'):
            yield json.loads(text)
