import csv
import io

import pytest
from django.core.management import call_command
from wagtail.models import Page

from opendata.models import DatasetIndexPage, DatasetPage, Resource, ResourceVersion

pytestmark = pytest.mark.django_db

POPULATION = "einwohner-planungsraum-2022"
MONITORING = "monitoring-soziale-stadtentwicklung-2021"
TOWN_HALL_RESULT = "ergebnis-stufenlose-wege-rathaus-schoeneberg"
# Geodata datasets: resource slug → (features, geometry type, coordinate system of the file).
GEODATA = {
    "pflegeeinrichtungen": {"pflegeeinrichtungen": (274, "Point", 25833)},
    "jugendfreizeiteinrichtungen": {"jugendfreizeiteinrichtungen": (407, "Point", 25833)},
    "kindertagesstaetten": {"kitas": (2880, "Point", 25833)},
    "bezirksgrenzen-prognoseraeume": {
        "bezirke": (12, "Polygon", 4326),
        "prognoseraeume": (58, "Polygon", 4326),
    },
}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def load_demo() -> str:
    out = io.StringIO()
    call_command("load_demo", no_progress=True, no_addresses=True, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Page, DatasetPage, Resource, ResourceVersion)
    }


def version(slug: str) -> ResourceVersion:
    return ResourceVersion.objects.get(resource__slug=slug)


def published_rows(version: ResourceVersion) -> list[dict[str, str]]:
    with version.file.open("rb") as file:
        return list(csv.DictReader(io.StringIO(file.read().decode("utf-8"))))


def test_demo_publishes_the_catalogue_with_its_datasets():
    output = load_demo()
    index = DatasetIndexPage.objects.get()
    assert (index.title, index.slug, index.show_in_menus, index.live) == (
        "Offene Daten",
        "daten",
        True,
        True,
    )
    assert index.intro
    datasets = {page.slug: page for page in DatasetPage.objects.child_of(index).live()}
    # and the result of the consultation that has reached its result (cms.services)
    assert datasets.keys() == {POPULATION, MONITORING, *GEODATA, TOWN_HALL_RESULT}
    result = datasets[TOWN_HALL_RESULT]
    assert [resource.slug for resource in result.resources.order_by("sort_order")] == [
        "beitraege-csv",
        "beitraege-punkte",
        "beitraege-linien",
    ]
    population, monitoring = datasets[POPULATION], datasets[MONITORING]
    assert population.publisher.slug == "statistik-bb"
    assert population.publisher.website == "https://www.statistik-berlin-brandenburg.de"
    assert monitoring.publisher.name == "Senatsverwaltung für Stadtentwicklung, Bauen und Wohnen"
    assert "Amt für Statistik Berlin-Brandenburg" in population.description
    assert population.licence == monitoring.licence == "dl-by-de/2.0"
    assert [theme.code for theme in population.themes.all()] == ["SOCI"]
    assert {theme.code for theme in monitoring.themes.all()} == {"SOCI", "REGI"}
    assert {area.level for area in population.areas.all()} == {"bezirk"}
    assert population.areas.count() == monitoring.areas.count() == 12
    assert "Sozialmonitoring" in monitoring.tags.names()
    assert population.temporal_start is not None and population.contact_name
    assert "datasets created: Offene Daten, Einwohnerinnen" in output
    for resource in Resource.objects.filter(dataset__in=datasets.values()):
        assert resource.versions.count() == 1


def test_demo_publishes_facilities_and_boundaries_as_geodata(client):
    load_demo()
    for dataset_slug, resources in GEODATA.items():
        page = DatasetPage.objects.get(slug=dataset_slug)
        assert page.licence == "dl-by-de/2.0"
        assert "Geoportal Berlin" in page.description
        for slug, (count, geometry_type, srid) in resources.items():
            published = ResourceVersion.objects.get(resource__dataset=page, resource__slug=slug)
            assert published.resource.kind == Resource.Kind.GEODATA
            assert published.format == "geojson"
            assert published.record_count == count
            assert published.report["geometry_type"] == geometry_type
            assert published.report["source_srid"] == srid
            assert published.features_file
    kitas = ResourceVersion.objects.get(resource__slug="kitas")
    # Kept compressed in the repository, published as the GeoJSON itself.
    assert kitas.filename == "kitas_epsg25833.geojson"
    with kitas.file.open("rb") as stored:
        assert stored.read(1) == b"{"
    assert "Kita F.A.I.R.play" in client.get("/daten/kindertagesstaetten/").content.decode()


def small_counts(version: ResourceVersion, below: int) -> list[tuple[int, str]]:
    """The cells of the published file's count columns holding a count from 1 to below - 1."""
    columns = [
        field["name"] for field in version.table_schema["fields"] if field["type"] == "integer"
    ]
    assert "Gesamt" in columns
    return [
        (line, column)
        for line, row in enumerate(published_rows(version), start=2)
        for column in columns
        if row[column].strip().isdigit() and 0 < int(row[column]) < below
    ]


def test_population_is_published_after_disclosure_control():
    load_demo()
    published = version("einwohner-2022")
    assert published.resource.personal_data == Resource.PersonalData.AGGREGATED
    assert published.format == "csv" and published.record_count == 542
    rows = published_rows(published)
    assert len(rows) == 542 and rows[0]["Gesamt"] == "3503"
    assert not small_counts(published, below=3)
    # The office writes an en dash where nobody is in the group: published as it is.
    assert len([value for row in rows for value in row.values() if value == "\u2013"]) == 30


def test_population_suppresses_what_the_configured_rule_calls_small(settings):
    """The source holds no count of 1 or 2, so the default rule suppresses nothing; a stricter
    rule shows the demo's table goes through disclosure control and lists what it withheld."""
    settings.DISCLOSURE_THRESHOLD = 10
    output = load_demo()
    published = version("einwohner-2022")
    assert published.suppressed
    assert {cell["reason"] for cell in published.suppressed} >= {"primary"}
    assert not small_counts(published, below=10)
    assert f"({len(published.suppressed)} small counts suppressed)" in output


def test_social_monitoring_table_has_every_planning_area():
    load_demo()
    published = version("mss-2021")
    assert published.resource.personal_data == Resource.PersonalData.NONE
    assert published.suppressed == []
    assert published.record_count == len(published_rows(published)) == 542


def test_second_load_creates_nothing_and_a_deleted_dataset_comes_back():
    load_demo()
    before = counts()
    output = load_demo()
    assert counts() == before
    assert "datasets created: none; versions published: 0" in output
    DatasetPage.objects.get(slug=MONITORING).delete()
    output = load_demo()
    assert counts() == before
    assert "datasets created: Monitoring Soziale Stadtentwicklung 2021" in output


def test_catalogue_and_dataset_pages_answer(client):
    load_demo()
    response = client.get("/daten/")
    assert response.status_code == 200
    page = response.content.decode()
    for dataset in DatasetPage.objects.live():
        assert dataset.title in page
        assert client.get(dataset.url).status_code == 200
