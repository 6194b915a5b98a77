"""What is kept of a geodata layer once it has been read: the names of its attributes, the one
that names a feature, its extent, and its features in WGS 84 as one-per-line GeoJSON."""

import json
from collections.abc import Iterator

from .features import GeoLayer
from .stored import COLLECTION_END, COLLECTION_START

# About 1 cm on the ground: more digits describe the file's arithmetic, not the place.
COORDINATE_DIGITS = 7
# Attribute names that usually hold a feature's name, in order of preference (lower case).
LABEL_NAMES = (
    "name",
    "titel",
    "title",
    "bezeichnung",
    "einrichtung",
    "pgr_name",
    "bzr_name",
    "plr_name",
    "bez_name",
    "namlang",
)


def layer_fields(layer: GeoLayer) -> list[str]:
    """Every attribute name of the layer, in the order they first appear."""
    fields: dict[str, None] = {}
    for feature in layer.features:
        fields.update(dict.fromkeys(str(name) for name in feature.properties))
    return list(fields)


def attribute_schema(layer: GeoLayer, fields: list[str]) -> dict:
    """A Table Schema of the attributes, typed by their values: integer when every value is a
    whole number, number when every value is a number, else string (codes written as text,
    such as postcodes, stay text)."""

    def field_type(name: str) -> str:
        values = [feature.properties.get(name) for feature in layer.features]
        values = [value for value in values if value is not None]
        if not values or any(isinstance(value, bool) for value in values):
            return "string"
        if all(isinstance(value, int) for value in values):
            return "integer"
        if all(isinstance(value, int | float) for value in values):
            return "number"
        return "string"

    return {"fields": [{"name": name, "type": field_type(name)} for name in fields]}


def label_field(layer: GeoLayer, fields: list[str]) -> str:
    """The attribute that names a feature best: a well-known name, else the first ending in
    "name" (e_name, einrichtung_name), else the first whose values are mostly text; "" when
    there is none."""
    by_lower = {field.casefold(): field for field in fields}
    for name in LABEL_NAMES:
        if name in by_lower:
            return by_lower[name]
    for field in fields:
        if field.casefold().endswith("name"):
            return field
    sample = layer.features[:200]
    for field in fields:
        texts = [feature.properties.get(field) for feature in sample]
        if sum(isinstance(value, str) and bool(value.strip()) for value in texts) > len(sample) / 2:
            return field
    return ""


def layer_extent(layer: GeoLayer) -> list[float] | None:
    """West, south, east, north of every geometry, or None when no feature has one."""
    extents = [feature.geometry.extent for feature in layer.features if feature.geometry]
    if not extents:
        return None
    return [
        round(min(extent[0] for extent in extents), COORDINATE_DIGITS),
        round(min(extent[1] for extent in extents), COORDINATE_DIGITS),
        round(max(extent[2] for extent in extents), COORDINATE_DIGITS),
        round(max(extent[3] for extent in extents), COORDINATE_DIGITS),
    ]


def _rounded(coordinates):
    if coordinates and isinstance(coordinates[0], float | int):
        return [round(value, COORDINATE_DIGITS) for value in coordinates]
    return [_rounded(part) for part in coordinates]


def geometry_object(geometry) -> dict | None:
    """A GEOS geometry as a GeoJSON geometry object with rounded coordinates."""
    if geometry is None:
        return None
    document = json.loads(geometry.json)
    document["coordinates"] = _rounded(document["coordinates"])
    return document


def feature_collection_lines(layer: GeoLayer) -> Iterator[bytes]:
    """The layer as a GeoJSON FeatureCollection in WGS 84 with one feature per line."""
    yield COLLECTION_START
    for number, feature in enumerate(layer.features):
        record = {
            "type": "Feature",
            "geometry": geometry_object(feature.geometry),
            "properties": {str(name): value for name, value in feature.properties.items()},
        }
        separator = b",\n" if number else b""
        text = json.dumps(record, ensure_ascii=False, separators=(",", ":"), default=str)
        yield separator + text.encode()
    yield COLLECTION_END
