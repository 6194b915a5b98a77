from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.shortcuts import render
from wagtail.models import Page

from cms.forms import SearchForm

RESULTS_PER_PAGE = 10


def search(request):
    """Full-text search over published public pages. A bad page number shows the last page."""
    form = SearchForm(request.GET or None)
    query = ""
    results = None
    if form.is_bound and form.is_valid():
        query = form.cleaned_data["q"].strip()
    if query:
        matches = Page.objects.live().public().specific().search(query)
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
