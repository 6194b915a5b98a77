"""Geometry that people draw or send: parsed and checked in Python, never handed to GDAL.

`geometry_from_geojson_text` turns a GeoJSON geometry (text) into a GEOS geometry in WGS 84 or
raises `GeometryError` with a message a person can act on.
"""

import math

import orjson
from django.contrib.gis.geos import GEOSException, GEOSGeometry, LineString, Point, Polygon
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

WGS84 = 4326
MAX_VERTICES = 2000
MAX_TEXT_LENGTH = 200_000

KIND_NAMES = {
    "Point": gettext_lazy("a point"),
    "LineString": gettext_lazy("a line"),
    "Polygon": gettext_lazy("an area (polygon)"),
}


class GeometryError(ValueError):
    """A geometry that cannot be used, with the reason in words."""


def _position(value: object) -> tuple[float, float]:
    if (
        not isinstance(value, list)
        or len(value) not in (2, 3)
        or not all(
            isinstance(number, int | float) and not isinstance(number, bool) for number in value
        )
    ):
        raise GeometryError(_("Each position must be a pair of numbers (longitude, latitude)."))
    lon, lat = float(value[0]), float(value[1])
    if not (math.isfinite(lon) and math.isfinite(lat)):
        raise GeometryError(_("The coordinates must be finite numbers."))
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise GeometryError(
            _(
                "The coordinates %(lon)s, %(lat)s are outside the range of longitude "
                "(-180 to 180) and latitude (-90 to 90)."
            )
            % {"lon": f"{lon:g}", "lat": f"{lat:g}"}
        )
    return lon, lat


def _positions(value: object, minimum: int) -> list[tuple[float, float]]:
    if not isinstance(value, list) or len(value) < minimum:
        raise GeometryError(_("Too few positions: at least %(n)s are needed.") % {"n": minimum})
    return [_position(item) for item in value]


def _single(kind: str, coordinates: object) -> GEOSGeometry:
    """One member of a single-part type (Multi* with one member already unwrapped)."""
    if kind == "Point":
        return Point(*_position(coordinates), srid=WGS84)
    if kind == "LineString":
        line = _positions(coordinates, 2)
        if len(set(line)) < 2:
            raise GeometryError(_("A line needs two different points."))
        return LineString(line, srid=WGS84)
    if not isinstance(coordinates, list) or not coordinates:
        raise GeometryError(_("An area needs an outline."))
    rings = [_positions(ring, 4) for ring in coordinates]
    for ring in rings:
        if ring[0] != ring[-1]:
            raise GeometryError(_("An area's outline must end where it starts."))
        if len(set(ring)) < 3:
            raise GeometryError(_("An area needs at least three different corners."))
    return Polygon(*rings, srid=WGS84)


def geometry_from_geojson_text(text: str) -> GEOSGeometry:
    """A Point, LineString or Polygon in WGS 84 from GeoJSON text. A Multi* geometry with a
    single member is accepted as that member; several members are refused."""
    if len(text) > MAX_TEXT_LENGTH:
        raise GeometryError(_("The drawn place is too detailed."))
    try:
        data = orjson.loads(text)
    except orjson.JSONDecodeError as error:
        raise GeometryError(_("The place is not valid GeoJSON.")) from error
    if isinstance(data, dict) and data.get("type") == "Feature":
        data = data.get("geometry")
    if not isinstance(data, dict) or not isinstance(data.get("type"), str):
        raise GeometryError(_("The place is not a GeoJSON geometry."))
    kind, coordinates = data["type"], data.get("coordinates")
    if kind in ("MultiPoint", "MultiLineString", "MultiPolygon"):
        if not isinstance(coordinates, list) or len(coordinates) != 1:
            raise GeometryError(_("Give one place, not several."))
        kind, coordinates = kind.removeprefix("Multi"), coordinates[0]
    if kind not in KIND_NAMES:
        raise GeometryError(_("Unknown kind of place: %(kind)s.") % {"kind": kind[:40]})
    if kind != "Point" and _vertex_count(coordinates) > MAX_VERTICES:
        raise GeometryError(_("The drawn place has more than %(n)s corners.") % {"n": MAX_VERTICES})
    try:
        geometry = _single(kind, coordinates)
    except GEOSException as error:
        raise GeometryError(_("The place cannot be read: %(error)s") % {"error": error}) from error
    if not geometry.valid:
        raise GeometryError(
            _("The area's outline crosses itself (%(reason)s). Draw it without crossings.")
            % {"reason": geometry.valid_reason}
        )
    return geometry


def _vertex_count(coordinates: object) -> int:
    """How many positions a nested coordinate list holds (bounded work on hostile input)."""
    count, stack = 0, [coordinates]
    while stack and count <= MAX_VERTICES:
        item = stack.pop()
        if isinstance(item, list) and item and isinstance(item[0], list):
            stack.extend(item)
        else:
            count += 1
    return count


def kind_name(kind: str) -> str:
    return str(KIND_NAMES.get(kind, kind))
