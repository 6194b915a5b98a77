"""The read actions: plain functions taking the request's parameters (and the request's links
for absolute URLs), returning the `result` or raising an ActionError. Unknown parameters are
ignored, as CKAN ignores them."""

from django.conf import settings
from django.db.models import Count, Q

from ..models import DatasetPage, DatasetTag, DataTheme, Licence, Organisation, Resource
from ..selectors import published_datasets
from . import search
from .datastore import datastore_search
from .dictization import (
    Links,
    catalogue_datasets,
    group_dict,
    group_id,
    licence_dict,
    organisation_dict,
    organisation_id,
    package_dicts,
    resource_id,
)
from .errors import NotFound, ValidationError, boolean, integer, json_value, text

MAX_ROWS = 1000
ThemeLink = DatasetPage.themes.through
CKAN_VERSION = "2.10.4"


def _packages(ids: list[int], links: Links) -> list[dict]:
    loaded = catalogue_datasets().in_bulk(ids)
    return package_dicts([loaded[pk] for pk in ids if pk in loaded], links)


def package_search(params: dict, links: Links) -> dict:
    """Search datasets: q, fq, sort, rows (at most 1000), start, facet.field, facet.limit."""
    rows = integer(params, "rows", 10, maximum=MAX_ROWS)
    start = integer(params, "start", 0)
    sort = search.parse_sort(text(params, "sort"))
    terms, words = search.parse_terms(text(params, "q"), allow_words=True)
    fq_terms, _words = search.parse_terms(text(params, "fq"))
    for extra in json_value(params, "fq_list", list) or []:
        fq_terms += search.parse_terms(str(extra))[0]
    datasets = published_datasets()
    for term in [*terms, *fq_terms]:
        datasets = datasets.filter(search.term_filter(term))
    ranks = {}
    if words:
        matches = search.text_matches(words)
        ranks = {pk: rank for rank, pk in enumerate(matches)}
        datasets = datasets.filter(pk__in=matches)
    ordered = search.sorted_ids(datasets, sort, ranks)
    fields = json_value(params, "facet.field", list) or json_value(params, "facet_field", list)
    limit = integer(params, "facet.limit", integer(params, "facet_limit", 50))
    if str(params.get("facet.limit", params.get("facet_limit", ""))) == "-1":
        limit = -1
    plain, described = {}, {}
    if fields and boolean(params, "facet", True):
        plain, described = search.facets(
            published_datasets().filter(pk__in=ordered), [str(f) for f in fields], limit
        )
    return {
        "count": len(ordered),
        "sort": text(params, "sort") or search.DEFAULT_SORT,
        "results": _packages(ordered[start : start + rows], links),
        "facets": plain,
        "search_facets": described,
    }


def _dataset(params: dict) -> DatasetPage:
    key = text(params, "id") or text(params, "name")
    if not key:
        raise ValidationError("id", "Missing value")
    condition = Q(slug=key) | search.term_filter(search.Term("id", values=(key,)))
    found = published_datasets().filter(condition).values_list("pk", flat=True).first()
    if found is None:
        raise NotFound("Dataset not found")
    return found


def package_show(params: dict, links: Links) -> dict:
    """One published dataset by id or name."""
    return _packages([_dataset(params)], links)[0]


def package_list(params: dict, links: Links) -> list[str]:
    """The names of published datasets, alphabetically; limit and offset page them."""
    names = published_datasets().order_by("slug").values_list("slug", flat=True)
    offset = integer(params, "offset", 0)
    limit = integer(params, "limit", 0)
    return list(names[offset : offset + limit] if limit else names[offset:])


def current_package_list_with_resources(params: dict, links: Links) -> list[dict]:
    """Published datasets with their resources, the most recently modified first."""
    limit = integer(params, "limit", 0) or MAX_ROWS
    offset = integer(params, "offset", 0)
    ordered = search.sorted_ids(published_datasets(), [("metadata_modified", True)], {})
    return _packages(ordered[offset : offset + limit], links)


def _counted_publishers() -> dict[int, int]:
    rows = published_datasets().values("publisher_id").annotate(n=Count("pk")).order_by()
    return {row["publisher_id"]: row["n"] for row in rows}


def _counted_themes() -> dict[int, int]:
    links = ThemeLink.objects.filter(datasetpage_id__in=published_datasets().values("pk"))
    rows = links.values("datatheme_id").annotate(n=Count("datasetpage_id")).order_by()
    return {row["datatheme_id"]: row["n"] for row in rows}


def _listed(params: dict, items: list, counts: dict, make, title) -> list:
    order = text(params, "sort") or "title asc"
    field, _space, direction = order.partition(" ")
    keys = {"name": lambda item: item.pk, "title": title, "package_count": None}
    if field not in keys:
        raise ValidationError("sort", f"Cannot sort by field `{field}`")
    if field == "package_count":
        items.sort(key=lambda item: counts.get(item.pk, 0))
    else:
        items.sort(key=lambda item: title(item).casefold())
    if direction.strip().lower() == "desc":
        items.reverse()
    offset, limit = integer(params, "offset", 0), integer(params, "limit", 0)
    items = items[offset : offset + limit] if limit else items[offset:]
    if boolean(params, "all_fields", False):
        return [make(item, counts.get(item.pk, 0)) for item in items]
    return [make(item)["name"] for item in items]


def organization_list(params: dict, links: Links) -> list:
    """Publishers: names, or dictionaries with `all_fields`; sort by name, title or count."""
    return _listed(
        params,
        list(Organisation.objects.all()),
        _counted_publishers(),
        organisation_dict,
        lambda item: item.name if not text(params, "sort").startswith("name") else item.slug,
    )


def group_list(params: dict, links: Links) -> list:
    """The EU data themes as groups (name: the lower-case theme code)."""
    return _listed(
        params,
        list(DataTheme.objects.all()),
        _counted_themes(),
        group_dict,
        lambda item: item.name if not text(params, "sort").startswith("name") else item.code,
    )


def _by_key(items, params: dict, ident, name):
    key = text(params, "id")
    if not key:
        raise ValidationError("id", "Missing value")
    for item in items:
        if key in {ident(item), name(item)}:
            return item
    raise NotFound("Not found")


def organization_show(params: dict, links: Links) -> dict:
    """One publisher by id or name; `include_datasets` adds its published datasets."""
    organisation = _by_key(
        Organisation.objects.all(),
        params,
        lambda item: organisation_id(item.slug),
        lambda item: item.slug,
    )
    datasets = published_datasets().filter(publisher=organisation)
    result = organisation_dict(organisation, datasets.count())
    if boolean(params, "include_datasets", False):
        ordered = search.sorted_ids(datasets, [("name", False)], {})
        result["packages"] = _packages(ordered[:MAX_ROWS], links)
    return result


def group_show(params: dict, links: Links) -> dict:
    """One theme by id or name (its code, in any case); `include_datasets` adds its datasets."""
    params = {**params, "id": text(params, "id").lower()}
    theme = _by_key(
        DataTheme.objects.all(),
        params,
        lambda item: group_id(item.code),
        lambda item: item.code.lower(),
    )
    datasets = published_datasets().filter(themes=theme)
    result = group_dict(theme, datasets.count())
    if boolean(params, "include_datasets", False):
        ordered = search.sorted_ids(datasets, [("name", False)], {})
        result["packages"] = _packages(ordered[:MAX_ROWS], links)
    return result


def tag_list(params: dict, links: Links) -> list:
    """The tags of published datasets; `query` keeps those containing it."""
    tags = DatasetTag.objects.filter(content_object_id__in=published_datasets().values("pk"))
    if query := text(params, "query"):
        tags = tags.filter(tag__name__icontains=query)
    rows = tags.values_list("tag_id", "tag__name").order_by("tag__name").distinct()
    if boolean(params, "all_fields", False):
        return [{"id": str(pk), "name": name, "vocabulary_id": None} for pk, name in rows]
    return [name for _pk, name in rows]


def resource_show(params: dict, links: Links) -> dict:
    """One resource of a published dataset by its id."""
    key = text(params, "id")
    if not key:
        raise ValidationError("id", "Missing value")
    rows = Resource.objects.filter(dataset__in=published_datasets()).values_list(
        "pk", "dataset_id", "dataset__translation_key"
    )
    for pk, dataset_pk, dataset_key in rows:
        if resource_id(dataset_key, pk) == key:
            package = _packages([dataset_pk], links)[0]
            return next(item for item in package["resources"] if item["id"] == key)
    raise NotFound("Resource was not found.")


def status_show(params: dict, links: Links) -> dict:
    """What kind of portal this is, for clients that check before they harvest."""
    return {
        "ckan_version": CKAN_VERSION,
        "site_title": settings.WAGTAIL_SITE_NAME,
        "site_description": "",
        "site_url": links.absolute("/").rstrip("/"),
        "locale_default": settings.LANGUAGE_CODE,
        "extensions": ["datastore", "dcat"],
    }


def license_list(params: dict, links: Links) -> list[dict]:
    """The licences datasets may be published under."""
    return [licence_dict(licence) for licence in Licence]


def help_show(params: dict, links: Links) -> str:
    """The documentation of an action."""
    from .write_actions import WRITE_ACTIONS  # they build on the read actions

    name = text(params, "name")
    documented = ACTIONS | WRITE_ACTIONS
    if name not in documented:
        raise NotFound(f"Action function not found: {name}")
    return documented[name].__doc__ or ""


ACTIONS = {
    action.__name__: action
    for action in [
        package_search,
        package_show,
        package_list,
        current_package_list_with_resources,
        organization_list,
        organization_show,
        group_list,
        group_show,
        tag_list,
        resource_show,
        status_show,
        license_list,
        datastore_search,
        help_show,
    ]
}
