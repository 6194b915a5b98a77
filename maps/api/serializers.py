from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.rest_framework_gis import GeoFeatureModelSerializerExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from maps.models import Area

from .fields import GeoJSONField


class FeatureSerializer(GeoFeatureModelSerializer):
    """A GeoJSON Feature whose geometry may be null (a record without a place)."""


class FeatureSerializerExtension(GeoFeatureModelSerializerExtension):
    """Describes a FeatureSerializer's geometry as nullable in the schema."""

    target_class = FeatureSerializer
    match_subclasses = True
    priority = 1

    def map_geo_feature_model_serializer(self, serializer, base_schema):
        schema = super().map_geo_feature_model_serializer(serializer, base_schema)
        schema["properties"]["geometry"]["nullable"] = True
        return schema


class AreaSerializer(FeatureSerializer):
    """An area of the LOR hierarchy as a GeoJSON Feature (geometry null without an outline,
    or when outlines were left out)."""

    geometry = GeoJSONField(source="geojson", default=None)
    parent = serializers.CharField(
        source="parent_code", allow_null=True, help_text=_("The code of the parent area.")
    )
    url = serializers.SerializerMethodField(help_text=_("The area's page."))

    class Meta:
        model = Area
        geo_field = "geometry"
        id_field = "code"
        fields = ["code", "name", "level", "parent", "url"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, area: Area) -> str:
        return self.context["request"].build_absolute_uri(area.get_absolute_url())
