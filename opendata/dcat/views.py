"""The DCAT-AP.de documents: the catalogue a page at a time (`/catalog.ttl?page=2`), only what
changed since a date if asked (`?modified_since=2024-05-01`), and one dataset
(`/dataset/<slug>.jsonld`), each in Turtle, RDF/XML or JSON-LD."""

import datetime
import json
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Max
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.http import require_safe
from rdflib.namespace import DCAT

from cms.models import SiteSettings

from ..models import DatasetIndexPage
from .graph import CatalogueGraph, dcat_datasets, related_to

PAGE_SIZE = 100
# Extension → rdflib serialisation and content type.
SERIALISATIONS = {
    "ttl": ("turtle", "text/turtle; charset=utf-8"),
    "rdf": ("xml", "application/rdf+xml; charset=utf-8"),
    "jsonld": ("json-ld", "application/ld+json; charset=utf-8"),
}
CACHE_CONTROL = "public, max-age=300"


class BadParameter(ValueError):
    """A query parameter the catalogue cannot use; the message says which and why."""


def _bad_request(message: str, extension: str) -> HttpResponse:
    if extension == "jsonld":
        return HttpResponse(
            json.dumps({"error": message}),
            status=400,
            content_type="application/json; charset=utf-8",
        )
    return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")


def _serialised(graph, extension: str) -> HttpResponse:
    rdf_format, content_type = SERIALISATIONS[extension]
    response = HttpResponse(graph.serialize(format=rdf_format), content_type=content_type)
    response["Cache-Control"] = CACHE_CONTROL
    return response


def parse_modified_since(value: str | None) -> datetime.datetime | None:
    """An ISO 8601 date (midnight, in the site's time zone) or date and time; a time without a
    zone is taken in the site's time zone."""
    if value is None:
        return None
    text = value.strip()
    try:
        moment = parse_datetime(text)
        if moment is None and (day := parse_date(text)) is not None:
            moment = datetime.datetime.combine(day, datetime.time.min)
    except ValueError:
        moment = None
    if moment is None:
        raise BadParameter(
            f"modified_since must be an ISO 8601 date or date and time "
            f"(2024-05-01 or 2024-05-01T12:00:00+02:00), not {value!r}."
        )
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def parse_page(value: str | None, last: int) -> int:
    if value is None:
        return 1
    if not value.isdigit() or not 1 <= int(value) <= last:
        raise BadParameter(f"page must be a whole number from 1 to {last}, not {value!r}.")
    return int(value)


def _page_url(request, extension: str, number: int, modified_since: str | None) -> str:
    params = {"page": number}
    if modified_since is not None:
        params["modified_since"] = modified_since
    path = reverse("dcat_catalogue_document", args=[extension])
    return request.build_absolute_uri(f"{path}?{urlencode(params)}")


@require_safe
def catalogue(request, extension: str):
    """One page of the catalogue with hydra links to the first, previous, next and last page.
    Unusable `page` or `modified_since` parameters are answered with 400 and the reason."""
    raw_since = request.GET.get("modified_since")
    try:
        since = parse_modified_since(raw_since)
        datasets = dcat_datasets(modified_since=since)
        paginator = Paginator(datasets, PAGE_SIZE)
        number = parse_page(request.GET.get("page"), paginator.num_pages)
    except BadParameter as error:
        return _bad_request(str(error), extension)
    page = paginator.page(number)
    listed = list(page.object_list)
    builder = CatalogueGraph(request)
    index = DatasetIndexPage.objects.live().first()
    modified = dcat_datasets().aggregate(latest=Max("modified"))["latest"]
    organisation = SiteSettings.for_request(request).organisation_name or (
        index.title if index else "Quartier"
    )
    catalogue_iri = builder.add_catalogue(index, organisation, modified)
    related = related_to(listed)
    for dataset in listed:
        builder.add(catalogue_iri, DCAT.dataset, builder.add_dataset(dataset, related))

    def url(n: int) -> str:
        return _page_url(request, extension, n, raw_since)

    builder.add_paging(
        url(number),
        first=url(1),
        last=url(paginator.num_pages),
        previous=url(number - 1) if page.has_previous() else None,
        next_=url(number + 1) if page.has_next() else None,
        total=paginator.count,
        size=PAGE_SIZE,
    )
    return _serialised(builder.graph, extension)


@require_safe
def dataset(request, slug: str, extension: str):
    """One published dataset; 404 for a dataset that does not exist or is not published."""
    found = dcat_datasets().filter(slug=slug).first()
    if found is None:
        raise Http404("No such dataset")
    builder = CatalogueGraph(request)
    builder.add_dataset(found, related_to([found]))
    return _serialised(builder.graph, extension)


@require_safe
def catalogue_iri(request):
    """The catalogue's IRI leads to its Turtle document (303: the document describes it)."""
    response = redirect(reverse("dcat_catalogue_document", args=["ttl"]))
    response.status_code = 303
    return response


@require_safe
def dataset_iri(request, slug: str):
    """A dataset's IRI leads to its landing page (303: the page is about the dataset)."""
    found = dcat_datasets().filter(slug=slug).first()
    if found is None:
        raise Http404("No such dataset")
    response = redirect(found.get_url(request))
    response.status_code = 303
    return response
