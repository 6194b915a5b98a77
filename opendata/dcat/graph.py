"""The catalogue as an RDF graph in DCAT-AP.de: the catalogue, its published datasets with
their distributions (every version's file and the current version's conversions), and the
hydra links between the pages of a long catalogue.

The datasets of a page are read in a fixed number of queries however many there are: the pages
with their publishers, then themes, tags, resources and versions, each in one query."""

from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Max, Prefetch, QuerySet
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse
from django.utils.html import strip_tags
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, XSD

from ..exports import EXPORTS
from ..models import DatasetIndexPage, DatasetPage, DatasetTag, Licence, Resource, ResourceVersion
from ..selectors import EDITORS_ONLY, published_datasets
from .terms import (
    ADMS,
    DCATDE,
    GEOCODING_BERLIN,
    GEOCODING_LEVEL_STATE,
    GSP,
    HYDRA,
    LANGUAGE_GERMAN,
    SPDX,
    VCARD,
    data_theme_iri,
    file_type_iri,
    frequency_iri,
    media_type_iri,
)

LANGUAGE = "de"
ThemeLink = DatasetPage.themes.through


def bind_namespaces(graph: Graph) -> Graph:
    for prefix, namespace in {
        "dcat": DCAT,
        "dct": DCTERMS,
        "foaf": FOAF,
        "vcard": VCARD,
        "dcatde": DCATDE,
        "adms": ADMS,
        "spdx": SPDX,
        "hydra": HYDRA,
        "gsp": GSP,
    }.items():
        graph.bind(prefix, namespace, replace=True)
    return graph


def dcat_datasets(*, modified_since=None) -> QuerySet[DatasetPage]:
    """Published datasets with their publisher and `modified` (the newer of the page's last
    publication and the last upload), in a stable order for paging; only those modified at or
    after `modified_since` when it is given."""
    upload = Max("resources__versions__created_at")
    published = Coalesce("last_published_at", "first_published_at")
    datasets = (
        published_datasets()
        .select_related("publisher")
        .annotate(modified=Coalesce(Greatest(upload, published), upload, published))
        .order_by("pk")
    )
    if modified_since is not None:
        datasets = datasets.filter(modified__gte=modified_since)
    return datasets


@dataclass
class Related:
    """What the datasets of a page link to, keyed by dataset id."""

    themes: dict[int, list[str]]
    tags: dict[int, list[str]]
    resources: dict[int, list[Resource]]


def related_to(datasets: list[DatasetPage]) -> Related:
    """Themes, tags and resources (with every version, newest first) in four queries."""
    ids = [dataset.pk for dataset in datasets]
    themes, tags, resources = defaultdict(list), defaultdict(list), defaultdict(list)
    links = ThemeLink.objects.filter(datasetpage_id__in=ids).order_by("datatheme__code")
    for dataset_id, code in links.values_list("datasetpage_id", "datatheme__code"):
        themes[dataset_id].append(code)
    tagged = DatasetTag.objects.filter(content_object_id__in=ids).order_by("tag__name")
    for dataset_id, name in tagged.values_list("content_object_id", "tag__name"):
        tags[dataset_id].append(name)
    versions = ResourceVersion.objects.defer(*EDITORS_ONLY).order_by("-number")
    rows = (
        Resource.objects.filter(dataset_id__in=ids)
        .order_by("sort_order", "pk")
        .prefetch_related(Prefetch("versions", queryset=versions))
    )
    for resource in rows:
        resources[resource.dataset_id].append(resource)
    return Related(themes=themes, tags=tags, resources=resources)


class CatalogueGraph:
    """Builds the graph for one request: every IRI is absolute, on the host asked for."""

    def __init__(self, request):
        self.request = request
        self.graph = bind_namespaces(Graph())
        self.contributor = URIRef(settings.OPENDATA_DCAT_CONTRIBUTOR_ID)
        self.publishers: dict[int, URIRef] = {}

    def absolute(self, path: str) -> str:
        return self.request.build_absolute_uri(path)

    def catalogue_iri(self) -> URIRef:
        return URIRef(self.absolute(reverse("dcat_catalogue")))

    def dataset_iri(self, slug: str) -> URIRef:
        return URIRef(self.absolute(reverse("dcat_dataset", args=[slug])))

    def add(self, subject, predicate, value, datatype=None, lang=None) -> None:
        """One triple; `value` None or empty adds nothing, a str becomes a literal."""
        if value is None or value == "":
            return
        if not isinstance(value, URIRef | BNode | Literal):
            value = Literal(value, datatype=datatype, lang=lang)
        self.graph.add((subject, predicate, value))

    def add_catalogue(self, index: DatasetIndexPage | None, publisher_name: str, modified):
        """The catalogue itself: its title, description and publisher, and when it changed."""
        iri = self.catalogue_iri()
        graph = self.graph
        graph.add((iri, RDF.type, DCAT.Catalog))
        title = index.title if index else publisher_name
        description = strip_tags(index.intro).strip() if index else ""
        self.add(iri, DCTERMS.title, title, lang=LANGUAGE)
        self.add(iri, DCTERMS.description, description or title, lang=LANGUAGE)
        self.add(iri, FOAF.homepage, URIRef(self.absolute(index.url if index else "/")))
        self.add(iri, DCTERMS.language, URIRef(LANGUAGE_GERMAN))
        if modified is not None:
            self.add(iri, DCTERMS.modified, modified, datatype=XSD.dateTime)
        agent = URIRef(f"{iri}#publisher")
        graph.add((agent, RDF.type, FOAF.Organization))
        self.add(agent, FOAF.name, publisher_name, lang=LANGUAGE)
        graph.add((iri, DCTERMS.publisher, agent))
        return iri

    def add_paging(self, view_url: str, *, first: str, last: str, previous, next_, total, size):
        """The hydra view of one page of the catalogue and the links to the others."""
        view = URIRef(view_url)
        self.graph.add((view, RDF.type, HYDRA.PartialCollectionView))
        self.graph.add((self.catalogue_iri(), HYDRA.view, view))
        self.add(view, HYDRA.first, URIRef(first))
        self.add(view, HYDRA.last, URIRef(last))
        self.add(view, HYDRA.previous, URIRef(previous) if previous else None)
        self.add(view, HYDRA.next, URIRef(next_) if next_ else None)
        self.add(view, HYDRA.totalItems, total, datatype=XSD.nonNegativeInteger)
        self.add(view, HYDRA.itemsPerPage, size, datatype=XSD.nonNegativeInteger)

    def publisher(self, dataset: DatasetPage) -> URIRef:
        organisation = dataset.publisher
        if organisation.pk not in self.publishers:
            path = f"{reverse('dcat_catalogue')}#publisher-{organisation.slug}"
            agent = URIRef(self.absolute(path))
            self.graph.add((agent, RDF.type, FOAF.Organization))
            self.add(agent, FOAF.name, organisation.name, lang=LANGUAGE)
            if organisation.website:
                self.add(agent, FOAF.homepage, URIRef(organisation.website))
            self.publishers[organisation.pk] = agent
        return self.publishers[organisation.pk]

    def add_dataset(self, dataset: DatasetPage, related: Related) -> URIRef:
        """A dataset with its publisher, contact point, coverage and distributions."""
        iri = self.dataset_iri(dataset.slug)
        add = self.add
        self.graph.add((iri, RDF.type, DCAT.Dataset))
        add(iri, DCTERMS.title, dataset.title, lang=LANGUAGE)
        add(iri, DCTERMS.description, dataset.description, lang=LANGUAGE)
        add(iri, DCTERMS.identifier, str(iri))
        add(iri, DCTERMS.publisher, self.publisher(dataset))
        add(iri, DCATDE.contributorID, self.contributor)
        add(iri, DCAT.contactPoint, self.contact_point(dataset, iri))
        add(iri, DCAT.landingPage, URIRef(self.absolute(dataset.get_url(self.request))))
        add(iri, DCTERMS.license, URIRef(Licence(dataset.licence).iri))
        for code in related.themes[dataset.pk]:
            add(iri, DCAT.theme, URIRef(data_theme_iri(code)))
        for name in related.tags[dataset.pk]:
            add(iri, DCAT.keyword, name, lang=LANGUAGE)
        if dataset.frequency:
            add(iri, DCTERMS.accrualPeriodicity, URIRef(frequency_iri(dataset.frequency)))
        if dataset.issued:
            add(iri, DCTERMS.issued, dataset.issued, datatype=XSD.date)
        else:
            add(iri, DCTERMS.issued, dataset.first_published_at, datatype=XSD.dateTime)
        add(iri, DCTERMS.modified, getattr(dataset, "modified", None), datatype=XSD.dateTime)
        self.add_coverage(iri, dataset, related.resources[dataset.pk])
        for resource in related.resources[dataset.pk]:
            self.add_distributions(iri, dataset, resource)
        return iri

    def contact_point(self, dataset: DatasetPage, iri: URIRef) -> URIRef:
        """The office to ask: the dataset's contact fields, else the publisher's address and
        website. Offices' functional addresses only, never an editor's own."""
        contact = URIRef(f"{iri}#contact")
        self.graph.add((contact, RDF.type, VCARD.Organization))
        self.add(contact, VCARD.fn, dataset.contact_name or dataset.publisher.name, lang=LANGUAGE)
        email = dataset.contact_email or dataset.publisher.email
        website = dataset.contact_url or dataset.publisher.website
        if email:
            self.add(contact, VCARD.hasEmail, URIRef(f"mailto:{email}"))
        if website:
            self.add(contact, VCARD.hasURL, URIRef(website))
        return contact

    def add_coverage(self, iri: URIRef, dataset: DatasetPage, resources: list[Resource]):
        """Berlin (the state) as political coverage; the extent of the current geodata as a
        bounding box; the period the data covers."""
        self.add(iri, DCATDE.politicalGeocodingLevelURI, URIRef(GEOCODING_LEVEL_STATE))
        # Deprecated in DCAT-AP.de 3.0 (dct:spatial replaces it), still read by 2.0 harvesters.
        self.add(iri, DCATDE.politicalGeocodingURI, URIRef(GEOCODING_BERLIN))
        berlin = URIRef(GEOCODING_BERLIN)
        self.graph.add((berlin, RDF.type, DCTERMS.Location))
        self.add(iri, DCTERMS.spatial, berlin)
        extents = [
            resource.versions.all()[0].report.get("bbox")
            for resource in resources
            if resource.kind == Resource.Kind.GEODATA and resource.versions.all()
        ]
        extents = [extent for extent in extents if extent]
        if extents:
            west, south = min(e[0] for e in extents), min(e[1] for e in extents)
            east, north = max(e[2] for e in extents), max(e[3] for e in extents)
            location = BNode()
            self.graph.add((location, RDF.type, DCTERMS.Location))
            wkt = (
                f"POLYGON(({west} {south}, {east} {south}, {east} {north}, {west} {north}, "
                f"{west} {south}))"
            )
            self.add(location, DCAT.bbox, wkt, datatype=GSP.wktLiteral)
            self.add(iri, DCTERMS.spatial, location)
        if dataset.temporal_start or dataset.temporal_end:
            period = BNode()
            self.graph.add((period, RDF.type, DCTERMS.PeriodOfTime))
            self.add(period, DCAT.startDate, dataset.temporal_start, datatype=XSD.date)
            self.add(period, DCAT.endDate, dataset.temporal_end, datatype=XSD.date)
            self.add(iri, DCTERMS.temporal, period)

    def add_distributions(self, iri: URIRef, dataset: DatasetPage, resource: Resource):
        """Every version's file at its stable URL, and the current version's conversions."""
        versions = list(resource.versions.all())
        for position, version in enumerate(versions):
            path = reverse(
                "opendata:version_download",
                args=[dataset.slug, resource.slug, version.number, version.filename],
            )
            distribution = self.distribution(iri, dataset, resource, version, path, version.format)
            self.add(distribution, DCAT.byteSize, version.size, datatype=XSD.nonNegativeInteger)
            self.add(distribution, DCAT.mediaType, URIRef(media_type_iri(version.media_type)))
            checksum = BNode()
            self.graph.add((checksum, RDF.type, SPDX.Checksum))
            self.add(checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256)
            self.add(checksum, SPDX.checksumValue, version.sha256, datatype=XSD.hexBinary)
            self.add(distribution, SPDX.checksum, checksum)
            if position:
                continue
            for name, (content_type, _convert, _file) in EXPORTS[resource.kind].items():
                if name == version.format:
                    continue
                if resource.kind == Resource.Kind.GEODATA and not version.features_file:
                    continue
                path = reverse(
                    f"opendata:version_export_{name}",
                    args=[dataset.slug, resource.slug, version.number],
                )
                distribution = self.distribution(iri, dataset, resource, version, path, name)
                self.add(distribution, DCAT.mediaType, URIRef(media_type_iri(content_type)))

    def distribution(self, iri, dataset, resource, version, path: str, file_format: str):
        url = URIRef(self.absolute(path))
        self.graph.add((url, RDF.type, DCAT.Distribution))
        self.graph.add((iri, DCAT.distribution, url))
        label = f"{resource.title} (Version {version.number}, {file_format.upper()})"
        self.add(url, DCTERMS.title, label, lang=LANGUAGE)
        self.add(url, DCTERMS.description, resource.description, lang=LANGUAGE)
        self.add(url, DCAT.accessURL, url)
        self.add(url, DCAT.downloadURL, url)
        file_type = file_type_iri(file_format)
        self.add(url, DCTERMS.format, URIRef(file_type) if file_type else None)
        self.add(url, DCTERMS.license, URIRef(Licence(dataset.licence).iri))
        self.add(url, DCTERMS.issued, version.created_at, datatype=XSD.dateTime)
        self.add(url, DCTERMS.modified, version.created_at, datatype=XSD.dateTime)
        return url
