"""The REST API for consultations, proposals and contributions (/api/v1/), its schema and its
documentation page."""

import json
import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import yaml
from django.contrib.gis.geos import LineString, Point
from django.core.cache import cache
from django.utils import timezone
from drf_spectacular.validation import validate_schema
from wagtail.models import PageViewRestriction

from participation.models import Contribution, Proposal, Topic
from tests.factories import make_consultation

pytestmark = pytest.mark.django_db

INSIDE = Point(13.42, 52.52, srid=4326)
ELSEWHERE = Point(13.48, 52.58, srid=4326)


@pytest.fixture
def consultation(district):
    return make_consultation(areas=[district])


def get_json(api, path: str, status: int = 200, **headers) -> dict:
    response = api.get(path, **headers)
    assert response.status_code == status, (path, response.content[:500])
    assert response["Content-Type"].startswith("application/json"), path
    return response.json()


def ids(collection: dict) -> set[int]:
    return {feature["id"] for feature in collection["features"]}


# Contributions: exactly the published ones ----------------------------------------------------


def test_contributions_are_exactly_the_published_ones(api, consultation, contribution_factory):
    published = contribution_factory(consultation=consultation)
    reply = contribution_factory(consultation=consultation, reply_to=published, geometry=None)
    for status in ("pending", "rejected", "withdrawn"):
        contribution_factory(consultation=consultation, status=status)
    draft = make_consultation(title="Entwurf")
    contribution_factory(consultation=draft)
    draft.unpublish()
    private = make_consultation(title="Nur mit Passwort")
    contribution_factory(consultation=private)
    PageViewRestriction.objects.create(page=private, restriction_type="password", password="x")

    collection = get_json(api, "/api/v1/contributions/")

    assert collection["type"] == "FeatureCollection"
    assert collection["count"] == 2
    assert ids(collection) == {published.pk, reply.pk}


def test_contribution_feature_shows_public_fields_only(
    api, consultation, district, contribution_factory, user_factory
):
    author = user_factory(display_name="Anwohnerin vom Kiez")
    proposal = Proposal.objects.create(consultation=consultation, title="Bank", description="…")
    contribution = contribution_factory(
        consultation=consultation,
        proposal=proposal,
        author=author,
        area=district,
        geometry=INSIDE,
        category="concern",
        text="Zu wenig Schatten.",
        support_count=3,
    )

    feature = get_json(api, f"/api/v1/contributions/{contribution.pk}/")

    assert feature["type"] == "Feature"
    assert feature["id"] == contribution.pk
    assert feature["geometry"] == {"type": "Point", "coordinates": [13.42, 52.52]}
    properties = feature["properties"]
    assert set(properties) == {
        "consultation",
        "proposal",
        "reply_to",
        "text",
        "category",
        "area",
        "author",
        "support_count",
        "created_at",
        "url",
    }
    assert properties["consultation"] == consultation.pk
    assert properties["proposal"] == proposal.pk
    assert properties["reply_to"] is None
    assert properties["text"] == "Zu wenig Schatten."
    assert properties["category"] == "concern"
    assert properties["area"] == {"code": "02", "name": "Friedrichshain-Kreuzberg"}
    assert properties["author"] == "Anwohnerin vom Kiez"
    assert properties["support_count"] == 3
    url = urlsplit(properties["url"])
    assert url.scheme == "http"
    assert url.path == f"{consultation.url}beitraege/{contribution.pk}/"


def test_reply_links_to_its_place_in_the_thread(api, consultation, contribution_factory):
    parent = contribution_factory(consultation=consultation)
    reply = contribution_factory(consultation=consultation, reply_to=parent, geometry=None)

    properties = get_json(api, f"/api/v1/contributions/{reply.pk}/")["properties"]

    assert properties["reply_to"] == parent.pk
    assert properties["url"].endswith(f"beitraege/{parent.pk}/#antwort-{reply.pk}")


def test_contribution_without_a_place_has_null_geometry(api, consultation, contribution_factory):
    contribution_factory(consultation=consultation, geometry=None, category="")

    feature = get_json(api, "/api/v1/contributions/")["features"][0]

    assert "geometry" in feature
    assert feature["geometry"] is None
    assert feature["properties"]["category"] is None


def test_deleted_author_is_null(api, consultation, contribution_factory):
    contribution = contribution_factory(consultation=consultation)
    contribution.author.delete()

    properties = get_json(api, f"/api/v1/contributions/{contribution.pk}/")["properties"]

    assert properties["author"] is None


def test_author_without_a_display_name_is_shown_by_number(
    api, consultation, contribution_factory, user_factory
):
    author = user_factory(username="erika.mustermann", display_name="")
    contribution_factory(consultation=consultation, author=author)

    properties = get_json(api, "/api/v1/contributions/")["features"][0]["properties"]

    assert properties["author"] == f"Participant {author.pk}"


def test_line_geometry_is_rounded_to_six_decimals(api, consultation, contribution_factory):
    line = LineString((13.41234567, 52.51), (13.42, 52.5212345678), srid=4326)
    contribution_factory(consultation=consultation, geometry=line)

    geometry = get_json(api, "/api/v1/contributions/")["features"][0]["geometry"]

    assert geometry == {
        "type": "LineString",
        "coordinates": [[13.412346, 52.51], [13.42, 52.521235]],
    }


# Contributions: filters -----------------------------------------------------------------------


def test_bbox_keeps_contributions_inside_and_drops_those_outside_and_placeless(
    api, consultation, contribution_factory
):
    inside = contribution_factory(consultation=consultation, geometry=INSIDE)
    contribution_factory(consultation=consultation, geometry=ELSEWHERE)
    contribution_factory(consultation=consultation, geometry=None)

    collection = get_json(api, "/api/v1/contributions/?bbox=13.41,52.51,13.43,52.53")

    assert ids(collection) == {inside.pk}
    assert ids(get_json(api, "/api/v1/contributions/?bbox=13.0,52.3,13.1,52.4")) == set()


def test_bbox_finds_a_line_that_crosses_it(api, consultation, contribution_factory):
    line = LineString((13.40, 52.52), (13.46, 52.52), srid=4326)
    crossing = contribution_factory(consultation=consultation, geometry=line)

    collection = get_json(api, "/api/v1/contributions/?bbox=13.42,52.51,13.43,52.53")

    assert ids(collection) == {crossing.pk}


def test_consultation_filter(api, consultation, contribution_factory):
    wanted = contribution_factory(consultation=consultation)
    contribution_factory(consultation=make_consultation(title="Andere Beteiligung"))

    collection = get_json(api, f"/api/v1/contributions/?consultation={consultation.pk}")

    assert ids(collection) == {wanted.pk}


def test_category_filter(api, consultation, contribution_factory):
    question = contribution_factory(consultation=consultation, category="question")
    contribution_factory(consultation=consultation, category="praise")

    assert ids(get_json(api, "/api/v1/contributions/?category=question")) == {question.pk}


def test_area_filter_includes_areas_inside(
    api, consultation, district, area_factory, contribution_factory
):
    inner = area_factory(code="0210", name="Kreuzberg Nord", level="prognoseraum", parent=district)
    in_inner = contribution_factory(consultation=consultation, area=inner, geometry=None)
    in_district = contribution_factory(consultation=consultation, area=district, geometry=None)
    contribution_factory(consultation=consultation, geometry=None)

    assert ids(get_json(api, "/api/v1/contributions/?area=02")) == {in_inner.pk, in_district.pk}
    assert ids(get_json(api, "/api/v1/contributions/?area=0210")) == {in_inner.pk}


def test_proposal_filter(api, consultation, contribution_factory):
    proposal = Proposal.objects.create(consultation=consultation, title="Bank", description="…")
    on_it = contribution_factory(consultation=consultation, proposal=proposal)
    contribution_factory(consultation=consultation)

    assert ids(get_json(api, f"/api/v1/contributions/?proposal={proposal.pk}")) == {on_it.pk}


def test_empty_parameter_counts_as_not_given(api, consultation, contribution_factory):
    contribution_factory(consultation=consultation)

    assert get_json(api, "/api/v1/contributions/?category=&bbox=")["count"] == 1


def test_paging_keeps_a_feature_collection(api, consultation, contribution_factory):
    contributions = contribution_factory.create_batch(5, consultation=consultation)

    first = get_json(api, "/api/v1/contributions/?page_size=2")
    last = get_json(api, "/api/v1/contributions/?page_size=2&page=3")

    assert first["type"] == "FeatureCollection"
    assert first["count"] == 5
    assert len(first["features"]) == 2
    assert first["previous"] is None
    assert "page=2" in first["next"]
    assert len(last["features"]) == 1
    assert last["next"] is None
    newest_first = sorted(contributions, key=lambda c: (c.created_at, c.pk), reverse=True)
    assert [f["id"] for f in first["features"]] == [c.pk for c in newest_first[:2]]


# Bad input: every malformed parameter is a 400 with a message ---------------------------------


@pytest.mark.parametrize(
    ("query", "parameter", "message"),
    [
        ("bbox=13.3,52.4,13.5", "bbox", "four numbers separated by commas"),
        ("bbox=a,b,c,d", "bbox", "is not four numbers"),
        ("bbox=nan,52.4,13.5,52.6", "bbox", "finite numbers"),
        ("bbox=13.3,52.4,inf,52.6", "bbox", "finite numbers"),
        ("bbox=13.5,52.4,13.3,52.6", "bbox", "minimum longitude (13.5) must be less"),
        ("bbox=13.3,52.6,13.5,52.4", "bbox", "minimum latitude (52.6) must be less"),
        ("bbox=190,52.4,191,52.6", "bbox", "Longitudes lie between -180 and 180"),
        ("bbox=13.3,-95,13.5,52.6", "bbox", "Latitudes lie between -90 and 90"),
        ("bbox=385000,5815000,395000,5825000", "bbox", "Longitudes lie between"),
        ("consultation=abc", "consultation", "whole number from 1, not “abc”"),
        ("consultation=0", "consultation", "whole number from 1"),
        ("consultation=-3", "consultation", "whole number from 1"),
        ("consultation=99999999999999999999", "consultation", "whole number from 1"),
        ("consultation=999999", "consultation", "no published consultation with the id 999999"),
        ("proposal=1.5", "proposal", "whole number from 1"),
        ("proposal=999999", "proposal", "no published proposal with the id 999999"),
        (
            "category=rant",
            "category",
            "Unknown value “rant”. Choose one of: suggestion, concern, question, praise.",
        ),
        ("area=99", "area", "no area with the code “99”"),
        ("page=abc", "page", "page number from 1, not “abc”"),
        ("page=0", "page", "page number from 1"),
        ("page_size=0", "page_size", "whole number from 1 to 500"),
        ("page_size=501", "page_size", "whole number from 1 to 500, not “501”"),
        ("page_size=lots", "page_size", "whole number from 1 to 500"),
    ],
)
def test_bad_contribution_parameter_is_a_400_naming_the_problem(api, query, parameter, message):
    body = get_json(api, f"/api/v1/contributions/?{query}", status=400)

    assert message in body["detail"]
    assert body["detail"].startswith(f"{parameter}: ")
    assert message in body["errors"][parameter][0]


def test_consultation_of_a_draft_is_unknown(api):
    draft = make_consultation(title="Entwurf")
    draft.unpublish()

    body = get_json(api, f"/api/v1/contributions/?consultation={draft.pk}", status=400)

    assert "no published consultation" in body["detail"]


def test_unknown_parameter_is_a_400_listing_the_known_ones(api):
    body = get_json(api, "/api/v1/contributions/?categroy=praise", status=400)

    assert body["detail"] == (
        "Unknown parameter “categroy”. This endpoint understands: area, bbox, category, "
        "consultation, page, page_size, proposal."
    )


def test_repeated_parameter_is_a_400(api):
    body = get_json(api, "/api/v1/contributions/?category=praise&category=concern", status=400)

    assert body["detail"] == "Give “category” only once."


def test_page_after_the_last_is_a_404_in_json(api, consultation, contribution_factory):
    contribution_factory(consultation=consultation)

    body = get_json(api, "/api/v1/contributions/?page=2", status=404)

    assert body == {"detail": "There is no page 2: the last page is 1."}


@pytest.mark.parametrize("status", ["pending", "rejected", "withdrawn"])
def test_unpublished_contribution_is_a_404_in_json(api, consultation, contribution_factory, status):
    contribution = contribution_factory(consultation=consultation, status=status)

    body = get_json(api, f"/api/v1/contributions/{contribution.pk}/", status=404)

    assert body == {"detail": f"There is no published contribution with the id {contribution.pk}."}


@pytest.mark.parametrize(
    "path", ["/api/v1/nothing/", "/api/v1/contributions/abc/", "/api/v1/contributions/1/x/"]
)
def test_unknown_address_under_the_api_is_a_404_in_json(api, path):
    body = get_json(api, path, status=404)

    assert body == {"detail": f"There is no API endpoint at {path}."}


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/api/v1/proposals/"),
        ("put", "/api/v1/contributions/1/"),
        ("delete", "/api/v1/contributions/1/"),
    ],
)
def test_writing_other_than_creating_a_contribution_is_not_allowed(api, method, path):
    response = getattr(api, method)(path, {"text": "Hallo"}, content_type="application/json")

    assert response.status_code == 405
    assert response.json() == {"detail": f'Method "{method.upper()}" not allowed.'}


def test_unexpected_error_is_a_500_in_json(api, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr("participation.api.views.published_contributions", broken)
    api.raise_request_exception = False

    response = api.get("/api/v1/contributions/")

    assert response.status_code == 500
    assert response.json() == {
        "detail": "Something went wrong on our side. Please try again later."
    }


# Privacy --------------------------------------------------------------------------------------


def test_no_personal_or_moderation_data_in_any_response(
    api, consultation, district, contribution_factory, user_factory
):
    author = user_factory(username="erika.private", email="erika@private.example")
    moderator = user_factory(username="moderator.private", email="mod@private.example")
    proposal = Proposal.objects.create(
        consultation=consultation, title="Bank", description="…", geometry=INSIDE
    )
    published = contribution_factory(consultation=consultation, author=author, proposal=proposal)
    contribution_factory(
        consultation=consultation,
        author=author,
        reply_to=published,
        moderated_by=moderator,
        moderated_at=timezone.now(),
        moderation_reason="Geprüft und freigegeben",
    )
    contribution_factory(
        consultation=consultation,
        author=author,
        status="rejected",
        moderated_by=moderator,
        moderation_reason="Beleidigung entfernt",
        text="Ein beleidigender Text",
    )
    paths = [
        "/api/v1/contributions/",
        f"/api/v1/contributions/{published.pk}/",
        "/api/v1/consultations/",
        f"/api/v1/consultations/{consultation.pk}/",
        "/api/v1/proposals/",
        f"/api/v1/proposals/{proposal.pk}/",
        "/api/v1/areas/",
        "/api/v1/schema/",
        "/api/v1/",
    ]
    forbidden = [
        b"@private.example",
        b"erika.private",
        b"moderator.private",
        b"moderated_by",
        b"moderated_at",
        b"moderation_reason",
        "Geprüft".encode(),
        b"Beleidigung",
        b"beleidigender",
        b"email",
        b"username",
        b"password",
    ]
    for path in paths:
        body = api.get(path).content
        if path == "/api/v1/schema/":
            body = without_dataset_contact_point(body)
        assert re.search(rb"[\w.+-]+@[\w-]+\.[\w.-]+", body) is None, path
        for word in forbidden:
            assert word not in body, (path, word)


def without_dataset_contact_point(schema: bytes) -> bytes:
    """The schema less a dataset's contact point: the one e-mail field the API has, for an
    office or team that publishes data, never a person."""
    loaded = yaml.safe_load(schema)
    del loaded["components"]["schemas"]["Contact"]
    return yaml.safe_dump(loaded, allow_unicode=True).encode()


def test_responses_carry_no_session_and_may_be_cached(api, consultation, contribution_factory):
    contribution_factory(consultation=consultation)

    response = api.get("/api/v1/contributions/")

    assert "public" in response["Cache-Control"]
    assert "max-age=60" in response["Cache-Control"]
    assert not response.cookies


# Performance: a constant number of queries ------------------------------------------------


# View restrictions, count, rows, the site (its root paths are cached afterwards) and, on
# SpatiaLite, a one-off version probe. A filter by consultation adds the consultation.
CONTRIBUTION_LIST_QUERIES = 5


@pytest.mark.parametrize("count", [10, 200])
def test_contribution_list_runs_a_constant_number_of_queries(
    api, consultation, district, contribution_factory, django_assert_max_num_queries, count
):
    proposal = Proposal.objects.create(consultation=consultation, title="Bank", description="…")
    contributions = contribution_factory.create_batch(
        count, consultation=consultation, area=district, proposal=proposal
    )
    contribution_factory.create_batch(
        3, consultation=consultation, reply_to=contributions[0], geometry=None
    )
    other = make_consultation(title="Zweite Beteiligung")
    contribution_factory.create_batch(3, consultation=other, geometry=None)
    cache.clear()

    with django_assert_max_num_queries(CONTRIBUTION_LIST_QUERIES):
        collection = get_json(api, "/api/v1/contributions/?page_size=500")
    assert len(collection["features"]) == count + 6
    cache.clear()

    with django_assert_max_num_queries(CONTRIBUTION_LIST_QUERIES + 1):
        collection = get_json(
            api,
            f"/api/v1/contributions/?page_size=500&consultation={consultation.pk}"
            "&bbox=13.3,52.4,13.5,52.6&category=suggestion",
        )
    assert len(collection["features"]) == count


# View restrictions, count, rows, topics, areas and the site.
CONSULTATION_LIST_QUERIES = 6


@pytest.mark.parametrize("count", [2, 20])
def test_consultation_list_runs_a_constant_number_of_queries(
    api, district, area_factory, contribution_factory, django_assert_max_num_queries, count
):
    topic = Topic.objects.create(name="Jugend", slug="jugend")
    other = area_factory(code="03", name="Pankow")
    for n in range(count):
        consultation = make_consultation(
            title=f"Beteiligung {n}", areas=[district, other], topics=[topic]
        )
        contribution_factory.create_batch(2, consultation=consultation, geometry=None)
    cache.clear()

    with django_assert_max_num_queries(CONSULTATION_LIST_QUERIES):
        collection = get_json(api, "/api/v1/consultations/?page_size=500")
    assert collection["count"] == count
    assert all(item["contribution_count"] == 2 for item in collection["results"])


# Consultations --------------------------------------------------------------------------------


def test_consultation_shows_phase_dates_topics_areas_and_published_count(
    api, district, contribution_factory
):
    topic = Topic.objects.create(name="Seniorinnen und Senioren", slug="senioren")
    today = timezone.localdate()
    consultation = make_consultation(
        areas=[district],
        topics=[topic],
        contributions_start=today - timedelta(days=3),
        contributions_end=today + timedelta(days=10),
        allow_line=False,
        allow_polygon=False,
        moderation="pre",
    )
    parent = contribution_factory(consultation=consultation)
    contribution_factory(consultation=consultation, reply_to=parent)
    contribution_factory(consultation=consultation, status="pending")
    contribution_factory(consultation=consultation, status="rejected")

    item = get_json(api, f"/api/v1/consultations/{consultation.pk}/")

    assert item == {
        "id": consultation.pk,
        "title": consultation.title,
        "url": f"http://localhost{consultation.url}",
        "summary": consultation.summary,
        "easy_language_summary": "",
        "phase": "contributions",
        "contributions_start": (today - timedelta(days=3)).isoformat(),
        "contributions_end": (today + timedelta(days=10)).isoformat(),
        "result_date": None,
        "topics": [{"slug": "senioren", "name": "Seniorinnen und Senioren"}],
        "areas": ["02"],
        "location_kinds": ["point", "none"],
        "contributors": "registered",
        "moderation": "pre",
        "contribution_count": 2,
    }
    assert get_json(api, f"/api/v1/contributions/?consultation={consultation.pk}")["count"] == 2


def test_consultations_list_only_published_ones(api, consultation):
    draft = make_consultation(title="Entwurf")
    draft.unpublish()

    collection = get_json(api, "/api/v1/consultations/")

    assert [item["id"] for item in collection["results"]] == [consultation.pk]
    assert set(collection) == {"count", "next", "previous", "results"}
    get_json(api, f"/api/v1/consultations/{draft.pk}/", status=404)


def test_consultation_filters(api, district, area_factory):
    today = timezone.localdate()
    inner = area_factory(code="0210", name="Kreuzberg Nord", level="prognoseraum", parent=district)
    youth = Topic.objects.create(name="Jugend", slug="jugend")
    open_in_district = make_consultation(title="Offen", areas=[inner], topics=[youth])
    coming = make_consultation(
        title="Bald",
        contributions_start=today + timedelta(days=5),
        contributions_end=today + timedelta(days=30),
    )

    def listed(query: str) -> list[int]:
        return [item["id"] for item in get_json(api, f"/api/v1/consultations/?{query}")["results"]]

    assert listed("phase=contributions") == [open_in_district.pk]
    assert listed("phase=information") == [coming.pk]
    assert listed("phase=result") == []
    assert listed("topic=jugend") == [open_in_district.pk]
    assert listed("district=02") == [open_in_district.pk]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            "phase=voting",
            "phase: Unknown value “voting”. Choose one of: information, contributions, "
            "evaluation, result.",
        ),
        ("topic=unbekannt", "topic: There is no topic with the slug “unbekannt”."),
        ("district=99", "district: There is no area with the code “99”."),
        ("bbox=1,2,3,4", "Unknown parameter “bbox”. This endpoint understands: district, page, "),
    ],
)
def test_bad_consultation_parameter_is_a_400(api, query, message):
    body = get_json(api, f"/api/v1/consultations/?{query}", status=400)

    assert body["detail"].startswith(message)


def test_unknown_consultation_is_a_404_in_json(api):
    body = get_json(api, "/api/v1/consultations/999999/", status=404)

    assert body == {"detail": "There is no published consultation with the id 999999."}


# Proposals ------------------------------------------------------------------------------------


def test_proposals_of_published_consultations_as_features(api, consultation, district):
    placed = Proposal.objects.create(
        consultation=consultation,
        title="Bank",
        description="Eine Bank",
        geometry=INSIDE,
        area=district,
        sort_order=1,
    )
    placeless = Proposal.objects.create(
        consultation=consultation, title="Mehr Licht", description="Laternen", sort_order=2
    )
    draft = make_consultation(title="Entwurf")
    Proposal.objects.create(consultation=draft, title="Geheim", description="…")
    draft.unpublish()

    collection = get_json(api, "/api/v1/proposals/")

    assert collection["type"] == "FeatureCollection"
    assert [f["id"] for f in collection["features"]] == [placed.pk, placeless.pk]
    first, second = collection["features"]
    assert first["geometry"] == {"type": "Point", "coordinates": [13.42, 52.52]}
    assert first["properties"] == {
        "consultation": consultation.pk,
        "title": "Bank",
        "description": "Eine Bank",
        "area": {"code": "02", "name": "Friedrichshain-Kreuzberg"},
        "url": f"http://localhost{consultation.url}vorschlaege/{placed.pk}/",
    }
    assert second["geometry"] is None


def test_proposal_filters_and_detail(api, consultation):
    wanted = Proposal.objects.create(
        consultation=consultation, title="Bank", description="…", geometry=INSIDE
    )
    other = make_consultation(title="Andere")
    Proposal.objects.create(consultation=other, title="Baum", description="…", geometry=ELSEWHERE)

    assert ids(get_json(api, f"/api/v1/proposals/?consultation={consultation.pk}")) == {wanted.pk}
    assert ids(get_json(api, "/api/v1/proposals/?bbox=13.41,52.51,13.43,52.53")) == {wanted.pk}
    assert get_json(api, f"/api/v1/proposals/{wanted.pk}/")["properties"]["title"] == "Bank"
    body = get_json(api, "/api/v1/proposals/?bbox=13.4,52.5", status=400)
    assert body["detail"].startswith("bbox: Give four numbers")


# Schema and documentation ---------------------------------------------------------------------


API_PATHS = {
    "/api/v1/consultations/",
    "/api/v1/consultations/{id}/",
    "/api/v1/proposals/",
    "/api/v1/proposals/{id}/",
    "/api/v1/contributions/",
    "/api/v1/contributions/{id}/",
    "/api/v1/groups/",
    "/api/v1/groups/{id}/",
    "/api/v1/statements/",
    "/api/v1/statements/{id}/",
    "/api/v1/answers/",
    "/api/v1/answers/{id}/",
    "/api/v1/areas/",
    "/api/v1/areas/{code}/",
    "/api/v1/datasets/",
    "/api/v1/datasets/{slug}/",
    "/api/v1/resources/",
    "/api/v1/resources/{id}/",
}


WRITING_ENDPOINTS = ["POST /api/v1/contributions/"]


@pytest.mark.parametrize(
    ("query", "headers"),
    [("?format=json", {}), ("", {"HTTP_ACCEPT": "application/json"})],
)
def test_schema_as_json_is_valid_openapi_with_our_paths(api, query, headers):
    response = api.get(f"/api/v1/schema/{query}", **headers)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/")
    assert "json" in response["Content-Type"]
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == API_PATHS
    validate_schema(schema)


def test_schema_is_yaml_by_default_and_describes_the_parameters(api):
    response = api.get("/api/v1/schema/")

    assert response.status_code == 200
    assert "openapi" in response["Content-Type"]
    schema = yaml.safe_load(response.content)
    parameters = {
        p["name"]: p for p in schema["paths"]["/api/v1/contributions/"]["get"]["parameters"]
    }
    assert set(parameters) == {
        "area",
        "bbox",
        "category",
        "consultation",
        "page",
        "page_size",
        "proposal",
    }
    assert parameters["category"]["schema"]["enum"] == sorted(Contribution.Category.values)
    assert parameters["bbox"]["examples"]
    assert parameters["page_size"]["schema"]["maximum"] == 500
    level = schema["paths"]["/api/v1/areas/"]["get"]["parameters"]
    assert next(p for p in level if p["name"] == "level")["schema"]["enum"] == [
        "bezirk",
        "bezirksregion",
        "planungsraum",
        "prognoseraum",
    ]
    feature = schema["components"]["schemas"]["Contribution"]
    assert feature["properties"]["geometry"]["nullable"] is True
    assert "author" in feature["properties"]["properties"]["properties"]


def test_documentation_page_lists_every_endpoint_with_an_example(api):
    response = api.get("/api/v1/")

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1>") == 1
    assert '<main id="main"' in html
    assert 'href="/api/v1/schema/"' in html
    assert 'href="/api/v1/schema/?format=json"' in html
    main = html[html.index('<main id="main"') : html.index("</main>")]
    headings = re.findall(r'<h2 id="([^"]+)">', main)
    # One per endpoint and method, after the list of them.
    assert len(headings) == len(API_PATHS) + len(WRITING_ENDPOINTS) + 1
    for path in API_PATHS:
        assert f"<code>GET {path}</code>" in html
    for endpoint in WRITING_ENDPOINTS:
        assert f"<code>{endpoint}</code>" in html
    assert "-H &quot;Authorization: Bearer $KEY&quot; \\<br>" in html
    assert "<code>bbox</code>" in html
    assert "<code>suggestion</code>" in html


def test_every_example_request_in_the_documentation_works(api):
    html = api.get("/api/v1/").content.decode()
    examples = re.findall(r'<code><a href="(http://testserver/api/v1/[^"]+)">', html)

    assert len(examples) == len(API_PATHS)
    for example in examples:
        path = urlsplit(example.replace("&amp;", "&"))
        if len(path.path.strip("/").split("/")) > 3:
            continue  # a detail address: its example item need not exist here
        get_json(api, f"{path.path}?{path.query}")
