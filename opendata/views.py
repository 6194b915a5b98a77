"""The public dataset pages: landing page, previews and downloads."""

import csv
import json
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePath
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from maps.sources.files import SourceError

from .models import Licence, Resource, ResourceVersion
from .selectors import (
    dataset_resources,
    latest_version_for_download,
    table_rows,
    version_for_download,
    version_table,
)
from .services import resource_download_count

PREVIEW_ROWS = 25
MAX_FILTER_LENGTH = 200
# A versioned file never changes; a shared cache may keep it for a while (downloads it serves
# are not counted, which is the price of taking the load off the site).
VERSION_CACHE_CONTROL = "public, max-age=3600"


@dataclass
class Column:
    name: str
    sort_url: str
    aria_sort: str = ""


@dataclass
class Preview:
    """One table resource's preview, with its own query parameters (`r` names the resource)."""

    columns: list[Column]
    rows: Page
    filter: str
    sort: str
    direction: str
    query_prefix: str
    total: int


@dataclass
class ResourceView:
    resource: Resource
    versions: list[ResourceVersion]
    preview: Preview | None = None
    preview_failed: bool = False
    urls: dict[int, str] = field(default_factory=dict)

    @property
    def current(self) -> ResourceVersion | None:
        return self.versions[0] if self.versions else None

    @property
    def suppresses_small_counts(self) -> bool:
        return self.resource.personal_data == Resource.PersonalData.AGGREGATED


def version_url(version: ResourceVersion, dataset_slug: str, resource_slug: str) -> str:
    return reverse(
        "opendata:version_download",
        args=[dataset_slug, resource_slug, version.number, version.filename],
    )


def _preview(resource: Resource, version: ResourceVersion, params) -> Preview:
    """The page of rows the query parameters ask for, if they are addressed to this resource."""
    own = params.get("r") == resource.slug
    contains = params.get("filter", "")[:MAX_FILTER_LENGTH].strip() if own else ""
    sort = params.get("sortierung", "") if own else ""
    descending = own and params.get("richtung") == "ab"
    table = version_table(version=version)
    if sort not in table.columns:
        sort, descending = "", False
    rows = table_rows(table, contains=contains, sort=sort, descending=descending)
    listed = Paginator(rows, PREVIEW_ROWS).get_page(params.get("seite") if own else None)
    direction = "ab" if descending else ("auf" if sort else "")
    state = {"r": resource.slug, "sortierung": sort, "richtung": direction, "filter": contains}
    state = {name: value for name, value in state.items() if value}
    anchor = f"#vorschau-{resource.slug}"

    def sort_url(column: str) -> str:
        flip = column == sort and not descending
        query = {**state, "sortierung": column, "richtung": "ab" if flip else "auf"}
        return "?" + urlencode(query) + anchor

    columns = [
        Column(
            name=name,
            sort_url=sort_url(name),
            aria_sort=("descending" if descending else "ascending") if name == sort else "",
        )
        for name in table.columns
    ]
    return Preview(
        columns=columns,
        rows=listed,
        filter=contains,
        sort=sort,
        direction=direction,
        query_prefix=urlencode(state) + "&",
        total=len(table.rows),
    )


def _resource_view(page, resource: Resource, params) -> ResourceView:
    view = ResourceView(resource=resource, versions=list(resource.versions.all()))
    view.urls = {
        version.number: version_url(version, page.slug, resource.slug) for version in view.versions
    }
    if resource.kind == Resource.Kind.TABLE and view.current is not None:
        try:
            view.preview = _preview(resource, view.current, params)
        except (SourceError, OSError):
            view.preview_failed = True
    return view


def _citation(page, modified, url: str) -> str:
    year = (modified or page.issued or timezone.now()).year
    return _("%(publisher)s (%(year)s): %(title)s. %(url)s. Licence: %(licence)s.") % {
        "publisher": page.publisher.name,
        "year": year,
        "title": page.title,
        "url": url,
        "licence": page.get_licence_display(),
    }


def dataset_detail(page, request):
    """A dataset's landing page: its metadata, how to cite it, and every resource with its
    current download, its change history and (for tables) a preview."""
    resources = [
        _resource_view(page, resource, request.GET) for resource in dataset_resources(dataset=page)
    ]
    dates = [view.current.created_at for view in resources if view.current is not None]
    modified = max(dates) if dates else None
    url = page.get_full_url(request)
    licence = Licence(page.licence)
    return page.render(
        request,
        context_overrides={
            "resources": resources,
            "modified": modified,
            "licence": licence,
            "citation": _citation(page, modified, url),
        },
    )


@require_safe
def version_download(request, dataset_slug, resource_slug, number, filename):
    """A version's file, as it was published, at a URL that never changes."""
    version = version_for_download(
        dataset_slug=dataset_slug, resource_slug=resource_slug, number=number, filename=filename
    )
    stored = version.file.storage.open(version.file.name, "rb")
    if request.method == "GET":
        resource_download_count(resource=version.resource)
    response = FileResponse(
        stored, as_attachment=True, filename=version.filename, content_type=version.media_type
    )
    response["Cache-Control"] = VERSION_CACHE_CONTROL
    response["ETag"] = f'"{version.sha256}"'
    return response


@require_safe
def latest_download(request, dataset_slug, resource_slug, filename):
    """Redirect to the newest version, so a link to `latest` always fetches current data."""
    version = latest_version_for_download(
        dataset_slug=dataset_slug, resource_slug=resource_slug, filename=filename
    )
    response = redirect(version_url(version, dataset_slug, resource_slug))
    response["Cache-Control"] = "no-cache"
    return response


class _Echo:
    """A file-like object whose write() hands the text back, so csv can write into a stream."""

    def write(self, value: str) -> str:
        return value


def _csv_lines(table) -> Iterator[bytes]:
    writer = csv.writer(_Echo(), lineterminator="\n")
    yield "\ufeff".encode()  # so that spreadsheet programs read UTF-8
    yield writer.writerow(table.columns).encode()
    for row in table.rows:
        yield writer.writerow(row).encode()


def _json_chunks(table) -> Iterator[bytes]:
    yield b"["
    for number, row in enumerate(table.rows):
        record = json.dumps(dict(zip(table.columns, row, strict=True)), ensure_ascii=False)
        yield (("," if number else "") + "\n" + record).encode()
    yield b"\n]\n"


def _xlsx_file(table):
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(table.columns)
    for row in table.rows:
        sheet.append(row)
    stored = tempfile.TemporaryFile()  # removed when the response closes it
    workbook.save(stored)
    stored.seek(0)
    return stored


EXPORTS = {
    "csv": ("text/csv; charset=utf-8", _csv_lines),
    "json": ("application/json", _json_chunks),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _xlsx_file),
}


@require_safe
def version_export(request, dataset_slug, resource_slug, number, export_format):
    """A table version converted to CSV (UTF-8), JSON (an array of objects) or XLSX."""
    version = version_for_download(
        dataset_slug=dataset_slug,
        resource_slug=resource_slug,
        number=number,
        filename=None,
    )
    if version.resource.kind != Resource.Kind.TABLE:
        raise Http404("Only tables can be converted")
    try:
        table = version_table(version=version)
    except (SourceError, OSError) as error:
        raise Http404("The table cannot be read") from error
    content_type, convert = EXPORTS[export_format]
    name = f"{PurePath(version.filename).stem}-v{version.number}.{export_format}"
    if export_format == "xlsx":
        response = FileResponse(
            convert(table), as_attachment=True, filename=name, content_type=content_type
        )
    else:
        response = StreamingHttpResponse(convert(table), content_type=content_type)
        response["Content-Disposition"] = content_disposition_header(True, name)
    if request.method == "GET":
        resource_download_count(resource=version.resource)
    response["Cache-Control"] = VERSION_CACHE_CONTROL
    return response
