"""`ckan_publish` against a second Quartier over real HTTP: the demo catalogue of the test
database is published to it, checked there field by field through `ckanapi`, and published
again without changing anything on the portal; a local change is published alone (or only
announced with --dry-run). A wrong key or a missing one fails with a message."""

import io

import ckanapi
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cms.demo import demo_load
from opendata.ckan.write import package_save
from opendata.demo import demo_load as opendata_demo_load
from opendata.models import DatasetPage, Resource, format_label
from opendata.selectors import published_datasets


@pytest.fixture
def demo_catalogue(db):
    """The demo's open-data catalogue (areas, site, datasets with their files)."""
    call_command("import_areas", no_progress=True, stdout=io.StringIO())
    demo_load(password="")
    opendata_demo_load()
    return list(published_datasets().order_by("slug"))


def publish(portal, *args: str) -> str:
    out = io.StringIO()
    call_command(
        "ckan_publish", portal.url, "--api-key", portal.api_key, "--no-progress", *args, stdout=out
    )
    return out.getvalue()


def remote_packages(portal) -> dict[str, dict]:
    with ckanapi.RemoteCKAN(portal.url) as ckan:
        return {name: ckan.action.package_show(id=name) for name in ckan.action.package_list()}


def check_package_matches_dataset(package: dict, dataset: DatasetPage) -> None:
    assert package["id"] == str(dataset.translation_key)
    assert (package["title"], package["notes"]) == (dataset.title, dataset.description)
    assert package["license_id"] == dataset.licence
    assert package["organization"]["name"] == dataset.publisher.slug
    assert package["organization"]["title"] == dataset.publisher.name
    assert package["maintainer"] == dataset.contact_name
    assert {tag["name"] for tag in package["tags"]} == set(dataset.tags.names())
    assert {group["name"] for group in package["groups"]} == {
        theme.code.lower() for theme in dataset.themes.all()
    }
    extras = {extra["key"]: extra["value"] for extra in package["extras"]}
    for field in ("temporal_start", "temporal_end", "issued"):
        value = getattr(dataset, field)
        assert extras.get(field) == (value.isoformat() if value else None)
    if dataset.frequency:
        assert extras["frequency"].endswith(f"/{dataset.frequency}")
    resources = list(Resource.objects.filter(dataset=dataset).order_by("sort_order", "pk"))
    assert [item["name"] for item in package["resources"]] == [r.title for r in resources]
    for item, resource in zip(package["resources"], resources, strict=True):
        version = resource.versions.latest("number")
        assert item["hash"] == f"sha256:{version.sha256}"
        assert (item["size"], item["format"]) == (version.size, format_label(version.format))
        assert item["description"] == resource.description


def test_publish_to_a_second_quartier_is_complete_and_a_second_run_changes_nothing(
    demo_catalogue, second_instance
):
    output = publish(second_instance)
    count = len(demo_catalogue)
    assert f"created: {count}; updated: 0; unchanged: 0; failed: 0" in output
    assert "organisation created: statistik-bb" in output
    remote = remote_packages(second_instance)
    assert set(remote) == {dataset.slug for dataset in demo_catalogue}
    for dataset in demo_catalogue:
        check_package_matches_dataset(remote[dataset.slug], dataset)

    output = publish(second_instance)
    assert f"created: 0; updated: 0; unchanged: {count}; failed: 0; files uploaded: 0" in output
    again = remote_packages(second_instance)
    assert {name: p["metadata_modified"] for name, p in again.items()} == {
        name: p["metadata_modified"] for name, p in remote.items()
    }

    changed = demo_catalogue[0]
    title = changed.title
    package_save(data={"title": "Neuer Titel"}, user=None, dataset=changed, partial=True)
    output = publish(second_instance, "--dry-run")
    assert "dry run, nothing changed; would have created: 0; updated: 1;" in output
    assert remote_packages(second_instance)[changed.slug]["title"] == title
    output = publish(second_instance)
    assert f"created: 0; updated: 1; unchanged: {count - 1}; failed: 0" in output
    assert remote_packages(second_instance)[changed.slug]["title"] == "Neuer Titel"


def test_publish_with_a_wrong_key_fails_for_each_dataset_with_the_portals_message(
    demo_catalogue, second_instance
):
    count = sum(dataset.publisher.slug == "statistik-bb" for dataset in demo_catalogue)
    out = io.StringIO()
    with pytest.raises(CommandError, match=f"{count} datasets failed"):
        call_command(
            "ckan_publish",
            second_instance.url,
            "--api-key",
            "falscher-schluessel",
            "--organization",
            "statistik-bb",
            "--no-progress",
            stdout=out,
        )
    assert "not authorised" in out.getvalue()
    assert remote_packages(second_instance) == {}


def test_publish_without_a_key_fails_with_message(db, monkeypatch):
    monkeypatch.delenv("CKAN_API_KEY", raising=False)
    with pytest.raises(CommandError, match="an API key of the portal is needed"):
        call_command("ckan_publish", "http://127.0.0.1:9", "--api-key", "", "--no-progress")


def test_publish_to_an_address_that_is_no_portal_address_fails_with_message(db):
    with pytest.raises(CommandError, match="not a portal address"):
        call_command("ckan_publish", "daten.example.org", "--api-key", "x", "--no-progress")
