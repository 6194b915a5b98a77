"""The CKAN Action API through Django's test client: every read action, the envelope, CKAN's
error types and status codes, `fq`, sorting, facets, paging, and what is never shown."""

import io
import json
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings

from cms.demo import demo_load
from opendata.ckan.errors import SearchQueryError
from opendata.ckan.search import parse_terms
from opendata.demo import demo_load as opendata_demo_load
from opendata.models import DatasetPage, Organisation, Resource, ResourceVersion
from tests.factories import make_dataset

pytestmark = pytest.mark.django_db

DEMO_SLUGS = {
    "einwohner-planungsraum-2022",
    "monitoring-soziale-stadtentwicklung-2021",
    "pflegeeinrichtungen",
    "jugendfreizeiteinrichtungen",
    "kindertagesstaetten",
    "bezirksgrenzen-prognoseraeume",
}
DRAFT = "entwurf-unveroeffentlicht"
OFFICE_EMAIL = "info@statistik-bb.example"
PRIVATE_EMAIL = "erika.mustermann@privat.example"
CONTACT_EMAIL = "daten@statistik-bb.example"


@pytest.fixture(scope="module")
def demo_catalogue(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo's open-data catalogue, loaded once for the module inside a transaction rolled
    back at its end, with a draft dataset, an office's e-mail, a public contact e-mail on one
    dataset and an editor with a private address who uploaded every version."""
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        call_command("import_areas", no_progress=True, stdout=io.StringIO())
        demo_load(password="")
        opendata_demo_load()
        Organisation.objects.filter(slug="statistik-bb").update(email=OFFICE_EMAIL)
        DatasetPage.objects.filter(slug="einwohner-planungsraum-2022").update(
            contact_email=CONTACT_EMAIL
        )
        user = get_user_model().objects.create_user(
            username="redakteurin", email=PRIVATE_EMAIL, password="x"
        )
        ResourceVersion.objects.update(created_by=user)
        draft = make_dataset(slug=DRAFT, title="Entwurf", live=False)
        draft.save_revision()
        yield
        transaction.set_rollback(True)


def call(client, action: str, method: str = "get", path: str = "/api/3/action/", **params):
    if method == "json":
        response = client.post(path + action, json.dumps(params), content_type="application/json")
    elif method == "form":
        response = client.post(path + action, params)
    else:
        response = client.get(path + action, params)
    return response.status_code, response.json()


def result(client, action: str, method: str = "get", **params):
    status, body = call(client, action, method, **params)
    assert (status, body["success"]) == (200, True), body
    return body["result"]


def names(packages) -> list[str]:
    return [package["name"] for package in packages]


# The envelope, methods and errors -----------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/3/action/", "/api/action/"])
@pytest.mark.parametrize("method", ["get", "json", "form"])
def test_every_path_and_method_answers_in_ckans_envelope(demo_catalogue, path, method):
    client = Client(enforce_csrf_checks=True)
    status, body = call(client, "package_search", method, path, q="Pflege", rows="1")
    assert status == 200
    assert body["success"] is True
    assert body["help"] == "http://testserver/api/3/action/help_show?name=package_search"
    assert names(body["result"]["results"]) == ["pflegeeinrichtungen"]


def test_unknown_action_is_a_bad_request_like_ckans(client):
    status, body = call(client, "package_frobnicate")
    assert status == 400
    assert body["success"] is False
    assert body["error"]["message"] == "Bad request - Action name not known: package_frobnicate"


def test_write_actions_are_refused_with_an_authorization_error(client):
    status, body = call(client, "package_create", "json", name="neu")
    assert status == 403
    assert body["error"]["__type"] == "Authorization Error"


def test_missing_dataset_is_a_not_found_error(demo_catalogue, client):
    status, body = call(client, "package_show", id="gibt-es-nicht")
    assert status == 404
    assert body["error"] == {"__type": "Not Found Error", "message": "Dataset not found"}


@pytest.mark.parametrize("value", ["abc", "-1", "1.5"])
def test_bad_rows_are_a_validation_error(demo_catalogue, client, value):
    status, body = call(client, "package_search", rows=value)
    assert status == 409
    assert body["error"]["__type"] == "Validation Error"
    assert list(body["error"]) == ["__type", "rows"]


def test_unreadable_fq_and_sort_are_search_query_errors(demo_catalogue, client):
    for params in ({"fq": "colour:blue"}, {"sort": "colour asc"}, {"fq": "just words"}):
        status, body = call(client, "package_search", **params)
        assert status == 400, params
        assert body["error"]["__type"] == "Search Query Error"


def test_broken_json_body_is_a_bad_request(client):
    response = client.post("/api/action/package_list", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["message"].startswith("Bad request - JSON Error")


def test_paths_without_trailing_slash_are_served_not_redirected(demo_catalogue, client):
    for path in ("/api/3/action/package_list", "/api/action/package_list"):
        assert client.get(path).status_code == 200
        assert client.post(path, "{}", content_type="application/json").status_code == 200


def test_unknown_parameters_are_ignored(demo_catalogue, client):
    assert result(client, "package_list", colour="blue", include_private="true")


# package_search --------------------------------------------------------------------------


def test_search_lists_published_datasets_only(demo_catalogue, client):
    found = result(client, "package_search", rows="100")
    assert found["count"] == len(DEMO_SLUGS)
    assert set(names(found["results"])) == DEMO_SLUGS


def test_q_searches_title_description_and_tags(demo_catalogue, client):
    assert "pflegeeinrichtungen" in names(result(client, "package_search", q="Pflege")["results"])
    by_tag = result(client, "package_search", q="LOR")["results"]
    assert "einwohner-planungsraum-2022" in names(by_tag)
    assert result(client, "package_search", q="Quatschwort")["count"] == 0


def test_fq_terms_quoted_values_and_negation(demo_catalogue, client):
    def found(fq):
        return set(names(result(client, "package_search", fq=fq, rows="50")["results"]))

    statistics = found("organization:statistik-bb")
    assert "einwohner-planungsraum-2022" in statistics
    assert statistics == {
        slug
        for slug in DEMO_SLUGS
        if DatasetPage.objects.get(slug=slug).publisher.slug == "statistik-bb"
    }
    assert found('tags:"LOR"') & found("tags:LOR") == found("tags:LOR")
    assert found("res_format:CSV") <= DEMO_SLUGS
    assert found("res_format:GeoJSON").isdisjoint(
        found("res_format:CSV") - found("res_format:GeoJSON")
    )
    assert found("name:pflegeeinrichtungen") == {"pflegeeinrichtungen"}
    assert found("-name:pflegeeinrichtungen") == DEMO_SLUGS - {"pflegeeinrichtungen"}
    assert found("name:(pflegeeinrichtungen OR kindertagesstaetten)") == {
        "pflegeeinrichtungen",
        "kindertagesstaetten",
    }
    assert found("organization:statistik-bb license_id:dl-by-de/2.0") <= statistics
    assert found("groups:soci") == found("groups:SOCI")


def test_fq_ranges_of_metadata_modified(demo_catalogue, client):
    every = result(client, "package_search", fq="metadata_modified:[2000-01-01T00:00:00Z TO *]")
    assert every["count"] == len(DEMO_SLUGS)
    future = result(client, "package_search", fq="metadata_modified:[2999-01-01T00:00:00Z TO *]")
    assert future["count"] == 0
    before = result(client, "package_search", fq="metadata_modified:[* TO 2000-01-01]")
    assert before["count"] == 0


def test_fq_parsing():
    terms, words = parse_terms('tags:"Soziale Stadt" -res_format:CSV name:a', allow_words=True)
    assert [(t.field, t.values, t.negated) for t in terms] == [
        ("tags", ("Soziale Stadt",), False),
        ("res_format", ("CSV",), True),
        ("name", ("a",), False),
    ]
    assert words == []
    (term,), _words = parse_terms("metadata_modified:[2024-01-01T00:00:00Z TO *]")
    assert (term.is_range, term.low.year, term.high) == (True, 2024, None)
    with pytest.raises(SearchQueryError):
        parse_terms("metadata_modified:[gestern TO *]")


@pytest.mark.parametrize(
    ("sort", "key", "descending"),
    [
        ("name asc", lambda p: p["name"], False),
        ("id asc", lambda p: p["id"], False),
        ("title_string asc", lambda p: p["title"].casefold(), False),
        ("metadata_modified desc", lambda p: p["metadata_modified"], True),
        ("score desc, metadata_modified desc", lambda p: p["metadata_modified"], True),
    ],
)
def test_sort_variants(demo_catalogue, client, sort, key, descending):
    found = result(client, "package_search", sort=sort, rows="50")["results"]
    assert found == sorted(found, key=key, reverse=descending)


def test_rows_and_start_page_the_results(demo_catalogue, client):
    every = names(result(client, "package_search", sort="name asc")["results"])
    assert (
        names(result(client, "package_search", sort="name asc", rows="2", start="1")["results"])
        == every[1:3]
    )
    nothing = result(client, "package_search", rows="0")
    assert (nothing["count"], nothing["results"]) == (len(DEMO_SLUGS), [])
    capped = result(client, "package_search", rows="1001")
    assert len(capped["results"]) == len(DEMO_SLUGS)
    assert result(client, "package_search", start="100")["results"] == []


def test_facets_in_ckans_shape(demo_catalogue, client):
    found = result(
        client,
        "package_search",
        **{"facet.field": '["organization", "groups", "tags", "res_format", "license_id"]'},
    )
    organisations = found["search_facets"]["organization"]
    assert organisations["title"] == "organization"
    item = next(i for i in organisations["items"] if i["name"] == "statistik-bb")
    assert item["display_name"] == "Amt für Statistik Berlin-Brandenburg"
    assert (
        item["count"] == DatasetPage.objects.live().filter(publisher__slug="statistik-bb").count()
    )
    assert found["facets"]["organization"]["statistik-bb"] == item["count"]
    assert found["facets"]["groups"]["soci"] >= 1
    assert found["facets"]["tags"]["LOR"] >= 1
    assert {"CSV", "GeoJSON"} <= set(found["facets"]["res_format"])
    limited = result(client, "package_search", **{"facet.field": '["tags"]', "facet.limit": "2"})
    assert len(limited["search_facets"]["tags"]["items"]) == 2


def test_facet_field_must_be_json(demo_catalogue, client):
    status, body = call(client, "package_search", **{"facet.field": "[organization"})
    assert status == 409
    assert "facet.field" in body["error"]


def test_search_reads_a_fixed_number_of_queries(
    demo_catalogue, client, django_assert_max_num_queries
):
    DatasetPage.objects.update(live=False)
    add_datasets(2, start=1)
    params = {
        "q": "Datensatz",
        "rows": "100",
        "facet.field": '["organization","tags","res_format"]',
    }
    with django_assert_max_num_queries(30) as few:
        assert result(client, "package_search", **params)["count"] == 2
    add_datasets(30, start=3)
    with django_assert_max_num_queries(len(few.captured_queries)):
        found = result(client, "package_search", **params)
    assert found["count"] == 32
    assert all(p["num_resources"] == 1 for p in found["results"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(result(client, "current_package_list_with_resources")) == 32


def add_datasets(count: int, start: int) -> None:
    for number in range(start, start + count):
        page = make_dataset(slug=f"datensatz-{number}", title=f"Datensatz {number}")
        page.tags.add("Zahlen", f"Tag {number}")
        page.save_revision().publish()
        resource = page.resources.create(title="Tabelle", slug="tabelle", kind="table")
        resource.versions.create(
            number=1,
            file=f"opendata/{resource.pk}/1/daten.csv",
            filename="daten.csv",
            format="csv",
            media_type="text/csv",
            size=10,
            sha256="0" * 64,
        )


# The other actions ----------------------------------------------------------------------


def test_package_show_by_name_and_id_in_ckans_fields(demo_catalogue, client):
    page = DatasetPage.objects.get(slug="einwohner-planungsraum-2022")
    package = result(client, "package_show", id=page.slug)
    assert result(client, "package_show", "json", id=package["id"]) == package
    assert package["id"] == str(page.translation_key)
    assert (package["title"], package["notes"], package["state"]) == (
        page.title,
        page.description,
        "active",
    )
    assert (package["type"], package["private"], package["license_id"]) == (
        "dataset",
        False,
        page.licence,
    )
    assert package["organization"]["name"] == "statistik-bb"
    assert package["organization"]["is_organization"] is True
    assert package["owner_org"] == package["organization"]["id"]
    assert {tag["name"] for tag in package["tags"]} == set(page.tags.names())
    assert package["num_tags"] == len(package["tags"])
    assert [group["name"] for group in package["groups"]] == ["soci"]
    assert package["url"] == "http://testserver/daten/einwohner-planungsraum-2022/"
    extras = {extra["key"]: extra["value"] for extra in package["extras"]}
    assert (extras["temporal_start"], extras["temporal_end"]) == ("2022-06-30", "2022-06-30")
    assert json.loads(extras["spatial"])["type"] == "Polygon"
    assert "T" in package["metadata_modified"] and "+" not in package["metadata_modified"]
    (resource,) = package["resources"]
    version = ResourceVersion.objects.filter(resource__dataset=page).latest("number")
    assert resource["format"] == "CSV"
    assert resource["url"] == (
        f"http://testserver/downloads/{page.slug}/{version.resource.slug}/v{version.number}/"
        f"{version.filename}"
    )
    assert (resource["size"], resource["hash"]) == (version.size, f"sha256:{version.sha256}")
    assert resource["datastore_active"] is True
    assert resource["package_id"] == package["id"]
    assert client.get(resource["url"]).status_code == 200


def test_no_email_but_the_public_contact_and_no_drafts(demo_catalogue, client):
    text = json.dumps(result(client, "current_package_list_with_resources"))
    text += json.dumps(result(client, "organization_list", all_fields="true"))
    assert CONTACT_EMAIL in text
    assert PRIVATE_EMAIL not in text
    assert OFFICE_EMAIL not in text
    assert DRAFT not in text
    assert DRAFT not in result(client, "package_list")
    assert call(client, "package_show", id=DRAFT)[0] == 404


def test_package_list_and_current_list_page(demo_catalogue, client):
    every = result(client, "package_list")
    assert every == sorted(DEMO_SLUGS)
    assert result(client, "package_list", limit="2", offset="1") == every[1:3]
    current = result(client, "current_package_list_with_resources", limit="2")
    assert len(current) == 2
    assert current[0]["metadata_modified"] >= current[1]["metadata_modified"]


def test_organizations_and_groups(demo_catalogue, client):
    assert {"statistik-bb", "sensw"} <= set(result(client, "organization_list"))
    listed = result(client, "organization_list", all_fields="true", sort="package_count desc")
    assert listed[0]["package_count"] >= listed[-1]["package_count"]
    shown = result(client, "organization_show", id="statistik-bb", include_datasets="true")
    assert shown["package_count"] == len(shown["packages"])
    assert result(client, "organization_show", id=shown["id"])["name"] == "statistik-bb"
    assert "soci" in result(client, "group_list")
    group = result(client, "group_show", id="SOCI", include_datasets="true")
    assert "einwohner-planungsraum-2022" in names(group["packages"])
    assert call(client, "group_show", id="nope")[0] == 404


def test_tags_licences_status_and_help(demo_catalogue, client):
    assert "LOR" in result(client, "tag_list")
    assert result(client, "tag_list", query="lor") == ["LOR"]
    licences = {item["id"]: item for item in result(client, "license_list")}
    assert licences["cc-by/4.0"]["od_conformance"] == "approved"
    assert licences["dl-by-de/2.0"]["url"] == "http://dcat-ap.de/def/licenses/dl-by-de/2.0"
    status = result(client, "status_show")
    assert status["ckan_version"].startswith("2.10")
    assert status["site_url"] == "http://testserver"
    assert "datastore" in status["extensions"]
    assert "q, fq" in result(client, "help_show", name="package_search")


def test_resource_show(demo_catalogue, client):
    package = result(client, "package_show", id="pflegeeinrichtungen")
    resource = package["resources"][0]
    assert result(client, "resource_show", id=resource["id"]) == resource
    assert resource["datastore_active"] is False  # geodata
    assert call(client, "resource_show", id=str(uuid.uuid4()))[0] == 404


def test_datastore_search_filters_sorts_and_pages_a_table(demo_catalogue, client):
    package = result(client, "package_show", id="einwohner-planungsraum-2022")
    resource_id = package["resources"][0]["id"]
    found = result(client, "datastore_search", resource_id=resource_id, limit="5")
    columns = [field["id"] for field in found["fields"]]
    assert columns[0] == "_id"
    assert found["fields"][0]["type"] == "int"
    assert len(found["records"]) == 5
    assert [record["_id"] for record in found["records"]] == [1, 2, 3, 4, 5]
    total = found["total"]
    assert (
        total
        == Resource.objects.get(dataset__slug=package["name"])
        .versions.latest("number")
        .record_count
    )
    assert found["_links"]["next"].endswith("offset=5")
    column = columns[1]
    value = found["records"][0][column]
    filtered = result(
        client, "datastore_search", "json", resource_id=resource_id, filters={column: value}
    )
    assert filtered["total"] >= 1
    assert all(record[column] == value for record in filtered["records"])
    ordered = result(
        client, "datastore_search", resource_id=resource_id, sort=f"{column} desc", limit=total
    )
    numbers = [r[column] for r in ordered["records"] if isinstance(r[column], int | float)]
    assert numbers == sorted(numbers, reverse=True)
    page = result(client, "datastore_search", resource_id=resource_id, offset="3", limit="2")
    assert [record["_id"] for record in page["records"]] == [4, 5]
    chosen = result(client, "datastore_search", resource_id=resource_id, fields=column, limit="1")
    assert list(chosen["records"][0]) == [column]


def test_datastore_errors(demo_catalogue, client):
    package = result(client, "package_show", id="einwohner-planungsraum-2022")
    resource_id = package["resources"][0]["id"]
    status, body = call(client, "datastore_search", resource_id=resource_id, sort="nope asc")
    assert (status, body["error"]["__type"]) == (409, "Validation Error")
    status, body = call(client, "datastore_search", resource_id=str(uuid.uuid4()))
    assert (status, body["error"]["__type"]) == (404, "Not Found Error")
