"""The base of every read-only endpoint of the API."""

import math

from django.http import Http404
from django.utils.cache import patch_cache_control
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from rest_framework import viewsets
from rest_framework.exceptions import NotFound, ParseError, Throttled

from .params import QueryParameters


class PublicReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    """Public data, the same for everyone: checked query parameters (`list_parameters`,
    `detail_parameters`), a 404 that names what was not found (`not_found_message`, formatted
    with the URL's keyword arguments), and a Cache-Control header so proxies may keep
    responses for `cache_max_age` seconds."""

    list_parameters: type[QueryParameters] = QueryParameters
    detail_parameters: type[QueryParameters] = QueryParameters
    not_found_message: str = ""
    cache_max_age = 60

    @cached_property
    def query(self) -> dict:
        """This request's validated query parameters."""
        if self.action == "list":
            return self.list_parameters.from_request(
                self.request, also_allowed=self.paginator.query_parameters
            )
        return self.detail_parameters.from_request(self.request)

    def perform_content_negotiation(self, request, force=False):
        try:
            return super().perform_content_negotiation(request, force=force)
        except Http404:
            raise ParseError(
                _("Unknown format “%(format)s”: the API answers in JSON (format=json).")
                % {"format": self.kwargs.get("format") or request.query_params.get("format")}
            ) from None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # Checked before anything is read, so a bad parameter is a 400 even on a detail URL.
        self.query  # noqa: B018

    def throttled(self, request, wait):
        """429 with a message of our own and the wait in Retry-After."""
        seconds = math.ceil(wait) if wait is not None else None
        if seconds is None:
            exc = Throttled(detail=_("Too many requests. Try again later."))
        else:
            exc = Throttled(
                detail=_("Too many requests. Try again in %(seconds)s seconds.")
                % {"seconds": seconds}
            )
            exc.wait = seconds  # DRF's handler turns it into the Retry-After header.
        raise exc

    def get_object(self):
        queryset = self.get_queryset()
        lookup = self.kwargs[self.lookup_url_kwarg or self.lookup_field]
        found = queryset.filter(**{self.lookup_field: lookup}).first()
        if found is None:
            raise NotFound(self.not_found_message % {self.lookup_field: lookup})
        self.check_object_permissions(self.request, found)
        return found

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method in ("GET", "HEAD") and response.status_code == 200:
            patch_cache_control(response, public=True, max_age=self.cache_max_age)
        return response
