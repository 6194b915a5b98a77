"""A consultation's contributions for the administration, as CSV, XLSX and GeoJSON.

All three carry the same columns and the same values. Rows are read from the database in
chunks and written as they come, so memory does not grow with the number of contributions:
CSV and GeoJSON are streamed to the client, XLSX (a zip file, written whole) goes through a
temporary file that spills to disk.

No personal data beyond the public display name: no e-mail address, user name, reporter or
moderator. Withdrawn contributions are left out; every other status is included, with a
column saying which.
"""

import csv
import tempfile
from collections.abc import Iterator

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
COLUMNS = (*PROPERTIES, "longitude", "latitude", "wkt")
CHUNK_SIZE = 2000
# Spreadsheets run a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SPOOL_SIZE = 4 * 1024 * 1024


def filename(consultation: ConsultationPage, export_format: str) -> str:
    """`beitraege-<slug>-<date>.<format>`, dated today in the site's time zone."""
    return f"beitraege-{consultation.slug}-{timezone.localdate().isoformat()}.{export_format}"


def contributions_response(*, consultation: ConsultationPage, export_format: str, user=None):
    """The download of a consultation's contributions in one of `FORMATS`. A consultation
    hidden in its review phase is exported only for those who may see it (pass `user`; 404
    for anyone else, as if it did not exist)."""
    if user is not None and not may_see_review(user, consultation):
        raise Http404
    writers = {"csv": _csv_response, "xlsx": _xlsx_response, "geojson": _geojson_response}
    return writers[export_format](consultation)


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
        "created": timezone.localtime(row["created_at"]).isoformat(timespec="seconds"),
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


def _table_rows(consultation: ConsultationPage) -> Iterator[list]:
    rows = contribution_export_rows(consultation=consultation, geometry="wkt")
    for row in rows.iterator(chunk_size=CHUNK_SIZE):
        wkt = row["place"]
        longitude = latitude = None
        if wkt and wkt.lstrip().upper().startswith("POINT"):
            longitude, latitude = GEOSGeometry(wkt).coords
        properties = _properties(row, consultation.title)
        yield [*(properties[key] for key in PROPERTIES), longitude, latitude, wkt]


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


def _csv_response(consultation: ConsultationPage) -> StreamingHttpResponse:
    """Comma-separated (RFC 4180), UTF-8 with a byte order mark so that spreadsheets read
    umlauts correctly; text a spreadsheet would run as a formula starts with an apostrophe."""
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield "\ufeff" + writer.writerow(COLUMNS)
        for row in _table_rows(consultation):
            yield writer.writerow([_csv_cell(value) for value in row])

    response = StreamingHttpResponse(lines(), content_type=FORMATS["csv"])
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=filename(consultation, "csv")
    )
    return response


# XLSX --------------------------------------------------------------------------------------


def _xlsx_cell(sheet, value) -> object:
    if not isinstance(value, str):
        return value
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
    cell.data_type = "s"  # text, even when it starts with "=" (never a formula)
    return cell


def _xlsx_response(consultation: ConsultationPage) -> FileResponse:
    """One sheet written row by row (openpyxl's write-only mode keeps the rows on disk), then
    zipped into a temporary file that stays in memory only while small."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Contributions"))
    sheet.append(COLUMNS)
    for row in _table_rows(consultation):
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    file = tempfile.SpooledTemporaryFile(max_size=SPOOL_SIZE)  # FileResponse closes it
    workbook.save(file)
    file.seek(0)
    return FileResponse(
        file,
        as_attachment=True,
        filename=filename(consultation, "xlsx"),
        content_type=FORMATS["xlsx"],
    )


# GeoJSON -----------------------------------------------------------------------------------


def _geojson_response(consultation: ConsultationPage) -> StreamingHttpResponse:
    """A FeatureCollection written feature by feature; the database writes each geometry
    (null for a contribution without a place)."""
    rows = contribution_export_rows(consultation=consultation, geometry="geojson")

    def chunks() -> Iterator[bytes]:
        yield b'{"type":"FeatureCollection","features":['
        separator = b""
        for row in rows.iterator(chunk_size=CHUNK_SIZE):
            feature = {
                "type": "Feature",
                "id": row["pk"],
                "properties": _properties(row, consultation.title),
                "geometry": orjson.Fragment(row["place"]) if row["place"] else None,
            }
            yield separator + orjson.dumps(feature)
            separator = b","
        yield b"]}"

    response = StreamingHttpResponse(chunks(), content_type=FORMATS["geojson"])
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=filename(consultation, "geojson")
    )
    return response
