"""What the API shows of datasets and their resources. Of people, nothing: only the dataset's
public contact point (an office or team), never who uploaded a version."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from maps.models import Area
from opendata.exports import EXPORTS
from opendata.models import (
    DatasetPage,
    DataTheme,
    Frequency,
    Licence,
    Organisation,
    Resource,
    ResourceVersion,
)

DCAT_EXTENSIONS = ("ttl", "rdf", "jsonld")


def absolute(context: dict, path: str) -> str:
    return context["request"].build_absolute_uri(path)


def version_download_url(context: dict, dataset_slug: str, resource: Resource, version) -> str:
    return absolute(
        context,
        reverse(
            "opendata:version_download",
            args=[dataset_slug, resource.slug, version.number, version.filename],
        ),
    )


def current_version(resource: Resource) -> ResourceVersion | None:
    """The newest version (the versions are prefetched newest first)."""
    versions = list(resource.versions.all())
    return versions[0] if versions else None


class PublisherSerializer(serializers.ModelSerializer):
    """The organisation that publishes the dataset."""

    class Meta:
        model = Organisation
        fields = ["slug", "name", "website"]


class ThemeSerializer(serializers.ModelSerializer):
    """An EU data theme."""

    class Meta:
        model = DataTheme
        fields = ["code", "name"]


class CoveredAreaSerializer(serializers.ModelSerializer):
    """An LOR area the data covers (its outline is at /api/v1/areas/<code>/)."""

    class Meta:
        model = Area
        fields = ["code", "name"]


class TagSerializer(serializers.Serializer):
    slug = serializers.CharField(source="tag.slug")
    name = serializers.CharField(source="tag.name")


class LicenceSerializer(serializers.Serializer):
    id = serializers.ChoiceField(choices=Licence.choices, source="licence")
    title = serializers.CharField(source="get_licence_display")


class ContactSerializer(serializers.Serializer):
    """The dataset's public contact point: an office or team, not a person."""

    name = serializers.CharField(source="contact_name")
    email = serializers.EmailField(source="contact_email", allow_blank=True)
    url = serializers.URLField(source="contact_url", allow_blank=True)


class ResourceSummarySerializer(serializers.ModelSerializer):
    """A resource as the dataset lists it: its current version and where to download it."""

    kind = serializers.ChoiceField(choices=Resource.Kind.choices, read_only=True)
    format = serializers.SerializerMethodField(help_text=_("The current version's format."))
    version = serializers.SerializerMethodField(help_text=_("The current version's number."))
    download_url = serializers.SerializerMethodField(
        help_text=_("The current version's file (null while there is none).")
    )
    record_count = serializers.SerializerMethodField(
        help_text=_("Rows or features of the current version.")
    )

    class Meta:
        model = Resource
        fields = [
            "id",
            "slug",
            "title",
            "kind",
            "format",
            "version",
            "download_url",
            "record_count",
        ]

    @extend_schema_field({"type": "string", "nullable": True})
    def get_format(self, resource: Resource) -> str | None:
        current = current_version(resource)
        return current.format if current else None

    @extend_schema_field({"type": "integer", "nullable": True})
    def get_version(self, resource: Resource) -> int | None:
        current = current_version(resource)
        return current.number if current else None

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_download_url(self, resource: Resource) -> str | None:
        current = current_version(resource)
        if current is None:
            return None
        return version_download_url(self.context, resource.dataset.slug, resource, current)

    @extend_schema_field({"type": "integer", "nullable": True})
    def get_record_count(self, resource: Resource) -> int | None:
        current = current_version(resource)
        return current.record_count if current else None


class DatasetSerializer(serializers.ModelSerializer):
    """A published dataset: what the data is, who publishes it under which licence, what it
    covers, its resources and its DCAT-AP.de descriptions."""

    url = serializers.SerializerMethodField(help_text=_("The dataset's landing page."))
    publisher = PublisherSerializer(read_only=True)
    licence = LicenceSerializer(source="*", read_only=True)
    themes = ThemeSerializer(many=True, read_only=True)
    tags = TagSerializer(source="tagged_items", many=True, read_only=True)
    areas = CoveredAreaSerializer(many=True, read_only=True)
    frequency = serializers.SerializerMethodField(help_text=_("How often the data is updated."))
    modified = serializers.DateTimeField(
        read_only=True,
        allow_null=True,
        help_text=_("When the data last changed: the newest version, or the page's last edit."),
    )
    contact = ContactSerializer(source="*", read_only=True)
    resources = ResourceSummarySerializer(many=True, read_only=True)
    dcat = serializers.SerializerMethodField(
        help_text=_("The dataset's DCAT-AP.de description in Turtle, RDF/XML and JSON-LD.")
    )

    class Meta:
        model = DatasetPage
        fields = [
            "slug",
            "title",
            "description",
            "url",
            "publisher",
            "licence",
            "themes",
            "tags",
            "areas",
            "temporal_start",
            "temporal_end",
            "frequency",
            "issued",
            "modified",
            "contact",
            "resources",
            "dcat",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, dataset: DatasetPage) -> str:
        return dataset.get_full_url(self.context["request"])

    @extend_schema_field({"type": "string", "enum": Frequency.values, "nullable": True})
    def get_frequency(self, dataset: DatasetPage) -> str | None:
        return dataset.frequency or None

    @extend_schema_field(
        {
            "type": "object",
            "properties": {
                extension: {"type": "string", "format": "uri"} for extension in DCAT_EXTENSIONS
            },
        }
    )
    def get_dcat(self, dataset: DatasetPage) -> dict[str, str]:
        return {
            extension: absolute(
                self.context,
                reverse(
                    "dcat_dataset_document",
                    kwargs={"slug": dataset.slug, "extension": extension},
                ),
            )
            for extension in DCAT_EXTENSIONS
        }


class VersionSerializer(serializers.ModelSerializer):
    """One published version of a resource, at a download URL that never changes."""

    download_url = serializers.SerializerMethodField(help_text=_("The version's file."))

    class Meta:
        model = ResourceVersion
        fields = [
            "number",
            "format",
            "media_type",
            "size",
            "created_at",
            "note",
            "record_count",
            "download_url",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_download_url(self, version: ResourceVersion) -> str:
        resource = self.context["resource"]
        return version_download_url(self.context, resource.dataset.slug, resource, version)


class ResourceSerializer(serializers.ModelSerializer):
    """A resource of a published dataset with every version, newest first, and the
    conversions of its current version the dataset page offers."""

    dataset = serializers.CharField(source="dataset.slug", help_text=_("The dataset's slug."))
    kind = serializers.ChoiceField(choices=Resource.Kind.choices, read_only=True)
    personal_data = serializers.ChoiceField(choices=Resource.PersonalData.choices, read_only=True)
    versions = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField(
        help_text=_("The current version's file (null while there is none).")
    )
    conversions = serializers.SerializerMethodField(
        help_text=_("The current version converted into other formats.")
    )

    class Meta:
        model = Resource
        fields = [
            "id",
            "dataset",
            "slug",
            "title",
            "description",
            "kind",
            "personal_data",
            "download_url",
            "versions",
            "conversions",
        ]

    @extend_schema_field(VersionSerializer(many=True))
    def get_versions(self, resource: Resource) -> list[dict]:
        context = {**self.context, "resource": resource}
        return VersionSerializer(resource.versions.all(), many=True, context=context).data

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_download_url(self, resource: Resource) -> str | None:
        current = current_version(resource)
        if current is None:
            return None
        return version_download_url(self.context, resource.dataset.slug, resource, current)

    @extend_schema_field(
        {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "format": {"type": "string"},
                    "media_type": {"type": "string"},
                    "url": {"type": "string", "format": "uri"},
                },
            },
        }
    )
    def get_conversions(self, resource: Resource) -> list[dict]:
        current = current_version(resource)
        if current is None:
            return []
        # Geodata is converted from its features in WGS 84, which older versions may lack.
        if resource.kind == Resource.Kind.GEODATA and not current.features_file:
            return []
        return [
            {
                "format": name,
                "media_type": content_type,
                "url": absolute(
                    self.context,
                    reverse(
                        f"opendata:version_export_{name}",
                        args=[resource.dataset.slug, resource.slug, current.number],
                    ),
                ),
            }
            for name, (content_type, _convert, _file) in EXPORTS[resource.kind].items()
        ]
