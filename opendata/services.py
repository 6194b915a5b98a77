"""What changes the catalogue: publishing a new version of a resource, all or nothing."""

import csv
import hashlib
import io
from dataclasses import asdict
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Max
from django.utils.translation import gettext as _

from maps.sources.files import SourceError

from .disclosure import DisclosureRule, disclosure_control
from .models import Resource, ResourceVersion
from .sources import FileTooLarge, read_table, validate_table
from .sources.tables import MISSING_VALUES

TABLE_MEDIA_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
COUNT_TYPES = {"integer"}


class UploadTooLarge(ValidationError):
    """The file is larger than OPENDATA_MAX_UPLOAD_BYTES (HTTP 413 for the uploader)."""


def disclosure_rule() -> DisclosureRule:
    """The configured rule (DISCLOSURE_THRESHOLD, default 3: counts 1 and 2 are suppressed)."""
    return DisclosureRule(threshold=settings.DISCLOSURE_THRESHOLD)


def _count_columns(schema: dict) -> list[str]:
    return [field["name"] for field in schema.get("fields", []) if field.get("type") in COUNT_TYPES]


def _suppressed_csv(table, schema: dict) -> tuple[bytes, list[dict]]:
    """The table after disclosure control, as UTF-8 CSV, and what was suppressed."""
    counts = _count_columns(schema)
    rows = [dict(zip(table.columns, row, strict=False)) for row in table.rows]
    # Cells the schema reads as missing (e.g. the statistics office's en dash) are no counts:
    # disclosure control skips them, and they are published as they were.
    markers = {
        (index, column): row[column]
        for index, row in enumerate(rows)
        for column in counts
        if row.get(column, "").strip() in MISSING_VALUES
    }
    for index, column in markers:
        rows[index][column] = None
    result = disclosure_control(rows, count_columns=counts, rule=disclosure_rule())
    published = [dict(row) for row in result.rows]
    for (index, column), marker in markers.items():
        published[index][column] = marker
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=table.columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(published)
    suppressed = [
        {**asdict(cell), "line": table.line_numbers[cell.row]} for cell in result.suppressed
    ]
    return buffer.getvalue().encode("utf-8"), suppressed


@transaction.atomic
def resource_version_create(
    *,
    resource: Resource,
    data: bytes,
    filename: str,
    author=None,
    note: str = "",
    source_url: str = "",
) -> ResourceVersion:
    """Publish `data` as the next version of a table resource.

    The file is read and validated; a table that cannot be read, or that fails validation,
    raises ValidationError naming the problems, and nothing is stored. Aggregated personal data
    is published after disclosure control (as CSV, with the suppressed cells listed for the
    editors); record-level personal data is refused. Earlier versions stay as they are.
    """
    if resource.personal_data == Resource.PersonalData.RECORDS:
        raise ValidationError(
            _("Record-level personal data cannot be published. Aggregate it first.")
        )
    if resource.kind != Resource.Kind.TABLE:
        raise ValidationError(_("Only tables can be published here so far."))
    limit = settings.OPENDATA_MAX_UPLOAD_BYTES
    try:
        table = read_table(data, filename=filename, max_bytes=limit)
    except FileTooLarge as error:
        raise UploadTooLarge(str(error)) from error
    except SourceError as error:
        raise ValidationError(str(error)) from error
    report = validate_table(table)
    if not report.valid:
        problems = [
            _("line %(line)s: %(message)s") % {"line": error.row, "message": error.message}
            for error in report.errors
        ]
        raise ValidationError(problems)
    name = PurePath(filename).name
    suppressed: list[dict] = []
    if resource.personal_data == Resource.PersonalData.AGGREGATED:
        data, suppressed = _suppressed_csv(table, report.schema)
        name = PurePath(name).with_suffix(".csv").name
        file_format = "csv"
    else:
        file_format = table.format
    number = (resource.versions.aggregate(last=Max("number"))["last"] or 0) + 1
    version = ResourceVersion(
        resource=resource,
        number=number,
        filename=name,
        format=file_format,
        media_type=TABLE_MEDIA_TYPES[file_format],
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        source_url=source_url,
        note=note,
        created_by=author,
        record_count=len(table.rows),
        table_schema=report.schema,
        report={
            "valid": True,
            "errors": [],
            "encoding": table.encoding,
            "delimiter": table.delimiter,
        },
        suppressed=suppressed,
    )
    version.file.save(name, ContentFile(data), save=False)
    # A failure from here on must not leave the stored file behind.
    try:
        version.save()
    except Exception:
        version.file.delete(save=False)
        raise
    return version


def resource_download_count(*, resource: Resource) -> None:
    """Count a download (no IP, no cookie, no user: only the number)."""
    Resource.objects.filter(pk=resource.pk).update(download_count=F("download_count") + 1)
