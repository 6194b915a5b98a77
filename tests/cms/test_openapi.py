"""The OpenAPI schema of /api/v1/ is complete and true: it validates, it documents every
endpoint the URLs route to, each operation answered with its own examples gives JSON of the
documented shape, and each constrained query parameter refuses a bad value by name."""

import json

import pytest
from django.conf import settings
from django.contrib.gis.geos import Point
from django.utils import timezone
from drf_spectacular.generators import EndpointEnumerator
from drf_spectacular.validation import validate_schema
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from participation.models import Answer, Group, Membership, Proposal, Statement
from participation.services.tokens import api_token_create
from tests.factories import make_consultation, make_dataset, square
from tests.opendata.test_api import add_table

pytestmark = pytest.mark.django_db

METHODS = ("get", "post", "put", "patch", "delete")
BAD_VALUES = {"integer": "zwei", "boolean": "vielleicht", "enum": "gibt-es-nicht"}


@pytest.fixture
def api(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def schema(api) -> dict:
    response = api.get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    return json.loads(response.content)


@pytest.fixture
def data(area_factory, user_factory, contribution_factory) -> dict:
    """One item of each kind the API publishes, by the first segment of its path."""
    district = area_factory(
        code="02", name="Friedrichshain-Kreuzberg", geometry=square(13.4, 52.5, 0.1)
    )
    consultation = make_consultation(areas=[district])
    proposal = Proposal.objects.create(
        consultation=consultation,
        title="Bank",
        description="…",
        geometry=Point(13.42, 52.52, srid=4326),
    )
    contribution = contribution_factory(
        consultation=consultation, proposal=proposal, geometry=Point(13.42, 52.52, srid=4326)
    )
    group = Group.objects.create(
        name="Seniorenvertretung", slug="senioren", kind=Group.Kind.ADVISORY_BOARD, verified=True
    )
    Membership.objects.create(group=group, user=user_factory(), status=Membership.Status.ACTIVE)
    statement = Statement.objects.create(
        consultation=consultation,
        group=group,
        text="Wir unterstützen den Standort.",
        recommendation=Statement.Recommendation.CONDITIONS,
        resolution_date=timezone.localdate(),
    )
    answer = Answer.objects.create(
        contribution=contribution,
        outcome=Answer.Outcome.PARTLY,
        reasons="Teilweise übernommen.",
        answered_by=user_factory(),
    )
    dataset = make_dataset()
    resource = add_table(dataset)
    author = user_factory()
    _token, key = api_token_create(user=author, name="Prüfung")
    return {
        "consultations": consultation.pk,
        "proposals": proposal.pk,
        "contributions": contribution.pk,
        "groups": group.pk,
        "statements": statement.pk,
        "answers": answer.pk,
        "areas": district.code,
        "datasets": dataset.slug,
        "resources": resource.pk,
        "key": key,
    }


def operations(schema: dict):
    for path, item in schema["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def openapi_to_json_schema(node):
    """OpenAPI 3.0's `nullable` as JSON Schema's null type, everywhere in `node`. `oneOf`
    becomes `anyOf`: formats are not checked here, so an empty string matches both "empty" and
    "uri" in the schema of an optional web address."""
    if isinstance(node, list):
        return [openapi_to_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {
        ("anyOf" if key == "oneOf" else key): openapi_to_json_schema(value)
        for key, value in node.items()
    }
    if converted.pop("nullable", False):
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


def assert_documented_shape(schema: dict, operation: dict, response) -> None:
    documented = operation["responses"][str(response.status_code)]
    assert response["Content-Type"].startswith("application/json")
    body_schema = documented["content"]["application/json"]["schema"]
    document = openapi_to_json_schema({"components": schema["components"]})
    registry = Registry().with_resource(
        "urn:openapi", Resource.from_contents(document, default_specification=DRAFT202012)
    )
    reference = body_schema["$ref"].replace("#", "urn:openapi#", 1)
    validator = Draft202012Validator({"$ref": reference}, registry=registry)
    errors = [error.message for error in validator.iter_errors(response.json())]
    assert errors == [], (operation["operationId"], errors[:3])


def example_path(path: str, operation: dict, data: dict) -> str:
    """The path with its parameters filled from the test data, and the query parameters' own
    examples appended."""
    resource = path.removeprefix("/api/v1/").split("/")[0]
    query = []
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "path":
            path = path.replace(f"{{{parameter['name']}}}", str(data[resource]))
        elif parameter.get("examples"):
            value = next(iter(parameter["examples"].values()))["value"]
            value = str(value).lower() if isinstance(value, bool) else value
            query.append(f"{parameter['name']}={value}")
    return path + (f"?{'&'.join(query)}" if query else "")


def request_body(operation: dict, data: dict) -> dict:
    content = operation["requestBody"]["content"]["application/json"]
    body = dict(next(iter(content["examples"].values()))["value"])
    for field in ("consultation", "proposal", "group"):
        if field in body:
            body[field] = data[f"{field}s"]
    return body


# The schema ------------------------------------------------------------------------------------


def test_schema_is_valid_openapi_with_both_security_schemes(schema):
    validate_schema(schema)

    schemes = schema["components"]["securitySchemes"]
    assert schemes["apiKey"] == {**schemes["apiKey"], "type": "http", "scheme": "bearer"}
    assert schemes["session"]["in"] == "cookie"
    assert "Authorization: Bearer <key>" in schema["info"]["description"]


def test_every_routed_endpoint_is_in_the_schema(schema):
    routed = {
        # The schema names a primary key `id`, as drf-spectacular does by default.
        (path.replace("{pk}", "{id}"), method.lower())
        for path, _regex, method, _view in EndpointEnumerator().get_api_endpoints()
        if path.startswith("/api/v1/") and path != "/api/v1/schema/"
    }
    documented = {(path, method) for path, method, _operation in operations(schema)}

    assert routed == documented


def test_every_operation_is_described_with_examples_and_error_answers(schema):
    for path, method, operation in operations(schema):
        name = f"{method.upper()} {path}"
        assert operation.get("summary"), name
        assert operation.get("description"), name
        for code in ("401", "429", *(("400", "404") if method == "get" else ("400", "403"))):
            error = operation["responses"][code]["content"]["application/json"]["schema"]
            assert error == {"$ref": "#/components/schemas/Error"}, (name, code)
        for parameter in operation.get("parameters", []):
            constrained = parameter["in"] == "path" or "enum" in parameter["schema"]
            if constrained or parameter["schema"].get("type") == "boolean":
                assert parameter.get("examples"), (name, parameter["name"])
            assert parameter.get("description"), (name, parameter["name"])
        if method != "get":
            assert operation["requestBody"]["content"]["application/json"]["examples"], name
            assert {"apiKey": []} in operation["security"], name
            assert {} not in operation["security"], name


# Every operation answers its own example -------------------------------------------------------


def test_every_operation_answers_its_examples_with_the_documented_shape(api, schema, data):
    answered = 0
    for path, method, operation in operations(schema):
        url = example_path(path, operation, data)
        if method == "get":
            response = api.get(url)
        else:
            response = getattr(api, method)(
                url,
                json.dumps(request_body(operation, data)),
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {data['key']}",
            )
        assert 200 <= response.status_code < 300, (method, url, response.content[:300])
        assert_documented_shape(schema, operation, response)
        answered += 1

    assert answered == len(list(operations(schema)))


def test_every_list_without_parameters_has_the_documented_shape(api, schema, data):
    for path, method, operation in operations(schema):
        if method != "get" or "{" in path:
            continue
        response = api.get(path)
        assert response.status_code == 200, path
        assert_documented_shape(schema, operation, response)


# Bad parameter values ------------------------------------------------------------------------


def constrained_parameters(schema: dict):
    for path, method, operation in operations(schema):
        if method != "get":
            continue
        for parameter in operation.get("parameters", []):
            if parameter["in"] != "query":
                continue
            if "enum" in parameter["schema"]:
                yield path, operation, parameter["name"], BAD_VALUES["enum"]
            elif parameter["schema"].get("type") in BAD_VALUES:
                yield path, operation, parameter["name"], BAD_VALUES[parameter["schema"]["type"]]


def test_every_constrained_query_parameter_refuses_a_bad_value_by_name(api, schema, data):
    checked = 0
    for path, operation, name, bad in constrained_parameters(schema):
        url = example_path(
            path,
            {"parameters": [p for p in operation.get("parameters", []) if p["in"] == "path"]},
            data,
        )
        response = api.get(f"{url}?{name}={bad}")

        assert response.status_code == 400, (url, name, response.content[:300])
        assert response["Content-Type"].startswith("application/json")
        body = response.json()
        assert body["detail"].startswith(f"{name}: "), (url, name, body)
        assert name in body["errors"], (url, name, body)
        assert_documented_shape(schema, operation, response)
        checked += 1

    assert checked >= 20  # every list's page and page_size, and the enums and ids
