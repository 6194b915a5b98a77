"""Page-number paging for every list in the API. Unlike DRF's default, a page or page size
that is not a positive whole number is refused with a message, not silently replaced."""

from django.core.paginator import InvalidPage
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework_gis.pagination import GeoJsonPagination

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 500


class PageNumberPagination(pagination.PageNumberPagination):
    """`?page=` and `?page_size=` (at most 500); `count`, `next` and `previous` beside the
    results. A page past the last one is a 404."""

    page_size = DEFAULT_PAGE_SIZE
    max_page_size = MAX_PAGE_SIZE
    page_size_query_param = "page_size"
    page_query_description = gettext_lazy("The page to return, from 1.")
    page_size_query_description = gettext_lazy(
        "How many items a page holds: 1 to 500, 100 if not given."
    )

    @property
    def query_parameters(self) -> set[str]:
        return {self.page_query_param, self.page_size_query_param}

    def get_page_size(self, request):
        value = request.query_params.get(self.page_size_query_param, "")
        if not value:
            return self.page_size
        size = _positive_int(value)
        if size is None or size > self.max_page_size:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        _("Give a whole number from 1 to %(maximum)s, not “%(value)s”.")
                        % {"maximum": self.max_page_size, "value": value}
                    ]
                }
            )
        return size

    def get_page_number(self, request, paginator):
        value = request.query_params.get(self.page_query_param, "")
        if not value:
            return 1
        number = _positive_int(value)
        if number is None:
            raise ValidationError(
                {
                    self.page_query_param: [
                        _("Give a page number from 1, not “%(value)s”.") % {"value": value}
                    ]
                }
            )
        return number

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        paginator = self.django_paginator_class(queryset, self.get_page_size(request))
        number = self.get_page_number(request, paginator)
        try:
            self.page = paginator.page(number)
        except InvalidPage:
            raise NotFound(
                _("There is no page %(number)s: the last page is %(last)s.")
                % {"number": number, "last": paginator.num_pages}
            ) from None
        return list(self.page)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["maximum"] = self.max_page_size
                parameter["schema"]["default"] = self.page_size
        return parameters


class GeoJSONPagination(PageNumberPagination, GeoJsonPagination):
    """The same paging for GeoJSON: each page is a FeatureCollection, with `count`, `next`
    and `previous` beside its `features`."""

    def get_paginated_response_schema(self, schema: dict) -> dict:
        # `schema` is the list's FeatureCollection; a page is that collection with the paging
        # links beside its features (not, as in DRF, the list under `results`).
        paging = pagination.PageNumberPagination.get_paginated_response_schema(self, schema)
        links = {name: paging["properties"][name] for name in ("count", "next", "previous")}
        return {
            "allOf": [
                schema,
                {
                    "type": "object",
                    "required": ["type", "features", "count"],
                    "properties": links,
                },
            ]
        }


def _positive_int(value: str) -> int | None:
    if not value.isascii() or not value.isdigit():
        return None
    number = int(value)
    return number if number > 0 else None
