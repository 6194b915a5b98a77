from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.shortcuts import render
from wagtail.models import Page

from cms.forms import SearchForm, form_data_keep, typed_values
from participation.selectors.review import hidden_in_review_ids

RESULTS_PER_PAGE = 10


def search(request):
    """Full-text search over published public pages (never a consultation hidden in its review
    phase). A bad page number shows the last page."""
    form = SearchForm(request.GET or None)
    query = ""
    results = None
    if form.is_bound and form.is_valid():
        query = form.cleaned_data["q"].strip()
    if query:
        matches = (
            Page.objects.live()
            .public()
            .exclude(pk__in=hidden_in_review_ids())
            .specific()
            .search(query)
        )
        results = Paginator(matches, RESULTS_PER_PAGE).get_page(request.GET.get("seite"))
    return render(
        request,
        "cms/search.html",
        {
            "form": form,
            "search_query": query,
            "results": results,
            "query_prefix": urlencode({"q": query}) + "&",
        },
    )


def csrf_failure(request, reason: str = ""):
    """A form sent without a valid security token, usually because the page stayed open too
    long. Nothing typed is lost: it is kept for the form and shown here."""
    if request.method == "POST":
        form_data_keep(request)
    return render(
        request,
        "csrf_failure.html",
        {"form_url": request.path, "kept": typed_values(request)},
        status=403,
    )
