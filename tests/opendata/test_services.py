import csv
import hashlib
import io

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from opendata.models import DataTheme, Resource
from opendata.services import resource_download_count, resource_version_create
from tests.conftest import FIXTURES
from tests.factories import make_dataset

pytestmark = pytest.mark.django_db
POPULATION = (FIXTURES / "berlin" / "einwohner_plr_2022-06.csv").read_bytes()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with translation.override("en"):
        yield tmp_path


@pytest.fixture
def dataset():
    page = make_dataset()
    page.themes.set(DataTheme.objects.filter(code="SOCI"))
    return page


def resource(dataset, **fields):
    values = {"title": "Tabelle", "slug": "tabelle", "kind": "table", **fields}
    return Resource.objects.create(dataset=dataset, **values)


def test_themes_are_the_eu_vocabulary():
    assert DataTheme.objects.count() == 14
    assert DataTheme.objects.get(code="SOCI").iri.endswith("/data-theme/SOCI")


def test_each_upload_is_a_new_version_with_checksum_and_size(dataset):
    table = resource(dataset)
    first = resource_version_create(resource=table, data=POPULATION, filename="einwohner.csv")
    second = resource_version_create(
        resource=table,
        data=POPULATION.replace(b"\r\n", b"\n"),
        filename="einwohner.csv",
        note="Zeilenenden",
    )
    assert (first.number, second.number) == (1, 2)
    assert first.sha256 == hashlib.sha256(POPULATION).hexdigest()
    assert first.size == len(POPULATION)
    assert first.record_count == 542
    assert first.file.read() == POPULATION
    assert first.file.name != second.file.name
    assert list(table.versions.values_list("number", flat=True)) == [2, 1]


def test_aggregated_personal_data_is_published_after_disclosure_control(dataset):
    table = resource(dataset, personal_data="aggregated")
    data = "Gebiet;Frauen;Männer;Gesamt\nA;1;10;11\nB;7;8;15\nC;9;12;21\n".encode()
    version = resource_version_create(resource=table, data=data, filename="klein.csv")
    rows = list(csv.DictReader(io.StringIO(version.file.read().decode())))
    assert rows[0]["Frauen"] == "."
    assert [cell["reason"] for cell in version.suppressed].count("primary") >= 1
    assert all(row["Frauen"] in {".", "7", "9"} for row in rows)
    assert version.format == "csv"
    assert b";1;" not in version.file.read()


def test_record_level_personal_data_is_refused(dataset):
    table = resource(dataset, personal_data="records")
    with pytest.raises(ValidationError, match="Record-level personal data cannot be published"):
        resource_version_create(resource=table, data=POPULATION, filename="einwohner.csv")
    assert not table.versions.exists()


def test_invalid_table_stores_nothing(dataset, media):
    table = resource(dataset)
    with pytest.raises(ValidationError) as error:
        resource_version_create(resource=table, data=b"a,b\n1,2\n3\n", filename="kaputt.csv")
    assert "line 3" in " ".join(error.value.messages)
    assert not table.versions.exists()
    assert not any(media.rglob("*.csv"))


def test_too_large_file_is_refused(dataset, settings):
    settings.OPENDATA_MAX_UPLOAD_BYTES = 100
    with pytest.raises(ValidationError, match="the limit is"):
        resource_version_create(resource=resource(dataset), data=POPULATION, filename="e.csv")


def test_download_count_holds_no_personal_data(dataset):
    table = resource(dataset)
    resource_download_count(resource=table)
    resource_download_count(resource=table)
    table.refresh_from_db()
    assert table.download_count == 2


def test_dashes_for_nothing_survive_disclosure_control(dataset):
    table = resource(dataset, personal_data="aggregated")
    dash = "\u2013"  # the en dash statistical offices print for "nothing"
    data = f"Gebiet;Frauen;Männer;Gesamt\nA;{dash};10;10\nB;1;8;9\nC;9;12;21\n".encode()
    version = resource_version_create(resource=table, data=data, filename="strich.csv")
    rows = list(csv.DictReader(io.StringIO(version.file.read().decode())))
    assert rows[0]["Frauen"] == dash
    assert rows[1]["Frauen"] == "."
