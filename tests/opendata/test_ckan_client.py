"""The CKAN Action API as CKAN's own client sees it: the `ckanapi` library and command line
against the live test server, with the demo's open-data catalogue.

The catalogue is loaded once, committed, so that the live server sees it on any database, and
every check runs in one test: loading it takes most of the time. The write checks come last:
they change the catalogue the read checks look at."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import ckanapi
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import override_settings

from cms.demo import demo_load
from opendata.demo import demo_load as opendata_demo_load
from opendata.models import DatasetPage, Resource, ResourceVersion
from participation.services.tokens import api_token_create

BIN = Path(sys.executable).parent
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "berlin"


@pytest.fixture
def portal(live_server, tmp_path):
    """The live server's URL, serving the demo catalogue (committed: `live_server` makes the
    test transactional, and the database is flushed after it, as after the browser tests)."""
    with override_settings(MEDIA_ROOT=tmp_path):
        call_command("import_areas", no_progress=True, stdout=io.StringIO())
        demo_load(password="")
        opendata_demo_load()
        yield live_server.url


def cli(*args: str) -> str:
    """Run the `ckanapi` command (its `dump` starts workers found on PATH)."""
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run(  # noqa: S603 (fixed arguments)
        [str(BIN / "ckanapi"), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def check_package_search_through_remote_ckan_matches_the_database(portal):
    with ckanapi.RemoteCKAN(portal) as ckan:
        found = ckan.action.package_search(
            q="Einwohner",
            fq="organization:statistik-bb",
            facet_field=["organization", "res_format"],
        )
    pages = DatasetPage.objects.live().filter(publisher__slug="statistik-bb")
    assert found["count"] >= 1
    for package in found["results"]:
        page = pages.get(slug=package["name"])
        assert package["id"] == str(page.translation_key)
        assert (package["title"], package["notes"]) == (page.title, page.description)
        assert package["license_id"] == page.licence
        assert package["organization"]["title"] == page.publisher.name
        assert {tag["name"] for tag in package["tags"]} == set(page.tags.names())
        resources = list(Resource.objects.filter(dataset=page).order_by("sort_order", "pk"))
        assert [r["name"] for r in package["resources"]] == [r.title for r in resources]
        for listed, resource in zip(package["resources"], resources, strict=True):
            version = resource.versions.latest("number")
            assert (listed["size"], listed["hash"]) == (version.size, f"sha256:{version.sha256}")
            assert listed["url"].startswith(portal)
    items = found["search_facets"]["organization"]["items"]
    assert items == [
        {
            "name": "statistik-bb",
            "display_name": "Amt für Statistik Berlin-Brandenburg",
            "count": found["count"],
        }
    ]


def check_client_errors_are_ckanapis_exceptions(portal):
    with ckanapi.RemoteCKAN(portal) as ckan:
        with pytest.raises(ckanapi.NotFound):
            ckan.action.package_show(id="gibt-es-nicht")
        with pytest.raises(ckanapi.ValidationError):
            ckan.action.package_search(rows="abc")
        with pytest.raises(ckanapi.SearchQueryError):
            ckan.action.package_search(fq="colour:blue")
        with pytest.raises(ckanapi.NotAuthorized):
            ckan.action.package_create(name="neu")


def check_cli_action_and_search(portal):
    result = json.loads(cli("action", "package_search", "q=Pflege", "-r", portal))
    assert [p["name"] for p in result["results"]] == ["pflegeeinrichtungen"]
    lines = cli("search", "datasets", "q=Planungsraum", "-r", portal).splitlines()
    found = {json.loads(line)["name"] for line in lines}
    assert "einwohner-planungsraum-2022" in found


def check_cli_dump_gives_every_dataset_with_its_resources(portal):
    lines = cli("dump", "datasets", "--all", "-r", portal).splitlines()
    dumped = {package["name"]: package for package in map(json.loads, lines)}
    published = DatasetPage.objects.live()
    assert set(dumped) == set(published.values_list("slug", flat=True))
    for page in published:
        package = dumped[page.slug]
        versions = {
            version.resource.title: version
            for version in ResourceVersion.objects.filter(resource__dataset=page)
            .select_related("resource")
            .order_by("number")
        }
        assert {r["name"] for r in package["resources"]} == set(versions)
        for resource in package["resources"]:
            version = versions[resource["name"]]
            assert resource["url"].endswith(f"/v{version.number}/{version.filename}")
            assert resource["format"] == version.format_label


def check_datastore_search_through_remote_ckan(portal):
    with ckanapi.RemoteCKAN(portal) as ckan:
        package = ckan.action.package_show(id="einwohner-planungsraum-2022")
        resource_id = package["resources"][0]["id"]
        first = ckan.action.datastore_search(resource_id=resource_id, limit=3)
        column = first["fields"][1]["id"]
        value = first["records"][0][column]
        filtered = ckan.action.datastore_search(
            resource_id=resource_id, filters={column: value}, sort=f"{column} asc"
        )
        page = ckan.action.datastore_search(resource_id=resource_id, limit=2, offset=2)
    version = ResourceVersion.objects.filter(
        resource__dataset__slug="einwohner-planungsraum-2022"
    ).latest("number")
    assert first["total"] == version.record_count
    assert [record["_id"] for record in first["records"]] == [1, 2, 3]
    assert all(record[column] == value for record in filtered["records"])
    assert [record["_id"] for record in page["records"]] == [3, 4]


def publisher_key() -> str:
    user = get_user_model().objects.create_superuser(
        username="datenstelle", email="datenstelle@example.org", password="x"
    )
    return api_token_create(user=user, name="ckanapi")[1]


def check_cli_load_creates_and_updates_datasets(portal, key, tmp_path):
    dumped = {
        package["name"]: package
        for package in map(json.loads, cli("dump", "datasets", "--all", "-r", portal).splitlines())
    }
    updated = {**dumped["pflegeeinrichtungen"], "title": "Pflege (neu)", "notes": "Neu."}
    source = dumped["einwohner-planungsraum-2022"]
    new = {
        key: value
        for key, value in source.items()
        if key not in {"id", "resources", "metadata_created", "metadata_modified", "url"}
    }
    new |= {
        "name": "einwohner-kopie",
        "title": "Einwohner (Kopie)",
        "resources": [
            {"name": "Kopie", "description": "Vom Portal", "url": source["resources"][0]["url"]}
        ],
    }
    lines = tmp_path / "datasets.jsonl"
    lines.write_text("\n".join(json.dumps(package) for package in [updated, new]) + "\n")
    log = tmp_path / "load.log"
    cli("load", "datasets", "-I", str(lines), "-r", portal, "-a", key, "-l", str(log))
    replies = [json.loads(line) for line in log.read_text().splitlines()]
    assert [reply[2:] for reply in replies] == [
        ["update", None, "pflegeeinrichtungen"],
        ["create", None, "einwohner-kopie"],
    ]
    with ckanapi.RemoteCKAN(portal) as ckan:
        shown = ckan.action.package_show(id="pflegeeinrichtungen")
        copy = ckan.action.package_show(id="einwohner-kopie")
    assert (shown["title"], shown["notes"], shown["id"]) == ("Pflege (neu)", "Neu.", updated["id"])
    for field in ["license_id", "owner_org", "tags", "groups", "maintainer", "extras"]:
        assert shown[field] == updated[field], field
    assert [r["hash"] for r in shown["resources"]] == [r["hash"] for r in updated["resources"]]
    for field in ["license_id", "owner_org", "tags", "groups", "maintainer", "notes"]:
        assert copy[field] == source[field], field
    (resource,) = copy["resources"]
    assert (resource["name"], resource["description"]) == ("Kopie", "Vom Portal")
    assert (resource["hash"], resource["format"]) == (
        source["resources"][0]["hash"],
        source["resources"][0]["format"],
    )
    page = DatasetPage.objects.get(slug="einwohner-kopie")
    assert page.live and page.title == "Einwohner (Kopie)"
    assert (
        ResourceVersion.objects.get(resource__dataset=page).source_url
        == (source["resources"][0]["url"])
    )


def check_resource_create_with_an_upload_through_remote_ckan(portal, key):
    path = FIXTURES / "bezirke.geojson"
    with ckanapi.RemoteCKAN(portal, apikey=key) as ckan, path.open("rb") as upload:
        created = ckan.action.resource_create(
            package_id="bezirksgrenzen-prognoseraeume", name="Bezirke (neu)", upload=upload
        )
        shown = ckan.action.resource_show(id=created["id"])
    assert created == shown
    resource = Resource.objects.get(
        dataset__slug="bezirksgrenzen-prognoseraeume", title="Bezirke (neu)"
    )
    version = resource.versions.get()
    assert (resource.kind, version.filename, version.record_count) == (
        Resource.Kind.GEODATA,
        "bezirke.geojson",
        12,
    )
    assert created["hash"] == f"sha256:{version.sha256}"
    assert (created["format"], created["url"].startswith(portal)) == ("GeoJSON", True)


def test_ckanapi_library_and_command_line_work_with_the_portal(portal, tmp_path):
    """Library, command line and dump against one load of the demo catalogue."""
    check_package_search_through_remote_ckan_matches_the_database(portal)
    check_client_errors_are_ckanapis_exceptions(portal)
    check_cli_action_and_search(portal)
    check_cli_dump_gives_every_dataset_with_its_resources(portal)
    check_datastore_search_through_remote_ckan(portal)
    key = publisher_key()
    with override_settings(OPENDATA_FETCH_ALLOW_PRIVATE=True):
        check_cli_load_creates_and_updates_datasets(portal, key, tmp_path)
    check_resource_create_with_an_upload_through_remote_ckan(portal, key)
