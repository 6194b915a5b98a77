import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from maps.models import Address
from participation.models import ConsultationPage, Contribution
from tests.factories import make_consultation

pytestmark = pytest.mark.django_db

POLYGON_CROSSING = (
    '{"type":"Polygon","coordinates":[[[13.41,52.51],[13.45,52.55],[13.45,52.51],'
    "[13.41,52.55],[13.41,52.51]]]}"
)


@pytest.fixture
def consultation(district):
    return make_consultation(areas=[district], allow_line=False)


@pytest.fixture
def planning_area(district, area_factory):
    forecast = area_factory(
        code="0201", name="Kreuzberg Ost", level="prognoseraum", parent=district, geometry=None
    )
    region = area_factory(
        code="020101", name="Wrangelkiez", level="bezirksregion", parent=forecast, geometry=None
    )
    return area_factory(
        code="02010101", name="Oranienplatz", level="planungsraum", parent=region, geometry=None
    )


@pytest.fixture
def address(planning_area):
    return Address.objects.create(
        street="Oranienstraße",
        house_number="12",
        postcode="10999",
        locality="Kreuzberg",
        area=planning_area,
        search_key="oranienstrasse 00012",
    )


def contribute_url(consultation):
    return consultation.url + "beitragen/"


def post(client, consultation, **fields):
    data = {"text": "Hier fehlt eine Bank.", "category": "suggestion", **fields}
    return client.post(contribute_url(consultation), data)


def errors_of(response) -> str:
    return response.content.decode()


def test_consultation_page_lists_published_and_removed_only(
    client, consultation, contribution_factory
):
    contribution_factory(consultation=consultation, text="Sichtbar und veröffentlicht")
    contribution_factory(consultation=consultation, text="Noch nicht geprüft", status="pending")
    contribution_factory(
        consultation=consultation,
        text="Beleidigung",
        status="rejected",
        moderation_reason="Beleidigend",
    )
    response = client.get(consultation.url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Sichtbar und veröffentlicht" in html
    assert "Noch nicht geprüft" not in html
    assert "Beleidigung" not in html
    assert "Beleidigend" in html


@pytest.mark.parametrize("count", [10, 200])
def test_consultation_page_runs_constant_queries(
    client, consultation, contribution_factory, user_factory, count, django_assert_max_num_queries
):
    author = user_factory()
    contribution_factory.create_batch(count, consultation=consultation, author=author)
    with django_assert_max_num_queries(25):
        assert client.get(consultation.url).status_code == 200
    with django_assert_max_num_queries(14):
        response = client.get(consultation.url + "kartendaten/")
    assert len(response.json()["features"]) == count


def test_map_features_follow_the_list_filters(client, consultation, contribution_factory):
    contribution_factory(consultation=consultation, category="praise")
    contribution_factory(consultation=consultation, category="concern")
    features = client.get(consultation.url + "kartendaten/?kategorie=praise").json()["features"]
    assert [f["properties"]["category"] for f in features] == ["praise"]
    assert client.get(consultation.url + "kartendaten/?kategorie=rant").status_code == 400


def test_anonymous_contributor_is_sent_to_login_and_keeps_the_text(client, consultation, user):
    response = post(client, consultation, text="Mein langer Text über die Bank", location="none")
    assert response.status_code == 302
    assert "/konto/login/" in response["Location"]
    client.force_login(user)
    form = client.get(contribute_url(consultation)).content.decode()
    assert "Mein langer Text über die Bank" in form
    assert not Contribution.objects.exists()


@pytest.mark.parametrize("location", ["none", "area", "map", "address"])
def test_each_way_of_giving_the_place_stores_a_contribution(
    client, consultation, user, address, planning_area, location
):
    client.force_login(user)
    fields = {
        "none": {},
        "area": {"area": planning_area.code},
        "map": {"geometry": '{"type":"Point","coordinates":[13.45,52.55]}'},
        "address": {"address": "Oranienstraße 12"},
    }[location]
    response = post(client, consultation, location=location, **fields)
    assert response.status_code == 302, errors_of(response)
    contribution = Contribution.objects.get()
    expected_area = {"none": None, "area": planning_area, "address": planning_area}
    if location == "map":
        assert contribution.geometry.coords == (13.45, 52.55)
        assert contribution.area.code == "02"
    else:
        assert contribution.area == expected_area[location]
        assert contribution.geometry is None
    assert response["Location"] == contribution.url


def test_ambiguous_address_offers_a_choice(client, consultation, user, address, planning_area):
    Address.objects.create(
        street="Oranienstraße",
        house_number="12A",
        postcode="10999",
        locality="Kreuzberg",
        area=planning_area,
        search_key="oranienstrasse 00012a",
    )
    client.force_login(user)
    response = post(client, consultation, location="address", address="Oranienstraße")
    html = errors_of(response)
    assert "2 addresses match" in html
    assert 'name="address_choice"' in html
    response = post(
        client,
        consultation,
        location="address",
        address="Oranienstraße",
        address_choice=address.pk,
    )
    assert response.status_code == 302, errors_of(response)[-6000:]
    assert Contribution.objects.get().area == planning_area


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"location": "map", "geometry": '{"type":"Point","coordinates":[13.2,52.55]}'},
            "outside the consultation area",
        ),
        (
            {
                "location": "map",
                "geometry": '{"type":"LineString","coordinates":[[13.41,52.51],[13.42,52.52]]}',
            },
            "A line is not possible here",
        ),
        ({"location": "map", "geometry": POLYGON_CROSSING}, "crosses itself"),
        (
            {"location": "map", "geometry": '{"type":"Point","coordinates":[13.4,95]}'},
            "outside the range",
        ),
        ({"location": "map"}, "Set the place on the map"),
        ({"location": "none", "text": " "}, "the text is empty"),
        ({"location": "none", "text": "x" * 4001}, "at most 4000 characters"),
        ({"location": "address", "address": "Nirgendwostraße 1"}, "No Berlin address matches"),
        ({"location": "area", "area": ""}, "Choose an area from the list"),
        ({"location": "area", "area": "99"}, "Select a valid choice"),
        ({}, "Choose how you want to give the place"),
    ],
)
def test_bad_contribution_shows_a_clear_message_and_stores_nothing(
    client, consultation, user, fields, message
):
    client.force_login(user)
    response = post(client, consultation, **fields)
    html = errors_of(response)
    assert response.status_code == 200
    assert 'id="error-summary"' in html
    assert message in html
    assert not Contribution.objects.exists()
    if "text" in fields and fields["text"].strip():
        assert fields["text"][:100] in html


def test_contribution_after_the_phase_ended_is_refused(client, district, user):
    today = timezone.localdate()
    consultation = make_consultation(
        areas=[district],
        contributions_start=today - timedelta(days=20),
        contributions_end=today - timedelta(days=1),
    )
    client.force_login(user)
    response = post(client, consultation, location="none")
    assert "Contributions are closed" in errors_of(response)
    assert not Contribution.objects.exists()


def test_pre_moderated_contribution_is_not_shown_yet(client, district, user):
    consultation = make_consultation(areas=[district], moderation=ConsultationPage.Moderation.PRE)
    client.force_login(user)
    response = post(client, consultation, location="none", text="Wartet auf Prüfung")
    assert response["Location"] == consultation.url
    page = client.get(consultation.url).content.decode()
    assert "approved it" in page
    assert "Wartet auf Prüfung" not in page


def test_honeypot_stores_nothing(client, consultation, user):
    client.force_login(user)
    post(client, consultation, location="none", website="http://spam.example")
    assert not Contribution.objects.exists()


def test_contribution_page_shows_replies_and_takes_a_reply(
    client, consultation, contribution, user_factory
):
    contribution.consultation = consultation
    contribution.save()
    user = user_factory()
    client.force_login(user)
    response = client.post(contribution.url, {"text": "Sehe ich genauso."})
    assert response.status_code == 302
    html = client.get(contribution.url).content.decode()
    assert "Sehe ich genauso." in html
    assert str(user) in html


def test_support_toggles(client, consultation, contribution, user_factory):
    contribution.consultation = consultation
    contribution.save()
    user = user_factory()
    client.force_login(user)
    url = contribution.url + "unterstuetzen/"
    client.post(url)
    contribution.refresh_from_db()
    assert contribution.support_count == 1
    client.post(url)
    contribution.refresh_from_db()
    assert contribution.support_count == 0
    assert client.get(url).status_code == 405


def test_report_needs_a_reason(client, consultation, contribution, user_factory):
    contribution.consultation = consultation
    contribution.save()
    user = user_factory()
    client.force_login(user)
    url = contribution.url + "melden/"
    assert "Give a reason" in client.post(url, {"reason": ""}).content.decode()
    assert client.post(url, {"reason": "Werbung"}).status_code == 302
    assert contribution.reports.get().reason == "Werbung"


def test_pending_contribution_page_is_not_found(client, consultation, contribution_factory):
    pending = contribution_factory(consultation=consultation, status="pending")
    assert client.get(consultation.url + f"beitraege/{pending.pk}/").status_code == 404


def test_place_check_says_area_and_inside(client, consultation, district):
    data = client.get(consultation.url + "ort/?lon=13.45&lat=52.55").json()
    assert data == {"inside": True, "area": district.name, "area_level": "District"}
    assert client.get(consultation.url + "ort/?lon=13.2&lat=52.55").json()["inside"] is False
    assert client.get(consultation.url + "ort/?lon=x").status_code == 400


def test_index_filters_by_phase_and_district(client, district, area_factory):
    open_one = make_consultation(areas=[district], title="Offen im Bezirk")
    other = area_factory(code="03", name="Pankow")
    today = timezone.localdate()
    make_consultation(
        areas=[other],
        title="Bald in Pankow",
        contributions_start=today + timedelta(days=5),
        contributions_end=today + timedelta(days=20),
    )
    index = open_one.get_parent()
    html = client.get(index.url + "?phase=contributions").content.decode()
    assert "Offen im Bezirk" in html and "Bald in Pankow" not in html
    html = client.get(index.url + "?bezirk=03").content.decode()
    assert "Bald in Pankow" in html and "Offen im Bezirk" not in html


def test_no_email_address_on_public_pages(client, consultation, contribution_factory, user_factory):
    author = user_factory()
    contribution = contribution_factory(consultation=consultation, author=author)
    pages = [
        consultation.url,
        contribution.url,
        consultation.url + "kartendaten/",
        consultation.get_parent().url,
    ]
    for url in pages:
        body = client.get(url).content.decode()
        assert not re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", body), url
        assert author.username not in body


def test_form_sent_after_the_token_expired_keeps_text_and_place(consultation, user):
    strict = Client(enforce_csrf_checks=True)
    strict.cookies["quartier_language"] = "en"
    strict.force_login(user)
    geometry = '{"type":"Point","coordinates":[13.45,52.55]}'
    response = strict.post(
        contribute_url(consultation),
        {
            "text": "Mein Text bleibt erhalten",
            "category": "concern",
            "location": "map",
            "geometry": geometry,
        },
    )
    assert response.status_code == 403
    form = strict.get(contribute_url(consultation)).content.decode()
    assert "Mein Text bleibt erhalten" in form
    assert 'id="form-recovered"' in form
    assert re.search(r'<input[^>]*value="concern"[^>]*checked', form)
    assert "13.45,52.55" in form
    assert not Contribution.objects.exists()
