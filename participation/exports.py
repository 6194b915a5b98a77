"""A consultation's contributions as CSV, XLSX and GeoJSON: for the administration, and as
the public result of a consultation (CSV and GeoJSON).

All formats of one export carry the same columns and the same values. Rows are read from the
database in chunks and written as they come, so memory does not grow with the number of
contributions:
CSV and GeoJSON are streamed to the client, XLSX (a zip file, written whole) goes through a
temporary file that spills to disk.

The administration's export has no personal data beyond the public display name: no e-mail
address, user name, reporter or moderator. Withdrawn contributions are left out; every other
status is included, with a column saying which. The public result is anonymous: the published
top-level contributions with the administration's answer, without any author.
"""

import csv
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import orjson
from django.contrib.gis.geos import GEOSGeometry
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from .models import ConsultationPage
from .selectors import contribution_export_rows
from .selectors.results import result_export_rows
from .selectors.review import may_see_review

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "geojson": "application/geo+json",
}
# Column names are stable keys for scripts; they are not translated.
PROPERTIES = (
    "id",
    "consultation",
    "reply_to",
    "created",
    "category",
    "status",
    "text",
    "reason",
    "proposal_id",
    "proposal",
    "area_code",
    "area",
    "author",
    "supporters",
)
RESULT_PROPERTIES = (
    "id",
    "consultation",
    "created",
    "category",
    "text",
    "proposal_id",
    "proposal",
    "area_code",
    "area",
    "group",
    "supporters",
    "outcome",
    "answer",
    "answered",
)
PLACE_COLUMNS = ("longitude", "latitude", "wkt")
COLUMNS = (*PROPERTIES, *PLACE_COLUMNS)
RESULT_COLUMNS = (*RESULT_PROPERTIES, *PLACE_COLUMNS)
CHUNK_SIZE = 2000
# Spreadsheets run a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SPOOL_SIZE = 4 * 1024 * 1024


def filename(consultation: ConsultationPage, export_format: str, prefix: str = "beitraege") -> str:
    """`<prefix>-<slug>-<date>.<format>`, dated today in the site's time zone."""
    return f"{prefix}-{consultation.slug}-{timezone.localdate().isoformat()}.{export_format}"


def contributions_response(*, consultation: ConsultationPage, export_format: str, user=None):
    """The download of a consultation's contributions in one of `FORMATS`. A consultation
    hidden in its review phase is exported only for those who may see it (pass `user`; 404
    for anyone else, as if it did not exist)."""
    if user is not None and not may_see_review(user, consultation):
        raise Http404
    writers = {"csv": _csv_response, "xlsx": _xlsx_response, "geojson": _geojson_response}
    return writers[export_format](consultation, CONTRIBUTIONS)


def result_response(*, consultation: ConsultationPage, export_format: str):
    """The public result of a consultation as "csv" or "geojson" (callers check that it may
    be seen)."""
    writers = {"csv": _csv_response, "geojson": _geojson_response}
    return writers[export_format](consultation, RESULT)


def _localtime(value) -> str:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else ""


def _properties(row: dict, consultation_title: str) -> dict:
    author = ""
    if row["author_id"] is not None:
        # What the public pages show (see User.__str__), never the user name.
        author = row["author__display_name"] or _("Participant %(number)s") % {
            "number": row["author_id"]
        }
    return {
        "id": row["pk"],
        "consultation": consultation_title,
        "reply_to": row["reply_to_id"],
        "created": _localtime(row["created_at"]),
        "category": row["category"],
        "status": row["status"],
        "text": row["text"],
        "reason": row["moderation_reason"],
        "proposal_id": row["proposal_id"],
        "proposal": row["proposal__title"] or "",
        "area_code": row["area__code"] or "",
        "area": row["area__name"] or "",
        "author": author,
        "supporters": row["support_count"],
    }


def _result_properties(row: dict, consultation_title: str) -> dict:
    return {
        "id": row["pk"],
        "consultation": consultation_title,
        "created": _localtime(row["created_at"]),
        "category": row["category"],
        "text": row["text"],
        "proposal_id": row["proposal_id"],
        "proposal": row["proposal__title"] or "",
        "area_code": row["area__code"] or "",
        "area": row["area__name"] or "",
        "group": row["group__name"] or "",
        "supporters": row["support_count"],
        "outcome": row["answer__outcome"] or "",
        "answer": row["answer__reasons"] or "",
        "answered": _localtime(row["answer__answered_at"]),
    }


@dataclass(frozen=True)
class _Export:
    """What one export writes: its file-name prefix, its properties (the columns before the
    place), the rows (a queryset of dicts with the geometry as `place`) and how a row
    becomes properties."""

    prefix: str
    properties: tuple[str, ...]
    rows: Callable[..., object]
    describe: Callable[[dict, str], dict]

    @property
    def columns(self) -> tuple[str, ...]:
        return (*self.properties, *PLACE_COLUMNS)


CONTRIBUTIONS = _Export("beitraege", PROPERTIES, contribution_export_rows, _properties)
RESULT = _Export("ergebnis", RESULT_PROPERTIES, result_export_rows, _result_properties)


def _table_rows(consultation: ConsultationPage, export: _Export) -> Iterator[list]:
    rows = export.rows(consultation=consultation, geometry="wkt")
    for row in rows.iterator(chunk_size=CHUNK_SIZE):
        wkt = row["place"]
        longitude = latitude = None
        if wkt and wkt.lstrip().upper().startswith("POINT"):
            longitude, latitude = GEOSGeometry(wkt).coords
        properties = export.describe(row, consultation.title)
        yield [*(properties[key] for key in export.properties), longitude, latitude, wkt]


# CSV ---------------------------------------------------------------------------------------


class _Echo:
    """A file-like object that hands back what the csv writer writes."""

    def write(self, value: str) -> str:
        return value


def _csv_cell(value) -> object:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _csv_lines(consultation: ConsultationPage, export: _Export) -> Iterator[str]:
    """Comma-separated (RFC 4180), UTF-8 with a byte order mark so that spreadsheets read
    umlauts correctly; text a spreadsheet would run as a formula starts with an apostrophe."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(export.columns)
    for row in _table_rows(consultation, export):
        yield writer.writerow([_csv_cell(value) for value in row])


def _csv_response(consultation: ConsultationPage, export: _Export) -> StreamingHttpResponse:
    response = StreamingHttpResponse(_csv_lines(consultation, export), content_type=FORMATS["csv"])
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=filename(consultation, "csv", export.prefix)
    )
    return response


# XLSX --------------------------------------------------------------------------------------


def _xlsx_cell(sheet, value) -> object:
    if not isinstance(value, str):
        return value
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
    cell.data_type = "s"  # text, even when it starts with "=" (never a formula)
    return cell


def _xlsx_response(consultation: ConsultationPage, export: _Export) -> FileResponse:
    """One sheet written row by row (openpyxl's write-only mode keeps the rows on disk), then
    zipped into a temporary file that stays in memory only while small."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Contributions"))
    sheet.append(export.columns)
    for row in _table_rows(consultation, export):
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    file = tempfile.SpooledTemporaryFile(max_size=SPOOL_SIZE)  # FileResponse closes it
    workbook.save(file)
    file.seek(0)
    return FileResponse(
        file,
        as_attachment=True,
        filename=filename(consultation, "xlsx", export.prefix),
        content_type=FORMATS["xlsx"],
    )


# GeoJSON -----------------------------------------------------------------------------------


def _geojson_chunks(
    consultation: ConsultationPage, export: _Export, *, types: frozenset[str] | None = None
) -> Iterator[bytes]:
    """A FeatureCollection written feature by feature; the database writes each geometry
    (null for a contribution without a place). With `types` (GeoJSON geometry types) only
    the contributions whose place is of one of them."""
    rows = export.rows(consultation=consultation, geometry="geojson")
    if types is not None:
        rows = rows.filter(geometry__isnull=False)
    yield b'{"type":"FeatureCollection","features":['
    separator = b""
    for row in rows.iterator(chunk_size=CHUNK_SIZE):
        place = row["place"]
        if types is not None and orjson.loads(place)["type"] not in types:
            continue
        feature = {
            "type": "Feature",
            "id": row["pk"],
            "properties": export.describe(row, consultation.title),
            "geometry": orjson.Fragment(place) if place else None,
        }
        yield separator + orjson.dumps(feature)
        separator = b","
    yield b"]}"


def _geojson_response(consultation: ConsultationPage, export: _Export) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        _geojson_chunks(consultation, export), content_type=FORMATS["geojson"]
    )
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=filename(consultation, "geojson", export.prefix)
    )
    return response


# The result as files (the open dataset of a consultation's result) --------------------------


# One geodata file per kind of place: the catalogue holds one kind of geometry per file.
RESULT_PLACE_KINDS = {
    "punkte": frozenset({"Point", "MultiPoint"}),
    "linien": frozenset({"LineString", "MultiLineString"}),
    "flaechen": frozenset({"Polygon", "MultiPolygon"}),
}
EMPTY_COLLECTION = b'{"type":"FeatureCollection","features":[]}'


def result_files(consultation: ConsultationPage) -> dict[str, tuple[str, bytes]]:
    """The public result as whole files for the open-data catalogue, each as (file name
    without date, content): "csv" with every result contribution, and per kind of place
    ("punkte", "linien", "flaechen") the GeoJSON of those with such a place. Files without
    a row or feature are left out."""
    if not RESULT.rows(consultation=consultation, geometry="wkt").exists():
        return {}
    csv_data = "".join(_csv_lines(consultation, RESULT)).encode("utf-8")
    files = {"csv": (f"ergebnis-{consultation.slug}.csv", csv_data)}
    for kind, types in RESULT_PLACE_KINDS.items():
        geojson = b"".join(_geojson_chunks(consultation, RESULT, types=types))
        if geojson != EMPTY_COLLECTION:
            files[kind] = (f"ergebnis-{consultation.slug}-{kind}.geojson", geojson)
    return files
