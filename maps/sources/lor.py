"""The LOR hierarchy table (CSV): one row per Planungsraum with its parents."""

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

from .files import SourceError, checked_rows, has_control_characters, read_text

LEVEL_ORDER = ("bezirk", "prognoseraum", "bezirksregion", "planungsraum")


@dataclass(frozen=True)
class AreaRecord:
    code: str
    name: str
    level: str
    parent_code: str | None


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
    text = read_text(path)
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
        rows = list(checked_rows(reader))
    except csv.Error as error:
        raise SourceError(
            _("%(file)s, line %(line)s: %(error)s")
            % {"file": path.name, "line": reader.line_num, "error": error}
        ) from error
    for line, row in enumerate(rows, start=2):
        values = {key: (row.get(column) or "").strip() for key, column in LOR_COLUMNS.items()}
        if any(has_control_characters(value) for value in values.values()):
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
