"""The open data endpoints of the REST API: /api/v1/datasets/ and /api/v1/resources/."""

import json
from datetime import date, timedelta

import pytest
from django.utils import timezone
from drf_spectacular.validation import validate_schema
from wagtail.models import PageViewRestriction

from opendata.models import DataTheme, Licence, Organisation, Resource, ResourceVersion
from opendata.services import resource_version_create
from tests.factories import make_dataset

pytestmark = pytest.mark.django_db

SMALL = b"Bezirk;Einwohner\nMitte;300\nPankow;100\nSpandau;200\n"
BIGGER = b"Bezirk;Einwohner\nMitte;300\nPankow;100\nSpandau;200\nReinickendorf;250\n"
SERVER = "http://testserver"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def api(client):
    """A client that reads the API in English (the messages' source language)."""
    client.cookies["quartier_language"] = "en"
    return client


def get_json(api, path: str, status: int = 200) -> dict:
    response = api.get(path)
    assert response.status_code == status, (path, response.content[:500])
    assert response["Content-Type"].startswith("application/json"), path
    return response.json()


def add_table(dataset, slug="bezirke", *, author=None, versions=(SMALL,), **fields):
    resource = Resource.objects.create(
        dataset=dataset, title=fields.pop("title", slug.title()), slug=slug, kind="table", **fields
    )
    for number, data in enumerate(versions, start=1):
        resource_version_create(
            resource=resource,
            data=data,
            filename=f"{slug}.csv",
            author=author,
            note=f"Ausgabe {number}",
        )
    return resource


@pytest.fixture
def dataset(area_factory, user_factory):
    Organisation.objects.create(
        name="Amt für Statistik",
        slug="statistik",
        website="https://statistik.example/",
        email="intern@statistik.example",
    )
    page = make_dataset(
        contact_email="info@statistik.example",
        contact_url="https://statistik.example/kontakt",
        frequency="ANNUAL",
        temporal_start=date(2022, 1, 1),
        temporal_end=date(2022, 12, 31),
    )
    page.themes.set(DataTheme.objects.filter(code="SOCI"))
    page.areas.set([area_factory(code="01", name="Mitte")])
    page.tags.add("Bevölkerung")
    page.save_revision().publish()
    uploader = user_factory(username="uploader.private", email="uploader@private.example")
    add_table(page, "bezirke", author=uploader, versions=(SMALL, BIGGER), description="Je Bezirk")
    return page


@pytest.fixture
def draft():
    page = make_dataset(slug="entwurf", title="Entwurf")
    add_table(page, "entwurf-tabelle")
    page.unpublish()
    return page


# Datasets --------------------------------------------------------------------------------------


def test_dataset_detail_shows_the_dataset_as_stored(api, dataset):
    data = get_json(api, "/api/v1/datasets/einwohner/")

    resource = dataset.resources.get()
    current = resource.versions.order_by("-number").first()
    assert data["slug"] == dataset.slug
    assert data["title"] == dataset.title
    assert data["description"] == dataset.description
    assert data["url"] == dataset.full_url
    assert data["publisher"] == {
        "slug": "statistik",
        "name": "Amt für Statistik",
        "website": "https://statistik.example/",
    }
    assert data["licence"] == {
        "id": "cc-by/4.0",
        "title": "Creative Commons Attribution 4.0 International",
    }
    assert data["themes"] == [{"code": "SOCI", "name": DataTheme.objects.get(code="SOCI").name}]
    assert data["tags"] == [{"slug": "bevölkerung", "name": "Bevölkerung"}]
    assert data["areas"] == [{"code": "01", "name": "Mitte"}]
    assert data["temporal_start"] == "2022-01-01"
    assert data["temporal_end"] == "2022-12-31"
    assert data["frequency"] == "ANNUAL"
    assert data["issued"] == "2022-06-30"
    assert data["modified"] == timezone.localtime(current.created_at).isoformat()
    assert data["contact"] == {
        "name": dataset.contact_name,
        "email": "info@statistik.example",
        "url": "https://statistik.example/kontakt",
    }
    assert data["resources"] == [
        {
            "id": resource.pk,
            "slug": "bezirke",
            "title": "Bezirke",
            "kind": "table",
            "format": "csv",
            "version": 2,
            "download_url": f"{SERVER}/downloads/einwohner/bezirke/v2/bezirke.csv",
            "record_count": current.record_count,
        }
    ]
    assert current.record_count == 4
    assert data["dcat"] == {
        extension: f"{SERVER}/dataset/einwohner.{extension}"
        for extension in ("ttl", "rdf", "jsonld")
    }
    assert api.get(data["dcat"]["ttl"]).status_code == 200
    assert api.get(data["resources"][0]["download_url"]).status_code == 200


def test_dataset_without_versions_is_modified_when_last_published(api):
    page = make_dataset()
    page.save_revision().publish()

    data = get_json(api, "/api/v1/datasets/einwohner/")

    page.refresh_from_db()
    assert data["modified"] == timezone.localtime(page.last_published_at).isoformat()
    assert data["resources"] == []
    assert data["frequency"] is None


def test_dataset_list_holds_live_datasets_only(api, dataset, draft):
    private = make_dataset(slug="geschuetzt", title="Geschützt")
    PageViewRestriction.objects.create(page=private, restriction_type="password", password="x")

    data = get_json(api, "/api/v1/datasets/")

    assert data["count"] == 1
    assert [item["slug"] for item in data["results"]] == ["einwohner"]


@pytest.mark.parametrize("slug", ["entwurf", "unbekannt", "geschuetzt"])
def test_unknown_draft_or_restricted_dataset_is_404_json(api, draft, slug):
    private = make_dataset(slug="geschuetzt", title="Geschützt")
    PageViewRestriction.objects.create(page=private, restriction_type="password", password="x")

    data = get_json(api, f"/api/v1/datasets/{slug}/", status=404)

    assert data == {"detail": f"There is no published dataset with the slug “{slug}”."}


def test_api_never_shows_uploaders_or_internal_addresses(api, dataset, draft):
    bodies = [
        api.get(path).content
        for path in (
            "/api/v1/datasets/",
            "/api/v1/datasets/einwohner/",
            "/api/v1/resources/",
            f"/api/v1/resources/{dataset.resources.get().pk}/",
        )
    ]

    for body in bodies:
        assert b"private" not in body
        assert b"uploader" not in body
        assert b"intern@statistik" not in body
        assert b"created_by" not in body
        assert b"entwurf" not in body


@pytest.fixture
def catalogue(dataset, area_factory):
    """Three datasets: the fixture's, one with geodata-free tables under CC0 by another
    publisher, and one without files."""
    other = Organisation.objects.create(name="Bezirksamt Pankow", slug="pankow")
    green = make_dataset(
        slug="gruenflaechen",
        title="Grünflächen",
        description="Parks und Grünanlagen",
        publisher=other,
        licence="cc-zero",
    )
    green.themes.set(DataTheme.objects.filter(code="ENVI"))
    green.areas.set([area_factory(code="03", name="Pankow")])
    green.tags.add("Umwelt")
    green.save_revision().publish()
    add_table(green, "parks")
    empty = make_dataset(slug="adressen", title="Adressen", description="Noch ohne Dateien")
    empty.save_revision().publish()
    return {"einwohner": dataset, "gruenflaechen": green, "adressen": empty}


def slugs(api, query: str) -> list[str]:
    return [item["slug"] for item in get_json(api, f"/api/v1/datasets/?{query}")["results"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["adressen", "einwohner", "gruenflaechen"]),
        ("theme=ENVI", ["gruenflaechen"]),
        ("theme=SOCI", ["einwohner"]),
        ("theme=TECH", []),
        ("publisher=pankow", ["gruenflaechen"]),
        ("publisher=statistik", ["adressen", "einwohner"]),
        ("licence=cc-zero", ["gruenflaechen"]),
        ("licence=dl-by-de/2.0", []),
        ("format=csv", ["einwohner", "gruenflaechen"]),
        ("format=geojson", []),
        ("tag=umwelt", ["gruenflaechen"]),
        ("area=01", ["einwohner"]),
        ("area=03", ["gruenflaechen"]),
        ("q=Parks", ["gruenflaechen"]),
        ("q=Einwohner", ["einwohner"]),
        ("modified_since=2000-01-01", ["adressen", "einwohner", "gruenflaechen"]),
        ("modified_since=2999-01-01", []),
        ("modified_since=2999-01-01T10:00:00%2B01:00", []),
        ("ordering=title", ["adressen", "einwohner", "gruenflaechen"]),
        ("format=csv&publisher=statistik", ["einwohner"]),
    ],
)
def test_dataset_filters(api, catalogue, query, expected):
    assert slugs(api, query) == expected


def test_modified_since_counts_new_versions(api, catalogue):
    past = timezone.now() - timedelta(days=30)
    ResourceVersion.objects.update(created_at=past)
    from wagtail.models import Page

    Page.objects.filter(pk__in=[page.pk for page in catalogue.values()]).update(
        last_published_at=past, first_published_at=past
    )
    since = (timezone.now() - timedelta(days=1)).date().isoformat()
    assert slugs(api, f"modified_since={since}") == []

    add_table(catalogue["adressen"], "strassen")

    assert slugs(api, f"modified_since={since}") == ["adressen"]


def test_datasets_ordered_by_modification_newest_first(api, catalogue):
    now = timezone.now()
    ResourceVersion.objects.filter(resource__dataset=catalogue["einwohner"]).update(
        created_at=now + timedelta(days=2)
    )
    ResourceVersion.objects.filter(resource__dataset=catalogue["gruenflaechen"]).update(
        created_at=now + timedelta(days=1)
    )

    assert slugs(api, "ordering=-modified") == ["einwohner", "gruenflaechen", "adressen"]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("theme=NOPE", "theme"),
        ("publisher=niemand", "publisher"),
        ("publisher=kein%20slug", "publisher"),
        ("licence=mit", "licence"),
        ("format=pdf", "format"),
        ("tag=unbekannt", "tag"),
        ("area=99", "area"),
        ("modified_since=gestern", "modified_since"),
        ("modified_since=2024-13-45", "modified_since"),
        ("ordering=-title", "ordering"),
        ("q=" + "x" * 201, "q"),
    ],
)
def test_bad_dataset_filter_is_400_naming_the_parameter(api, catalogue, query, parameter):
    data = get_json(api, f"/api/v1/datasets/?{query}", status=400)

    assert data["detail"].startswith(f"{parameter}: ")
    assert list(data["errors"]) == [parameter]


def test_tag_of_a_draft_dataset_is_refused(api, dataset, draft):
    draft.tags.add("Geheim")
    draft.save()

    data = get_json(api, "/api/v1/datasets/?tag=geheim", status=400)

    assert data["detail"] == "tag: No published dataset has the tag “geheim”."


def test_unknown_parameter_is_400(api, dataset):
    data = get_json(api, "/api/v1/datasets/?themes=SOCI", status=400)

    assert "themes" in data["detail"]


def test_datasets_are_paged(api, catalogue):
    first = get_json(api, "/api/v1/datasets/?page_size=2")
    second = get_json(api, "/api/v1/datasets/?page_size=2&page=2")

    assert first["count"] == 3
    assert [item["slug"] for item in first["results"]] == ["adressen", "einwohner"]
    assert first["next"].endswith("page=2&page_size=2")
    assert [item["slug"] for item in second["results"]] == ["gruenflaechen"]
    assert second["next"] is None
    assert get_json(api, "/api/v1/datasets/?page=3&page_size=2", status=404)["detail"]
    assert "page_size" in get_json(api, "/api/v1/datasets/?page_size=0", status=400)["detail"]


def make_many(count: int) -> None:
    publishers = [
        Organisation.objects.get_or_create(slug=f"amt-{n}", defaults={"name": f"Amt {n}"})[0]
        for n in range(3)
    ]
    themes = list(DataTheme.objects.all()[:3])
    for n in range(count):
        page = make_dataset(slug=f"daten-{n}", title=f"Daten {n}", publisher=publishers[n % 3])
        page.themes.set(themes[: n % 3 + 1])
        page.tags.add(f"tag-{n}", "gemeinsam")
        page.save()
        add_table(page, "tabelle")
        add_table(page, "weitere", versions=())


@pytest.mark.parametrize("count", [2, 25])
def test_dataset_list_takes_the_same_queries_however_many(
    api, area_factory, count, django_assert_max_num_queries
):
    make_many(count)

    with django_assert_max_num_queries(11):
        data = get_json(api, "/api/v1/datasets/?format=csv&tag=gemeinsam&ordering=-modified")

    assert data["count"] == count
    assert all(len(item["resources"]) == 2 for item in data["results"])


@pytest.mark.parametrize("count", [2, 25])
def test_resource_list_takes_the_same_queries_however_many(
    api, count, django_assert_max_num_queries
):
    make_many(count)

    with django_assert_max_num_queries(4):
        data = get_json(api, "/api/v1/resources/?kind=table")

    assert data["count"] == 2 * count


# Resources -------------------------------------------------------------------------------------


def test_resource_detail_shows_versions_and_conversions(api, dataset):
    resource = dataset.resources.get()

    data = get_json(api, f"/api/v1/resources/{resource.pk}/")

    downloads = f"{SERVER}/downloads/einwohner/bezirke"
    versions = list(resource.versions.order_by("-number"))
    assert data["id"] == resource.pk
    assert data["dataset"] == "einwohner"
    assert data["slug"] == "bezirke"
    assert data["title"] == "Bezirke"
    assert data["description"] == "Je Bezirk"
    assert data["kind"] == "table"
    assert data["personal_data"] == "none"
    assert data["download_url"] == f"{downloads}/v2/bezirke.csv"
    assert data["versions"] == [
        {
            "number": version.number,
            "format": version.format,
            "media_type": version.media_type,
            "size": version.size,
            "created_at": timezone.localtime(version.created_at).isoformat(),
            "note": version.note,
            "record_count": version.record_count,
            "download_url": f"{downloads}/v{version.number}/bezirke.csv",
        }
        for version in versions
    ]
    assert [version["number"] for version in data["versions"]] == [2, 1]
    assert data["conversions"] == [
        {
            "format": "csv",
            "media_type": "text/csv; charset=utf-8",
            "url": f"{downloads}/v2/export.csv",
        },
        {"format": "json", "media_type": "application/json", "url": f"{downloads}/v2/export.json"},
        {
            "format": "xlsx",
            "media_type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "url": f"{downloads}/v2/export.xlsx",
        },
    ]
    for conversion in data["conversions"]:
        assert api.get(conversion["url"]).status_code == 200


def test_resource_without_versions_has_no_downloads(api, dataset):
    resource = Resource.objects.create(dataset=dataset, title="Leer", slug="leer", kind="geodata")

    data = get_json(api, f"/api/v1/resources/{resource.pk}/")

    assert data["versions"] == []
    assert data["download_url"] is None
    assert data["conversions"] == []


def test_resources_of_draft_datasets_are_never_shown(api, dataset, draft):
    hidden = draft.resources.get()

    listed = get_json(api, "/api/v1/resources/")
    data = get_json(api, f"/api/v1/resources/{hidden.pk}/", status=404)

    assert [item["id"] for item in listed["results"]] == [dataset.resources.get().pk]
    assert data == {
        "detail": f"There is no resource of a published dataset with the id {hidden.pk}."
    }
    assert get_json(api, "/api/v1/resources/999999/", status=404)["detail"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"bezirke", "parks"}),
        ("dataset=einwohner", {"bezirke"}),
        ("dataset=adressen", set()),
        ("kind=table", {"bezirke", "parks"}),
        ("kind=geodata", set()),
        ("format=csv", {"bezirke", "parks"}),
        ("format=gpkg", set()),
    ],
)
def test_resource_filters(api, catalogue, query, expected):
    data = get_json(api, f"/api/v1/resources/?{query}")

    assert {item["slug"] for item in data["results"]} == expected


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("dataset=entwurf", "dataset"),
        ("dataset=unbekannt", "dataset"),
        ("kind=pdf", "kind"),
        ("format=pdf", "format"),
    ],
)
def test_bad_resource_filter_is_400_naming_the_parameter(api, dataset, draft, query, parameter):
    data = get_json(api, f"/api/v1/resources/?{query}", status=400)

    assert data["detail"].startswith(f"{parameter}: ")


# Schema ----------------------------------------------------------------------------------------


def test_schema_documents_the_open_data_endpoints_and_validates(api):
    response = api.get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    schema = json.loads(response.content)

    validate_schema(schema)
    paths = schema["paths"]
    for path in ("/api/v1/datasets/", "/api/v1/resources/"):
        assert paths[path]["get"]["summary"]
    parameters = {p["name"]: p for p in paths["/api/v1/datasets/"]["get"]["parameters"]}
    assert set(parameters) == {
        "q",
        "theme",
        "publisher",
        "licence",
        "format",
        "tag",
        "area",
        "modified_since",
        "ordering",
        "page",
        "page_size",
    }
    assert parameters["licence"]["schema"]["enum"] == sorted(Licence.values)
    assert parameters["theme"]["examples"]
    resource_parameters = {p["name"] for p in paths["/api/v1/resources/"]["get"]["parameters"]}
    assert resource_parameters == {"dataset", "kind", "format", "page", "page_size"}
    for path in ("/api/v1/datasets/{slug}/", "/api/v1/resources/{id}/"):
        operation = paths[path]["get"]
        assert operation["parameters"][0]["examples"]
        assert operation["responses"]["200"]["content"]["application/json"]["examples"]
    dataset = schema["components"]["schemas"]["Dataset"]["properties"]
    assert "created_by" not in str(schema["components"]["schemas"])
    assert {"publisher", "licence", "contact", "resources", "dcat"} <= set(dataset)
