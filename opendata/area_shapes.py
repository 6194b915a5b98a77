"""The areas a choropleth map needs: every area's code, name, level and parent (without
geometry), and one level's outlines drawn as SVG path strings.

Both are cached under a stamp of the area table (count, highest primary key, count of outlines)
that changes when areas are imported again, and for a day at most, since a re-import that only
moves outlines leaves the stamp as it was. On a warm cache a map costs one query.
"""

import math
import threading
from dataclasses import dataclass

from django.contrib.gis.geos import GEOSGeometry, Polygon
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db.models import BooleanField, Case, Count, Max, Value, When
from django.dispatch import receiver

from maps.models import Area
from maps.sources.lor import LEVEL_ORDER

CACHE_SECONDS = 24 * 60 * 60
# The drawing is this many units wide; coordinates are whole units, which at Berlin's size is
# about 45 metres: more than enough for a map a few hundred pixels wide.
DRAWING_WIDTH = 1000
# Outlines are simplified with this tolerance (in drawing units) before they are rounded.
TOLERANCE = 1.0


@dataclass(frozen=True)
class AreaEntry:
    code: str
    name: str
    level: str
    parent_code: str | None
    has_geometry: bool


@dataclass(frozen=True)
class Outline:
    path: str
    box: tuple[int, int, int, int]  # min x, min y, max x, max y in drawing units


# A page with several tables asks for the stamp once: it is kept from a request's start to
# its end (in the thread serving it), and read afresh outside requests.
_request = threading.local()


@receiver(request_started)
def _request_started(**kwargs) -> None:
    _request.active, _request.stamp = True, None


@receiver(request_finished)
def _request_finished(**kwargs) -> None:
    _request.active, _request.stamp = False, None


def area_stamp() -> str:
    """What changes when areas are imported again (one query, one per request at most)."""
    active = getattr(_request, "active", False)
    if active and _request.stamp is not None:
        return _request.stamp
    stamp = Area.objects.aggregate(count=Count("pk"), last=Max("pk"), shaped=Count("geometry"))
    text = f"{stamp['count']}-{stamp['last'] or 0}-{stamp['shaped']}"
    if active:
        _request.stamp = text
    return text


def area_index(*, stamp: str) -> dict[str, AreaEntry]:
    """Every area by code, without geometry (one query on a cold cache, none on a warm one)."""

    def load() -> dict[str, AreaEntry]:
        rows = Area.objects.annotate(
            shaped=Case(
                When(geometry__isnull=True, then=Value(False)),
                default=Value(True),
                output_field=BooleanField(),
            )
        ).values_list("code", "name", "level", "parent__code", "shaped")
        return {row[0]: AreaEntry(*row[:4], has_geometry=bool(row[4])) for row in rows}

    return cache.get_or_set(f"opendata:choropleth:areas:{stamp}", load, CACHE_SECONDS)


def levels_with_geometry(index: dict[str, AreaEntry]) -> set[str]:
    return {entry.level for entry in index.values() if entry.has_geometry}


def ancestor_code(index: dict[str, AreaEntry], code: str, level: str) -> str | None:
    """The code of the area of `level` that holds the area `code` (itself, if of that level)."""
    entry = index.get(code)
    while entry is not None and entry.level != level:
        entry = index.get(entry.parent_code) if entry.parent_code else None
    return entry.code if entry is not None else None


def coarser_levels(level: str) -> list[str]:
    """`level` and the levels above it, nearest first."""
    return list(LEVEL_ORDER[: LEVEL_ORDER.index(level) + 1])[::-1]


def level_outlines(*, level: str, stamp: str) -> dict[str, Outline]:
    """The outlines of one level's areas, projected and simplified, as SVG paths by area code
    (one query on a cold cache, loading only that level's geometry)."""

    def load() -> dict[str, Outline]:
        shapes = list(
            Area.objects.filter(level=level, geometry__isnull=False).values_list("code", "geometry")
        )
        return _outlines(shapes)

    key = f"opendata:choropleth:outlines:{level}:{TOLERANCE}:{DRAWING_WIDTH}:{stamp}"
    return cache.get_or_set(key, load, CACHE_SECONDS)


def _outlines(shapes: list[tuple[str, GEOSGeometry]]) -> dict[str, Outline]:
    if not shapes:
        return {}
    extents = [geometry.extent for _code, geometry in shapes]
    west = min(extent[0] for extent in extents)
    south = min(extent[1] for extent in extents)
    east = max(extent[2] for extent in extents)
    north = max(extent[3] for extent in extents)
    # Equirectangular, with longitudes shortened by the cosine of the middle latitude: true to
    # shape at a city's scale, and no projection library needed.
    shrink = math.cos(math.radians((south + north) / 2))
    scale = DRAWING_WIDTH / max((east - west) * shrink, 1e-9)

    def project(ring) -> list[tuple[float, float]]:
        return [((x - west) * shrink * scale, (north - y) * scale) for x, y in ring]

    outlines = {}
    for code, geometry in shapes:
        parts = []
        for polygon in geometry:
            rings = [project(ring) for ring in polygon]
            projected = Polygon(*rings).simplify(TOLERANCE, preserve_topology=True)
            if not projected.empty:
                parts.extend(projected if projected.geom_type == "MultiPolygon" else [projected])
        rings = [_rounded(ring) for part in parts for ring in part]
        rings = [ring for ring in rings if len(ring) >= 3]
        if not rings:
            continue
        xs = [x for ring in rings for x, _y in ring]
        ys = [y for ring in rings for _x, y in ring]
        outlines[code] = Outline(
            path="".join(_ring_path(ring) for ring in rings),
            box=(min(xs), min(ys), max(xs), max(ys)),
        )
    return outlines


def _rounded(ring) -> list[tuple[int, int]]:
    points = []
    for x, y in ring:
        point = (round(x), round(y))
        if not points or point != points[-1]:
            points.append(point)
    if len(points) > 1 and points[0] == points[-1]:
        points.pop()
    return points


def _ring_path(ring: list[tuple[int, int]]) -> str:
    """A closed ring as `M x y l dx dy …z`: relative steps between rounded points are short and
    exact, and a minus sign needs no separator."""
    (x, y), rest = ring[0], ring[1:]
    text = [f"M{x} {y}l"]
    previous = (x, y)
    for point in rest:
        for number in (point[0] - previous[0], point[1] - previous[1]):
            if text[-1][-1] != "l" and number >= 0:
                text.append(" ")
            text.append(str(number))
        previous = point
    text.append("z")
    return "".join(text)
