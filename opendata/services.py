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
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from maps.sources.files import SourceError

from .disclosure import DisclosureRule, disclosure_control
from .models import Resource, ResourceVersion
from .sources import read_table, validate_table
from .sources.features import GEOJSON, GEOPACKAGE, SHAPEFILE
from .sources.geodata import read_geodata
from .sources.layers import (
    attribute_schema,
    feature_collection_lines,
    label_field,
    layer_extent,
    layer_fields,
)
from .sources.tables import MISSING_VALUES

GEODATA_MEDIA_TYPES = {
    GEOJSON: "application/geo+json",
    GEOPACKAGE: "application/geopackage+sqlite3",
    SHAPEFILE: "application/zip",
}
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
    """Publish `data` as the next version of a resource.

    The file is read and validated; a file that cannot be read, or a table that fails
    validation, raises ValidationError naming the problems, and nothing is stored (UploadTooLarge
    above OPENDATA_MAX_UPLOAD_BYTES). Tables with aggregated personal data are published after
    disclosure control (as CSV, with the suppressed cells listed for the editors); record-level
    personal data is refused. Geodata keeps the uploaded file and gets its features in WGS 84
    next to it. Earlier versions stay as they are.
    """
    if resource.personal_data == Resource.PersonalData.RECORDS:
        raise ValidationError(
            _("Record-level personal data cannot be published. Aggregate it first.")
        )
    limit = settings.OPENDATA_MAX_UPLOAD_BYTES
    if len(data) > limit:
        raise UploadTooLarge(
            _("%(file)s: the file is %(size)s; the limit is %(limit)s")
            % {
                "file": PurePath(filename).name,
                "size": filesizeformat(len(data)),
                "limit": filesizeformat(limit),
            }
        )
    number = (resource.versions.aggregate(last=Max("number"))["last"] or 0) + 1
    version = ResourceVersion(
        resource=resource,
        number=number,
        filename=PurePath(filename).name,
        source_url=source_url,
        note=note,
        created_by=author,
    )
    if resource.kind == Resource.Kind.GEODATA:
        data, features = _geodata_version(version, data)
    else:
        data, features = _table_version(version, data), None
    version.size = len(data)
    version.sha256 = hashlib.sha256(data).hexdigest()
    version.file.save(version.filename, ContentFile(data), save=False)
    # A failure from here on must not leave stored files behind.
    try:
        if features is not None:
            version.features_file.save("features-wgs84.geojson", features, save=False)
        version.save()
    except Exception:
        version.file.delete(save=False)
        if version.features_file:
            version.features_file.delete(save=False)
        raise
    return version


def _table_version(version: ResourceVersion, data: bytes) -> bytes:
    """Check a table and fill in what the version records about it; the bytes to store."""
    try:
        table = read_table(data, filename=version.filename, max_bytes=None)
    except SourceError as error:
        raise ValidationError(str(error)) from error
    report = validate_table(table)
    if not report.valid:
        problems = [
            _("line %(line)s: %(message)s") % {"line": error.row, "message": error.message}
            for error in report.errors
        ]
        raise ValidationError(problems)
    version.format = table.format
    version.record_count = len(table.rows)
    version.table_schema = report.schema
    version.report = {
        "valid": True,
        "errors": [],
        "encoding": table.encoding,
        "delimiter": table.delimiter,
    }
    if version.resource.personal_data == Resource.PersonalData.AGGREGATED:
        data, version.suppressed = _suppressed_csv(table, report.schema)
        version.filename = PurePath(version.filename).with_suffix(".csv").name
        version.format = "csv"
    version.media_type = TABLE_MEDIA_TYPES[version.format]
    return data


def _geodata_version(version: ResourceVersion, data: bytes) -> tuple[bytes, ContentFile]:
    """Read geodata and fill in what the version records about it; the bytes to store and the
    features in WGS 84 (one per line)."""
    if version.resource.personal_data == Resource.PersonalData.AGGREGATED:
        raise ValidationError(
            _(
                "Disclosure control works on tables: publish counts of people as a table with a "
                "column of area codes; the catalogue then draws it on the areas' map."
            )
        )
    try:
        layer = read_geodata(data, filename=version.filename)
    except SourceError as error:
        raise ValidationError(str(error)) from error
    fields = layer_fields(layer)
    version.format = layer.format
    version.media_type = GEODATA_MEDIA_TYPES[layer.format]
    version.record_count = len(layer.features)
    version.table_schema = attribute_schema(layer, fields)
    version.report = {
        "valid": True,
        "errors": [],
        "source_srid": layer.source_srid,
        "geometry_type": layer.geometry_type,
        "fields": fields,
        "label_field": label_field(layer, fields),
        "bbox": layer_extent(layer),
    }
    return data, ContentFile(b"".join(feature_collection_lines(layer)))


def resource_download_count(*, resource: Resource) -> None:
    """Count a download (no IP, no cookie, no user: only the number)."""
    Resource.objects.filter(pk=resource.pk).update(download_count=F("download_count") + 1)
