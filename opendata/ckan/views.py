"""The envelope around every action: parameters from the query string, a form or a JSON body;
`{"help", "success", "result"}` or `{"help", "success": false, "error"}` with CKAN's status
codes. Exempt from CSRF: API clients send no cookie token; the write actions are authorised by
an API key in a header, which a browser never adds on its own."""

import json

from django.http import JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from participation.services.tokens import api_token_user, request_secret

from .actions import ACTIONS
from .dictization import Links
from .errors import ActionError, BadRequest, NotAuthorized
from .write_actions import REFUSED_ACTIONS, WRITE_ACTIONS, Caller


def _params(request) -> dict:
    if request.method == "GET":
        return {key: values[-1] for key, values in request.GET.lists()}
    if request.content_type in {"application/x-www-form-urlencoded", "multipart/form-data"}:
        return {key: values[-1] for key, values in request.POST.lists()}
    if not request.body.strip():
        return {}
    try:
        params = json.loads(request.body)
    except (ValueError, UnicodeDecodeError) as error:
        raise BadRequest(f"JSON Error: {error}") from None
    if not isinstance(params, dict):
        raise BadRequest("JSON Error: the body must be a JSON object")
    return params


def _response(help_url: str, status: int, **content) -> JsonResponse:
    return JsonResponse(
        {"help": help_url, **content}, status=status, json_dumps_params={"ensure_ascii": False}
    )


def _write(request, name: str):
    """Run a write action as the owner of the request's API key."""
    if request.method != "POST":
        raise BadRequest("JSON Error: Invalid request. Please use POST method for your request")
    user = api_token_user(request_secret(request))
    if user is None:
        raise NotAuthorized(_("Access denied: %(action)s needs a valid API key") % {"action": name})
    return WRITE_ACTIONS[name](_params(request), Caller(user, Links(request), request.FILES))


@csrf_exempt
def action(request, name: str):
    """Run the action `name` and answer in CKAN's envelope."""
    help_path = reverse("ckan:action", args=["help_show"])
    help_url = request.build_absolute_uri(f"{help_path}?name={name}")
    if request.method not in {"GET", "POST"}:
        response = _response(help_url, 405, success=False, error=BadRequest("GET or POST").error())
        response["Allow"] = "GET, POST"
        return response
    try:
        if name in REFUSED_ACTIONS:
            raise NotAuthorized(
                _("Access denied: %(action)s is not offered; editors use the CMS")
                % {"action": name}
            )
        if name in WRITE_ACTIONS:
            result = _write(request, name)
        elif name in ACTIONS:
            result = ACTIONS[name](_params(request), Links(request))
        else:
            raise BadRequest(f"Action name not known: {name}")
    except ActionError as error:
        return _response(help_url, error.status, success=False, error=error.error())
    return _response(help_url, 200, success=True, result=result)
