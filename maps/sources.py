"""Reading reference files into plain records, checking them on the way in.

Nothing here touches the database. Geodata is parsed as JSON by Python and only single
geometries are handed to GDAL/GEOS, so a hostile file cannot make GDAL open other files or
reach the network.
"""

import csv
import gzip
import hashlib
import io
import json
import re
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.contrib.gis.gdal import GDALException
from django.contrib.gis.geos import GEOSException, GEOSGeometry, MultiPolygon, Polygon
from django.utils.translation import gettext as _

WGS84 = 4326
LEVEL_ORDER = ("bezirk", "prognoseraum", "bezirksregion", "planungsraum")


class SourceError(ValueError):
    """A reference file that cannot be used; the message names the file and the place."""


@dataclass(frozen=True)
class AreaRecord:
    code: str
    name: str
    level: str
    parent_code: str | None


@dataclass(frozen=True)
class AreaShape:
    key: str
    geometry: MultiPolygon


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError as error:
        raise SourceError(_("%(file)s: file not found") % {"file": path}) from error
    except OSError as error:
        raise SourceError(
            _("%(file)s: cannot be read (%(reason)s)") % {"file": path, "reason": error.strerror}
        ) from error


def _read_text(path: Path) -> str:
    return _decode(_read_bytes(path), path)


def _decode(raw: bytes, path: Path) -> str:
    if not raw.strip():
        raise SourceError(_("%(file)s: the file is empty") % {"file": path.name})
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SourceError(
            _("%(file)s: not UTF-8 text (byte %(position)s)")
            % {"file": path.name, "position": error.start}
        ) from error
    if "\x00" in text:
        raise SourceError(_("%(file)s: contains NUL bytes; not a text file") % {"file": path.name})
    return text


def _has_control_characters(value: str) -> bool:
    return any(ord(character) < 32 or ord(character) == 127 for character in value)


# LOR hierarchy (CSV) --------------------------------------------------------------------------

LOR_COLUMNS = {
    "plr_code": "Planungsraum (Nummer)",
    "plr_name": "Planungsraum (Name)",
    "bzr_code": "Bezirksregion (Nummer)",
    "bzr_name": "Bezirksregion (Name)",
    "pgr_code": "Prognoseraum (Nummer)",
    "pgr_name": "Prognoseraum (Name)",
    "bez_name": "Bezirk",
}
LOR_CODE_LENGTHS = {"plr_code": 8, "bzr_code": 6, "pgr_code": 4}


def read_lor_hierarchy(path: Path) -> list[AreaRecord]:
    """Read the LOR table (one row per Planungsraum) into area records, parents first.

    The district code is the first two digits of the forecast-area code. Raises SourceError
    naming the line for missing columns, malformed or inconsistent codes and for a code that
    appears with two different names.
    """
    text = _read_text(path)
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    missing = [name for name in LOR_COLUMNS.values() if name not in (reader.fieldnames or [])]
    if missing:
        raise SourceError(
            _("%(file)s: missing columns: %(columns)s")
            % {"file": path.name, "columns": ", ".join(missing)}
        )
    names: dict[str, tuple[str, str, str | None]] = {}  # code -> (name, level, parent)

    def remember(line: int, code: str, name: str, level: str, parent: str | None) -> None:
        known = names.setdefault(code, (name, level, parent))
        if known != (name, level, parent):
            raise SourceError(
                _("%(file)s, line %(line)s: code %(code)s was %(old)s before, now %(new)s")
                % {"file": path.name, "line": line, "code": code, "old": known[0], "new": name}
            )

    try:
        rows = list(reader)
    except csv.Error as error:
        raise SourceError(
            _("%(file)s, line %(line)s: %(error)s")
            % {"file": path.name, "line": reader.line_num, "error": error}
        ) from error
    for line, row in enumerate(rows, start=2):
        values = {key: (row.get(column) or "").strip() for key, column in LOR_COLUMNS.items()}
        if any(_has_control_characters(value) for value in values.values()):
            raise SourceError(
                _("%(file)s, line %(line)s: contains control characters")
                % {"file": path.name, "line": line}
            )
        for key, length in LOR_CODE_LENGTHS.items():
            if not re.fullmatch(rf"[0-9]{{{length}}}", values[key]):
                raise SourceError(
                    _(
                        "%(file)s, line %(line)s: "
                        "%(column)s must be %(length)s digits, not %(value)r"
                    )
                    % {
                        "file": path.name,
                        "line": line,
                        "column": LOR_COLUMNS[key],
                        "length": length,
                        "value": values[key],
                    }
                )
        empty = [LOR_COLUMNS[key] for key, value in values.items() if not value]
        if empty:
            raise SourceError(
                _("%(file)s, line %(line)s: empty %(columns)s")
                % {"file": path.name, "line": line, "columns": ", ".join(empty)}
            )
        plr, bzr, pgr = values["plr_code"], values["bzr_code"], values["pgr_code"]
        if not (plr.startswith(bzr) and bzr.startswith(pgr)):
            raise SourceError(
                _("%(file)s, line %(line)s: codes %(plr)s, %(bzr)s, %(pgr)s do not nest")
                % {"file": path.name, "line": line, "plr": plr, "bzr": bzr, "pgr": pgr}
            )
        bez = pgr[:2]
        remember(line, bez, values["bez_name"], "bezirk", None)
        remember(line, pgr, values["pgr_name"], "prognoseraum", bez)
        remember(line, bzr, values["bzr_name"], "bezirksregion", pgr)
        remember(line, plr, values["plr_name"], "planungsraum", bzr)
    if not names:
        raise SourceError(_("%(file)s: no rows") % {"file": path.name})
    records = [
        AreaRecord(code, name, level, parent) for code, (name, level, parent) in names.items()
    ]
    return sorted(records, key=lambda record: (LEVEL_ORDER.index(record.level), record.code))


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
    text = _read_text(path)
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
        if _has_control_characters(key):
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


# Addresses (CSV, optionally gzip-compressed) --------------------------------------------------

ADDRESS_COLUMNS = ("hnr", "hnr_zusatz", "str_name", "plz", "ort_name", "PLR_ID")
MAX_DECOMPRESSED = 256 * 2**20


@dataclass(frozen=True)
class AddressRecord:
    street: str
    house_number: str
    postcode: str
    locality: str
    area_code: str


def address_key(text: str) -> str:
    """Normalise an address or a search for one: case, ß, "Str." and punctuation do not
    matter, and "1 A" is "1a". `address_key("Ackerstr. 1 A")` == "ackerstrasse 1a"."""
    text = re.sub(r"str\b\.?", "strasse", text.casefold())
    text = " ".join(re.sub(r"[^\w]+", " ", text).split())
    return re.sub(r"(\d) ([a-z])\b", r"\1\2", text)


_HOUSE_NUMBER = re.compile(r"(\d+)\s*([a-z]?)")
_TRAILING_NUMBER = re.compile(r"^(.*?) (\d+) ?([a-z]?)$")


def _padded(number: str, letter: str = "") -> str:
    return f"{int(number):05d}{letter}"


def address_search_key(street: str, house_number: str) -> str:
    """The stored key of an address: "ackerstrasse 00001a" for Ackerstraße 1A, so that the
    key's order is the natural order of house numbers."""
    key, number = address_key(street), address_key(house_number)
    match = _HOUSE_NUMBER.fullmatch(number)
    if match:
        number = _padded(*match.groups())
    return f"{key} {number}".strip()


def address_query_keys(query: str) -> list[str]:
    """Key prefixes to look up for a search, best first: with a trailing house number read as
    one ("Ackerstr 1" finds 1, 1A, 1B, not 10), then as plain text (for "Straße des 17")."""
    key = address_key(query)
    match = _TRAILING_NUMBER.fullmatch(key)
    keys = [f"{match.group(1)} {_padded(match.group(2), match.group(3))}"] if match else []
    return [*keys, key] if key else []


def file_checksum(path: Path) -> str:
    return hashlib.sha256(_read_bytes(path)).hexdigest()


def _gunzip(path: Path) -> bytes:
    """The decompressed content, refusing more than MAX_DECOMPRESSED bytes (a gzip bomb)."""
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(_read_bytes(path))) as archive:
            raw = archive.read(MAX_DECOMPRESSED + 1)
    except (OSError, EOFError, zlib.error) as error:
        raise SourceError(_("%(file)s: not a readable gzip file") % {"file": path.name}) from error
    if len(raw) > MAX_DECOMPRESSED:
        raise SourceError(
            _("%(file)s: more than %(size)s MB when decompressed")
            % {"file": path.name, "size": MAX_DECOMPRESSED // 2**20}
        )
    return raw


def read_addresses(path: Path) -> list[AddressRecord]:
    """Read the address table (UTF-8 CSV; `.gz` files are decompressed).

    Raises SourceError naming the line for missing columns, an empty street or house number,
    a postcode that is not five digits, or a planning-area code that is not eight digits.
    """
    text = _decode(_gunzip(path), path) if path.suffix == ".gz" else _read_text(path)
    reader = csv.DictReader(io.StringIO(text))
    missing = [name for name in ADDRESS_COLUMNS if name not in (reader.fieldnames or [])]
    if missing:
        raise SourceError(
            _("%(file)s: missing columns: %(columns)s")
            % {"file": path.name, "columns": ", ".join(missing)}
        )
    records = []
    try:
        for line, row in enumerate(reader, start=2):
            values = {name: (row.get(name) or "").strip() for name in ADDRESS_COLUMNS}
            problem = _address_problem(values)
            if problem:
                raise SourceError(
                    _("%(file)s, line %(line)s: %(problem)s")
                    % {"file": path.name, "line": line, "problem": problem}
                )
            records.append(
                AddressRecord(
                    street=values["str_name"],
                    house_number=values["hnr"] + values["hnr_zusatz"],
                    postcode=values["plz"],
                    locality=values["ort_name"],
                    area_code=values["PLR_ID"],
                )
            )
    except csv.Error as error:
        raise SourceError(
            _("%(file)s, line %(line)s: %(error)s")
            % {"file": path.name, "line": reader.line_num, "error": error}
        ) from error
    if not records:
        raise SourceError(_("%(file)s: no rows") % {"file": path.name})
    return records


def _address_problem(values: dict[str, str]) -> str | None:
    if any(_has_control_characters(value) for value in values.values()):
        return _("contains control characters")
    if not values["str_name"]:
        return _("the street is missing")  # squares and parks may have no house number
    if len(values["str_name"]) > 120 or len(values["hnr"] + values["hnr_zusatz"]) > 12:
        return _("street or house number too long")
    if not re.fullmatch(r"[0-9]{5}", values["plz"]):
        return _("postcode %(value)r is not five digits") % {"value": values["plz"]}
    if not re.fullmatch(r"[0-9]{8}", values["PLR_ID"]):
        return _("planning area %(value)r is not eight digits") % {"value": values["PLR_ID"]}
    return None
