"""The DCAT-AP.de catalogue: documents, paging, filters, errors, and SHACL validation of the
demo catalogue against the DCAT-AP.de 3.0 profile (shapes, vocabularies and ontologies in
`tests/shacl/`, see its SOURCES.md)."""

import datetime
import io
import json
import re
from pathlib import Path

import pyshacl
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.compare import to_isomorphic
from rdflib.namespace import RDF, SH

from cms.demo import demo_load
from opendata.dcat import views
from opendata.dcat.terms import HYDRA, VCARD
from opendata.demo import demo_load as opendata_demo_load
from opendata.models import DatasetPage, Organisation, ResourceVersion
from tests.factories import make_dataset

pytestmark = pytest.mark.django_db

# Open namespaces: pytest looks up attributes on module globals, which closed ones warn about.
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCTERMS = Namespace("http://purl.org/dc/terms/")

SHACL_DIR = Path(__file__).resolve().parents[1] / "shacl"  # see its SOURCES.md
# DCAT-AP.de 3.0 (SOURCES.md): SEMIC's DCAT-AP 3.0.0 shapes and the German additions.
PROFILE = [
    "dcat-ap/3.0.0/dcat-ap-SHACL.ttl",
    "dcat-ap-de/3.0/dcat-ap-SHACL-DE.ttl",
    "dcat-ap-de/3.0/dcat-ap-spec-german-additions.ttl",
    "dcat-ap-de/3.0/dcat-ap-de-deprecated.ttl",
    "dcat-ap-de/3.0/dcat-ap-de-imports.ttl",
    "dcat-ap-de/3.0/dcat-ap-de-controlledvocabularies.ttl",
]
EU_VOCABULARIES = SHACL_DIR / "eu-vocabularies-excerpt.ttl"
DEMO_SLUGS = [
    "einwohner-planungsraum-2022",
    "monitoring-soziale-stadtentwicklung-2021",
    "pflegeeinrichtungen",
    "jugendfreizeiteinrichtungen",
    "kindertagesstaetten",
    "bezirksgrenzen-prognoseraeume",
]
DRAFT = "entwurf-unveroeffentlicht"
OFFICE_EMAIL = "info@statistik-bb.example"
TYPES = {
    "ttl": ("text/turtle; charset=utf-8", "turtle"),
    "rdf": ("application/rdf+xml; charset=utf-8", "xml"),
    "jsonld": ("application/ld+json; charset=utf-8", "json-ld"),
}


def parsed(response, extension: str = "ttl") -> Graph:
    return Graph().parse(data=response.content, format=TYPES[extension][1])


@pytest.fixture(scope="module")
def demo_catalogue(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo's open-data catalogue, loaded once for the module inside a transaction that is
    rolled back at its end (each test runs in a savepoint of it), with a draft dataset, an
    office's e-mail address and an editor with a private address who uploaded a version."""
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        call_command("import_areas", no_progress=True, stdout=io.StringIO())
        demo_load(password="")
        opendata_demo_load()
        Organisation.objects.filter(slug="statistik-bb").update(email=OFFICE_EMAIL)
        user = get_user_model().objects.create_user(
            username="redakteurin", email="erika.mustermann@privat.example", password="x"
        )
        ResourceVersion.objects.update(created_by=user)
        draft = make_dataset(slug=DRAFT, title="Entwurf", live=False)
        draft.save_revision()
        yield
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def catalogue_graph(demo_catalogue, django_db_blocker) -> Graph:
    with django_db_blocker.unblock():
        return parsed(Client().get("/catalog.ttl"))


@pytest.fixture(scope="module")
def shacl():
    """Validates a graph against the DCAT-AP.de 3.0 profile: the licence and contributor
    vocabularies and the EU excerpt are merged into the data graph, the FOAF, vCard and ORG
    ontologies are given for RDFS inference (SOURCES.md). Gives the violations' focus nodes
    and the report's text; warnings are allowed."""
    shapes = Graph()
    for name in PROFILE:
        shapes.parse(SHACL_DIR / name)
    ontologies = Graph()
    for path in sorted((SHACL_DIR / "ontologies").iterdir()):
        ontologies.parse(path)
    vocabularies = Graph()
    for path in sorted((SHACL_DIR / "dcat-ap-de" / "vocab").glob("*.rdf")):
        vocabularies.parse(path)
    vocabularies.parse(EU_VOCABULARIES)

    def validate(graph: Graph):
        _conforms, report, text = pyshacl.validate(
            graph + vocabularies,
            shacl_graph=shapes,
            ont_graph=ontologies,
            inference="rdfs",
            allow_warnings=True,
        )
        focus = [
            report.value(result, SH.focusNode)
            for result in report.subjects(SH.resultSeverity, SH.Violation)
        ]
        return focus, text

    return validate


@pytest.fixture(scope="module")
def validation(shacl, catalogue_graph):
    """The SHACL report of the whole demo catalogue, validated once for the module."""
    return shacl(catalogue_graph)


def test_demo_catalogue_conforms_to_dcat_ap_de_3(validation):
    violations, text = validation
    assert violations == [], text
    assert "Conforms: True" in text


def test_validation_catches_a_dataset_without_publisher_and_licence(shacl, catalogue_graph):
    """A control: the profile is loaded and checks what the catalogue says."""
    broken = Graph()
    broken += catalogue_graph
    iri = URIRef("http://testserver/dataset/einwohner-planungsraum-2022")
    broken.remove((iri, DCTERMS.publisher, None))
    broken.remove((None, DCTERMS.license, None))
    broken.add((iri, DCTERMS.accrualPeriodicity, URIRef("http://example.org/sometimes")))
    violations, text = shacl(broken)
    assert iri in violations
    assert "MUSS einen dcterms:publisher haben" in text
    assert "dcterms:accrualPeriodicity MUSS folgendes Vokabular benutzen" in text


def described_by(graph: Graph, subject) -> set:
    """The subject and every node reachable from it (its distributions, contact, periods…)."""
    seen, todo = set(), [subject]
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        todo.extend(obj for obj in graph.objects(node, None) if not isinstance(obj, Literal))
    return seen


@pytest.mark.parametrize("slug", DEMO_SLUGS)
def test_demo_dataset_has_no_violation_and_its_document_matches_the_catalogue(
    slug, validation, catalogue_graph, client
):
    iri = URIRef(f"http://testserver/dataset/{slug}")
    nodes = described_by(catalogue_graph, iri)
    violations, text = validation
    assert not [node for node in violations if node in nodes], text
    document = parsed(client.get(f"/dataset/{slug}.ttl"))
    assert set(document.subjects(RDF.type, DCAT.Dataset)) == {iri}
    # The dataset's own document says what the (validated) catalogue says about it.
    own = Graph()
    for node in nodes:
        for triple in catalogue_graph.triples((node, None, None)):
            own.add(triple)
    assert to_isomorphic(document) == to_isomorphic(own)


def test_dataset_carries_the_dcat_ap_de_properties(catalogue_graph):
    graph = catalogue_graph
    iri = URIRef("http://testserver/dataset/einwohner-planungsraum-2022")
    value = graph.value
    assert value(iri, DCTERMS.title) == Literal(
        "Einwohnerinnen und Einwohner je Planungsraum (30.06.2022)", lang="de"
    )
    assert value(iri, DCTERMS.license) == URIRef("http://dcat-ap.de/def/licenses/dl-by-de/2.0")
    assert value(iri, URIRef("http://dcat-ap.de/def/dcatde/contributorID")) == URIRef(
        "http://dcat-ap.de/def/contributors/berlinOpenData"
    )
    assert value(iri, DCAT.landingPage) == URIRef(
        "http://testserver/daten/einwohner-planungsraum-2022/"
    )
    assert value(iri, DCTERMS.accrualPeriodicity) == URIRef(
        "http://publications.europa.eu/resource/authority/frequency/NEVER"
    )
    assert set(graph.objects(iri, DCAT.theme)) == {
        URIRef("http://publications.europa.eu/resource/authority/data-theme/SOCI")
    }
    assert {str(keyword) for keyword in graph.objects(iri, DCAT.keyword)} == {
        "Einwohner",
        "LOR",
        "Planungsraum",
    }
    period = value(iri, DCTERMS.temporal)
    assert str(value(period, DCAT.startDate)) == "2022-06-30"
    distribution = value(iri, DCAT.distribution)
    assert value(distribution, DCTERMS["format"]) == URIRef(
        "http://publications.europa.eu/resource/authority/file-type/CSV"
    )
    original = next(
        node for node in graph.objects(iri, DCAT.distribution) if value(node, DCAT.byteSize)
    )
    assert value(original, DCAT.mediaType) == URIRef(
        "https://www.iana.org/assignments/media-types/text/csv"
    )
    assert str(original).startswith("http://testserver/downloads/einwohner-planungsraum-2022/")
    geodata = URIRef("http://testserver/dataset/kindertagesstaetten")
    bboxes = [value(node, DCAT.bbox) for node in graph.objects(geodata, DCTERMS.spatial)]
    assert any(bbox and str(bbox).startswith("POLYGON((13.") for bbox in bboxes)


def test_contact_points_carry_only_the_offices_addresses(catalogue_graph):
    emails = {str(email) for email in catalogue_graph.objects(None, VCARD.hasEmail)}
    assert emails == {f"mailto:{OFFICE_EMAIL}"}
    turtle = catalogue_graph.serialize(format="turtle")
    assert "privat.example" not in turtle
    assert "redakteurin" not in turtle


def test_draft_and_unknown_datasets_are_not_published(catalogue_graph, client):
    listed = {str(iri) for iri in catalogue_graph.subjects(RDF.type, DCAT.Dataset)}
    assert listed == {f"http://testserver/dataset/{slug}" for slug in DEMO_SLUGS}
    assert DRAFT not in catalogue_graph.serialize(format="turtle")
    assert client.get(f"/dataset/{DRAFT}.ttl").status_code == 404
    assert client.get("/dataset/gibt-es-nicht.jsonld").status_code == 404
    assert client.get("/dataset/gibt-es-nicht").status_code == 404


@pytest.mark.parametrize("extension", TYPES)
def test_every_serialisation_has_its_content_type_and_the_same_graph(
    extension, demo_catalogue, catalogue_graph, client
):
    response = client.get(f"/catalog.{extension}")
    assert response["Content-Type"] == TYPES[extension][0]
    # The same graph, but for the paging links, which stay in the document's serialisation.
    turtle_links = response.content.replace(f"catalog.{extension}?".encode(), b"catalog.ttl?")
    assert to_isomorphic(Graph().parse(data=turtle_links, format=TYPES[extension][1])) == (
        to_isomorphic(catalogue_graph)
    )
    dataset = client.get(f"/dataset/pflegeeinrichtungen.{extension}")
    assert dataset["Content-Type"] == TYPES[extension][0]
    turtle = parsed(client.get("/dataset/pflegeeinrichtungen.ttl"))
    assert len(turtle) > 20
    assert to_isomorphic(parsed(dataset, extension)) == to_isomorphic(turtle)


def page_links(graph: Graph) -> dict[str, str]:
    view = graph.value(predicate=RDF.type, object=HYDRA.PartialCollectionView)
    links = {"self": str(view)}
    for name in ("first", "previous", "next", "last"):
        target = graph.value(view, HYDRA[name])
        if target is not None:
            links[name] = str(target)
    return links


def test_catalogue_pages_link_to_each_other(demo_catalogue, client, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 4)
    base = "http://testserver/catalog.ttl?page="
    first = parsed(client.get("/catalog.ttl"))
    assert page_links(first) == {
        "self": f"{base}1",
        "first": f"{base}1",
        "next": f"{base}2",
        "last": f"{base}2",
    }
    second = parsed(client.get("/catalog.ttl?page=2"))
    assert page_links(second) == {
        "self": f"{base}2",
        "first": f"{base}1",
        "previous": f"{base}1",
        "last": f"{base}2",
    }
    catalogue = URIRef("http://testserver/catalog")
    listed = [set(page.objects(catalogue, DCAT.dataset)) for page in (first, second)]
    assert [len(datasets) for datasets in listed] == [4, 2]
    assert len(listed[0] | listed[1]) == len(DEMO_SLUGS)
    view = URIRef(f"{base}1")
    assert first.value(view, HYDRA.totalItems).toPython() == len(DEMO_SLUGS)


def test_modified_since_lists_only_datasets_changed_since(demo_catalogue, client):
    old = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    DatasetPage.objects.exclude(slug="pflegeeinrichtungen").update(
        first_published_at=old, last_published_at=old
    )
    ResourceVersion.objects.exclude(resource__dataset__slug="pflegeeinrichtungen").update(
        created_at=old
    )
    for since in ("2024-05-01", "2024-05-01T12:00:00+02:00", "2024-05-01T12:00:00"):
        response = client.get("/catalog.ttl", {"modified_since": since})
        graph = parsed(response)
        assert {str(iri) for iri in graph.subjects(RDF.type, DCAT.Dataset)} == {
            "http://testserver/dataset/pflegeeinrichtungen"
        }
        assert "modified_since=" in page_links(graph)["first"]
    everything = parsed(client.get("/catalog.ttl?modified_since=2019-12-31"))
    assert len(set(everything.subjects(RDF.type, DCAT.Dataset))) == len(DEMO_SLUGS)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("page=0", "page must be a whole number from 1 to 1"),
        ("page=zwei", "page must be a whole number from 1 to 1"),
        ("page=3", "page must be a whole number from 1 to 1"),
        ("modified_since=gestern", "modified_since must be an ISO 8601 date"),
        ("modified_since=2024-13-45", "modified_since must be an ISO 8601 date"),
    ],
)
def test_unusable_parameters_are_refused_with_the_reason(query, message, demo_catalogue, client):
    response = client.get(f"/catalog.ttl?{query}")
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert message in response.content.decode()
    response = client.get(f"/catalog.jsonld?{query}")
    assert response.status_code == 400
    assert message in json.loads(response.content)["error"]


def test_dataset_page_advertises_its_dcat_documents(demo_catalogue, client):
    html = client.get("/daten/pflegeeinrichtungen/").content.decode()
    for extension, (content_type, _format) in TYPES.items():
        media_type = content_type.split(";")[0]
        assert re.search(
            rf'<link rel="alternate" type="{re.escape(media_type)}" '
            rf'href="/dataset/pflegeeinrichtungen\.{extension}"',
            html,
        )


def test_iris_lead_to_the_documents_and_pages(demo_catalogue, client):
    assert client.get("/catalog")["Location"] == "/catalog.ttl"
    response = client.get("/dataset/pflegeeinrichtungen")
    assert (response.status_code, response["Location"]) == (303, "/daten/pflegeeinrichtungen/")


def add_datasets(count: int, start: int) -> None:
    for number in range(start, start + count):
        page = make_dataset(slug=f"datensatz-{number}", title=f"Datensatz {number}")
        page.tags.add("Zahlen", f"Tag {number}")
        page.save_revision().publish()
        resource = page.resources.create(title="Tabelle", slug="tabelle", kind="table")
        for version in (1, 2):
            resource.versions.create(
                number=version,
                file=f"opendata/{resource.pk}/{version}/daten.csv",
                filename="daten.csv",
                format="csv",
                media_type="text/csv",
                size=10,
                sha256="0" * 64,
            )


def test_catalogue_reads_a_fixed_number_of_queries(
    demo_catalogue, client, django_assert_max_num_queries
):
    DatasetPage.objects.update(live=False)
    add_datasets(2, start=1)
    # The page and its count, the latest change, view restrictions (twice), the site and its
    # settings, the catalogue page, then themes, tags, resources and versions.
    with django_assert_max_num_queries(13) as few:
        response = client.get("/catalog.ttl")
    assert len(set(parsed(response).subjects(RDF.type, DCAT.Dataset))) == 2
    add_datasets(40, start=3)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/catalog.ttl")
    assert len(set(parsed(response).subjects(RDF.type, DCAT.Dataset))) == 42
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/dataset/datensatz-7.jsonld")
