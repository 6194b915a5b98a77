"""Serializer fields for geometry the database has already written as GeoJSON."""

import orjson
from django.contrib.gis.db.models import GeometryField as GeometryModelField
from drf_spectacular.contrib.rest_framework_gis import build_geo_schema
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework_gis.fields import GeometryField


class GeoJSONField(GeometryField):
    """A geometry read from an `AsGeoJSON` annotation (see the selectors): the database
    writes and rounds the coordinates, so no geometry is built in Python. Null stays null.

    Give the annotation as `source` and name the field like the model's geometry field, so
    the schema describes the right geometry type."""

    def to_representation(self, value):
        if value is None:
            return None
        return orjson.loads(value)


class GeoJSONFieldExtension(OpenApiSerializerFieldExtension):
    """The schema of a GeoJSONField: that of the model field it is named after, nullable."""

    target_class = GeoJSONField
    priority = 1

    def map_serializer_field(self, auto_schema, direction):
        model_field = self.target.parent.Meta.model._meta.get_field(self.target.field_name)
        if not isinstance(model_field, GeometryModelField):
            raise TypeError(f"{self.target.field_name} is not a geometry field")
        return {**build_geo_schema(model_field), "nullable": True}
