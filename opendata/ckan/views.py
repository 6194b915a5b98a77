"""The envelope around every action: parameters from the query string, a form or a JSON body;
`{"help", "success", "result"}` or `{"help", "success": false, "error"}` with CKAN's status
codes. Exempt from CSRF (nothing here changes state, and API clients send no token)."""

import json

from django.http import JsonResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from .actions import ACTIONS, WRITE_ACTIONS
from .dictization import Links
from .errors import ActionError, BadRequest, NotAuthorized


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


@csrf_exempt
def action(request, name: str):
    """Run the read action `name` and answer in CKAN's envelope."""
    help_path = reverse("ckan:action", args=["help_show"])
    help_url = request.build_absolute_uri(f"{help_path}?name={name}")
    if request.method not in {"GET", "POST"}:
        response = _response(help_url, 405, success=False, error=BadRequest("GET or POST").error())
        response["Allow"] = "GET, POST"
        return response
    try:
        if name in WRITE_ACTIONS:
            raise NotAuthorized(f"Access denied: {name} is not offered; this API only reads")
        if name not in ACTIONS:
            raise BadRequest(f"Action name not known: {name}")
        result = ACTIONS[name](_params(request), Links(request))
    except ActionError as error:
        return _response(help_url, error.status, success=False, error=error.error())
    return _response(help_url, 200, success=True, result=result)
