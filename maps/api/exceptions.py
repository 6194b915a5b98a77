"""Every API error is a JSON object whose `detail` says, in one sentence, what went wrong.

Bad query parameters also list their messages per parameter under `errors`, so a client can
point at the field it got wrong."""

import logging

from django.conf import settings
from django.core import signals
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

logger = logging.getLogger("django.request")


class ErrorSerializer(serializers.Serializer):
    """The body of every error response (for the schema)."""

    detail = serializers.CharField(help_text=gettext_lazy("What went wrong, in one sentence."))
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text=gettext_lazy(
            "For bad query parameters or fields: the messages for each parameter or field."
        ),
    )


class Conflict(exceptions.APIException):
    """The request is well-formed, but what it asks conflicts with the current state (e.g. a
    consultation that takes no contributions now)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = gettext_lazy("This is not possible in the current state.")
    default_code = "conflict"


class UnprocessableContent(exceptions.ValidationError):
    """Well-formed data that breaks a rule (a place outside the consultation area, a text too
    long): 422, with the messages per field as for a 400."""

    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "unprocessable"


def exception_handler(exc, context):
    """DRF's handler, with validation errors summed up in `detail` and unexpected errors
    answered as JSON too, after Django's usual error reporting (with DEBUG, they reach
    Django's technical error page instead)."""
    response = drf_exception_handler(exc, context)
    if response is None and not settings.DEBUG:
        request = context["request"]._request
        # What Django does for an uncaught exception: notify listeners, log for the admins.
        signals.got_request_exception.send(sender=None, request=request)
        logger.error(
            "Internal Server Error: %s",
            request.path,
            exc_info=exc,
            extra={"status_code": 500, "request": request},
        )
        return Response(
            {"detail": _("Something went wrong on our side. Please try again later.")},
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    if response is not None and isinstance(exc, exceptions.ValidationError):
        response.data = validation_error_body(exc.detail)
    return response


def validation_error_body(detail) -> dict:
    """`{"detail": "bbox: …", "errors": {"bbox": ["…"]}}` from a ValidationError's detail."""
    if not isinstance(detail, dict):
        messages = detail if isinstance(detail, list) else [detail]
        return {"detail": " ".join(str(message) for message in messages)}
    errors = {
        name: [str(message) for message in (messages if isinstance(messages, list) else [messages])]
        for name, messages in detail.items()
    }
    summary = " ".join(
        f"{name}: {message}" if name != "non_field_errors" else message
        for name, messages in errors.items()
        for message in messages
    )
    return {"detail": summary, "errors": errors}


def not_found(request, *args, **kwargs):
    """An address under the API that names no endpoint."""
    return JsonResponse(
        {"detail": _("There is no API endpoint at %(path)s.") % {"path": request.path}},
        status=status.HTTP_404_NOT_FOUND,
    )
