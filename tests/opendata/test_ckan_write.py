"""The CKAN Action API's write actions through Django's test client: API keys and Wagtail
permissions, CKAN's field names in and out, CKAN's validation errors, uploads and fetched files,
and nothing half-written when something fails."""

import datetime
import hashlib
import json
from importlib import import_module
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from wagtail.models import GroupPagePermission, Page

from opendata.ckan.dictization import organisation_id, resource_id
from opendata.ckan.errors import NotAuthorized, ValidationFailed
from opendata.ckan.write import (
    organisation_save,
    package_save,
    resource_save,
    stored_files_removed_on_failure,
)
from opendata.models import DatasetPage, Organisation, Resource, ResourceVersion
from opendata.services import resource_version_create
from participation.services.tokens import api_token_create, api_token_revoke
from tests.factories import catalogue_index, make_dataset

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "berlin"
CSV = b"Gebiet,Einwohner\nMitte,100\nPankow,200\n"
OTHER_CSV = b"Gebiet,Einwohner\nMitte,150\nPankow,250\n"
RAGGED_CSV = b"Gebiet,Einwohner\nMitte,100\nPankow\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def themes():
    """The EU data themes the migrations add (gone when a test with the live server ran before
    this one on the same worker: the database is emptied after it)."""
    from django.apps import apps

    import_module("opendata.migrations.0002_data_themes").add_themes(apps, None)


@pytest.fixture
def publisher(themes):
    catalogue_index()
    return Organisation.objects.create(slug="statistik-bb", name="Statistik Berlin-Brandenburg")


@pytest.fixture
def admin(django_user_model):
    return django_user_model.objects.create_superuser(
        username="admin", email="admin@example.org", password="x"
    )


@pytest.fixture
def key(admin) -> str:
    return api_token_create(user=admin, name="Veröffentlichung")[1]


def post(client, action: str, key: str | None = None, **params):
    headers = {"HTTP_AUTHORIZATION": key} if key else {}
    response = client.post(
        f"/api/3/action/{action}", json.dumps(params), content_type="application/json", **headers
    )
    return response.status_code, response.json()


def ok(client, action: str, key: str, **params):
    status, body = post(client, action, key, **params)
    assert (status, body["success"]) == (200, True), body
    return body["result"]


def refused(client, action: str, key: str | None, status: int, **params) -> dict:
    got, body = post(client, action, key, **params)
    assert (got, body["success"]) == (status, False), body
    return body["error"]


def package(**fields) -> dict:
    return {
        "name": "einwohner-2023",
        "title": "Einwohner 2023",
        "notes": "Einwohnerinnen und Einwohner je Planungsraum.",
        "owner_org": "statistik-bb",
        "license_id": "dl-by-de/2.0",
        "tags": [{"name": "Bevölkerung"}, {"name": "Planungsraum"}],
        "groups": [{"name": "soci"}],
        "maintainer": "Referat Bevölkerung",
        "maintainer_email": "bevoelkerung@statistik-bb.example",
        "extras": [
            {"key": "issued", "value": "2023-06-30"},
            {"key": "temporal_start", "value": "2023-01-01"},
            {"key": "temporal_end", "value": "2023-12-31"},
            {
                "key": "frequency",
                "value": "http://publications.europa.eu/resource/authority/frequency/ANNUAL",
            },
            {"key": "contact_uri", "value": "https://statistik-bb.example/kontakt"},
        ],
        **fields,
    }


def dataset_with_file(data: bytes = CSV, **fields) -> tuple[DatasetPage, Resource]:
    dataset = make_dataset(**fields)
    dataset.save_revision().publish()
    resource = Resource.objects.create(
        dataset=dataset, title="Tabelle", slug="tabelle", kind=Resource.Kind.TABLE
    )
    resource_version_create(resource=resource, data=data, filename="tabelle.csv")
    return dataset, resource


def extras(result: dict) -> dict:
    return {extra["key"]: extra["value"] for extra in result["extras"]}


# Keys and permissions -----------------------------------------------------------------------


def test_write_action_without_a_key_is_an_authorization_error(client, publisher):
    error = refused(client, "package_create", None, 403, **package())
    assert error["__type"] == "Authorization Error"
    assert not DatasetPage.objects.filter(slug="einwohner-2023").exists()


def test_unknown_or_revoked_key_is_an_authorization_error(client, publisher, admin):
    token, secret = api_token_create(user=admin, name="alt")
    api_token_revoke(user=admin, token_id=token.pk)
    for key in [secret, "not-a-key", f"{secret}x"]:
        assert refused(client, "package_create", key, 403, **package())["__type"] == (
            "Authorization Error"
        )
    assert not DatasetPage.objects.filter(slug="einwohner-2023").exists()


def test_key_in_ckan_header_or_as_bearer_is_accepted(client, publisher, key):
    response = client.post(
        "/api/3/action/package_create",
        json.dumps(package()),
        content_type="application/json",
        HTTP_X_CKAN_API_KEY=key,
    )
    assert response.status_code == 200, response.json()
    result = ok(client, "package_patch", f"Bearer {key}", id="einwohner-2023", title="Neu")
    assert result["title"] == "Neu"


def test_key_of_a_user_without_permission_is_refused(client, publisher, django_user_model):
    user = django_user_model.objects.create_user(username="leserin", password="x")
    key = api_token_create(user=user, name="lesen")[1]
    dataset, resource = dataset_with_file()
    package_id = str(dataset.translation_key)
    for action, params in [
        ("package_create", package()),
        ("package_update", package(id=package_id)),
        ("package_patch", {"id": package_id, "title": "Anders"}),
        ("package_delete", {"id": package_id}),
        ("resource_update", {"id": resource_id(dataset.translation_key, resource.pk)}),
        ("resource_delete", {"id": resource_id(dataset.translation_key, resource.pk)}),
        ("organization_create", {"name": "neu", "title": "Neu"}),
    ]:
        assert refused(client, action, key, 403, **params)["__type"] == "Authorization Error"
    dataset.refresh_from_db()
    assert (dataset.title, dataset.live) == ("Einwohner je Planungsraum", True)
    assert Resource.objects.filter(pk=resource.pk).exists()
    assert not Organisation.objects.filter(slug="neu").exists()


def test_editor_with_page_permissions_may_create_datasets(client, publisher, django_user_model):
    group = Group.objects.create(name="Datenredaktion")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    for permission in ["add_page", "change_page", "publish_page"]:
        GroupPagePermission.objects.create(
            group=group,
            page=catalogue_index(),
            permission=Permission.objects.get(codename=permission),
        )
    editor = django_user_model.objects.create_user(username="redaktion", password="x")
    editor.groups.add(group)
    key = api_token_create(user=editor, name="Redaktion")[1]
    assert ok(client, "package_create", key, **package())["name"] == "einwohner-2023"
    page = DatasetPage.objects.get(slug="einwohner-2023")
    assert page.owner == editor
    assert page.latest_revision.user == editor
    error = refused(client, "organization_create", key, 403, name="neu")
    assert error["__type"] == "Authorization Error"


def test_write_action_by_get_is_a_bad_request_like_ckans(client, key):
    response = client.get("/api/3/action/package_create", {"name": "x"}, HTTP_AUTHORIZATION=key)
    assert response.status_code == 400
    assert response.json()["error"]["message"] == (
        "Bad request - JSON Error: Invalid request. Please use POST method for your request"
    )


def test_help_show_documents_write_actions(client):
    response = client.get("/api/3/action/help_show", {"name": "package_create"})
    assert "Create and publish a dataset" in response.json()["result"]


def test_other_write_actions_stay_refused(client, key):
    error = refused(client, "group_create", key, 403, name="x")
    assert error["message"] == "Access denied: group_create is not offered; editors use the CMS"


# package_create -----------------------------------------------------------------------------


def test_package_create_publishes_a_dataset_with_ckans_fields(client, publisher, key, admin):
    result = ok(client, "package_create", key, **package())
    page = DatasetPage.objects.get(slug="einwohner-2023")
    assert page.live and page.get_parent().pk == catalogue_index().pk
    assert page.latest_revision.user == admin
    assert (page.title, page.description) == (
        "Einwohner 2023",
        "Einwohnerinnen und Einwohner je Planungsraum.",
    )
    assert (page.publisher, page.licence) == (publisher, "dl-by-de/2.0")
    assert sorted(page.tags.names()) == ["Bevölkerung", "Planungsraum"]
    assert [theme.code for theme in page.themes.all()] == ["SOCI"]
    assert (page.contact_name, page.contact_email, page.contact_url) == (
        "Referat Bevölkerung",
        "bevoelkerung@statistik-bb.example",
        "https://statistik-bb.example/kontakt",
    )
    assert (page.issued, page.temporal_start, page.temporal_end, page.frequency) == (
        datetime.date(2023, 6, 30),
        datetime.date(2023, 1, 1),
        datetime.date(2023, 12, 31),
        "ANNUAL",
    )
    assert result["id"] == str(page.translation_key)
    assert result["name"] == "einwohner-2023"
    assert result["owner_org"] == organisation_id("statistik-bb")
    assert [group["name"] for group in result["groups"]] == ["soci"]
    assert {tag["name"] for tag in result["tags"]} == {"Bevölkerung", "Planungsraum"}
    assert result["maintainer_email"] == "bevoelkerung@statistik-bb.example"
    assert extras(result)["frequency"].endswith("/ANNUAL")
    assert extras(result)["temporal_end"] == "2023-12-31"
    assert "admin@example.org" not in json.dumps(result)
    shown = client.get("/api/3/action/package_show", {"id": "einwohner-2023"}).json()
    assert shown["result"] == result


def test_package_create_keeps_a_free_uuid_as_id(client, publisher, key):
    result = ok(client, "package_create", key, **package(id="6d4a0a4e-1c5b-4c1e-9f7e-0b9e7d1c2a3b"))
    assert result["id"] == "6d4a0a4e-1c5b-4c1e-9f7e-0b9e7d1c2a3b"


def test_package_create_reports_missing_and_bad_fields_like_ckan(client, publisher, key):
    error = refused(
        client,
        "package_create",
        key,
        409,
        name="Mit Leerzeichen",
        license_id="proprietary",
        owner_org="gibt-es-nicht",
        maintainer_email="keine-adresse",
        groups=[{"name": "gibt-es-nicht"}],
        extras=[{"key": "issued", "value": "30.06.2023"}],
    )
    assert error["__type"] == "Validation Error"
    assert error["name"] == [
        "Must be purely lowercase alphanumeric (ascii) characters and these symbols: -_"
    ]
    assert error["notes"] == ["Missing value"]
    assert error["license_id"] == [
        "License not offered: proprietary; allowed: dl-by-de/2.0, dl-zero-de/2.0, cc-by/4.0, "
        "cc-zero"
    ]
    assert error["owner_org"] == ["Organization does not exist"]
    assert error["maintainer_email"] == ["Email keine-adresse is not a valid format"]
    assert error["groups"] == ["Group not found: gibt-es-nicht"]
    assert error["issued"] == ["Date format incorrect"]
    assert DatasetPage.objects.count() == 0


def test_package_create_with_a_name_in_use_is_refused(client, publisher, key):
    make_dataset(slug="einwohner-2023")
    error = refused(client, "package_create", key, 409, **package())
    assert error["name"] == ["That URL is already in use."]
    assert DatasetPage.objects.filter(slug="einwohner-2023").count() == 1


def test_package_create_fetches_resources_from_their_urls(
    live_server, settings, key, media, themes
):
    settings.OPENDATA_FETCH_ALLOW_PRIVATE = True
    dataset_with_file(slug="quelle")
    Organisation.objects.create(slug="statistik-bb", name="Amt für Statistik Berlin")
    url = Client().get("/api/3/action/package_show", {"id": "quelle"}).json()
    file_url = live_server.url + url["result"]["resources"][0]["url"].removeprefix(
        "http://testserver"
    )
    resources = [{"name": "Einwohner", "description": "Je Bezirk", "url": file_url}]
    result = ok(Client(), "package_create", key, **package(resources=resources))
    (listed,) = result["resources"]
    version = ResourceVersion.objects.get(resource__dataset__slug="einwohner-2023")
    assert (version.number, version.sha256, version.source_url) == (
        1,
        hashlib.sha256(CSV).hexdigest(),
        file_url,
    )
    assert (version.resource.title, version.resource.description) == ("Einwohner", "Je Bezirk")
    assert (listed["name"], listed["format"], listed["size"]) == ("Einwohner", "CSV", len(CSV))
    assert listed["hash"] == f"sha256:{version.sha256}"


def test_failing_resource_in_package_create_leaves_nothing_behind(
    client, publisher, key, media, settings
):
    settings.OPENDATA_FETCH_ALLOW_PRIVATE = False
    resources = [{"name": "Intern", "url": "http://127.0.0.1:9/geheim.csv"}]
    error = refused(client, "package_create", key, 409, **package(resources=resources))
    assert error["__type"] == "Validation Error"
    assert "127.0.0.1" in error["resources"][0]["url"][0]
    assert not Page.objects.filter(slug="einwohner-2023").exists()
    assert not Resource.objects.exists()
    assert not [path for path in media.rglob("*") if path.is_file()]


def test_failing_second_resource_removes_the_first_ones_file(publisher, media, admin):
    dataset = package_save(data=package(), user=None)
    resource_save(dataset=dataset, data={"name": "gut"}, user=None, upload=CSV, filename="a.csv")
    assert [path.name for path in media.rglob("*.csv")] == ["a.csv"]
    with pytest.raises(ValidationFailed), stored_files_removed_on_failure():
        resource_save(
            dataset=dataset, data={"name": "b"}, user=None, upload=OTHER_CSV, filename="b.csv"
        )
        resource_save(
            dataset=dataset, data={"name": "c"}, user=None, upload=RAGGED_CSV, filename="c.csv"
        )
    assert [path.name for path in media.rglob("*.csv")] == ["a.csv"]


def test_package_create_needs_a_bounded_number_of_queries(
    client, publisher, key, django_assert_max_num_queries
):
    with django_assert_max_num_queries(170):
        ok(client, "package_create", key, **package())


# package_update, package_patch, package_delete --------------------------------------------


def test_package_update_replaces_metadata_and_clears_what_is_missing(client, publisher, key):
    created = ok(client, "package_create", key, **package())
    result = ok(
        client,
        "package_update",
        key,
        id=created["id"],
        name="einwohner-2023",
        title="Einwohner (neu)",
        notes="Neu beschrieben.",
        owner_org=created["owner_org"],
        license_id="cc-zero",
    )
    page = DatasetPage.objects.get(slug="einwohner-2023")
    assert (page.title, page.description, page.licence) == (
        "Einwohner (neu)",
        "Neu beschrieben.",
        "cc-zero",
    )
    assert list(page.tags.names()) == []
    assert not page.themes.exists()
    assert (page.contact_name, page.contact_email) == ("Statistik Berlin-Brandenburg", "")
    assert (page.issued, page.frequency, page.contact_url) == (None, "", "")
    assert (result["tags"], result["groups"], result["maintainer"]) == (
        [],
        [],
        "Statistik Berlin-Brandenburg",
    )


def test_package_patch_changes_only_the_given_fields(client, publisher, key):
    created = ok(client, "package_create", key, **package())
    result = ok(client, "package_patch", key, id="einwohner-2023", title="Nur der Titel")
    assert result["title"] == "Nur der Titel"
    unchanged = {k: v for k, v in created.items() if k not in {"title", "metadata_modified"}}
    assert {k: v for k, v in result.items() if k in unchanged} == unchanged


def test_package_update_with_the_same_data_makes_no_revision(client, publisher, key):
    created = ok(client, "package_create", key, **package())
    page = DatasetPage.objects.get(slug="einwohner-2023")
    revisions = page.revisions.count()
    again = ok(client, "package_update", key, **created)
    patched = ok(client, "package_patch", key, id=created["id"], title=created["title"])
    assert page.revisions.count() == revisions
    assert again == created == patched


def test_package_update_matches_resources_by_id_and_deletes_those_left_out(
    client, key, media, django_capture_on_commit_callbacks
):
    first, kept = dataset_with_file(slug="zwei-dateien")
    gone = Resource.objects.create(dataset=first, title="Alt", slug="alt", kind=Resource.Kind.TABLE)
    resource_version_create(resource=gone, data=OTHER_CSV, filename="alt.csv")
    shown = client.get("/api/3/action/package_show", {"id": "zwei-dateien"}).json()["result"]
    assert len(list(media.rglob("alt.csv"))) == 1
    shown["resources"] = [{**shown["resources"][0], "name": "Umbenannt"}]
    with django_capture_on_commit_callbacks(execute=True):
        result = ok(client, "package_update", key, **shown)
    assert [r["name"] for r in result["resources"]] == ["Umbenannt"]
    assert list(Resource.objects.filter(dataset=first).values_list("pk", "title")) == [
        (kept.pk, "Umbenannt")
    ]
    assert kept.versions.count() == 1
    assert not list(media.rglob("alt.csv"))


def test_package_delete_unpublishes_the_dataset_for_everyone(client, key):
    dataset, _resource = dataset_with_file(slug="weg")
    assert ok(client, "package_delete", key, id=str(dataset.translation_key)) is None
    dataset.refresh_from_db()
    assert dataset.live is False
    status, body = post(client, "package_show", key, id="weg")
    assert (status, body["error"]["__type"]) == (404, "Not Found Error")
    assert "weg" not in client.get("/api/3/action/package_list").json()["result"]
    assert refused(client, "package_patch", key, 404, id="weg", title="x")


def test_package_update_of_an_unknown_dataset_is_not_found(client, key):
    assert refused(client, "package_update", key, 404, **package(id="gibt-es-nicht"))


# Resources ----------------------------------------------------------------------------------


def upload(client, action: str, key: str, filename: str, data: bytes, **fields):
    response = client.post(
        f"/api/3/action/{action}",
        {**fields, "upload": SimpleUploadedFile(filename, data)},
        HTTP_AUTHORIZATION=key,
    )
    return response.status_code, response.json()


def test_resource_create_with_an_uploaded_csv(client, key):
    dataset = make_dataset(slug="tabellen")
    status, body = upload(
        client,
        "resource_create",
        key,
        "einwohner.csv",
        CSV,
        package_id="tabellen",
        name="Einwohner",
        description="Je Bezirk",
        format="CSV",
    )
    assert status == 200, body
    resource = Resource.objects.get(dataset=dataset)
    version = resource.versions.get()
    assert (resource.title, resource.description, resource.kind) == (
        "Einwohner",
        "Je Bezirk",
        "table",
    )
    assert (version.filename, version.record_count, version.sha256) == (
        "einwohner.csv",
        2,
        hashlib.sha256(CSV).hexdigest(),
    )
    result = body["result"]
    assert result["id"] == resource_id(dataset.translation_key, resource.pk)
    assert result["package_id"] == str(dataset.translation_key)
    assert (result["name"], result["format"], result["version"]) == ("Einwohner", "CSV", 1)
    assert result["url"].endswith("/v1/einwohner.csv")
    assert result["datastore_active"] is True


def test_resource_create_with_an_uploaded_geojson(client, key):
    dataset = make_dataset(slug="bezirke")
    data = (FIXTURES / "bezirke.geojson").read_bytes()
    status, body = upload(
        client,
        "resource_create",
        key,
        "bezirke.geojson",
        data,
        package_id=str(dataset.translation_key),
        name="Bezirke",
    )
    assert status == 200, body
    resource = Resource.objects.get(dataset=dataset)
    assert resource.kind == Resource.Kind.GEODATA
    assert resource.versions.get().record_count == 12
    assert (body["result"]["format"], body["result"]["mimetype"]) == (
        "GeoJSON",
        "application/geo+json",
    )


def test_resource_create_with_a_table_failing_validation_names_the_problem(client, key, media):
    dataset = make_dataset(slug="tabellen")
    status, body = upload(
        client, "resource_create", key, "kaputt.csv", RAGGED_CSV, package_id="tabellen", name="x"
    )
    assert status == 409
    assert body["error"]["__type"] == "Validation Error"
    assert body["error"]["upload"][0].startswith("line 3:")
    assert not Resource.objects.filter(dataset=dataset).exists()
    assert not [path for path in media.rglob("*") if path.is_file()]


def test_resource_create_with_a_file_too_large_reports_the_size(client, key, settings):
    settings.OPENDATA_MAX_UPLOAD_BYTES = 10
    make_dataset(slug="tabellen")
    status, body = upload(
        client, "resource_create", key, "gross.csv", CSV, package_id="tabellen", name="x"
    )
    assert status == 409
    assert "the limit is 10\xa0bytes" in body["error"]["upload"][0]


def test_resource_create_without_file_or_url_is_refused(client, key):
    make_dataset(slug="tabellen")
    error = refused(client, "resource_create", key, 409, package_id="tabellen", name="x")
    assert error["url"] == ["Give a file to upload or a web address to fetch."]


def test_resource_update_with_the_same_file_makes_no_new_version(client, key):
    dataset, resource = dataset_with_file(slug="tabellen")
    rid = resource_id(dataset.translation_key, resource.pk)
    status, body = upload(client, "resource_update", key, "tabelle.csv", CSV, id=rid, name="T")
    assert status == 200, body
    assert resource.versions.count() == 1
    assert body["result"]["name"] == "T"
    status, body = upload(client, "resource_update", key, "tabelle.csv", OTHER_CSV, id=rid)
    assert status == 200, body
    assert list(resource.versions.values_list("number", flat=True)) == [2, 1]
    assert (body["result"]["version"], body["result"]["name"]) == (2, "T")


def test_resource_update_of_metadata_only_keeps_the_file(client, key):
    dataset, resource = dataset_with_file(slug="tabellen")
    rid = resource_id(dataset.translation_key, resource.pk)
    result = ok(client, "resource_update", key, id=rid, description="Neu")
    assert (result["description"], result["version"]) == ("Neu", 1)
    assert resource.versions.count() == 1


def test_resource_delete_removes_the_resource_and_its_files(client, key, media):
    dataset, resource = dataset_with_file(slug="tabellen")
    rid = resource_id(dataset.translation_key, resource.pk)
    assert ok(client, "resource_delete", key, id=rid) is None
    assert not Resource.objects.filter(pk=resource.pk).exists()
    assert refused(client, "resource_show", None, 404, id=rid)


def test_resource_of_an_unpublished_dataset_is_not_found(client, key):
    dataset, resource = dataset_with_file(slug="tabellen")
    dataset.unpublish()
    rid = resource_id(dataset.translation_key, resource.pk)
    assert refused(client, "resource_update", key, 404, id=rid, name="x")


# Organizations and the services -------------------------------------------------------------


def test_organization_create_and_duplicate_name(client, key):
    result = ok(client, "organization_create", key, name="bezirksamt-mitte", title="BA Mitte")
    organisation = Organisation.objects.get(slug="bezirksamt-mitte")
    assert organisation.name == "BA Mitte"
    assert (result["id"], result["name"], result["title"], result["package_count"]) == (
        organisation_id("bezirksamt-mitte"),
        "bezirksamt-mitte",
        "BA Mitte",
        0,
    )
    error = refused(client, "organization_create", key, 409, name="bezirksamt-mitte")
    assert error["name"] == ["Group name already exists in database"]
    assert refused(client, "organization_create", key, 409, title="x")["name"] == ["Missing value"]


def test_services_run_without_a_user_for_commands_and_check_a_users_permissions(
    publisher, django_user_model
):
    organisation = organisation_save(data={"name": "neu", "title": "Neu"}, user=None)
    dataset = package_save(data=package(owner_org=organisation.slug), user=None)
    assert (dataset.live, dataset.publisher) == (True, organisation)
    nobody = django_user_model.objects.create_user(username="niemand", password="x")
    with pytest.raises(NotAuthorized):
        package_save(data={"title": "x"}, user=nobody, dataset=dataset, partial=True)
    with pytest.raises(ValidationFailed) as failed:
        package_save(data={"notes": ""}, user=None, dataset=dataset, partial=True)
    assert failed.value.fields == {"notes": ["Missing value"]}
