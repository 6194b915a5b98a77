"""A consultation's result as open data: published in the catalogue from the result date,
anonymous, updated when an answer changes, and nothing written twice."""

import csv
import io
import re
from datetime import timedelta

import orjson
import pytest
from django.contrib.gis.geos import LineString, Point
from django.core.management import call_command
from django.utils import timezone, translation

from cms.models import ResultDataset
from cms.services import NoCatalogue, result_dataset_publish
from maps.models import Area
from opendata.models import DatasetPage, Resource
from participation.models import Answer, Contribution
from participation.services.answers import answer_save
from tests.factories import catalogue_index, make_consultation, square

pytestmark = pytest.mark.django_db

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def editor(user_factory):
    return user_factory(is_staff=True, is_superuser=True, email="redaktion@amt.example")


@pytest.fixture
def consultation(contribution_factory, user_factory, editor):
    """A consultation in its result phase with three answered contributions, one of them
    without a place, and one removed."""
    district = Area.objects.create(
        code="07", name="Tempelhof-Schöneberg", level=Area.Level.BEZIRK, geometry=square(13.3, 52.4)
    )
    page = make_consultation(
        title="Stufenlose Wege zum Rathaus",
        areas=[district],
        contributions_start=TODAY - timedelta(days=30),
        contributions_end=TODAY - timedelta(days=5),
        result_date=TODAY - timedelta(days=1),
    )
    author = user_factory(display_name="Erika Geheim", email="erika@private.example")
    texts = ["Bordstein absenken", "Leitstreifen fehlen", "Mehr Bänke, bitte"]
    for number, text in enumerate(texts):
        contribution = contribution_factory(
            consultation=page,
            author=author,
            text=text,
            geometry=None if number == 2 else Point(13.305, 52.405, srid=4326),
        )
        Answer.objects.create(
            contribution=contribution,
            outcome=Answer.Outcome.ADOPTED,
            reasons=f"Antwort {number}",
            answered_by=editor,
        )
    contribution_factory(
        consultation=page, author=author, status=Contribution.Status.REJECTED, text="Spam"
    )
    catalogue_index()
    return page


def stored(resource: Resource) -> bytes:
    version = resource.versions.order_by("-number").first()
    with version.file.open("rb") as file:
        return file.read()


def test_result_is_published_as_a_dataset_with_a_table_and_geodata(consultation):
    publication = result_dataset_publish(consultation=consultation)

    dataset = DatasetPage.objects.get(pk=publication.dataset.pk)
    assert publication.created and publication.versions == 2
    assert dataset.live
    assert dataset.title == "Ergebnis der Beteiligung: Stufenlose Wege zum Rathaus"
    assert dataset.get_parent().specific == catalogue_index()
    assert dataset.temporal_start == consultation.contributions_start
    assert [area.code for area in dataset.areas.all()] == ["07"]
    assert [theme.code for theme in dataset.themes.all()] == ["GOVE"]
    assert dataset.licence == "dl-by-de/2.0"
    table, geodata = Resource.objects.filter(dataset=dataset).order_by("sort_order")
    assert (table.kind, geodata.kind) == (Resource.Kind.TABLE, Resource.Kind.GEODATA)
    assert table.personal_data == Resource.PersonalData.NONE

    rows = list(csv.DictReader(io.StringIO(stored(table).decode("utf-8-sig"))))
    assert sorted(row["text"] for row in rows) == sorted(
        ["Bordstein absenken", "Leitstreifen fehlen", "Mehr Bänke, bitte"]
    )
    assert {row["outcome"] for row in rows} == {"adopted"}
    features = orjson.loads(stored(geodata))["features"]
    assert len(features) == 2  # geodata: only the contributions with a place
    assert table.versions.get().record_count == 3


def test_the_published_files_name_nobody(consultation):
    publication = result_dataset_publish(consultation=consultation)

    for resource in Resource.objects.filter(dataset=publication.dataset):
        content = stored(resource).decode("utf-8-sig")
        assert "Erika" not in content and "Spam" not in content
        assert not EMAIL.findall(content)


def test_a_second_run_changes_nothing(consultation):
    first = result_dataset_publish(consultation=consultation)

    again = result_dataset_publish(consultation=consultation)

    assert not again.created and again.versions == 0
    assert again.dataset.pk == first.dataset.pk
    assert DatasetPage.objects.count() == 1


def test_a_changed_answer_after_the_result_date_publishes_a_new_version(
    consultation, editor, django_capture_on_commit_callbacks
):
    publication = result_dataset_publish(consultation=consultation)
    table = Resource.objects.get(dataset=publication.dataset, kind=Resource.Kind.TABLE)
    contribution = Contribution.objects.get(text="Mehr Bänke, bitte")

    with django_capture_on_commit_callbacks(execute=True):
        answer_save(
            item=contribution,
            outcome=Answer.Outcome.NOT_ADOPTED,
            reasons="Kein Platz.",
            user=editor,
        )

    assert table.versions.count() == 2
    assert "Kein Platz." in stored(table).decode("utf-8-sig")
    geodata = Resource.objects.get(dataset=publication.dataset, kind=Resource.Kind.GEODATA)
    assert geodata.versions.count() == 1  # the contribution has no place: its file is unchanged


def test_answers_before_the_result_date_publish_nothing(
    contribution_factory, editor, django_capture_on_commit_callbacks
):
    open_consultation = make_consultation()
    catalogue_index()
    contribution = contribution_factory(consultation=open_consultation)

    with django_capture_on_commit_callbacks(execute=True):
        answer_save(item=contribution, outcome=Answer.Outcome.ADOPTED, reasons="Gut.", user=editor)

    assert not ResultDataset.objects.exists()
    with pytest.raises(ValueError, match="result phase"):
        result_dataset_publish(consultation=open_consultation)


def test_a_deleted_dataset_page_is_written_again(consultation):
    first = result_dataset_publish(consultation=consultation)
    DatasetPage.objects.get(pk=first.dataset.pk).delete()

    again = result_dataset_publish(consultation=consultation)

    assert again.created and again.versions == 2


def test_slug_taken_by_another_dataset_gets_a_number(consultation):
    from tests.factories import make_dataset

    make_dataset(slug=f"ergebnis-{consultation.slug}")

    publication = result_dataset_publish(consultation=consultation)

    assert publication.dataset.slug == f"ergebnis-{consultation.slug}-2"


def test_without_a_catalogue_nothing_is_written(consultation):
    from opendata.models import DatasetIndexPage

    DatasetIndexPage.objects.all().delete()

    with pytest.raises(NoCatalogue):
        result_dataset_publish(consultation=consultation)
    assert not ResultDataset.objects.exists()
    assert not DatasetPage.objects.exists()


def test_command_publishes_every_result_and_is_idempotent(consultation):
    make_consultation(title="Noch offen")
    out = io.StringIO()

    call_command("publish_results", no_progress=True, stdout=out)
    call_command("publish_results", no_progress=True, stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0].endswith("datasets created: 1; new versions: 2")
    assert lines[1].endswith("datasets created: 0; new versions: 0")
    assert ResultDataset.objects.get().consultation == consultation


def test_result_report_and_dcat_document_link_the_dataset(client, consultation):
    publication = result_dataset_publish(consultation=consultation)

    report = client.get(consultation.url + "ergebnis/").content.decode()
    document = client.get(f"/dataset/{publication.dataset.slug}.ttl")

    assert publication.dataset.url in report
    assert document.status_code == 200
    assert "Stufenlose Wege zum Rathaus" in document.content.decode()


def test_each_kind_of_place_is_its_own_geodata_resource(consultation, contribution_factory):
    line = LineString((13.301, 52.401), (13.309, 52.409), srid=4326)
    contribution_factory(consultation=consultation, geometry=line, text="Weg B ist holprig")

    publication = result_dataset_publish(consultation=consultation)

    resources = Resource.objects.filter(dataset=publication.dataset).order_by("sort_order")
    assert [resource.slug for resource in resources] == [
        "beitraege-csv",
        "beitraege-punkte",
        "beitraege-linien",
    ]
    lines = orjson.loads(stored(resources[2]))["features"]
    assert [feature["properties"]["text"] for feature in lines] == ["Weg B ist holprig"]
    assert resources[2].versions.get().report["geometry_type"] == "LineString"


def test_a_result_without_contributions_publishes_nothing():
    catalogue_index()
    empty = make_consultation(
        contributions_start=TODAY - timedelta(days=30),
        contributions_end=TODAY - timedelta(days=5),
        result_date=TODAY,
    )

    publication = result_dataset_publish(consultation=empty)

    assert publication.dataset is None and publication.versions == 0
    assert not DatasetPage.objects.exists()
