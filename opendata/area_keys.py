"""Finding the column of a table that names areas: LOR codes at one level (leading zeros lost
or not), or, in a column named like a key, district names."""

import re
from collections import Counter
from dataclasses import dataclass

from .sources.numbers import MISSING

# Some tables also write "x" or "/" for a value that cannot be given.
NO_VALUE = {*MISSING, "x", "/"}
MATCH_SHARE = 0.9  # of a column's non-empty cells that must name areas (or be numbers)
KEY_NAME = re.compile(
    r"(plr|bzr|pgr|bez|lor|planungsraum|bezirksregion|prognoseraum|bezirk)"
    r"(id|nr|nummer|code|schlussel|schluessel|schlüssel)?"
)


@dataclass(frozen=True)
class Key:
    index: int
    level: str
    codes: list[str | None]  # per row: the area code, or None when the row names no area
    filled: int  # rows with a key at all


def looks_like_key(name: str) -> bool:
    return bool(KEY_NAME.fullmatch(re.sub(r"[\W_]+", "", name.casefold())))


def _column_codes(table, index: int, index_by_code, names_by_level) -> tuple[list, int]:
    cells = [row[index].strip() for row in table.rows]
    filled = [cell for cell in cells if cell not in NO_VALUE]
    whole = bool(filled) and all(cell.isdigit() for cell in filled)

    def code(cell: str) -> str | None:
        if cell in index_by_code:
            return cell
        # A column read as numbers loses the leading zero of codes like 01100101.
        if whole and len(cell) % 2 and "0" + cell in index_by_code:
            return "0" + cell
        return None

    codes = [code(cell) if cell not in NO_VALUE else None for cell in cells]
    if not any(codes) and names_by_level is not None:
        for names in names_by_level.values():
            by_name = [names.get(cell.casefold()) for cell in cells]
            if sum(1 for item in by_name if item) > sum(1 for item in codes if item):
                codes = by_name
    return codes, len(filled)


def find_key(table, index_by_code: dict) -> Key | None:
    """The column that names areas: the one whose filled cells most often are area codes of
    one level (at least 90 %), columns named like a key first. District names count too, in a
    column named like a key."""
    names_by_level: dict[str, dict[str, str]] = {}
    for entry in index_by_code.values():
        names_by_level.setdefault(entry.level, {}).setdefault(entry.name.casefold(), entry.code)
    best = None
    order = sorted(range(len(table.columns)), key=lambda i: not looks_like_key(table.columns[i]))
    for index in order:
        hinted = looks_like_key(table.columns[index])
        if best is not None and not hinted:
            break  # a column named like a key names areas: the others need not be read
        codes, filled = _column_codes(
            table, index, index_by_code, names_by_level if hinted else None
        )
        levels = Counter(index_by_code[code].level for code in codes if code)
        if not levels or not filled:
            continue
        level, matched = levels.most_common(1)[0]
        if matched < MATCH_SHARE * filled:
            continue
        codes = [code if code and index_by_code[code].level == level else None for code in codes]
        if best is None or matched / filled > best[0]:
            best = (matched / filled, Key(index, level, codes, filled))
    return best[1] if best else None
