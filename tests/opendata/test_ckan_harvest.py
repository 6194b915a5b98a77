"""`ckan_harvest` against a second Quartier over real HTTP: the second instance is filled through
its CKAN write API with `ckanapi`, as any CKAN portal would be, and harvested into the test
database; then harvested again (nothing changes), after a change (only that dataset changes),
after a deletion (left alone, or unpublished with --full). Bad addresses fail with a message."""

import hashlib
import io
import os
import subprocess
import sys
from pathlib import Path

import ckanapi
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from wagtail.models import Site

from opendata.ckan.write import organisation_save, package_save
from opendata.harvest import Skip, catalogue_harvest, hosted, licence_for
from opendata.models import (
    DatasetIndexPage,
    DatasetPage,
    HarvestedDataset,
    HarvestSource,
    Licence,
    Resource,
)
from tests.second_instance import MANAGE, free_port

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "berlin"
POPULATION = FIXTURES / "einwohner_plr_2022-06.csv"
DISTRICTS = FIXTURES / "bezirke.geojson"
ANNUAL = "http://publications.europa.eu/resource/authority/frequency/ANNUAL"


@pytest.fixture
def catalogue(db, settings):
    """An empty catalogue page to harvest into; files may be fetched from 127.0.0.1."""
    settings.OPENDATA_FETCH_ALLOW_PRIVATE = True
    home = Site.objects.get(is_default_site=True).root_page
    index = DatasetIndexPage(title="Daten", slug="daten")
    home.add_child(instance=index)
    index.save_revision().publish()
    return index


def fill(portal) -> dict[str, dict]:
    """Two datasets with a table and geodata, and one whose name is taken here, created on
    the portal through its write API; the portal's package dicts by name."""
    with ckanapi.RemoteCKAN(portal.url, apikey=portal.api_key) as ckan:
        ckan.action.organization_create(
            name="statistik-bb", title="Amt für Statistik Berlin-Brandenburg"
        )
        ckan.action.package_create(
            name="einwohner-2022",
            title="Einwohner je Planungsraum 2022",
            notes="Melderechtlich registrierte Einwohner am 30.06.2022.",
            owner_org="statistik-bb",
            license_id="cc-by/4.0",
            maintainer="Referat Bevölkerung",
            tags=[{"name": "Einwohner"}, {"name": "Planungsraum"}],
            groups=[{"name": "soci"}],
            extras=[
                {"key": "temporal_start", "value": "2022-06-30"},
                {"key": "temporal_end", "value": "2022-06-30"},
                {"key": "frequency", "value": ANNUAL},
            ],
        )
        with POPULATION.open("rb") as upload:
            ckan.action.resource_create(
                package_id="einwohner-2022",
                name="Einwohner je Planungsraum",
                description="Eine Zeile je Planungsraum.",
                upload=upload,
            )
        ckan.action.package_create(
            name="bezirke",
            title="Bezirksgrenzen",
            notes="Die zwölf Bezirke Berlins.",
            owner_org="statistik-bb",
            license_id="dl-zero-de/2.0",
            groups=[{"name": "regi"}],
        )
        with DISTRICTS.open("rb") as upload:
            ckan.action.resource_create(package_id="bezirke", name="Bezirke", upload=upload)
        ckan.action.package_create(
            name="spielplaetze",
            title="Spielplätze",
            notes="Öffentliche Spielplätze.",
            owner_org="statistik-bb",
            license_id="dl-by-de/2.0",
        )
        return {name: ckan.action.package_show(id=name) for name in ckan.action.package_list()}


def harvest(url: str, *args: str) -> str:
    out = io.StringIO()
    call_command("ckan_harvest", url, "--no-progress", *args, stdout=out)
    return out.getvalue()


def check_first_harvest_takes_every_field(portal, remote: dict[str, dict]) -> None:
    output = harvest(portal.url)
    assert "created: 2; updated: 0; unchanged: 0; skipped: 1; failed: 0" in output
    assert "skipped: spielplaetze: a local dataset of another origin is called 'spielplaetze'" in (
        output
    )
    population = DatasetPage.objects.get(slug="einwohner-2022")
    package = remote["einwohner-2022"]
    assert population.live
    assert str(population.translation_key) == package["id"]
    assert (population.title, population.description) == (package["title"], package["notes"])
    assert population.licence == Licence.CC_BY_4_0
    assert (population.publisher.slug, population.publisher.name) == (
        "statistik-bb",
        "Amt für Statistik Berlin-Brandenburg",
    )
    assert population.contact_name == "Referat Bevölkerung"
    assert sorted(population.tags.names()) == ["Einwohner", "Planungsraum"]
    assert [theme.code for theme in population.themes.all()] == ["SOCI"]
    assert str(population.temporal_start) == str(population.temporal_end) == "2022-06-30"
    assert population.frequency == "ANNUAL"
    (table,) = Resource.objects.filter(dataset=population)
    remote_table = package["resources"][0]
    assert (table.title, table.description, table.kind) == (
        "Einwohner je Planungsraum",
        "Eine Zeile je Planungsraum.",
        Resource.Kind.TABLE,
    )
    version = table.versions.get()
    assert f"sha256:{version.sha256}" == remote_table["hash"]
    assert version.sha256 == hashlib.sha256(POPULATION.read_bytes()).hexdigest()
    assert (version.size, version.format) == (remote_table["size"], "csv")
    assert version.source_url == remote_table["url"]
    assert version.record_count > 400  # one row per planning area
    districts = DatasetPage.objects.get(slug="bezirke")
    assert districts.licence == Licence.DL_ZERO_DE_2_0
    (geodata,) = Resource.objects.filter(dataset=districts)
    version = geodata.versions.get()
    assert (geodata.kind, version.format, version.record_count) == ("geodata", "geojson", 12)
    assert version.sha256 == hashlib.sha256(DISTRICTS.read_bytes()).hexdigest()
    assert HarvestedDataset.objects.count() == 2
    assert HarvestSource.objects.get().url == portal.url


def check_second_harvest_changes_nothing(portal) -> None:
    versions = {page.pk: page.latest_revision_id for page in DatasetPage.objects.all()}
    output = harvest(portal.url)
    assert "created: 0; updated: 0;" in output
    assert "failed: 0" in output
    assert {page.pk: page.latest_revision_id for page in DatasetPage.objects.all()} == versions


def check_changed_dataset_alone_is_updated(portal) -> None:
    changed = POPULATION.read_bytes().replace(b"\n", b"\r\n")
    with ckanapi.RemoteCKAN(portal.url, apikey=portal.api_key) as ckan:
        package = ckan.action.package_patch(id="einwohner-2022", title="Einwohner 2022")
        ckan.action.resource_update(
            id=package["resources"][0]["id"], upload=("einwohner.csv", io.BytesIO(changed))
        )
    districts_revision = DatasetPage.objects.get(slug="bezirke").latest_revision_id
    output = harvest(portal.url)
    assert "created: 0; updated: 1;" in output
    population = DatasetPage.objects.get(slug="einwohner-2022")
    assert population.title == "Einwohner 2022"
    table = Resource.objects.get(dataset=population)
    assert list(table.versions.values_list("number", flat=True)) == [2, 1]
    assert table.versions.get(number=2).sha256 == hashlib.sha256(changed).hexdigest()
    assert DatasetPage.objects.get(slug="bezirke").latest_revision_id == districts_revision


def check_gone_dataset_is_left_alone_then_unpublished_with_full(portal) -> None:
    with ckanapi.RemoteCKAN(portal.url, apikey=portal.api_key) as ckan:
        ckan.action.package_delete(id="bezirke")
    output = harvest(portal.url)
    assert "gone from the portal, left as it is: bezirke" in output
    assert DatasetPage.objects.get(slug="bezirke").live
    output = harvest(portal.url, "--full")
    assert "gone from the portal, unpublished: bezirke" in output
    assert "created: 0; updated: 0; unchanged: 1;" in output
    assert not DatasetPage.objects.get(slug="bezirke").live


def test_harvest_from_a_second_quartier_is_complete_incremental_and_idempotent(
    catalogue, second_instance
):
    """One filled portal, harvested four times: first, again, after a change, after a deletion."""
    remote = fill(second_instance)
    organisation = organisation_save(data={"name": "gruen", "title": "Grünflächenamt"}, user=None)
    package_save(
        data={
            "name": "spielplaetze",
            "title": "Unsere Spielplätze",
            "notes": "Gepflegt vom Grünflächenamt.",
            "owner_org": organisation.slug,
            "license_id": Licence.CC_ZERO.value,
        },
        user=None,
    )
    check_first_harvest_takes_every_field(second_instance, remote)
    assert DatasetPage.objects.get(slug="spielplaetze").title == "Unsere Spielplätze"
    check_second_harvest_changes_nothing(second_instance)
    check_changed_dataset_alone_is_updated(second_instance)
    check_gone_dataset_is_left_alone_then_unpublished_with_full(second_instance)


def test_harvest_of_one_organisation_takes_its_datasets_and_moves_no_mark(
    catalogue, second_instance
):
    fill(second_instance)
    report = catalogue_harvest(url=second_instance.url, organization="nobody")
    assert (report.created, report.skipped, report.failed) == ([], [], [])
    source = HarvestSource.objects.get()
    assert source.last_modified is None  # an organisation's harvest moves no mark
    report = catalogue_harvest(
        url=f"{second_instance.url}/api/3/action/", organization="statistik-bb"
    )
    assert sorted(report.created) == ["bezirke", "einwohner-2022", "spielplaetze"]
    assert HarvestSource.objects.get().url == second_instance.url


def test_dataset_whose_file_cannot_be_fetched_fails_alone_and_is_tried_again(
    catalogue, second_instance
):
    fill(second_instance)
    (stored,) = second_instance.directory.glob(
        f"quartier-test-media-*/opendata/*/1/{POPULATION.name}"
    )
    content = stored.read_bytes()
    stored.unlink()
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 datasets failed"):
        call_command("ckan_harvest", second_instance.url, "--no-progress", stdout=out)
    assert "failed: einwohner-2022: file 'Einwohner je Planungsraum': url: " in out.getvalue()
    assert "created: 2; updated: 0; unchanged: 0; skipped: 0; failed: 1" in out.getvalue()
    assert not DatasetPage.objects.filter(slug="einwohner-2022").exists()
    assert not HarvestedDataset.objects.filter(remote_name="einwohner-2022").exists()
    stored.write_bytes(content)
    output = harvest(second_instance.url)
    assert "created: 1; updated: 0; unchanged: 2; skipped: 0; failed: 0" in output
    assert Resource.objects.get(dataset__slug="einwohner-2022").versions.count() == 1


def test_harvest_of_an_address_that_is_no_portal_address_fails_with_message(db):
    with pytest.raises(CommandError, match="not a portal address"):
        harvest("ftp://daten.example.org")


def test_harvest_of_an_unreachable_portal_exits_non_zero_with_message(tmp_path):
    """Run as operators run it: a process of its own, exit status and message."""
    url = f"http://127.0.0.1:{free_port()}"
    done = subprocess.run(  # noqa: S603 (fixed arguments)
        [sys.executable, str(MANAGE), "ckan_harvest", url, "--no-progress"],
        capture_output=True,
        text=True,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "cms.settings.test",
            "DATABASE_URL": f"spatialite:///{tmp_path / 'unused.sqlite3'}",
            "QUARTIER_VAR_DIR": str(tmp_path),
        },
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    assert f"cannot reach {url}" in done.stderr


def test_harvest_of_a_site_that_is_no_ckan_portal_fails_with_message(db, second_instance):
    with pytest.raises(CommandError, match="did not answer status_show as a CKAN portal"):
        harvest(f"{second_instance.url}/gibt-es-nicht")


@pytest.mark.parametrize(
    ("license_id", "licence"),
    [
        ("cc-by-4.0", Licence.CC_BY_4_0),
        ("CC-BY-4.0", Licence.CC_BY_4_0),
        ("cc-by/4.0", Licence.CC_BY_4_0),
        ("dl-de-by-2.0", Licence.DL_BY_DE_2_0),
        ("http://dcat-ap.de/def/licenses/dl-by-de/2.0", Licence.DL_BY_DE_2_0),
        ("dl-de-zero-2.0", Licence.DL_ZERO_DE_2_0),
        ("cc-zero", Licence.CC_ZERO),
    ],
)
def test_licence_ids_of_ckan_portals_are_the_catalogues_licences(license_id, licence):
    assert licence_for({"license_id": license_id}) == licence


def test_versionless_cc_by_is_taken_only_when_its_address_says_4_0():
    url = "https://creativecommons.org/licenses/by/4.0/"
    assert licence_for({"license_id": "cc-by", "license_url": url}) == Licence.CC_BY_4_0
    with pytest.raises(Skip, match="'cc-by' names no version"):
        licence_for({"license_id": "cc-by", "license_url": "http://opendefinition.org/cc-by"})


@pytest.mark.parametrize("license_id", ["odc-odbl", "other-closed", ""])
def test_licences_the_catalogue_does_not_offer_skip_the_dataset(license_id):
    with pytest.raises(Skip):
        licence_for({"license_id": license_id})


@pytest.mark.parametrize(
    ("resource", "taken"),
    [
        ({"format": "CSV", "url": "https://x.example/a"}, True),
        ({"format": "GeoJSON", "url": "https://x.example/a"}, True),
        ({"format": "SHP", "url": "https://x.example/a.zip"}, True),
        ({"format": "", "url": "https://x.example/a.gpkg"}, True),
        ({"format": "PDF", "url": "https://x.example/a.pdf"}, False),
        ({"format": "WMS", "url": "https://x.example/wms"}, False),
        ({"format": "ZIP", "url": "https://x.example/a.zip"}, False),
    ],
)
def test_only_files_the_catalogue_hosts_are_harvested(resource, taken):
    assert hosted(resource) is taken
