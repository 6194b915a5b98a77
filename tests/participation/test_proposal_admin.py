import pytest
from django.contrib.auth.models import Group, Permission

from participation.models import Proposal
from tests.factories import make_consultation, square

pytestmark = pytest.mark.django_db

PROPOSALS = "/admin/beteiligung/vorschlaege/"
POINT = '{"type": "Point", "coordinates": [13.35, 52.55]}'
BOW_TIE = (
    '{"type": "Polygon", "coordinates": [[[13.31, 52.51], [13.35, 52.55], [13.35, 52.51], '
    "[13.31, 52.55], [13.31, 52.51]]]}"
)


@pytest.fixture
def editor_client(client, user_factory):
    editor = user_factory()
    group, _created = Group.objects.get_or_create(name="Editors")
    group.permissions.add(
        Permission.objects.get(codename="access_admin"),
        *Permission.objects.filter(
            content_type__app_label="participation",
            codename__in=["add_proposal", "change_proposal", "view_proposal"],
        ),
    )
    editor.groups.add(group)
    client.force_login(editor)
    return client


@pytest.fixture
def district(area_factory):
    return area_factory(code="01", name="Mitte", geometry=square(13.3, 52.5, 0.2))


@pytest.fixture
def consultation(district):
    return make_consultation(areas=[district])


def form(consultation, **fields):
    return {
        "consultation": consultation.pk,
        "title": "Neue Rutsche",
        "description": "Am Eingang des Parks",
        "geometry": POINT,
        "image": "",
        "sort_order": 0,
        **fields,
    }


def test_new_proposal_form_has_a_map_a_page_chooser_and_an_image_chooser(
    editor_client, consultation
):
    response = editor_client.get(PROPOSALS + f"new/?consultation={consultation.pk}")
    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/leaflet/leaflet.js" in page
    assert 'id="id_geometry-map"' in page
    assert 'name="geometry"' in page
    assert 'name="image"' in page
    assert f'value="{consultation.pk}"' in page


def test_saved_proposal_gets_the_area_of_its_place(editor_client, consultation, district):
    response = editor_client.post(PROPOSALS + "new/", form(consultation))
    assert response.status_code == 302
    proposal = Proposal.objects.get()
    assert proposal.area == district
    assert proposal.geometry.coords == (13.35, 52.55)


def test_proposal_without_a_place_has_no_area(editor_client, consultation):
    editor_client.post(PROPOSALS + "new/", form(consultation))
    proposal = Proposal.objects.get()
    response = editor_client.post(
        PROPOSALS + f"edit/{proposal.pk}/", form(consultation, geometry="")
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.geometry, proposal.area) == (None, None)


def test_invalid_drawing_is_refused_with_a_message(editor_client, consultation):
    response = editor_client.post(PROPOSALS + "new/", form(consultation, geometry=BOW_TIE))
    assert response.status_code == 200
    assert "The drawn place is invalid" in response.content.decode()
    assert not Proposal.objects.exists()


def test_proposals_are_listed_per_consultation(editor_client, consultation, district):
    other = make_consultation(title="Buslinie 300", areas=[district])
    Proposal.objects.create(consultation=consultation, title="Rutsche", description=".")
    Proposal.objects.create(consultation=other, title="Haltestelle", description=".")
    page = editor_client.get(PROPOSALS, {"consultation": other.pk}).content.decode()
    assert "Haltestelle" in page
    assert "Rutsche" not in page
