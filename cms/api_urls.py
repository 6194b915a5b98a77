"""The REST API, version 1: each app contributes its routes; here they are composed with the
OpenAPI schema and the documentation page, which is generated from that schema."""

from urllib.parse import urlencode

from django.shortcuts import render
from django.urls import include, path, re_path
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


def documentation(request):
    """Every endpoint with its parameters and an example request, read from the schema."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    endpoints = [
        _endpoint(request, url_path, operation["get"])
        for url_path, operation in schema["paths"].items()
        if "get" in operation
    ]
    return render(
        request,
        "api/documentation.html",
        {
            "endpoints": endpoints,
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
