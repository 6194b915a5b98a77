"""What the public side of the catalogue reads: a dataset's resources with their versions, the
published version behind a download URL, and a version's table for the preview."""

import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry
from django.core.cache import cache
from django.db.models import Prefetch, QuerySet
from django.http import Http404

from .exports import cell_text
from .models import DatasetPage, Resource, ResourceVersion
from .sources import read_table
from .sources.stored import feature_records

# Editors' details that no public page needs: loading them for every version would make the
# landing page slower as the history grows. (Schema and report are small and the previews read
# them: column types for the chart, the attributes of geodata.)
EDITORS_ONLY = ("suppressed", "source_url", "created_by")
TABLE_CACHE_SECONDS = 24 * 60 * 60


def published_datasets() -> QuerySet[DatasetPage]:
    """Datasets anyone may see: live pages without view restrictions."""
    return DatasetPage.objects.live().public()


def dataset_resources(*, dataset: DatasetPage) -> list[Resource]:
    """The dataset's resources in order, each with all its versions (newest first) prefetched,
    in a constant number of queries however long the history is."""
    versions = ResourceVersion.objects.defer(*EDITORS_ONLY).order_by("-number")
    return list(
        dataset.resources.prefetch_related(Prefetch("versions", queryset=versions)).order_by(
            "sort_order", "pk"
        )
    )


def _published_versions(*, dataset_slug: str, resource_slug: str) -> QuerySet[ResourceVersion]:
    return ResourceVersion.objects.select_related("resource").filter(
        resource__dataset__in=published_datasets().filter(slug=dataset_slug),
        resource__slug=resource_slug,
    )


def version_for_download(
    *, dataset_slug: str, resource_slug: str, number: int, filename: str | None
) -> ResourceVersion:
    """The version behind a stable download URL; Http404 when the dataset is not published,
    the resource or version does not exist, or the file name (unless None: conversions carry
    none) is not the version's."""
    version = (
        _published_versions(dataset_slug=dataset_slug, resource_slug=resource_slug)
        .filter(number=number)
        .first()
    )
    if version is None or (filename is not None and version.filename != filename):
        raise Http404("No such version")
    return version


def latest_version_for_download(
    *, dataset_slug: str, resource_slug: str, filename: str
) -> ResourceVersion:
    """The newest version of a published resource. The file name may be that of any of its
    versions, so that a `latest` link keeps working when a later upload is named differently."""
    versions = _published_versions(dataset_slug=dataset_slug, resource_slug=resource_slug)
    newest = versions.order_by("-number").first()
    if newest is None or not (
        newest.filename == filename or versions.filter(filename=filename).exists()
    ):
        raise Http404("No such resource")
    return newest


@dataclass(frozen=True)
class TableData:
    columns: list[str]
    rows: list[list[str]]


def version_table(*, version: ResourceVersion) -> TableData:
    """A table version's columns and rows (each row as long as the header), cached by the
    file's checksum: a version never changes, so neither does its parsed content. Geodata
    gives one row per feature: its attributes and the longitude and latitude of its location
    (a point on the surface of lines and areas)."""

    def parse() -> TableData:
        if version.resource.kind == Resource.Kind.GEODATA:
            return _feature_table(version)
        with version.file.open("rb") as stored:
            data = stored.read()
        table = read_table(data, filename=version.filename, max_bytes=None)
        width = len(table.columns)
        rows = [(row + [""] * width)[:width] for row in table.rows]
        return TableData(columns=table.columns, rows=rows)

    return cache.get_or_set(
        f"opendata:table:{version.sha256}",
        parse,
        getattr(settings, "OPENDATA_TABLE_CACHE_SECONDS", TABLE_CACHE_SECONDS),
    )


LOCATION_COLUMNS = ["lon", "lat"]


def _feature_table(version: ResourceVersion) -> TableData:
    fields = [field for field in version.report.get("fields", []) if field not in LOCATION_COLUMNS]
    rows = []
    with version.features_file.open("rb") as stored:
        for feature in feature_records(stored):
            properties = feature["properties"]
            cells = [cell_text(properties.get(field)) for field in fields]
            if feature["geometry"] is None:
                cells += ["", ""]
            else:
                point = GEOSGeometry(json.dumps(feature["geometry"])).point_on_surface
                cells += [f"{point.x:.6f}", f"{point.y:.6f}"]
            rows.append(cells)
    return TableData(columns=[*fields, *LOCATION_COLUMNS], rows=rows)


def _sort_key(value: str) -> tuple:
    """Numbers in numeric order (German decimal commas too), then text, empty cells last."""
    text = value.strip()
    if not text:
        return (2, "")
    try:
        number = Decimal(text.replace(",", "."))
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        return (1, text.casefold())
    return (0, number)


def table_rows(
    table: TableData, *, contains: str = "", sort: str = "", descending: bool = False
) -> list[list[str]]:
    """The rows holding `contains` (case-insensitive) in any cell, sorted by the column `sort`
    when it is one of the table's columns."""
    rows = table.rows
    needle = contains.strip().casefold()
    if needle:
        rows = [row for row in rows if any(needle in cell.casefold() for cell in row)]
    if sort in table.columns:
        index = table.columns.index(sort)
        rows = sorted(rows, key=lambda row: _sort_key(row[index]), reverse=descending)
    return rows


def published_resources(
    *, dataset: DatasetPage | None = None, kind: str = "", file_format: str = ""
):
    """The resources of published datasets, each with its dataset and its versions (newest
    first) loaded in a constant number of queries; narrowed to one dataset, a kind, or the
    resources with a version in `file_format`."""
    versions = ResourceVersion.objects.defer(*EDITORS_ONLY, "table_schema", "report").order_by(
        "-number"
    )
    resources = (
        Resource.objects.filter(dataset__in=published_datasets())
        .select_related("dataset")
        .prefetch_related(Prefetch("versions", queryset=versions))
        .order_by("dataset__title", "dataset_id", "sort_order", "pk")
    )
    if dataset is not None:
        resources = resources.filter(dataset=dataset)
    if kind:
        resources = resources.filter(kind=kind)
    if file_format:
        resources = resources.filter(
            pk__in=ResourceVersion.objects.filter(format=file_format).values("resource_id")
        )
    return resources
