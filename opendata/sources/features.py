"""What every geodata reader returns, and the checks every format shares: feature limits,
EPSG numbers, reprojection to WGS 84 and one kind of geometry per layer."""

import math
import threading
from dataclasses import dataclass

from django.contrib.gis.gdal import CoordTransform, GDALException, OGRGeometry, SpatialReference
from django.contrib.gis.geos import (
    GEOSException,
    GEOSGeometry,
    LineString,
    MultiLineString,
    MultiPoint,
    MultiPolygon,
    Point,
    Polygon,
)
from django.utils.translation import gettext as _

from maps.sources import WGS84, SourceError, polygonal

GEOJSON = "geojson"
GEOPACKAGE = "gpkg"
SHAPEFILE = "shapefile"

# Single and multi-part type of each kind of geometry.
KINDS = {
    "Point": ("Point", "MultiPoint"),
    "MultiPoint": ("Point", "MultiPoint"),
    "LineString": ("LineString", "MultiLineString"),
    "MultiLineString": ("LineString", "MultiLineString"),
    "Polygon": ("Polygon", "MultiPolygon"),
    "MultiPolygon": ("Polygon", "MultiPolygon"),
}
OGR_NAMES = {name.upper(): name for name in KINDS}
MULTI = {"Point": MultiPoint, "LineString": MultiLineString, "Polygon": MultiPolygon}
SINGLE = (Point, LineString, Polygon)


@dataclass(frozen=True)
class GeoFeature:
    properties: dict
    geometry: GEOSGeometry | None


@dataclass(frozen=True)
class GeoLayer:
    features: list[GeoFeature]
    geometry_type: str | None
    source_srid: int
    format: str


def check_count(count: int, max_features: int, name: str) -> None:
    if count > max_features:
        raise SourceError(
            _("%(file)s: more than %(limit)s features") % {"file": name, "limit": max_features}
        )


def check_srid(srid: int) -> None:
    try:
        SpatialReference(srid)
    except (GDALException, ValueError, TypeError) as error:
        raise SourceError(_("unknown coordinate system EPSG:%(srid)s") % {"srid": srid}) from error


def where(name: str, number: int, error: object) -> str:
    return _("%(file)s, feature %(number)s: %(error)s") % {
        "file": name,
        "number": number,
        "error": error,
    }


_transforms = threading.local()


def _to_wgs84(srid: int) -> CoordTransform:
    """The transformation from `srid` to WGS 84, built once per thread: building one takes
    longer than transforming a feature with it, and one must not be shared between threads."""
    cache = _transforms.__dict__.setdefault("by_srid", {})
    if srid not in cache:
        cache[srid] = CoordTransform(SpatialReference(srid), SpatialReference(WGS84))
    return cache[srid]


def to_wgs84(ogr: OGRGeometry, srid: int) -> GEOSGeometry:
    """A 2D geometry in WGS 84 from one in `srid`, checked for longitude/latitude range."""
    try:
        ogr.set_3d(False)
        ogr.set_measured(False)
        ogr_name = ogr.geom_name
    except GDALException as error:
        raise SourceError(_("unreadable geometry")) from error
    if ogr_name not in OGR_NAMES:
        raise SourceError(_("unsupported geometry type %(type)s") % {"type": ogr_name})
    try:
        geometry = GEOSGeometry(memoryview(bytes(ogr.wkb)), srid=srid)
    except (GDALException, GEOSException, ValueError, TypeError) as error:
        raise SourceError(
            _("unreadable %(type)s geometry") % {"type": OGR_NAMES[ogr_name]}
        ) from error
    if geometry.empty:
        raise SourceError(
            _("the %(type)s geometry is empty; leave the geometry out (null) instead")
            % {"type": geometry.geom_type}
        )
    try:
        if srid != WGS84:
            geometry.transform(_to_wgs84(srid))
            geometry.srid = WGS84
    except (GDALException, GEOSException) as error:
        raise SourceError(_("cannot be reprojected to WGS 84")) from error
    extent = geometry.extent
    if not all(math.isfinite(value) for value in extent) or not (
        -180 <= extent[0] and extent[2] <= 180 and -90 <= extent[1] and extent[3] <= 90
    ):
        raise SourceError(
            _(
                "coordinates outside longitude/latitude range (%(extent)s); "
                "does the file declare its coordinate system?"
            )
            % {"extent": ", ".join(f"{value:g}" for value in extent)}
        )
    if not geometry.valid:
        if KINDS[geometry.geom_type][0] == "Polygon":
            geometry = polygonal(geometry)
        else:
            raise SourceError(
                _("invalid %(type)s: %(reason)s")
                % {"type": geometry.geom_type, "reason": geometry.valid_reason}
            )
    return geometry


def common_type(features: list[GeoFeature], name: str) -> tuple[list[GeoFeature], str | None]:
    """The features with one geometry type: single parts become multi-parts where the file
    mixes them; different kinds (points and polygons) are refused."""
    first = None
    types = set()
    for number, feature in enumerate(features, start=1):
        if feature.geometry is None:
            continue
        geometry_type = feature.geometry.geom_type
        if first is None:
            first = geometry_type
        elif KINDS[geometry_type] != KINDS[first]:
            raise SourceError(
                where(
                    name,
                    number,
                    _("a %(type)s among %(first)s features; one kind of geometry per file")
                    % {"type": geometry_type, "first": first},
                )
            )
        types.add(geometry_type)
    if len(types) <= 1:
        return features, next(iter(types), None)
    single, multi = KINDS[first]
    promoted = [
        GeoFeature(
            properties=feature.properties,
            geometry=MULTI[single](feature.geometry, srid=WGS84),
        )
        if isinstance(feature.geometry, SINGLE)
        else feature
        for feature in features
    ]
    return promoted, multi


def shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
