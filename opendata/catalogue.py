"""The public catalogue page: every published dataset, searchable, filtered by facets with
counts, sorted and paged, in a fixed number of queries however many datasets there are."""

from collections import defaultdict
from collections.abc import Callable

from django.core.paginator import Paginator
from django.db.models import Count, F, Max, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce, Greatest, Lower
from taggit.models import Tag

from maps.models import Area

from .forms import FACETS, MODIFIED, NEWEST, RELEVANCE, CatalogueFilterForm
from .models import (
    DatasetIndexPage,
    DatasetPage,
    DatasetTag,
    DataTheme,
    Licence,
    Organisation,
    Resource,
    ResourceVersion,
    format_label,
)
from .selectors import EDITORS_ONLY, published_datasets

RESULTS_PER_PAGE = 20
ThemeLink = DatasetPage.themes.through
AreaLink = DatasetPage.areas.through


def _with_format(values: list[str]) -> Q:
    datasets = ResourceVersion.objects.filter(format__in=values).values("resource__dataset_id")
    return Q(pk__in=datasets)


# How each facet narrows the datasets: several values of one facet widen (or). Relations are
# matched by subquery, so that a dataset is never counted or listed twice.
FACET_FILTERS: dict[str, Callable[[list[str]], Q]] = {
    "thema": lambda values: Q(
        pk__in=ThemeLink.objects.filter(datatheme__code__in=values).values("datasetpage_id")
    ),
    "herausgeber": lambda values: Q(publisher__slug__in=values),
    "format": _with_format,
    "lizenz": lambda values: Q(licence__in=values),
    "gebiet": lambda values: Q(
        pk__in=AreaLink.objects.filter(area__code__in=values).values("datasetpage_id")
    ),
    "tag": lambda values: Q(
        pk__in=DatasetTag.objects.filter(tag__slug__in=values).values("content_object_id")
    ),
}


def _counted(rows, value: str, label: str) -> dict[str, tuple[str, int]]:
    return {row[value]: (row[label], row["datasets"]) for row in rows}


def facet_counts(facet: str, datasets: QuerySet[DatasetPage]) -> dict[str, tuple[str, int]]:
    """How many of `datasets` carry each value of `facet`, in one aggregate query."""
    ids = datasets.values("pk")
    if facet == "thema":
        rows = (
            ThemeLink.objects.filter(datasetpage_id__in=ids)
            .values("datatheme__code", "datatheme__name")
            .annotate(datasets=Count("datasetpage_id", distinct=True))
        )
        return _counted(rows, "datatheme__code", "datatheme__name")
    if facet == "herausgeber":
        rows = datasets.values("publisher__slug", "publisher__name").annotate(
            datasets=Count("pk", distinct=True)
        )
        return _counted(rows.order_by(), "publisher__slug", "publisher__name")
    if facet == "format":
        rows = (
            ResourceVersion.objects.filter(resource__dataset_id__in=ids)
            .values("format")
            .annotate(datasets=Count("resource__dataset_id", distinct=True))
        )
        return {row["format"]: (format_label(row["format"]), row["datasets"]) for row in rows}
    if facet == "lizenz":
        rows = datasets.values("licence").annotate(datasets=Count("pk", distinct=True))
        return {
            row["licence"]: (Licence(row["licence"]).label, row["datasets"])
            for row in rows.order_by()
        }
    if facet == "gebiet":
        rows = (
            AreaLink.objects.filter(datasetpage_id__in=ids)
            .values("area__code", "area__name")
            .annotate(datasets=Count("datasetpage_id", distinct=True))
        )
        return _counted(rows, "area__code", "area__name")
    rows = (
        DatasetTag.objects.filter(content_object_id__in=ids)
        .values("tag__slug", "tag__name")
        .annotate(datasets=Count("content_object_id", distinct=True))
    )
    return _counted(rows, "tag__slug", "tag__name")


def catalogue_vocabularies(datasets: QuerySet[DatasetPage], data) -> dict[str, dict[str, str]]:
    """The values each facet accepts, with their names: every EU theme and publisher, the
    formats and tags of published datasets, and the areas asked for that exist."""
    ids = datasets.values("pk")
    formats = (
        ResourceVersion.objects.filter(resource__dataset_id__in=ids)
        .values_list("format", flat=True)
        .order_by()
        .distinct()
    )
    tags = Tag.objects.filter(
        pk__in=DatasetTag.objects.filter(content_object_id__in=ids).values("tag_id")
    )
    vocabularies = {
        "thema": dict(DataTheme.objects.values_list("code", "name")),
        "herausgeber": dict(Organisation.objects.values_list("slug", "name")),
        "format": {value: format_label(value) for value in formats},
        "tag": dict(tags.values_list("slug", "name")),
        "gebiet": {},
    }
    codes = data.getlist("gebiet") if data else []
    if codes:
        # There are hundreds of areas: only the ones asked for are looked up.
        vocabularies["gebiet"] = dict(
            Area.objects.filter(code__in=codes[:50]).values_list("code", "name")
        )
    return vocabularies


def _narrowed(datasets: QuerySet, selected: dict[str, list[str]], leave_out: str = ""):
    for facet, values in selected.items():
        if values and facet != leave_out:
            datasets = datasets.filter(FACET_FILTERS[facet](values))
    return datasets


def _ordered(datasets: QuerySet[DatasetPage], sorting: str) -> QuerySet[DatasetPage]:
    if sorting == NEWEST:
        return datasets.order_by(
            F("issued").desc(nulls_last=True), F("first_published_at").desc(), "pk"
        )
    if sorting == MODIFIED:
        return datasets.order_by(F("modified").desc(nulls_last=True), Lower("title"), "pk")
    return datasets.order_by(Lower("title"), "pk")


def with_modified(datasets: QuerySet[DatasetPage]) -> QuerySet[DatasetPage]:
    """The datasets annotated with `modified`: when the data last changed. A new version of a
    file updates the data as much as a new edit of the page does."""
    upload = Max("resources__versions__created_at")
    published = Coalesce("last_published_at", "first_published_at")
    return datasets.annotate(modified=Coalesce(Greatest(upload, published), upload, published))


def search_matches(query: str) -> list[int]:
    """The ids of the live datasets matching every word of `query`, best match first."""
    found = DatasetPage.objects.live().only("pk").search(query, operator="and")
    return [dataset.pk for dataset in found]


def _results_page(datasets, matches: list[int] | None, sorting: str, number):
    """The requested page of results. Sorted by relevance, the order is the search's: the
    matching ids that pass the filters are paged, and only that page's datasets are loaded."""
    rows = with_modified(datasets.select_related("publisher"))
    if sorting != RELEVANCE or matches is None:
        return Paginator(_ordered(rows, sorting), RESULTS_PER_PAGE).get_page(number)
    passing = set(datasets.values_list("pk", flat=True))
    page = Paginator([pk for pk in matches if pk in passing], RESULTS_PER_PAGE).get_page(number)
    loaded = rows.in_bulk(list(page.object_list))
    page.object_list = [loaded[pk] for pk in page.object_list if pk in loaded]
    return page


def _add_formats(results) -> None:
    formats = defaultdict(set)
    rows = ResourceVersion.objects.filter(
        resource__dataset_id__in=[dataset.pk for dataset in results]
    ).values_list("resource__dataset_id", "format")
    for dataset_id, value in rows.order_by().distinct():
        formats[dataset_id].add(format_label(value))
    for dataset in results:
        dataset.formats = sorted(formats[dataset.pk])
        dataset.licence_label = Licence(dataset.licence).label


def catalogue_view(index: DatasetIndexPage, request):
    """The catalogue with its search, facets, sorting and pages. Bad parameters (an unknown
    facet value, an impossible sorting) are named in the form's error summary; the page is
    still shown, with the parameters that were valid applied."""
    datasets = published_datasets().descendant_of(index)
    data = request.GET or None
    form = CatalogueFilterForm(data, vocabularies=catalogue_vocabularies(datasets, data))
    form.is_valid()
    selected = form.selected()
    query = form.query()
    sorting = form.sorting()
    matches = None
    if query:
        matches = search_matches(query)
        datasets = datasets.filter(pk__in=matches)
    form.show_counts(
        {facet: facet_counts(facet, _narrowed(datasets, selected, facet)) for facet in FACETS}
    )
    results = _results_page(
        _narrowed(datasets, selected), matches, sorting, request.GET.get("seite")
    )
    _add_formats(results.object_list)
    params = request.GET.copy()
    params.pop("seite", None)
    return index.render(
        request,
        context_overrides={
            "filter_form": form,
            "results": results,
            "search_query": query,
            "is_filtered": any(selected.values()) or bool(query),
            "query_prefix": f"{params.urlencode()}&" if params else "",
        },
    )


def catalogue_datasets(
    *,
    query: str = "",
    facets: dict[str, list[str]] | None = None,
    modified_since=None,
    ordering: str = "title",
) -> QuerySet[DatasetPage]:
    """Published datasets for the API, with what their listing shows loaded up front (publisher,
    themes, areas, tags, resources and their versions), so the number of queries does not grow
    with the number of datasets. `facets` narrows like the catalogue page's facets
    (`thema`, `herausgeber`, `format`, `lizenz`, `gebiet`, `tag`); `ordering` is `title` or
    `-modified`."""
    datasets = published_datasets()
    if query:
        datasets = datasets.filter(pk__in=search_matches(query))
    datasets = with_modified(_narrowed(datasets, facets or {}).select_related("publisher"))
    if modified_since is not None:
        datasets = datasets.filter(modified__gte=modified_since)
    versions = ResourceVersion.objects.defer(*EDITORS_ONLY, "table_schema", "report").order_by(
        "-number"
    )
    resources = Resource.objects.order_by("sort_order", "pk").prefetch_related(
        Prefetch("versions", queryset=versions)
    )
    datasets = datasets.prefetch_related(
        Prefetch("themes", queryset=DataTheme.objects.order_by("name")),
        Prefetch("areas", queryset=Area.objects.defer("geometry").order_by("code")),
        Prefetch("tagged_items", queryset=DatasetTag.objects.select_related("tag")),
        Prefetch("resources", queryset=resources),
    )
    if ordering == "-modified":
        return datasets.order_by(F("modified").desc(nulls_last=True), Lower("title"), "pk")
    return datasets.order_by(Lower("title"), "pk")
