from types import SimpleNamespace

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework.negotiation import DefaultContentNegotiation

from maps.api.exceptions import ErrorSerializer
from maps.api.viewsets import PublicReadOnlyViewSet
from opendata.catalogue import catalogue_datasets
from opendata.selectors import published_resources

from .filters import DatasetQuery, ResourceQuery, dataset_facets
from .serializers import DatasetSerializer, ResourceSerializer

DATASET_EXAMPLE = {
    "slug": "einwohner",
    "title": "Einwohner je Planungsraum",
    "description": "Melderechtlich registrierte Einwohnerinnen und Einwohner.",
    "url": "https://quartier.example/daten/einwohner/",
    "publisher": {
        "slug": "statistik",
        "name": "Amt für Statistik Berlin-Brandenburg",
        "website": "https://www.statistik-berlin-brandenburg.de/",
    },
    "licence": {"id": "cc-by/4.0", "title": "Creative Commons Attribution 4.0 International"},
    "themes": [{"code": "SOCI", "name": "Population and society"}],
    "tags": [{"slug": "bevolkerung", "name": "Bevölkerung"}],
    "areas": [{"code": "01", "name": "Mitte"}],
    "temporal_start": "2022-06-30",
    "temporal_end": "2022-06-30",
    "frequency": "ANNUAL",
    "issued": "2022-06-30",
    "modified": "2024-03-01T09:30:00+01:00",
    "contact": {
        "name": "Amt für Statistik Berlin-Brandenburg",
        "url": "https://www.statistik-berlin-brandenburg.de/kontakt",
    },
    "resources": [
        {
            "id": 1,
            "slug": "einwohner-2022",
            "title": "Einwohner 2022",
            "kind": "table",
            "format": "csv",
            "version": 2,
            "download_url": (
                "https://quartier.example/downloads/einwohner/einwohner-2022/v2/einwohner.csv"
            ),
            "record_count": 542,
        }
    ],
    "dcat": {
        "ttl": "https://quartier.example/dataset/einwohner.ttl",
        "rdf": "https://quartier.example/dataset/einwohner.rdf",
        "jsonld": "https://quartier.example/dataset/einwohner.jsonld",
    },
}

DOWNLOADS = "https://quartier.example/downloads/einwohner/einwohner-2022"
RESOURCE_EXAMPLE = {
    "id": 1,
    "dataset": "einwohner",
    "slug": "einwohner-2022",
    "title": "Einwohner 2022",
    "description": "Stichtag 30. Juni 2022.",
    "kind": "table",
    "personal_data": "aggregated",
    "download_url": f"{DOWNLOADS}/v2/einwohner.csv",
    "versions": [
        {
            "number": 2,
            "format": "csv",
            "media_type": "text/csv",
            "size": 18342,
            "created_at": "2024-03-01T09:30:00+01:00",
            "note": "Zeilenenden vereinheitlicht",
            "record_count": 542,
            "download_url": f"{DOWNLOADS}/v2/einwohner.csv",
        }
    ],
    "conversions": [
        {
            "format": "csv",
            "media_type": "text/csv; charset=utf-8",
            "url": f"{DOWNLOADS}/v2/export.csv",
        },
        {"format": "json", "media_type": "application/json", "url": f"{DOWNLOADS}/v2/export.json"},
    ],
}


class QueryFormatNegotiation(DefaultContentNegotiation):
    """Content negotiation without the `?format=` override: on these endpoints `format` is a
    filter (a file format). The API answers in JSON either way."""

    settings = SimpleNamespace(URL_FORMAT_OVERRIDE=None)


def responses(serializer) -> dict:
    return {200: serializer, 400: ErrorSerializer, 404: ErrorSerializer}


@extend_schema_view(
    list=extend_schema(
        summary=_("Datasets"),
        description=_(
            "The published datasets of the open data catalogue, by title or most recently "
            "changed first: what the data is, publisher, licence, themes, tags, the areas and "
            "time it covers, its public contact point, its resources with their current "
            "downloads, and links to its DCAT-AP.de descriptions."
        ),
        parameters=DatasetQuery.schema_parameters(),
        responses=responses(DatasetSerializer(many=True)),
    ),
    retrieve=extend_schema(
        summary=_("One dataset"),
        parameters=[
            OpenApiParameter(
                "slug",
                str,
                OpenApiParameter.PATH,
                description=_("The dataset's slug (the last part of its page's address)."),
                examples=[OpenApiExample("slug", value="einwohner")],
            )
        ],
        responses=responses(DatasetSerializer),
        examples=[OpenApiExample(_("A table of residents"), value=DATASET_EXAMPLE)],
    ),
)
class DatasetViewSet(PublicReadOnlyViewSet):
    serializer_class = DatasetSerializer
    list_parameters = DatasetQuery
    content_negotiation_class = QueryFormatNegotiation
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    not_found_message = _("There is no published dataset with the slug “%(slug)s”.")

    def get_queryset(self):
        return catalogue_datasets(
            query=self.query.get("q", ""),
            facets=dataset_facets(self.query),
            modified_since=self.query.get("modified_since"),
            ordering=self.query.get("ordering", "title"),
        )


@extend_schema_view(
    list=extend_schema(
        summary=_("Resources"),
        description=_(
            "The resources (tables and geodata files) of published datasets, each with every "
            "published version at its download URL that never changes, newest first, and "
            "the conversions of the current version."
        ),
        parameters=ResourceQuery.schema_parameters(),
        responses=responses(ResourceSerializer(many=True)),
    ),
    retrieve=extend_schema(
        summary=_("One resource"),
        parameters=[
            OpenApiParameter(
                "id",
                int,
                OpenApiParameter.PATH,
                description=_("The resource's id."),
                examples=[OpenApiExample("id", value=1)],
            )
        ],
        responses=responses(ResourceSerializer),
        examples=[OpenApiExample(_("A table with its versions"), value=RESOURCE_EXAMPLE)],
    ),
)
class ResourceViewSet(PublicReadOnlyViewSet):
    serializer_class = ResourceSerializer
    list_parameters = ResourceQuery
    content_negotiation_class = QueryFormatNegotiation
    lookup_value_regex = "[0-9]{1,18}"
    not_found_message = _("There is no resource of a published dataset with the id %(pk)s.")

    def get_queryset(self):
        return published_resources(
            dataset=self.query.get("dataset"),
            kind=self.query.get("kind", ""),
            file_format=self.query.get("format", ""),
        )
