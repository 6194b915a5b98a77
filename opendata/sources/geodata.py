"""Geodata editors upload: GeoJSON, GeoPackage and zipped Shapefile, read into one layer of
features in WGS 84.

GeoJSON is parsed as JSON by Python and only single geometries (type and coordinates) reach
GDAL. GeoPackage and Shapefile need GDAL's drivers, so GDAL never sees a path, URL or name from
the upload: the bytes are written into GDAL's in-memory filesystem under a fresh name, only the
one expected driver may open them, the directory listing is the files written and nothing else,
and for the duration the options in `gdal_files.CONFINED_OPTIONS` keep GDAL off the
network and off SQLite extensions. Coordinate systems are used as EPSG numbers only.
"""

import json
from pathlib import PurePosixPath

from django.contrib.gis.gdal import GDALException, OGRGeometry
from django.utils.translation import gettext as _

from maps.sources import SourceError, declared_srid
from maps.sources.files import decode

from .features import (
    GEOJSON,
    GEOPACKAGE,
    KINDS,
    SHAPEFILE,
    GeoFeature,
    GeoLayer,
    check_count,
    check_srid,
    common_type,
    shown,
    to_wgs84,
    where,
)
from .gdal_files import read_geopackage, read_zipped_shapefile

_FORMATS = {".geojson": GEOJSON, ".json": GEOJSON, ".gpkg": GEOPACKAGE, ".zip": SHAPEFILE}


def read_geodata(
    data: bytes,
    *,
    filename: str,
    max_bytes: int | None = None,
    max_features: int = 200_000,
) -> GeoLayer:
    """Read an uploaded GeoJSON (.geojson, .json), GeoPackage (.gpkg) or zipped Shapefile (.zip)
    into one layer with every geometry in WGS 84.

    A declared EPSG coordinate system is reprojected; without one the coordinates must already
    be longitude/latitude. Points and MultiPoints (likewise lines, polygons) mixed in one file
    all become multi-part; self-intersecting polygons are repaired; a feature may have no
    geometry. Raises SourceError naming the file, the feature and the problem; nothing is
    returned unless every feature could be read.
    """
    name = PurePosixPath(filename.replace("\\", "/")).name or "upload"
    if max_bytes is not None and len(data) > max_bytes:
        raise SourceError(
            _("%(file)s: the file is too large (%(size)s bytes; at most %(limit)s)")
            % {"file": name, "size": len(data), "limit": max_bytes}
        )
    if not data.strip():
        raise SourceError(_("%(file)s: the file is empty") % {"file": name})
    file_format = _FORMATS.get(PurePosixPath(name).suffix.lower())
    if file_format is None:
        raise SourceError(
            _(
                "%(file)s: unknown file type; GeoJSON (.geojson), GeoPackage (.gpkg) or a zipped "
                "Shapefile (.zip) is expected"
            )
            % {"file": name}
        )
    if file_format == GEOJSON:
        srid, raw = _read_geojson(data, name, max_features)
    elif file_format == GEOPACKAGE:
        srid, raw = read_geopackage(data, name, max_features)
    else:
        srid, raw = read_zipped_shapefile(data, name, max_features)
    features, geometry_type = common_type(raw, name)
    return GeoLayer(
        features=features, geometry_type=geometry_type, source_srid=srid, format=file_format
    )


# GeoJSON ---------------------------------------------------------------------------------------


def _reject_constant(value: str) -> None:
    raise SourceError(_("%(value)s is not a number GeoJSON allows") % {"value": value})


def _read_geojson(data: bytes, name: str, max_features: int) -> tuple[int, list[GeoFeature]]:
    text = decode(data, PurePosixPath(name))
    try:
        document = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as error:
        raise SourceError(
            _("%(file)s: not valid JSON (line %(line)s, column %(column)s): %(message)s")
            % {"file": name, "line": error.lineno, "column": error.colno, "message": error.msg}
        ) from error
    except SourceError as error:
        raise SourceError(f"{name}: {error}") from error
    except RecursionError as error:
        raise SourceError(
            _("%(file)s: not valid JSON (nested too deeply)") % {"file": name}
        ) from error
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise SourceError(_("%(file)s: not a GeoJSON FeatureCollection") % {"file": name})
    members = document.get("features")
    if not isinstance(members, list) or not members:
        raise SourceError(_("%(file)s: the FeatureCollection has no features") % {"file": name})
    check_count(len(members), max_features, name)
    try:
        srid = declared_srid(document.get("crs"))
        check_srid(srid)
    except SourceError as error:
        raise SourceError(f"{name}: {error}") from error
    features = []
    for number, member in enumerate(members, start=1):
        try:
            features.append(_geojson_feature(member, srid))
        except SourceError as error:
            raise SourceError(where(name, number, error)) from error
    return srid, features


def _geojson_feature(member: object, srid: int) -> GeoFeature:
    if not isinstance(member, dict) or member.get("type") != "Feature":
        raise SourceError(_("not a GeoJSON Feature"))
    properties = member.get("properties")
    if properties is None:
        properties = {}
    if not isinstance(properties, dict):
        raise SourceError(_("the properties are not a JSON object"))
    geometry = member.get("geometry")
    if geometry is None:
        return GeoFeature(properties=properties, geometry=None)
    geometry_type = geometry.get("type") if isinstance(geometry, dict) else None
    if geometry_type not in KINDS:
        raise SourceError(
            _("invalid geometry type %(type)s; expected one of %(types)s")
            % {"type": shown(geometry_type), "types": ", ".join(KINDS)}
        )
    # Only type and coordinates go to GDAL, never a crs or other member of the file.
    plain = json.dumps({"type": geometry_type, "coordinates": geometry.get("coordinates")})
    try:
        ogr = OGRGeometry.from_json(plain)
    except (GDALException, ValueError, TypeError) as error:
        raise SourceError(_("unreadable %(type)s geometry") % {"type": geometry_type}) from error
    return GeoFeature(properties=properties, geometry=to_wgs84(ogr, srid))
