"""The REST API, version 1: each app contributes its routes; here they are composed with the
OpenAPI schema and the documentation page, which is generated from that schema."""

import json
from urllib.parse import urlencode

from django.shortcuts import render
from django.urls import include, path, re_path
from django.utils.translation import gettext as _
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.views import SpectacularAPIView

from maps.api import pagination
from maps.api import urls as maps_api_urls
from maps.api.exceptions import not_found
from opendata.api import urls as opendata_api_urls
from participation.api import urls as participation_api_urls

app_name = "api"


def api_endpoints_only(endpoints: list) -> list:
    """Schema hook: this API's endpoints, not those the CMS admin uses internally."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]


def common_error_responses(result: dict, generator, request, public) -> dict:
    """Schema hook: the answers any endpoint may give besides its own, 401 for an unknown or
    revoked API key and 429 for too many requests, with the error body every error has."""
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    common = {
        "401": {
            "description": _("The API key sent is unknown or revoked (or one is needed)."),
            "headers": {
                "WWW-Authenticate": {
                    "schema": {"type": "string", "example": "Bearer"},
                    "description": _("The scheme to authenticate with: Bearer."),
                }
            },
            "content": error,
        },
        "429": {
            "description": _("Too many requests: wait as long as Retry-After says."),
            "headers": {
                "Retry-After": {
                    "schema": {"type": "integer", "example": 30},
                    "description": _("Seconds to wait before the next request."),
                }
            },
            "content": error,
        },
    }
    for operations in result["paths"].values():
        for operation in operations.values():
            for code, response in common.items():
                operation["responses"].setdefault(code, response)
    return result


def documentation(request):
    """Every endpoint with its parameters and an example request, read from the schema."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    endpoints = [
        _endpoint(request, url_path, operation["get"])
        for url_path, operation in schema["paths"].items()
        if "get" in operation
    ]
    writing = [
        _writing_endpoint(request, url_path, method, operation[method], schema["components"])
        for url_path, operation in schema["paths"].items()
        for method in ("post", "put", "patch", "delete")
        if method in operation
    ]
    return render(
        request,
        "api/documentation.html",
        {
            "endpoints": endpoints,
            "writing_endpoints": writing,
            "page_size": pagination.DEFAULT_PAGE_SIZE,
            "max_page_size": pagination.MAX_PAGE_SIZE,
        },
    )


def _endpoint(request, url_path: str, operation: dict) -> dict:
    parameters = [_parameter(parameter) for parameter in operation.get("parameters", [])]
    example_path = url_path
    query = {}
    for parameter in parameters:
        if parameter["example"] is None:
            continue
        if parameter["in"] == "path":
            example_path = example_path.replace(f"{{{parameter['name']}}}", parameter["example"])
        else:
            query[parameter["name"]] = parameter["example"]
    example = example_path + (f"?{urlencode(query)}" if query else "")
    return {
        "id": operation["operationId"].replace("_", "-"),
        "path": url_path,
        "summary": operation.get("summary", ""),
        "description": operation.get("description", ""),
        "parameters": parameters,
        "example": request.build_absolute_uri(example),
    }


def _writing_endpoint(
    request, url_path: str, method: str, operation: dict, components: dict
) -> dict:
    """An endpoint that changes data: its request body's fields, the answers it may give and a
    curl example with the body from the schema."""
    content = operation["requestBody"]["content"]["application/json"]
    examples = [example["value"] for example in content.get("examples", {}).values()]
    body = json.dumps(examples[0], ensure_ascii=False) if examples else "{}"
    body = body.replace("'", "'\\''")  # inside the shell's single quotes
    url = request.build_absolute_uri(url_path)
    return {
        "id": operation["operationId"].replace("_", "-"),
        "method": method.upper(),
        "path": url_path,
        "summary": operation.get("summary", ""),
        "description": operation.get("description", ""),
        "fields": _body_fields(content["schema"], components),
        "responses": [
            {"status": code, "description": response.get("description", "")}
            for code, response in sorted(operation["responses"].items())
        ],
        "curl": (
            f"curl -X {method.upper()} {url} \\\n"
            f'  -H "Authorization: Bearer $KEY" \\\n'
            f'  -H "Content-Type: application/json" \\\n'
            f"  -d '{body}'"
        ),
    }


def _body_fields(schema: dict, components: dict) -> list[dict]:
    component = components["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    required = set(component.get("required", []))
    return [
        {
            "name": field,
            "required": field in required,
            "description": (spec.get("description") or "").split("\n\n")[0],
        }
        for field, spec in component["properties"].items()
    ]


def _parameter(parameter: dict) -> dict:
    schema = parameter.get("schema", {})
    examples = [example["value"] for example in parameter.get("examples", {}).values()]
    return {
        "name": parameter["name"],
        "in": parameter["in"],
        "required": parameter.get("required", False),
        "type": schema.get("type", "string"),
        "choices": schema.get("enum", []),
        "minimum": schema.get("minimum"),
        "maximum": schema.get("maximum"),
        "description": parameter.get("description", ""),
        "example": _query_value(examples[0]) if examples else None,
    }


def _query_value(value) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


urlpatterns = [
    path("", documentation, name="documentation"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("", include(participation_api_urls)),
    path("", include(maps_api_urls)),
    path("", include(opendata_api_urls)),
    # Anything else under the API is answered in JSON too (without a slash, Django first
    # redirects to the address with one).
    re_path(r"^.+/$", not_found),
]
