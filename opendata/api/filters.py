"""The query parameters of the open data endpoints. A slug or code that names nothing
published is refused with 400 (not answered with an empty list), so a typing error shows."""

from datetime import date, datetime, time

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from maps.api.params import ChoiceParameter, QueryParameters
from maps.selectors import area_list
from opendata.models import (
    FORMAT_LABELS,
    DatasetPage,
    DatasetTag,
    DataTheme,
    Licence,
    Organisation,
    Resource,
)
from opendata.selectors import published_datasets

FORMATS = [(value, label) for value, label in FORMAT_LABELS.items()]
ORDERINGS = [
    ("title", gettext_lazy("By title")),
    ("-modified", gettext_lazy("Most recently changed first")),
]


class DateTimeParameter(serializers.Field):
    """An ISO 8601 date (`2024-05-01`, meaning its start in Berlin) or date and time
    (`2024-05-01T12:00:00+02:00`)."""

    schema_type = {"type": "string", "format": "date-time"}

    def to_internal_value(self, data) -> datetime:
        value = str(data).strip()
        try:
            moment = parse_datetime(value)
            day = None if moment else parse_date(value)
        except ValueError:
            moment = day = None
        if day is not None:
            moment = datetime.combine(day, time.min)
        if moment is None:
            raise serializers.ValidationError(
                _("Give an ISO 8601 date (2024-05-01) or date and time, not “%(value)s”.")
                % {"value": data}
            )
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        return moment

    def to_representation(self, value) -> str:
        return value.isoformat() if isinstance(value, date) else str(value)


class DatasetQuery(QueryParameters):
    q = serializers.CharField(
        required=False,
        max_length=200,
        help_text=gettext_lazy(
            "Only datasets matching every word, searched like the catalogue's search."
        ),
    )
    theme = serializers.CharField(
        required=False,
        max_length=12,
        help_text=gettext_lazy("Only datasets with this EU data theme (its code, e.g. SOCI)."),
    )
    publisher = serializers.SlugField(
        required=False,
        max_length=80,
        help_text=gettext_lazy("Only datasets of the publisher with this slug."),
    )
    licence = ChoiceParameter(
        choices=Licence.choices,
        required=False,
        help_text=gettext_lazy("Only datasets under this licence."),
    )
    format = ChoiceParameter(
        choices=FORMATS,
        required=False,
        help_text=gettext_lazy("Only datasets with a file in this format."),
    )
    tag = serializers.CharField(
        required=False,
        max_length=100,
        help_text=gettext_lazy("Only datasets with the tag with this slug."),
    )
    area = serializers.CharField(
        required=False,
        max_length=16,
        help_text=gettext_lazy("Only datasets covering the LOR area with this code."),
    )
    modified_since = DateTimeParameter(
        required=False,
        help_text=gettext_lazy(
            "Only datasets changed (page or file) at or after this ISO 8601 date or date and time."
        ),
    )
    ordering = ChoiceParameter(
        choices=ORDERINGS,
        required=False,
        help_text=gettext_lazy("The order: by title (the default) or most recently changed first."),
    )

    examples = {
        "theme": "SOCI",
        "licence": Licence.CC_BY_4_0,
        "format": "csv",
        "modified_since": "2024-01-01",
        "ordering": "-modified",
    }

    def validate_theme(self, code: str) -> str:
        if not DataTheme.objects.filter(code=code).exists():
            raise serializers.ValidationError(
                _("There is no data theme with the code “%(code)s”.") % {"code": code}
            )
        return code

    def validate_publisher(self, slug: str) -> str:
        if not Organisation.objects.filter(slug=slug).exists():
            raise serializers.ValidationError(
                _("There is no publisher with the slug “%(slug)s”.") % {"slug": slug}
            )
        return slug

    def validate_tag(self, slug: str) -> str:
        tagged = DatasetTag.objects.filter(tag__slug=slug, content_object__in=published_datasets())
        if not tagged.exists():
            raise serializers.ValidationError(
                _("No published dataset has the tag “%(slug)s”.") % {"slug": slug}
            )
        return slug

    def validate_area(self, code: str) -> str:
        if not area_list().filter(code=code).exists():
            raise serializers.ValidationError(
                _("There is no area with the code “%(code)s”.") % {"code": code}
            )
        return code


# The API's parameter names and the catalogue's facets they narrow by.
FACET_PARAMETERS = {
    "theme": "thema",
    "publisher": "herausgeber",
    "licence": "lizenz",
    "format": "format",
    "tag": "tag",
    "area": "gebiet",
}


def dataset_facets(query: dict) -> dict[str, list[str]]:
    """The validated filters of a dataset list as the catalogue's facets."""
    return {facet: [query[name]] for name, facet in FACET_PARAMETERS.items() if name in query}


class ResourceQuery(QueryParameters):
    dataset = serializers.SlugField(
        required=False,
        max_length=255,
        help_text=gettext_lazy("Only the resources of the published dataset with this slug."),
    )
    kind = ChoiceParameter(
        choices=Resource.Kind.choices,
        required=False,
        help_text=gettext_lazy("Only resources of this kind."),
    )
    format = ChoiceParameter(
        choices=FORMATS,
        required=False,
        help_text=gettext_lazy("Only resources with a version in this format."),
    )

    examples = {"kind": Resource.Kind.TABLE, "format": "csv"}

    def validate_dataset(self, slug: str) -> DatasetPage:
        dataset = published_datasets().filter(slug=slug).first()
        if dataset is None:
            raise serializers.ValidationError(
                _("There is no published dataset with the slug “%(slug)s”.") % {"slug": slug}
            )
        return dataset
