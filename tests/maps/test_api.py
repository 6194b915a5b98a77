"""The areas of the REST API (/api/v1/areas/)."""

import pytest

from maps.models import Area
from tests.factories import square

pytestmark = pytest.mark.django_db


@pytest.fixture
def areas(area_factory):
    """A district with an outline, a forecast area inside it without one, and a second
    district."""
    mitte = area_factory(code="01", name="Mitte", geometry=square(13.3, 52.5, 0.05))
    zentrum = area_factory(
        code="0110", name="Zentrum", level=Area.Level.PROGNOSERAUM, parent=mitte, geometry=None
    )
    pankow = area_factory(code="03", name="Pankow", geometry=square(13.4, 52.55, 0.05))
    return mitte, zentrum, pankow


def get_json(client, path: str, status: int = 200) -> dict:
    response = client.get(path)
    assert response.status_code == status, (path, response.content[:500])
    assert response["Content-Type"].startswith("application/json"), path
    return response.json()


def codes(collection: dict) -> list[str]:
    return [feature["id"] for feature in collection["features"]]


def test_areas_are_a_feature_collection_in_code_order(english_client, areas):
    collection = get_json(english_client, "/api/v1/areas/")

    assert collection["type"] == "FeatureCollection"
    assert collection["count"] == 3
    assert codes(collection) == ["01", "0110", "03"]
    mitte = collection["features"][0]
    assert mitte["type"] == "Feature"
    assert mitte["properties"] == {
        "name": "Mitte",
        "level": "bezirk",
        "parent": None,
        "url": "http://testserver/gebiete/01/",
    }
    assert mitte["geometry"]["type"] == "MultiPolygon"
    assert mitte["geometry"]["coordinates"][0][0][0] == [13.3, 52.5]


def test_area_without_an_outline_has_null_geometry(english_client, areas):
    zentrum = get_json(english_client, "/api/v1/areas/0110/")

    assert zentrum["id"] == "0110"
    assert zentrum["geometry"] is None
    assert zentrum["properties"]["parent"] == "01"
    assert zentrum["properties"]["level"] == "prognoseraum"


def test_outlines_are_rounded_to_five_decimals(english_client, area_factory):
    area_factory(code="04", name="Charlottenburg", geometry=square(13.123456789, 52.5, 0.01))

    feature = get_json(english_client, "/api/v1/areas/04/")

    assert feature["geometry"]["coordinates"][0][0][0] == [13.12346, 52.5]


def test_level_filter(english_client, areas):
    assert codes(get_json(english_client, "/api/v1/areas/?level=bezirk")) == ["01", "03"]
    assert codes(get_json(english_client, "/api/v1/areas/?level=prognoseraum")) == ["0110"]


def test_parent_filter(english_client, areas):
    assert codes(get_json(english_client, "/api/v1/areas/?parent=01")) == ["0110"]


@pytest.mark.parametrize("path", ["/api/v1/areas/?geometry=false", "/api/v1/areas/01/?geometry=0"])
def test_outlines_can_be_left_out(english_client, areas, path):
    body = get_json(english_client, path)

    features = body.get("features", [body])
    assert features
    assert all(feature["geometry"] is None for feature in features)


def test_format_json_is_understood(english_client, areas):
    assert get_json(english_client, "/api/v1/areas/?format=json")["count"] == 3


def test_geometry_true_keeps_the_outlines(english_client, areas):
    feature = get_json(english_client, "/api/v1/areas/01/?geometry=true")

    assert feature["geometry"]["type"] == "MultiPolygon"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            "level=stadtteil",
            "level: Unknown value “stadtteil”. Choose one of: bezirk, prognoseraum, "
            "bezirksregion, planungsraum.",
        ),
        ("parent=99", "parent: There is no area with the code “99”."),
        ("geometry=maybe", "geometry: Give true or false, not “maybe”."),
        ("page_size=1000", "page_size: Give a whole number from 1 to 500, not “1000”."),
        ("format=xml", "Unknown format “xml”: the API answers in JSON (format=json)."),
        (
            "bbox=13,52,14,53",
            "Unknown parameter “bbox”. This endpoint understands: geometry, level, page, "
            "page_size, parent.",
        ),
    ],
)
def test_bad_parameter_is_a_400_naming_the_problem(english_client, areas, query, message):
    body = get_json(english_client, f"/api/v1/areas/?{query}", status=400)

    assert body["detail"] == message


def test_detail_accepts_only_the_geometry_parameter(english_client, areas):
    body = get_json(english_client, "/api/v1/areas/01/?level=bezirk", status=400)

    assert body["detail"] == "Unknown parameter “level”. This endpoint understands: geometry."


def test_unknown_area_is_a_404_in_json(english_client, areas):
    body = get_json(english_client, "/api/v1/areas/99/", status=404)

    assert body == {"detail": "There is no area with the code “99”."}


def test_areas_may_be_cached_for_an_hour(english_client, areas):
    response = english_client.get("/api/v1/areas/")

    assert "max-age=3600" in response["Cache-Control"]
    assert "public" in response["Cache-Control"]


@pytest.mark.parametrize("count", [5, 100])
def test_area_list_runs_a_constant_number_of_queries(
    english_client, area_factory, django_assert_max_num_queries, count
):
    district = area_factory(code="01", name="Mitte", geometry=square(13.3, 52.5, 0.05))
    for n in range(count):
        area_factory(
            code=f"01{n:04d}",
            name=f"Gebiet {n}",
            level=Area.Level.PLANUNGSRAUM,
            parent=district,
            geometry=square(13.3 + n * 0.0001, 52.5, 0.0001),
        )

    # Count and rows, plus SpatiaLite's one-off version probe.
    with django_assert_max_num_queries(3):
        collection = get_json(english_client, "/api/v1/areas/?page_size=500")
    assert collection["count"] == count + 1
