import re
from datetime import date

import pytest
from django.utils import translation
from wagtail.models import Site

from opendata.models import (
    DatasetIndexPage,
    DatasetPage,
    DataTheme,
    Organisation,
    Resource,
    ResourceVersion,
)
from tests.factories import AreaFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def index():
    root = Site.objects.get(is_default_site=True).root_page
    return root.add_child(instance=DatasetIndexPage(title="Daten", slug="daten"))


@pytest.fixture
def statistics():
    return Organisation.objects.create(name="Amt für Statistik", slug="statistik")


@pytest.fixture
def district_office():
    return Organisation.objects.create(name="Bezirksamt Pankow", slug="bezirksamt-pankow")


def add_dataset(index, publisher, title, *, themes=(), tags=(), areas=(), formats=(), **fields):
    values = {
        "slug": title.lower().replace(" ", "-"),
        "description": f"Beschreibung von {title}.",
        "licence": "dl-by-de/2.0",
        "contact_name": "Servicestelle",
        **fields,
    }
    page = DatasetPage(title=title, publisher=publisher, **values)
    page.themes.set(DataTheme.objects.filter(code__in=themes))
    page.areas.set(areas)
    page.tags.add(*tags)
    index.add_child(instance=page)
    for number, file_format in enumerate(formats, start=1):
        resource = Resource.objects.create(
            dataset=page, title=f"Datei {number}", slug=f"datei-{number}", kind="table"
        )
        ResourceVersion.objects.create(
            resource=resource,
            number=1,
            file=f"opendata/{resource.pk}/1/daten.{file_format}",
            filename=f"daten.{file_format}",
            format=file_format,
            media_type="application/octet-stream",
            size=10,
            sha256="0" * 64,
        )
    return page


@pytest.fixture
def catalogue(index, statistics, district_office):
    """Three published datasets and a draft, across two publishers, themes, areas and formats."""
    pankow = AreaFactory(code="03", name="Pankow")
    mitte = AreaFactory(code="01", name="Mitte")
    add_dataset(
        index,
        statistics,
        "Einwohner je Planungsraum",
        description="Melderechtlich registrierte Einwohnerinnen und Einwohner.",
        themes=["SOCI"],
        tags=["Bevölkerung"],
        areas=[pankow, mitte],
        formats=["csv", "xlsx"],
        licence="cc-by/4.0",
        issued=date(2022, 6, 30),
    )
    add_dataset(
        index,
        statistics,
        "Altersstruktur",
        description="Einwohner nach Altersgruppen.",
        themes=["SOCI"],
        tags=["Bevölkerung", "Alter"],
        areas=[mitte],
        formats=["csv"],
        issued=date(2023, 1, 15),
    )
    add_dataset(
        index,
        district_office,
        "Spielplätze",
        description="Öffentliche Spielplätze mit Ausstattung.",
        themes=["EDUC", "SOCI"],
        tags=["Kinder"],
        areas=[pankow],
        formats=["geojson"],
        issued=date(2021, 3, 1),
    )
    add_dataset(
        index,
        district_office,
        "Geheimer Entwurf Einwohner",
        description="Noch nicht veröffentlicht.",
        themes=["SOCI"],
        formats=["csv"],
        live=False,
    )
    return index


def titles(response) -> list[str]:
    return [dataset.title for dataset in response.context["results"]]


def facet_labels(response, name: str) -> list[str]:
    return [label for _value, label in response.context["filter_form"].fields[name].choices]


def test_catalogue_lists_published_datasets_and_never_drafts(client, catalogue):
    response = client.get(catalogue.url)
    assert response.status_code == 200
    assert titles(response) == ["Altersstruktur", "Einwohner je Planungsraum", "Spielplätze"]
    content = response.content.decode()
    assert "3 datasets" in content
    assert "Geheimer Entwurf" not in content
    assert "Amt für Statistik" in content
    assert "CSV, XLSX" in content
    assert "Creative Commons Attribution 4.0 International" in content


def test_search_by_word_finds_matching_published_datasets(client, catalogue):
    response = client.get(catalogue.url, {"q": "Spielplätze"})
    assert titles(response) == ["Spielplätze"]
    response = client.get(catalogue.url, {"q": "Einwohner"})
    assert set(titles(response)) == {"Einwohner je Planungsraum", "Altersstruktur"}


def test_search_with_unbalanced_quote_is_not_an_error(client, catalogue):
    response = client.get(catalogue.url, {"q": '"Spielplätze'})
    assert response.status_code == 200
    assert titles(response) == ["Spielplätze"]
    assert not response.context["filter_form"].errors


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"thema": "EDUC"}, ["Spielplätze"]),
        ({"herausgeber": "bezirksamt-pankow"}, ["Spielplätze"]),
        ({"format": "xlsx"}, ["Einwohner je Planungsraum"]),
        ({"lizenz": "cc-by/4.0"}, ["Einwohner je Planungsraum"]),
        ({"gebiet": "03"}, ["Einwohner je Planungsraum", "Spielplätze"]),
        ({"tag": "alter"}, ["Altersstruktur"]),
    ],
)
def test_each_facet_filters(client, catalogue, params, expected):
    response = client.get(catalogue.url, params)
    assert not response.context["filter_form"].errors
    assert titles(response) == expected


def test_values_of_one_facet_widen_and_facets_combine_to_narrow(client, catalogue):
    widened = client.get(catalogue.url, {"format": ["xlsx", "geojson"]})
    assert titles(widened) == ["Einwohner je Planungsraum", "Spielplätze"]
    narrowed = client.get(catalogue.url, {"format": ["xlsx", "geojson"], "gebiet": "01"})
    assert titles(narrowed) == ["Einwohner je Planungsraum"]
    with_search = client.get(catalogue.url, {"q": "Einwohner", "herausgeber": "statistik"})
    assert set(titles(with_search)) == {"Einwohner je Planungsraum", "Altersstruktur"}


def test_facet_counts_are_those_of_the_current_results(client, catalogue):
    response = client.get(catalogue.url)
    assert "Bevölkerung und Gesellschaft (3)" in facet_labels(response, "thema")
    assert "Bildung, Kultur und Sport (1)" in facet_labels(response, "thema")
    assert facet_labels(response, "herausgeber") == [
        "Amt für Statistik (2)",
        "Bezirksamt Pankow (1)",
    ]
    assert facet_labels(response, "format") == ["CSV (2)", "GeoJSON (1)", "XLSX (1)"]
    assert facet_labels(response, "gebiet") == ["Mitte (2)", "Pankow (2)"]
    assert facet_labels(response, "tag") == ["Alter (1)", "Bevölkerung (2)", "Kinder (1)"]

    filtered = client.get(catalogue.url, {"q": "Einwohner", "gebiet": "03"})
    assert titles(filtered) == ["Einwohner je Planungsraum"]
    assert facet_labels(filtered, "format") == ["CSV (1)", "XLSX (1)"]
    assert facet_labels(filtered, "herausgeber") == ["Amt für Statistik (1)"]
    # A facet's own counts leave out its own choice: they say what ticking another value adds.
    assert facet_labels(filtered, "gebiet") == ["Mitte (2)", "Pankow (1)"]


def test_facets_are_checkboxes_in_fieldsets_with_legends(client, catalogue):
    content = client.get(catalogue.url).content.decode()
    assert '<form class="filters" method="get"' in content
    assert content.count("<fieldset") == 6
    assert '<legend class="field__label">Theme</legend>' in content
    assert 'type="checkbox" name="thema" value="SOCI"' in content
    assert 'type="submit"' in content


def test_chosen_values_stay_ticked_and_reset_link_is_offered(client, catalogue):
    content = client.get(catalogue.url, {"thema": "EDUC"}).content.decode()
    assert re.search(r'<input type="checkbox" name="thema" value="EDUC"[^>]* checked', content)
    assert "Reset search and filters" in content


@pytest.mark.parametrize(
    ("sorting", "expected"),
    [
        ("title", ["Altersstruktur", "Einwohner je Planungsraum", "Spielplätze"]),
        ("newest", ["Altersstruktur", "Einwohner je Planungsraum", "Spielplätze"]),
    ],
)
def test_sorting(client, catalogue, sorting, expected):
    assert titles(client.get(catalogue.url, {"sortierung": sorting})) == expected


def test_sorting_by_modified_puts_the_latest_upload_first(client, catalogue):
    dataset = DatasetPage.objects.get(slug="einwohner-je-planungsraum")
    resource = dataset.resources.first()
    ResourceVersion.objects.create(
        resource=resource,
        number=2,
        file="opendata/x/2/daten.geojson",
        filename="daten.geojson",
        format="geojson",
        media_type="application/geo+json",
        size=10,
        sha256="1" * 64,
    )
    response = client.get(catalogue.url, {"sortierung": "modified"})
    assert titles(response) == ["Einwohner je Planungsraum", "Spielplätze", "Altersstruktur"]


def test_relevance_puts_title_match_first(client, catalogue):
    response = client.get(catalogue.url, {"q": "Altersstruktur", "sortierung": "relevance"})
    assert titles(response)[0] == "Altersstruktur"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"thema": "NOPE"}, "“NOPE” is not a known value of this filter"),
        ({"herausgeber": "niemand"}, "“niemand” is not a known value of this filter"),
        ({"gebiet": "99"}, "“99” is not a known value of this filter"),
        ({"sortierung": "random"}, "“random” is not a way to sort"),
        ({"sortierung": "relevance"}, "Sorting by relevance needs a search term"),
    ],
)
def test_bad_parameters_are_named_in_the_error_summary(client, catalogue, params, message):
    response = client.get(catalogue.url, params)
    assert response.status_code == 200
    content = response.content.decode()
    assert 'class="error-summary"' in content
    assert message in content
    assert len(titles(response)) == 3


def test_bad_page_number_shows_a_page_not_an_error(client, catalogue):
    assert client.get(catalogue.url, {"seite": "abc"}).status_code == 200


def test_empty_state_says_nothing_matches(client, catalogue):
    response = client.get(catalogue.url, {"q": "Flughafen"})
    content = response.content.decode()
    assert "0 datasets" in content
    assert "No dataset matches this search and these filters" in content


def test_results_are_paged_by_twenty_keeping_the_filters(client, index, statistics):
    for number in range(25):
        add_dataset(index, statistics, f"Tabelle {number:02d}", themes=["SOCI"])
    first = client.get(index.url, {"thema": "SOCI"})
    assert len(titles(first)) == 20
    assert "thema=SOCI&amp;seite=2" in first.content.decode()
    second = client.get(index.url, {"thema": "SOCI", "seite": "2"})
    assert titles(second) == [f"Tabelle {number}" for number in range(20, 25)]


@pytest.mark.parametrize("count", [5, 40])
def test_query_count_does_not_grow_with_the_datasets(
    client, index, statistics, count, django_assert_max_num_queries
):
    areas = [AreaFactory(code="01", name="Mitte"), AreaFactory(code="03", name="Pankow")]
    for number in range(count):
        add_dataset(
            index,
            statistics,
            f"Einwohner {number:02d}",
            themes=["SOCI", "EDUC"],
            tags=["Bevölkerung", f"Jahr {number}"],
            areas=areas,
            formats=["csv", "geojson"],
        )
    params = {"q": "Einwohner", "thema": "SOCI", "format": "csv", "gebiet": "01"}
    for sorting in ("relevance", "title"):
        with django_assert_max_num_queries(30):
            response = client.get(index.url, {**params, "sortierung": sorting})
        assert response.status_code == 200
        assert len(titles(response)) == min(count, 20)
