"""The area pages /gebiete/ and /gebiete/<code>/, and the GeoJSON their maps are drawn from."""

import json
import re

import orjson
import pytest

from maps.models import Area
from maps.selectors import area_feature_collection
from tests.factories import AreaFactory, square

pytestmark = pytest.mark.django_db


def map_data(html: str, map_id: str = "area-map") -> dict:
    """The FeatureCollection embedded for the map `map_id`, parsed as JSON."""
    scripts = re.findall(
        rf'<script id="{map_id}-data" type="application/json">(.*?)</script>', html, re.DOTALL
    )
    assert len(scripts) == 1, f"expected one {map_id}-data script"
    return json.loads(scripts[0])


def page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def section(html: str, start: str, end: str) -> str:
    return html[html.index(start) : html.index(end, html.index(start))]


# /gebiete/ -----------------------------------------------------------------------------------


def test_area_index_lists_the_12_districts_with_links(berlin_areas, english_client):
    html = page(english_client, "/gebiete/")
    headings = re.findall(r'<h3 lang="de"><a href="(/gebiete/\d+/)">([^<]+)</a></h3>', html)
    assert len(headings) == 12
    assert ("/gebiete/01/", "Mitte") in headings
    assert ("/gebiete/12/", "Reinickendorf") in headings
    assert [name for _url, name in headings] == sorted(name for _url, name in headings)


def test_area_index_lists_each_districts_forecast_areas(berlin_areas, english_client):
    html = page(english_client, "/gebiete/")
    mitte = section(html, '<a href="/gebiete/01/">Mitte</a></h3>', "</ul>")
    assert re.findall(r'href="/gebiete/(\d+)/"', mitte) == ["01", "0110", "0120", "0130", "0140"]
    assert '<a href="/gebiete/0110/">Zentrum</a>' in mitte


def test_area_index_embeds_the_12_district_outlines_as_geojson(berlin_areas, english_client):
    collection = map_data(page(english_client, "/gebiete/"), "area-index-map")
    assert collection["type"] == "FeatureCollection"
    assert len(collection["features"]) == 12
    assert {feature["properties"]["level"] for feature in collection["features"]} == {"bezirk"}
    assert all(f["geometry"]["type"] == "MultiPolygon" for f in collection["features"])


def test_area_index_without_areas_says_none_have_been_imported(english_client):
    html = page(english_client, "/gebiete/")
    assert "No areas have been imported yet." in html
    assert map_data(html, "area-index-map") == {"type": "FeatureCollection", "features": []}


# /gebiete/<code>/ ----------------------------------------------------------------------------


def test_district_page_shows_name_code_level_and_its_forecast_areas(berlin_areas, english_client):
    html = page(english_client, "/gebiete/01/")
    assert '<h1 lang="de">Mitte</h1>' in html
    assert "<dt>Code</dt><dd>01</dd>" in html
    assert "<dt>Level</dt><dd>District</dd>" in html
    assert "Part of" not in html
    assert "Contains 4 areas" in html
    children = section(html, "Contains 4 areas", "</ul>")
    assert re.findall(r'<a href="/gebiete/(\d+)/">([^<]+)</a>', children) == [
        ("0130", "Gesundbrunnen"),
        ("0120", "Moabit"),
        ("0140", "Wedding"),
        ("0110", "Zentrum"),
    ]


def test_district_page_embeds_its_outline_in_the_area_map_data_script(berlin_areas, english_client):
    collection = map_data(page(english_client, "/gebiete/01/"))
    [feature] = collection["features"]
    assert feature["id"] == "01"
    assert feature["properties"] == {
        "code": "01",
        "name": "Mitte",
        "level": "bezirk",
        "url": "/gebiete/01/",
    }
    assert feature["geometry"]["type"] == "MultiPolygon"
    longitude, latitude = feature["geometry"]["coordinates"][0][0][0]
    assert 13.3 < longitude < 13.5 and 52.5 < latitude < 52.6


def test_forecast_area_page_links_up_to_its_district(berlin_areas, english_client):
    html = page(english_client, "/gebiete/0110/")
    assert '<h1 lang="de">Zentrum</h1>' in html
    assert "<dt>Level</dt><dd>Forecast area</dd>" in html
    assert '<a href="/gebiete/01/" lang="de">Mitte</a> (District)' in html
    assert [f["id"] for f in map_data(html)["features"]] == ["0110"]


def test_planning_area_page_says_the_map_shows_the_ancestors_outline(berlin_areas, english_client):
    html = page(english_client, "/gebiete/01100101/")
    assert '<h1 lang="de">Stülerstraße</h1>' in html
    assert "<dt>Level</dt><dd>Planning area</dd>" in html
    assert (
        "No outline is available for this area; the map shows the area it belongs to, Zentrum."
        in html
    )
    assert [f["id"] for f in map_data(html)["features"]] == ["0110"]


def test_planning_area_page_has_breadcrumbs_through_all_its_ancestors(berlin_areas, english_client):
    breadcrumbs = section(
        page(english_client, "/gebiete/01100101/"), '<nav class="breadcrumbs"', "</nav>"
    )
    assert re.findall(r'<a href="(/gebiete/[^"]*)"', breadcrumbs) == [
        "/gebiete/",
        "/gebiete/01/",
        "/gebiete/0110/",
        "/gebiete/011001/",
    ]
    assert '<li aria-current="page" lang="de">Stülerstraße</li>' in breadcrumbs


def test_area_without_outline_shows_its_childrens_outlines(english_client):
    mitte = AreaFactory(code="01", name="Mitte", geometry=None)
    for code, name in [("0110", "Zentrum"), ("0120", "Wedding")]:
        AreaFactory(code=code, name=name, level=Area.Level.PROGNOSERAUM, parent=mitte)
    html = page(english_client, "/gebiete/01/")
    assert "No outline is available" not in html
    assert sorted(f["id"] for f in map_data(html)["features"]) == ["0110", "0120"]


def test_area_with_no_outline_anywhere_shows_an_empty_map_and_says_so(english_client):
    mitte = AreaFactory(code="01", name="Mitte", geometry=None)
    AreaFactory(
        code="0110", name="Zentrum", level=Area.Level.PROGNOSERAUM, parent=mitte, geometry=None
    )
    html = page(english_client, "/gebiete/0110/")
    assert map_data(html)["features"] == []
    assert "No outlines are available for these areas." in html


def test_area_name_cannot_break_out_of_the_map_data_script(english_client):
    name = "</script><script>alert('&')</script>"
    AreaFactory(code="01", name=name)
    html = page(english_client, "/gebiete/01/")
    assert "<script>alert(" not in html
    assert map_data(html)["features"][0]["properties"]["name"] == name


@pytest.mark.parametrize("code", ["99", "0110999", "mitte", "01%2F0110"])
def test_unknown_area_code_gives_404(berlin_areas, client, code):
    assert client.get(f"/gebiete/{code}/").status_code == 404


@pytest.mark.parametrize(
    "path",
    ["/gebiete/", "/gebiete/01/", "/gebiete/0110/", "/gebiete/011001/", "/gebiete/01100101/"],
)
def test_area_pages_run_a_constant_number_of_queries(
    berlin_areas, client, path, django_assert_max_num_queries
):
    client.get("/gebiete/99/")  # the site's own look-ups are cached after the first request
    # The area with its ancestors, its children, the map's features (and, without an own
    # outline, two look-ups for what to show instead), plus the site's header and footer.
    with django_assert_max_num_queries(8):
        response = client.get(path)
    assert response.status_code == 200


# area_feature_collection ---------------------------------------------------------------------


def test_area_feature_collection_holds_only_areas_with_an_outline(db):
    AreaFactory(code="01", name="Mitte", geometry=square(13.40, 52.52))
    AreaFactory(code="02", name="Friedrichshain-Kreuzberg", geometry=None)
    collection = orjson.loads(area_feature_collection(Area.objects.all()).geojson)
    assert collection["type"] == "FeatureCollection"
    assert collection["features"] == [
        {
            "type": "Feature",
            "id": "01",
            "properties": {"code": "01", "name": "Mitte", "level": "bezirk", "url": "/gebiete/01/"},
            "geometry": {
                "type": "MultiPolygon",
                "coordinates": [
                    [[[13.4, 52.52], [13.41, 52.52], [13.41, 52.53], [13.4, 52.53], [13.4, 52.52]]]
                ],
            },
        }
    ]


def test_area_feature_collection_rounds_coordinates_to_five_decimals(db):
    AreaFactory(code="01", geometry=square(13.123456789, 52.987654321, size=0.001))
    [feature] = orjson.loads(area_feature_collection(Area.objects.all()).geojson)["features"]
    assert feature["geometry"]["coordinates"][0][0][0] == [13.12346, 52.98765]


def test_area_feature_collection_of_no_areas_is_an_empty_collection(db):
    collection = area_feature_collection(Area.objects.none())
    assert collection.geojson == b'{"type":"FeatureCollection","features":[]}'
    assert collection.items == []


def test_area_feature_collection_lists_the_same_areas_as_it_draws(db):
    AreaFactory(code="01", name="Mitte", geometry=square(13.40, 52.52))
    AreaFactory(code="02", name="Pankow", geometry=square(13.42, 52.56))
    collection = area_feature_collection(Area.objects.order_by("code"))
    features = orjson.loads(collection.geojson)["features"]
    assert collection.items == [feature["properties"] for feature in features]


def test_area_feature_collection_keeps_non_ascii_names_as_utf8(db):
    AreaFactory(code="01", name="Stülerstraße")
    data = area_feature_collection(Area.objects.all()).geojson
    assert "Stülerstraße".encode() in data
