import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from opendata.models import Resource
from tests.conftest import FIXTURES
from tests.factories import make_dataset

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with translation.override("en"):
        yield tmp_path


@pytest.fixture
def resource():
    page = make_dataset()
    return Resource.objects.create(
        dataset=page, title="Tabelle", slug="tabelle", kind="table", personal_data="aggregated"
    )


@pytest.fixture
def editor_client(client, user_factory):
    client.cookies["quartier_language"] = "en"
    client.force_login(user_factory(is_staff=True, is_superuser=True))
    return client


def upload(client, resource, content: bytes, name: str = "tabelle.csv"):
    return client.post(
        f"/admin/daten/ressourcen/{resource.pk}/version/",
        {"file": SimpleUploadedFile(name, content, "text/csv"), "note": "Erste Fassung"},
    )


def test_editor_publishes_a_version_and_sees_what_was_suppressed(editor_client, resource):
    response = upload(editor_client, resource, b"Gebiet;Frauen;Gesamt\nA;1;11\nB;7;15\nC;9;21\n")
    assert response.status_code == 302
    page = editor_client.get(response["Location"]).content.decode()
    assert "Version 1" in page
    assert "suppressed" in page
    version = resource.versions.get()
    assert version.note == "Erste Fassung"
    assert version.suppressed


def test_invalid_file_shows_the_problems_and_stores_nothing(editor_client, resource):
    response = upload(editor_client, resource, b"a,b\n1,2\n3\n")
    assert response.status_code == 422
    assert "line 3" in response.content.decode()
    assert not resource.versions.exists()


def test_file_over_the_limit_gets_413(editor_client, resource, settings):
    settings.OPENDATA_MAX_UPLOAD_BYTES = 10
    response = upload(editor_client, resource, b"a,b\n1,2\n3,4\n")
    assert response.status_code == 413
    assert "the limit is" in response.content.decode()
    assert not resource.versions.exists()


def test_visitors_without_permission_cannot_publish(client, resource, user_factory):
    client.force_login(user_factory(is_staff=True))
    response = upload(client, resource, b"a,b\n1,2\n")
    assert response.status_code in {302, 403}
    assert not resource.versions.exists()


def test_editor_publishes_geodata_and_a_broken_file_names_the_feature(editor_client, resource):
    resource.kind, resource.personal_data = "geodata", "none"
    resource.save()
    broken = (
        b'{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, '
        b'"geometry": {"type": "Point", "coordinates": [13.4]}}]}'
    )
    response = upload(editor_client, resource, broken, name="orte.geojson")
    assert response.status_code == 422
    assert "orte.geojson, feature 1" in response.content.decode()
    assert not resource.versions.exists()
    care_homes = (FIXTURES / "berlin" / "pflegeeinrichtungen_epsg25833.geojson").read_bytes()
    response = upload(editor_client, resource, care_homes, name="pflege.geojson")
    assert response.status_code == 302
    version = resource.versions.get()
    assert (version.record_count, version.report["source_srid"]) == (274, 25833)
