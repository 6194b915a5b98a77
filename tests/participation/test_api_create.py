"""Creating a contribution through the REST API (POST /api/v1/contributions/): API keys and the
login session, the same rules as the form on the consultation's page, the answers' status
codes and the rates."""

import json
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from participation.models import ConsultationPage, Contribution, Group, Membership, Proposal
from participation.services.tokens import api_token_create, api_token_revoke
from tests.factories import make_consultation, square

pytestmark = pytest.mark.django_db

URL = "/api/v1/contributions/"
INSIDE = {"type": "Point", "coordinates": [13.42, 52.52]}
OUTSIDE = {"type": "Point", "coordinates": [13.2, 52.4]}
LINE = {"type": "LineString", "coordinates": [[13.41, 52.51], [13.43, 52.52]]}


@pytest.fixture
def consultation(district):
    return make_consultation(areas=[district], allow_line=False)


@pytest.fixture
def key(user):
    _token, secret = api_token_create(user=user, name="Skript für den Kiez")
    return secret


@pytest.fixture
def group(user_factory):
    group = Group.objects.create(
        name="Seniorenvertretung Mitte",
        slug="seniorenvertretung-mitte",
        kind=Group.Kind.ADVISORY_BOARD,
        verified=True,
        verified_at=timezone.now(),
    )
    Membership.objects.create(group=group, user=user_factory(), role=Membership.Role.SPOKESPERSON)
    return group


def body(consultation, /, **fields) -> dict:
    return {
        "consultation": consultation.pk,
        "text": "Hier fehlt eine Bank im Schatten.",
        "category": "suggestion",
        "geometry": INSIDE,
        **fields,
    }


def post(api, data, *, key: str | None = None, scheme: str = "Bearer", **headers):
    if key is not None:
        headers["HTTP_AUTHORIZATION"] = f"{scheme} {key}"
    payload = data if isinstance(data, str) else json.dumps(data)
    return api.post(URL, payload, content_type="application/json", **headers)


def refused(response, status: int) -> dict:
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    assert not Contribution.objects.exists()
    return response.json()


# Created: as the read endpoint shows it ---------------------------------------------------------


def test_api_key_creates_a_contribution_shown_as_the_read_endpoint_shows_it(
    api, consultation, user, key
):
    response = post(api, body(consultation), key=key)

    assert response.status_code == 201, response.content
    created = response.json()
    contribution = Contribution.objects.get()
    assert contribution.author == user
    assert contribution.status == Contribution.Status.PUBLISHED
    assert contribution.area.code == "02"
    assert response["Location"] == f"http://testserver/api/v1/contributions/{contribution.pk}/"
    assert created["properties"].pop("status") == "published"
    assert created == api.get(response["Location"]).json()
    assert created["geometry"] == INSIDE
    assert created["properties"]["author"] == str(user)


def test_token_scheme_is_accepted_too(api, consultation, key):
    response = post(api, body(consultation), key=key, scheme="Token")

    assert response.status_code == 201


def test_pre_moderated_contribution_is_created_pending_and_not_listed_yet(api, district, key):
    consultation = make_consultation(areas=[district], moderation=ConsultationPage.Moderation.PRE)

    response = post(api, body(consultation), key=key)

    assert response.status_code == 201
    assert response.json()["properties"]["status"] == "pending"
    assert "Location" not in response
    contribution = Contribution.objects.get()
    assert contribution.status == Contribution.Status.PENDING
    assert api.get(f"{URL}{contribution.pk}/").status_code == 404
    assert api.get(URL).json()["count"] == 0


def test_place_may_be_an_area_code_or_none(api, consultation, district, key):
    by_area = post(api, body(consultation, geometry=None, area="02"), key=key)
    without = post(api, body(consultation, geometry=None), key=key)

    assert by_area.status_code == 201
    assert by_area.json()["properties"]["area"] == {"code": "02", "name": district.name}
    assert without.status_code == 201
    assert without.json()["geometry"] is None


def test_member_writes_on_behalf_of_the_group(api, consultation, group, user, key):
    Membership.objects.create(group=group, user=user, status=Membership.Status.ACTIVE)

    response = post(api, body(consultation, group=group.pk), key=key)

    assert response.status_code == 201
    assert Contribution.objects.get().group == group


def test_proposal_of_the_consultation_is_linked(api, consultation, key):
    proposal = Proposal.objects.create(consultation=consultation, title="Bank", description="…")

    response = post(api, body(consultation, proposal=proposal.pk), key=key)

    assert response.status_code == 201
    assert response.json()["properties"]["proposal"] == proposal.pk


# Who: 401 and 403 ------------------------------------------------------------------------------


def test_without_credentials_is_a_401_saying_how_to_authenticate(api, consultation):
    body_ = refused(post(api, body(consultation)), 401)

    assert "API key (Authorization: Bearer <key>)" in body_["detail"]


@pytest.mark.parametrize("scheme", ["Bearer", "Token"])
def test_unknown_key_is_a_401_with_www_authenticate_never_anonymous(api, consultation, scheme):
    response = post(api, body(consultation), key="wagtail_unknown-key", scheme=scheme)

    body_ = refused(response, 401)
    assert response["WWW-Authenticate"] == "Bearer"
    assert "The API key is unknown or revoked" in body_["detail"]
    reading = api.get(URL, HTTP_AUTHORIZATION="Bearer wagtail_unknown-key")
    assert reading.status_code == 401
    assert "unknown or revoked" in reading.json()["detail"]


def test_revoked_key_is_a_401(api, consultation, user):
    token, secret = api_token_create(user=user, name="Alt")
    api_token_revoke(user=user, token_id=token.pk)

    refused(post(api, body(consultation), key=secret), 401)


def test_key_of_a_deactivated_account_is_a_401(api, consultation, user, key):
    user.is_active = False
    user.save()

    refused(post(api, body(consultation), key=key), 401)


def test_login_session_needs_the_csrf_token(consultation, user):
    browser = Client(enforce_csrf_checks=True)
    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    browser.force_login(user)

    without_token = refused(post(browser, body(consultation)), 403)
    browser.get(consultation.url + "beitragen/")  # sets the CSRF cookie, as the page does
    token = browser.cookies[settings.CSRF_COOKIE_NAME].value
    with_token = post(browser, body(consultation), HTTP_X_CSRFTOKEN=token)

    assert "CSRF" in without_token["detail"]
    assert with_token.status_code == 201
    assert Contribution.objects.get().author == user


def test_not_a_member_of_the_group_is_a_403(api, consultation, group, key):
    body_ = refused(post(api, body(consultation, group=group.pk), key=key), 403)

    assert body_["detail"] == "group: You are not a member of this group."


def test_consultation_for_invited_groups_only_is_a_403(api, district, key):
    consultation = make_consultation(
        areas=[district], contributors=ConsultationPage.Contributors.INVITED_GROUPS
    )

    body_ = refused(post(api, body(consultation), key=key), 403)

    assert body_["detail"] == "Only invited groups may contribute to this consultation."


# What and when: 400, 409 and 422 ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"text": None}, "text", "This field may not be null."),
        ({"text": ""}, "text", "This field may not be blank."),
        ({"category": "rant"}, "category", "is not a valid choice"),
        ({"consultation": 999999}, "consultation", "no published consultation with the id"),
        ({"consultation": "eins"}, "consultation", "A valid integer is required."),
        ({"proposal": 999999}, "proposal", "no published proposal with the id 999999"),
        ({"group": 999999}, "group", "There is no group with the id 999999."),
        ({"area": "99"}, "area", "There is no area with the code “99”."),
        ({"geometry": "13.42,52.52"}, "geometry", "Give a GeoJSON geometry object"),
        ({"geometry": {"type": "Point"}}, "geometry", "pair of numbers"),
        ({"geometry": {"type": "Circle"}}, "geometry", "Unknown kind of place: Circle."),
        ({"area": "02"}, "area", "Give either geometry or area as the place, not both."),
        ({"reply_to": 1}, "reply_to", "Unknown field."),
    ],
)
def test_malformed_field_is_a_400_naming_it(
    api, consultation, district, key, change, field, message
):
    body_ = refused(post(api, body(consultation, **change), key=key), 400)

    assert message in " ".join(body_["errors"][field])
    assert body_["detail"].startswith(f"{field}: ")


def test_missing_fields_are_each_named(api, key):
    body_ = refused(post(api, {}, key=key), 400)

    assert set(body_["errors"]) == {"consultation", "text", "category"}


@pytest.mark.parametrize("payload", ['{"text": ', "[1, 2]", '"Hallo"'])
def test_malformed_json_is_a_400(api, key, payload):
    body_ = refused(post(api, payload, key=key), 400)

    assert body_["detail"]


def test_form_data_instead_of_json_is_a_415(api, consultation, key):
    response = api.post(URL, body(consultation, geometry=""), HTTP_AUTHORIZATION=f"Bearer {key}")

    assert refused(response, 415)["detail"].startswith("Unsupported media type")


def test_closed_phase_is_a_409(api, district, key):
    today = timezone.localdate()
    consultation = make_consultation(
        areas=[district],
        contributions_start=today - timedelta(days=20),
        contributions_end=today - timedelta(days=1),
    )

    body_ = refused(post(api, body(consultation), key=key), 409)

    assert body_["detail"].startswith("Contributions are closed")


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"geometry": OUTSIDE}, "geometry", "The place lies outside the consultation area."),
        ({"geometry": LINE}, "geometry", "A line is not possible here"),
        ({"text": "x" * 4001}, "text", "at most 4000 fit"),
        ({"text": "   "}, "text", "the text is empty"),
    ],
)
def test_breaking_a_rule_is_a_422_naming_the_field(api, consultation, key, change, field, message):
    body_ = refused(post(api, body(consultation, **change), key=key), 422)

    assert message in " ".join(body_["errors"][field])
    assert body_["detail"].startswith(f"{field}: ")


def test_area_outside_the_consultation_is_a_422(api, consultation, area_factory, key):
    area_factory(code="07", name="Tempelhof-Schöneberg", geometry=square(13.2, 52.4, 0.05))

    body_ = refused(post(api, body(consultation, geometry=None, area="07"), key=key), 422)

    assert body_["errors"]["area"] == ["Tempelhof-Schöneberg lies outside the consultation area."]


def test_place_is_required_where_the_consultation_asks_for_one(api, district, key):
    consultation = make_consultation(areas=[district], allow_no_place=False)

    body_ = refused(post(api, body(consultation, geometry=None), key=key), 422)

    assert body_["errors"]["geometry"] == [
        "Say where: on the map, by address or by choosing an area."
    ]


def test_proposal_of_another_consultation_is_a_422(api, consultation, key):
    other = make_consultation(title="Andere Beteiligung")
    proposal = Proposal.objects.create(consultation=other, title="Baum", description="…")

    body_ = refused(post(api, body(consultation, proposal=proposal.pk), key=key), 422)

    assert body_["errors"]["proposal"] == ["This proposal belongs to another consultation."]


# The form and the API refuse alike ---------------------------------------------------------------


def closed_consultation(district):
    today = timezone.localdate()
    return make_consultation(
        areas=[district],
        allow_line=False,
        contributions_start=today - timedelta(days=20),
        contributions_end=today - timedelta(days=1),
    )


@pytest.mark.parametrize(
    ("case", "geometry", "message"),
    [
        ("outside", OUTSIDE, "The place lies outside the consultation area."),
        ("line", LINE, "A line is not possible here"),
        ("closed", INSIDE, "Contributions are closed"),
    ],
)
def test_form_and_api_refuse_the_same_bad_input(
    api, consultation, district, user, key, case, geometry, message
):
    if case == "closed":
        consultation = closed_consultation(district)
    form_client = Client()
    form_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    form_client.force_login(user)

    form_response = form_client.post(
        consultation.url + "beitragen/",
        {
            "text": "Hier fehlt eine Bank im Schatten.",
            "category": "suggestion",
            "location": "map",
            "geometry": json.dumps(geometry),
        },
    )
    api_response = post(api, body(consultation, geometry=geometry), key=key)

    assert form_response.status_code == 200
    assert message in form_response.content.decode()
    assert api_response.status_code in {409, 422}
    assert message in api_response.json()["detail"]
    assert not Contribution.objects.exists()


# Rates ---------------------------------------------------------------------------------------


def with_rates(settings, **rates):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            **rates,
        },
    }


def test_contributions_per_account_are_limited_with_429_and_retry_after(
    api, consultation, user_factory, key, settings
):
    with_rates(settings, contributions="2/hour")
    _token, other_key = api_token_create(user=user_factory(), name="Andere")

    statuses = [post(api, body(consultation), key=key).status_code for _ in range(2)]
    throttled = post(api, body(consultation), key=key)
    other = post(api, body(consultation), key=other_key)

    assert statuses == [201, 201]
    assert throttled.status_code == 429
    assert throttled.json()["detail"].startswith("Too many requests. Try again in ")
    assert 0 < int(throttled["Retry-After"]) <= 3600
    assert other.status_code == 201
    assert Contribution.objects.count() == 3
    assert api.get(URL).status_code == 200  # reading is not counted as contributing


def test_anonymous_reading_is_limited_per_address(api, settings):
    with_rates(settings, anon="2/minute")

    statuses = [api.get(URL).status_code for _ in range(2)]
    throttled = api.get(URL)
    elsewhere = api.get(URL, REMOTE_ADDR="192.0.2.7")

    assert statuses == [200, 200]
    assert throttled.status_code == 429
    assert throttled["Content-Type"].startswith("application/json")
    assert int(throttled["Retry-After"]) > 0
    assert elsewhere.status_code == 200
