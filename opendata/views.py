"""The public dataset pages: landing page, previews and downloads."""

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

from .charts import table_chart
from .choropleth import table_choropleth
from .exports import EXPORTS, map_features
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
# Parameters choosing the column of the chart and of the choropleth map.
CHOICES = ("diagramm", "karte")
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
    state: dict[str, str] = field(default_factory=dict)

    def kept(self, *names: str) -> list[tuple[str, str]]:
        """This resource's parameters except `r` and `names`, as hidden fields of a form."""
        return [
            (name, value) for name, value in self.state.items() if name != "r" and name not in names
        ]

    @property
    def kept_by_filter(self) -> list[tuple[str, str]]:
        return self.kept("filter", "sortierung", "richtung")

    @property
    def kept_by_chart(self) -> list[tuple[str, str]]:
        return self.kept("diagramm")

    @property
    def kept_by_map(self) -> list[tuple[str, str]]:
        return self.kept("karte")


@dataclass
class ResourceView:
    resource: Resource
    versions: list[ResourceVersion]
    preview: Preview | None = None
    preview_failed: bool = False
    chart: object | None = None
    map_url: str = ""
    choropleth: object | None = None
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
    # The column chosen for the chart and for the map are kept while paging, sorting, filtering.
    for name in CHOICES:
        state[name] = params.get(name, "") if own and params.get(name) in table.columns else ""
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
        state=state,
    )


def _resource_view(page, resource: Resource, params) -> ResourceView:
    view = ResourceView(resource=resource, versions=list(resource.versions.all()))
    view.urls = {
        version.number: version_url(version, page.slug, resource.slug) for version in view.versions
    }
    current = view.current
    if current is None:
        return view
    if resource.kind == Resource.Kind.GEODATA:
        if not current.features_file:
            return view
        view.map_url = page.url + page.reverse_subpage("map_data", args=[resource.slug])
    try:
        view.preview = _preview(resource, current, params)
        table = version_table(version=current)
    except (SourceError, OSError):
        view.preview_failed = True
    else:
        view.chart = table_chart(resource, current, table, params)
        view.choropleth = table_choropleth(resource, current, table, params)
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
            "has_map": any(view.map_url for view in resources),
            "modified": modified,
            "licence": licence,
            "citation": _citation(page, modified, url),
        },
    )


def map_data(page, request, resource_slug: str):
    """The current version's features for the dataset page's map: geometry and the feature's
    name only (the list under the map has every attribute), streamed from the stored file."""
    version = (
        ResourceVersion.objects.filter(
            resource__dataset=page, resource__slug=resource_slug, resource__kind="geodata"
        )
        .exclude(features_file="")
        .order_by("-number")
        .first()
    )
    if version is None:
        raise Http404("No map data for this resource")
    label = version.report.get("label_field", "")
    response = StreamingHttpResponse(
        map_features(version, label), content_type="application/geo+json"
    )
    response["Cache-Control"] = "public, max-age=300"
    return response


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


@require_safe
def version_export(request, dataset_slug, resource_slug, number, export_format):
    """A version converted: tables to CSV (UTF-8), JSON (an array of objects) or XLSX; geodata
    to GeoJSON, GeoPackage or CSV with WKT. Each is streamed from the stored file."""
    version = version_for_download(
        dataset_slug=dataset_slug,
        resource_slug=resource_slug,
        number=number,
        filename=None,
    )
    formats = EXPORTS[version.resource.kind]
    if export_format not in formats:
        raise Http404("This format is not offered for this resource")
    if version.resource.kind == Resource.Kind.GEODATA and not version.features_file:
        raise Http404("No features stored for this version")
    content_type, convert, returns_file = formats[export_format]
    name = f"{PurePath(version.filename).stem}-v{version.number}.{export_format}"
    if returns_file:
        response = FileResponse(
            convert(version), as_attachment=True, filename=name, content_type=content_type
        )
    else:
        response = StreamingHttpResponse(convert(version), content_type=content_type)
        response["Content-Disposition"] = content_disposition_header(True, name)
    if request.method == "GET":
        resource_download_count(resource=version.resource)
    response["Cache-Control"] = VERSION_CACHE_CONTROL
    return response
