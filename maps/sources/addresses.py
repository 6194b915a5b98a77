"""The address table (CSV, optionally gzip-compressed) and the keys addresses are found by."""

import csv
import gzip
import hashlib
import io
import re
import zlib
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

from .files import SourceError, checked_rows, decode, has_control_characters, read_bytes, read_text

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
    return hashlib.sha256(read_bytes(path)).hexdigest()


def _gunzip(path: Path) -> bytes:
    """The decompressed content, refusing more than MAX_DECOMPRESSED bytes (a gzip bomb)."""
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(read_bytes(path))) as archive:
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
    text = decode(_gunzip(path), path) if path.suffix == ".gz" else read_text(path)
    reader = csv.DictReader(io.StringIO(text))
    missing = [name for name in ADDRESS_COLUMNS if name not in (reader.fieldnames or [])]
    if missing:
        raise SourceError(
            _("%(file)s: missing columns: %(columns)s")
            % {"file": path.name, "columns": ", ".join(missing)}
        )
    records = []
    try:
        for line, row in enumerate(checked_rows(reader), start=2):
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
    if any(has_control_characters(value) for value in values.values()):
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
