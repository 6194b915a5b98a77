"""Area outlines (GeoJSON). The file is parsed as JSON by Python and only single geometries
are handed to GDAL/GEOS, so a hostile file cannot make GDAL open other files or reach the
network."""

import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.contrib.gis.gdal import GDALException
from django.contrib.gis.geos import GEOSException, GEOSGeometry, MultiPolygon, Polygon
from django.utils.translation import gettext as _

from .files import SourceError, has_control_characters, read_text

WGS84 = 4326


@dataclass(frozen=True)
class AreaShape:
    key: str
    geometry: MultiPolygon


# Outlines (GeoJSON) ---------------------------------------------------------------------------

# "EPSG:25833", "urn:ogc:def:crs:EPSG::25833", "urn:ogc:def:crs:EPSG:6.6:25833",
# "http://www.opengis.net/def/crs/EPSG/0/25833"
_EPSG = re.compile(r"EPSG(?::+(?:[\d.]+:)?|/\d+/)(\d{4,6})$", re.IGNORECASE)


def declared_srid(crs: object) -> int:
    """The EPSG code a GeoJSON `crs` member declares; no member means WGS 84 (RFC 7946)."""
    if crs is None:
        return WGS84
    properties = crs.get("properties") if isinstance(crs, dict) else None
    name = properties.get("name") if isinstance(properties, dict) else None
    if not isinstance(name, str):
        raise SourceError(_("the crs member has no name"))
    if name.upper().endswith("CRS84"):
        return WGS84
    match = _EPSG.search(name.strip())
    if not match:
        raise SourceError(_("unknown coordinate system %(name)r") % {"name": name})
    return int(match.group(1))


def polygonal(geometry: GEOSGeometry) -> MultiPolygon:
    """A valid MultiPolygon from a Polygon or MultiPolygon, repairing self-intersections."""
    if geometry.geom_type not in ("Polygon", "MultiPolygon"):
        raise SourceError(
            _("a Polygon or MultiPolygon is expected, not %(type)s") % {"type": geometry.geom_type}
        )
    if geometry.empty:
        raise SourceError(_("the geometry is empty"))
    if not geometry.valid:
        repaired = geometry.make_valid()
        parts = [part for part in _flatten(repaired) if isinstance(part, Polygon) and part.area]
        if not parts:
            raise SourceError(
                _("invalid geometry that cannot be repaired: %(reason)s")
                % {"reason": geometry.valid_reason}
            )
        geometry = MultiPolygon(parts, srid=geometry.srid)
    if isinstance(geometry, Polygon):
        geometry = MultiPolygon([geometry], srid=geometry.srid)
    return geometry


def _flatten(geometry: GEOSGeometry) -> Iterator[GEOSGeometry]:
    if geometry.geom_type in ("MultiPolygon", "GeometryCollection"):
        for part in geometry:
            yield from _flatten(part)
    else:
        yield geometry


def geometry_from_geojson(
    member: object, srid: int, bounds: Sequence[float] | None = None
) -> MultiPolygon:
    """Turn one GeoJSON geometry member in `srid` into a MultiPolygon in WGS 84, lying within
    `bounds` (min lon, min lat, max lon, max lat) when given."""
    if not isinstance(member, dict) or "type" not in member:
        raise SourceError(_("the geometry is missing"))
    try:
        geometry = GEOSGeometry(json.dumps(member))
        geometry.srid = srid
        if srid != WGS84:
            geometry.transform(WGS84)
        geometry = polygonal(geometry)
    except SourceError:
        raise
    except (GDALException, GEOSException, ValueError, TypeError) as error:
        raise SourceError(_("unreadable geometry: %(error)s") % {"error": error}) from error
    min_x, min_y, max_x, max_y = geometry.extent
    if min_x < -180 or max_x > 180 or min_y < -90 or max_y > 90:
        raise SourceError(
            _(
                "coordinates outside longitude/latitude range (%(extent)s); "
                "does the file declare its coordinate system (crs)?"
            )
            % {"extent": _format_extent(geometry.extent)}
        )
    if bounds is not None:
        west, south, east, north = bounds
        if min_x < west or min_y < south or max_x > east or max_y > north:
            raise SourceError(
                _(
                    "the outline (%(extent)s) lies outside the city (%(bounds)s); "
                    "is the declared coordinate system (crs) right?"
                )
                % {"extent": _format_extent(geometry.extent), "bounds": _format_extent(bounds)}
            )
    return geometry


def _format_extent(extent: Sequence[float]) -> str:
    return ", ".join(f"{value:g}" for value in extent)


def _reject_constant(name: str) -> None:
    raise SourceError(_("%(value)s is not a number GeoJSON allows") % {"value": name})


def read_area_shapes(
    path: Path, *, key_property: str, bounds: Sequence[float] | None = None
) -> list[AreaShape]:
    """Read a GeoJSON FeatureCollection of area outlines, keyed by `key_property`.

    Any declared EPSG coordinate system is reprojected to WGS 84; Polygons become
    MultiPolygons; self-intersecting outlines are repaired; with `bounds`, every outline must
    lie within them. Raises SourceError naming the feature for anything else.
    """
    text = read_text(path)
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as error:
        raise SourceError(
            _("%(file)s: not valid JSON (line %(line)s, column %(column)s): %(message)s")
            % {"file": path.name, "line": error.lineno, "column": error.colno, "message": error.msg}
        ) from error
    except SourceError as error:
        raise SourceError(f"{path.name}: {error}") from error
    except RecursionError as error:
        raise SourceError(
            _("%(file)s: not valid JSON (nested too deeply)") % {"file": path.name}
        ) from error
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise SourceError(_("%(file)s: not a GeoJSON FeatureCollection") % {"file": path.name})
    features = data.get("features")
    if not isinstance(features, list) or not features:
        raise SourceError(
            _("%(file)s: the FeatureCollection has no features") % {"file": path.name}
        )
    try:
        srid = declared_srid(data.get("crs"))
    except SourceError as error:
        raise SourceError(f"{path.name}: {error}") from error
    shapes: dict[str, AreaShape] = {}
    for number, feature in enumerate(features, start=1):
        where = _("%(file)s, feature %(number)s") % {"file": path.name, "number": number}
        properties = feature.get("properties") if isinstance(feature, dict) else None
        if not isinstance(properties, dict):
            properties = {}
        key = str(properties.get(key_property) or "").strip()
        if not key:
            raise SourceError(
                _("%(where)s: property %(property)r is missing")
                % {"where": where, "property": key_property}
            )
        if has_control_characters(key):
            raise SourceError(
                _("%(where)s: the key contains control characters") % {"where": where}
            )
        if key in shapes:
            raise SourceError(_("%(where)s: %(key)s appears twice") % {"where": where, "key": key})
        try:
            geometry = geometry_from_geojson(feature.get("geometry"), srid, bounds)
        except SourceError as error:
            raise SourceError(f"{where} ({key}): {error}") from error
        shapes[key] = AreaShape(key=key, geometry=geometry)
    return list(shapes.values())
