"""Query parameters: each endpoint declares its parameters once, as a small serializer, which
both checks a request's query string and describes the parameters in the OpenAPI schema.

A malformed, unknown or repeated parameter is refused with HTTP 400 and a message naming it.
An empty value (`?category=`, as a form sends it) counts as not given."""

import math

from django.contrib.gis.geos import Polygon
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter
from rest_framework import serializers
from rest_framework.exceptions import ParseError

# Query parameters every endpoint understands: DRF's format override.
COMMON_PARAMETERS = frozenset({"format"})


class BBoxField(serializers.Field):
    """`min_lon,min_lat,max_lon,max_lat` in WGS 84 (EPSG:4326), as a Polygon."""

    schema_type = OpenApiTypes.STR

    def to_internal_value(self, data) -> Polygon:
        parts = str(data).split(",")
        if len(parts) != 4:
            self.fail_with(
                _(
                    "Give four numbers separated by commas: minimum longitude, minimum "
                    "latitude, maximum longitude, maximum latitude (got %(count)s values)."
                )
                % {"count": len(parts)}
            )
        try:
            min_lon, min_lat, max_lon, max_lat = (float(part) for part in parts)
        except ValueError:
            self.fail_with(_("“%(value)s” is not four numbers.") % {"value": data})
        if not all(math.isfinite(n) for n in (min_lon, min_lat, max_lon, max_lat)):
            self.fail_with(_("The four values must be finite numbers."))
        if not (-180 <= min_lon <= 180 and -180 <= max_lon <= 180):
            self.fail_with(_("Longitudes lie between -180 and 180 (WGS 84, EPSG:4326)."))
        if not (-90 <= min_lat <= 90 and -90 <= max_lat <= 90):
            self.fail_with(_("Latitudes lie between -90 and 90 (WGS 84, EPSG:4326)."))
        if min_lon >= max_lon:
            self.fail_with(
                _("The minimum longitude (%(min)s) must be less than the maximum (%(max)s).")
                % {"min": min_lon, "max": max_lon}
            )
        if min_lat >= max_lat:
            self.fail_with(
                _("The minimum latitude (%(min)s) must be less than the maximum (%(max)s).")
                % {"min": min_lat, "max": max_lat}
            )
        polygon = Polygon.from_bbox((min_lon, min_lat, max_lon, max_lat))
        polygon.srid = 4326
        return polygon

    def to_representation(self, value):
        return ",".join(str(n) for n in value.extent)

    def fail_with(self, message: str):
        raise serializers.ValidationError(message)


class ChoiceParameter(serializers.ChoiceField):
    """A value from a fixed list; the message for a wrong one lists them all."""

    def to_internal_value(self, data):
        if str(data) not in self.choice_strings_to_values:
            raise serializers.ValidationError(
                _("Unknown value “%(value)s”. Choose one of: %(choices)s.")
                % {"value": data, "choices": ", ".join(self.choice_strings_to_values)}
            )
        return self.choice_strings_to_values[str(data)]


class IdParameter(serializers.IntegerField):
    """The id of a record: a whole number from 1."""

    schema_type = {"type": "integer", "minimum": 1}

    def to_internal_value(self, data):
        value = str(data)
        if not value.isascii() or not value.isdigit() or len(value) > 18 or int(value) < 1:
            raise serializers.ValidationError(
                _("Give an id, a whole number from 1, not “%(value)s”.") % {"value": data}
            )
        return int(value)


class BooleanParameter(serializers.BooleanField):
    """true or false (also 1 or 0)."""

    default_error_messages = {
        "invalid": gettext_lazy("Give true or false, not “{input}”."),
    }


class QueryParameters(serializers.Serializer):
    """The query parameters of one endpoint. Subclasses declare fields (all optional) and,
    in `examples`, values for the example request shown in the documentation."""

    examples: dict[str, str | int | bool] = {}

    @classmethod
    def from_request(cls, request, *, also_allowed=frozenset()) -> dict:
        """The validated parameters of a request (absent ones left out); raises a 400 for
        an unknown, repeated or malformed parameter."""
        query = request.query_params
        fields = set(cls().fields)
        allowed = fields | set(also_allowed) | COMMON_PARAMETERS
        unknown = sorted(set(query) - allowed)
        if unknown:
            raise ParseError(
                _("Unknown parameter “%(name)s”. This endpoint understands: %(allowed)s.")
                % {
                    "name": unknown[0],
                    "allowed": ", ".join(sorted(allowed - COMMON_PARAMETERS)) or _("none"),
                }
            )
        repeated = sorted(name for name in query if len(query.getlist(name)) > 1)
        if repeated:
            raise ParseError(_("Give “%(name)s” only once.") % {"name": repeated[0]})
        serializer = cls(data={name: query[name] for name in fields if query.get(name)})
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    @classmethod
    def schema_parameters(cls) -> list[OpenApiParameter]:
        """The fields as OpenAPI query parameters, with their types, allowed values and
        examples."""
        parameters = []
        for name, field in cls().fields.items():
            example = cls.examples.get(name)
            if isinstance(example, models.Choices):
                example = example.value
            parameters.append(
                OpenApiParameter(
                    name,
                    _schema_type(field),
                    OpenApiParameter.QUERY,
                    description=field.help_text,
                    enum=list(field.choices) if isinstance(field, ChoiceParameter) else None,
                    examples=[OpenApiExample(name, value=example)] if example is not None else [],
                )
            )
        return parameters


def _schema_type(field) -> OpenApiTypes | dict:
    if hasattr(field, "schema_type"):
        return field.schema_type
    if isinstance(field, serializers.BooleanField):
        return OpenApiTypes.BOOL
    if isinstance(field, serializers.IntegerField):
        return OpenApiTypes.INT
    return OpenApiTypes.STR
