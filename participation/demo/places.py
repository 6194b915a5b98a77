"""Places for the demo: areas by code, facilities from the reference files (reprojected from
the Berlin geoportal's EPSG:25833), and contribution places from lon/lat or metres."""

import json
from pathlib import Path

from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry, LineString, Point, Polygon

from maps.models import Address, Area
from maps.sources import WGS84, declared_srid
from maps.sources.files import read_text

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
# Facility files in fixtures/berlin/ and the property that names a facility in each.
FACILITY_FILES = {
    "pflegeeinrichtungen": ("pflegeeinrichtungen_epsg25833.geojson", "einrichtung_name"),
    "jugendfreizeiteinrichtungen": ("jugendfreizeiteinrichtungen_epsg25833.geojson", "e_name"),
}
# ETRS89 / UTM zone 33N, the Berlin geoportal's system: offsets "metres east and north of a
# proposal" are added there and the result is reprojected to WGS 84.
METRIC_SRID = 25833
GEOMETRY_KINDS = ("point", "line", "polygon")
PLACE_KINDS = (*GEOMETRY_KINDS, "area", "address")


class DemoFileError(ValueError):
    """The demo file asks for something that cannot be built; the message says what."""


def area_by_code(code: str) -> Area:
    area = Area.objects.defer("geometry").filter(code=code).first()
    if area is None:
        raise DemoFileError(f"area {code} is unknown: import the areas first (import_areas)")
    return area


def _normalised(name: str) -> str:
    return " ".join(name.split())


def facility_points(kind: str, names: list[str]) -> dict[str, Point]:
    """The named facilities of a reference file (`FACILITY_FILES`), as points in WGS 84.

    The file is parsed as JSON by Python and only single geometries reach GEOS/GDAL, as every
    reference file is read (maps.sources); its declared `crs` is honoured. A name must match
    exactly one facility (spaces aside).
    """
    filename, name_property = FACILITY_FILES[kind]
    data = json.loads(read_text(FIXTURES / "berlin" / filename))
    srid = declared_srid(data.get("crs"))
    wanted = {_normalised(name): name for name in names}
    found: dict[str, list[dict]] = {name: [] for name in names}
    for feature in data["features"]:
        name = _normalised(str(feature["properties"].get(name_property) or ""))
        if name in wanted:
            found[wanted[name]].append(feature["geometry"])
    points = {}
    for name, geometries in found.items():
        if len(geometries) != 1:
            raise DemoFileError(
                f"{filename}: {len(geometries)} facilities are called {name!r}; one is needed"
            )
        point = GEOSGeometry(json.dumps(geometries[0]))
        point.srid = srid
        point.transform(WGS84)
        points[name] = point
    return points


def place_kind(item: dict, where: str) -> str | None:
    kinds = [kind for kind in PLACE_KINDS if kind in item]
    if len(kinds) > 1:
        raise DemoFileError(f"{where}: give one place, not {', '.join(kinds)}")
    return kinds[0] if kinds else None


def place_geometry(kind: str, item: dict, anchors: dict[str, GEOSGeometry]) -> GEOSGeometry:
    """A point, line or polygon in WGS 84 from lon/lat positions, or from offsets in metres
    east and north of a proposal's place."""
    value = item[kind]
    if isinstance(value, dict):
        anchor = anchors.get(value["near"])
        if anchor is None:
            raise DemoFileError(f"no proposal {value['near']!r} to place a contribution near")
        origin = anchor.centroid.transform(METRIC_SRID, clone=True)
        offsets = [value["metres"]] if kind == "point" else value["metres"]
        positions = [(origin.x + east, origin.y + north) for east, north in offsets]
        srid = METRIC_SRID
    else:
        positions = [tuple(value)] if kind == "point" else [tuple(p) for p in value]
        srid = WGS84
    if kind == "point":
        geometry = Point(*positions[0], srid=srid)
    elif kind == "line":
        geometry = LineString(positions, srid=srid)
    else:
        geometry = Polygon([*positions, positions[0]], srid=srid)
    if srid != WGS84:
        geometry.transform(WGS84)
    return geometry


def address_area(spec: dict) -> Area:
    """The planning area of an address: from the imported address list, or, when the addresses
    are not imported (`load_demo --no-addresses`), the one the demo file gives."""
    address = (
        Address.objects.filter(
            street=spec["street"], house_number=spec["number"], postcode=spec["postcode"]
        )
        .select_related("area")
        .defer("area__geometry")
        .first()
    )
    return address.area if address is not None else area_by_code(spec["area"])
