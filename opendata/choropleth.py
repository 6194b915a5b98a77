"""Choropleth maps of area-keyed tables: a table with a column of LOR area codes (or, for
districts, names) gets a map of one of its numeric columns, drawn as server-side SVG.

Areas without an outline (Bezirksregionen and Planungsräume) are drawn at the nearest level
above that has one: counts are summed, rates and decimals averaged without weights, and cells
without a value are left out and counted. The map's values are repeated in a table, so colour
never carries information alone.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import pairwise

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maps.models import Area

from . import area_shapes
from .area_keys import MATCH_SHARE, NO_VALUE, find_key, looks_like_key
from .models import Resource
from .sources.numbers import parse_decimal, read_column, schema_fields

CLASS_COUNT = 5
# Viridis, light to dark: each step is clearly darker than the one before (also in grey and
# for the common colour-vision deficiencies), and the darkest holds white text.
PALETTE = ["#fde725", "#5ec962", "#21918c", "#3b528b", "#440154"]
NO_VALUE_FILL = "#e6e6e6"
MAX_DECIMALS = 2
# Whole numbers in columns named like these are rates or scores, not counts: averaged, not summed.
NOT_A_COUNT = re.compile(
    r"index|indikator|percent|prozent|anteil|quote|rate|share|%|durchschnitt|mittel|average|mean"
    r"|median|score|je |pro |per ",
    re.IGNORECASE,
)


def level_name(level: str) -> str:
    """A level's name in the singular, for sentences."""
    return {
        Area.Level.BEZIRK: _("district"),
        Area.Level.PROGNOSERAUM: _("forecast area"),
        Area.Level.BEZIRKSREGION: _("district region"),
        Area.Level.PLANUNGSRAUM: _("planning area"),
    }[level]


def level_names(level: str) -> str:
    """A level's name in the plural, for sentences."""
    return {
        Area.Level.BEZIRK: _("districts"),
        Area.Level.PROGNOSERAUM: _("forecast areas"),
        Area.Level.BEZIRKSREGION: _("district regions"),
        Area.Level.PLANUNGSRAUM: _("planning areas"),
    }[level]


@dataclass
class MapArea:
    code: str
    name: str
    path: str
    value: Decimal | None = None
    text: str = ""
    rank: int | None = None  # class, 1 (lowest) to the number of classes
    fill: str = NO_VALUE_FILL
    rows: int = 0
    missing: int = 0
    title: str = ""


@dataclass
class LegendEntry:
    fill: str
    label: str
    count: int
    rank: int | None = None


@dataclass
class Choropleth:
    """What `opendata/includes/choropleth.html` draws; every sentence already translated."""

    id: str
    resource_slug: str
    column: str
    columns: list[str]
    view_box: str
    areas: list[MapArea]
    legend: list[LegendEntry]
    class_count: int
    aggregated: bool
    title: str
    description: str
    method: str
    caption: str
    rows_heading: str = ""
    notes: list[str] = field(default_factory=list)


# Reading cells ------------------------------------------------------------------------------


@dataclass(frozen=True)
class NumericColumn:
    name: str
    index: int
    whole: bool  # every value a whole number written without decimals
    decimals: int  # the most decimals a value was written with


def numeric_columns(table, schema_types: dict[str, str]) -> list[NumericColumn]:
    """The columns whose filled cells are (almost) all numbers, in table order; each cell is
    read in its own format, so that a stray "4.25" in a German column still counts."""
    found = []
    for index, name in enumerate(table.columns):
        read = read_column((row[index] for row in table.rows), missing=NO_VALUE)
        if not read.values or len(read.values) < MATCH_SHARE * read.filled:
            continue
        whole = read.places == 0 and schema_types.get(name) != "number"
        found.append(NumericColumn(name, index, whole, min(read.places, MAX_DECIMALS)))
    return found


def _schema_types(version) -> dict[str, str]:
    return {name: field.get("type", "") for name, field in schema_fields(version).items()}


# Values, classes and the map ----------------------------------------------------------------


def _format(value: Decimal, decimals: int) -> str:
    return number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def _classes(values: list[Decimal]) -> list[tuple[Decimal, Decimal]]:
    """Up to five classes as (lowest, highest) value: quantiles, equal intervals when ties
    leave a quantile class empty, one class per value when there are fewer than five."""
    distinct = sorted(set(values))
    if len(distinct) <= CLASS_COUNT:
        return [(value, value) for value in distinct]
    ordered = sorted(values)
    uppers = [ordered[-(-len(ordered) * (k + 1) // CLASS_COUNT) - 1] for k in range(CLASS_COUNT)]
    classes, lower = [], None
    for upper in uppers:
        members = [
            value for value in distinct if (lower is None or value > lower) and value <= upper
        ]
        if not members:
            break
        classes.append((members[0], members[-1]))
        lower = upper
    if len(classes) == CLASS_COUNT:
        return classes
    low, high = distinct[0], distinct[-1]
    step = (high - low) / CLASS_COUNT
    bounds = [low + step * k for k in range(CLASS_COUNT)] + [high]
    return list(pairwise(bounds))


def _rank(value: Decimal, classes: list[tuple[Decimal, Decimal]]) -> int:
    for rank, (_low, high) in enumerate(classes, start=1):
        if value <= high:
            return rank
    return len(classes)


def _palette(count: int) -> list[str]:
    if count <= 1:
        return PALETTE[-2:-1]
    return [PALETTE[round(k * (len(PALETTE) - 1) / (count - 1))] for k in range(count)]


def table_choropleth(resource, version, table, params) -> Choropleth | None:
    """A choropleth map of a table keyed by LOR areas, or None: no key column, no numeric
    column, several rows per area, or no outline at the key's level or above it.

    `params` are the page's query parameters: `karte` picks the column when `r` names this
    resource. Costs one query when the areas are cached, three when they are not.
    """
    if resource.kind != Resource.Kind.TABLE or not table.rows:
        return None
    numbers = numeric_columns(table, _schema_types(version))
    if not numbers:
        return None
    stamp = area_shapes.area_stamp()
    if stamp.startswith("0-"):
        return None
    index = area_shapes.area_index(stamp=stamp)
    key = find_key(table, index)
    if key is None:
        return None
    used = [code for code in key.codes if code]
    if len(used) != len(set(used)):
        return None
    candidates = [
        column
        for column in numbers
        if column.index != key.index and not looks_like_key(column.name)
    ]
    if not candidates:
        return None
    shaped = area_shapes.levels_with_geometry(index)
    level = next((lvl for lvl in area_shapes.coarser_levels(key.level) if lvl in shaped), None)
    if level is None:
        return None
    chosen = params.get("karte") if params.get("r") == resource.slug else None
    column = next((c for c in candidates if c.name == chosen), candidates[0])
    outlines = area_shapes.level_outlines(level=level, stamp=stamp)
    return _build(resource, table, key, column, candidates, level, index, outlines)


def _build(resource, table, key, column, candidates, level, index, outlines) -> Choropleth | None:
    aggregated = level != key.level
    summed = column.whole and not NOT_A_COUNT.search(column.name)
    groups: dict[str, list[Decimal | None]] = {}
    for row, code in zip(table.rows, key.codes, strict=True):
        if code is None:
            continue
        target = area_shapes.ancestor_code(index, code, level)
        if target is not None:
            groups.setdefault(target, []).append(parse_decimal(row[column.index]))
    districts = {area_shapes.ancestor_code(index, code, Area.Level.BEZIRK) for code in groups}
    drawn = sorted(
        code
        for code in outlines
        if code in groups or area_shapes.ancestor_code(index, code, Area.Level.BEZIRK) in districts
    )
    if not drawn:
        return None
    decimals = column.decimals if summed or not aggregated else max(column.decimals, 1)
    areas = []
    for code in drawn:
        cells = groups.get(code, [])
        values = [value for value in cells if value is not None]
        area = MapArea(
            code=code,
            name=index[code].name,
            path=outlines[code].path,
            rows=len(cells),
            missing=len(cells) - len(values),
        )
        if values:
            total = sum(values, Decimal(0))
            area.value = total if summed else total / len(values)
            area.text = _format(area.value, decimals)
        areas.append(area)

    values = [area.value for area in areas if area.value is not None]
    classes = _classes(values) if values else []
    fills = _palette(len(classes))
    for area in areas:
        if area.value is not None:
            area.rank = _rank(area.value, classes)
            area.fill = fills[area.rank - 1]
        area.title = _area_title(area, aggregated)
    legend = [
        LegendEntry(
            fill=fills[rank - 1],
            label=_format(low, decimals)
            if low == high
            else _("%(low)s to %(high)s")
            % {"low": _format(low, decimals), "high": _format(high, decimals)},
            count=sum(1 for area in areas if area.rank == rank),
            rank=rank,
        )
        for rank, (low, high) in enumerate(classes, start=1)
    ]
    without = sum(1 for area in areas if area.value is None)
    if without:
        legend.append(LegendEntry(fill=NO_VALUE_FILL, label=_("no value"), count=without))

    boxes = [outlines[code].box for code in drawn]
    margin = 4
    west, north = min(b[0] for b in boxes) - margin, min(b[1] for b in boxes) - margin
    east, south = max(b[2] for b in boxes) + margin, max(b[3] for b in boxes) + margin
    unmatched = sum(1 for row, code in zip(table.rows, key.codes, strict=True) if code is None)
    title = _("%(column)s by %(level)s") % {"column": column.name, "level": level_name(level)}
    return Choropleth(
        id=f"karte-{resource.slug}",
        resource_slug=resource.slug,
        column=column.name,
        columns=[c.name for c in candidates],
        view_box=f"{west} {north} {east - west} {south - north}",
        areas=areas,
        legend=legend,
        class_count=len(classes),
        aggregated=aggregated,
        title=title,
        description=_description(column.name, len(areas), level, len(classes)),
        method=_method(aggregated, summed, key.level, level),
        caption=_("%(title)s: the values of the map") % {"title": title},
        rows_heading=_("%(parts)s in the table") % {"parts": level_names(key.level).capitalize()}
        if aggregated
        else "",
        notes=_notes(unmatched, table.columns[key.index]),
    )


def _area_title(area: MapArea, aggregated: bool) -> str:
    text = _("%(name)s (%(code)s): %(value)s") % {
        "name": area.name,
        "code": area.code,
        "value": area.text or _("no value"),
    }
    if aggregated and area.missing:
        text += " " + _("(%(missing)s of %(rows)s without a value)") % {
            "missing": area.missing,
            "rows": area.rows,
        }
    return text


def _method(aggregated: bool, summed: bool, source: str, level: str) -> str:
    if not aggregated:
        return ""
    names = {"parts": level_names(source), "wholes": level_names(level)}
    if summed:
        text = _(
            "The table has a row for each of the %(parts)s; the map shows the %(wholes)s, "
            "each with the sum of its %(parts)s."
        )
    else:
        text = _(
            "The table has a row for each of the %(parts)s; the map shows the %(wholes)s, "
            "each with the average of its %(parts)s, not weighted by population."
        )
    return (
        text % names
        + " "
        + _("Cells without a value are left out; the table below counts them for each area.")
    )


def _description(column: str, count: int, level: str, classes: int) -> str:
    return ngettext(
        "%(count)s %(areas)s coloured by %(column)s in %(classes)s class; darker means a higher "
        "value, hatched grey means no value. The table below lists every value.",
        "%(count)s %(areas)s coloured by %(column)s in %(classes)s classes; darker means a "
        "higher value, hatched grey means no value. The table below lists every value.",
        classes,
    ) % {"count": count, "areas": level_names(level), "column": column, "classes": classes}


def _notes(unmatched: int, key_column: str) -> list[str]:
    if not unmatched:
        return []
    return [
        ngettext(
            "%(count)s row names no area of this level in the column %(column)s and is not shown.",
            "%(count)s rows name no area of this level in the column %(column)s and are not shown.",
            unmatched,
        )
        % {"count": unmatched, "column": key_column}
    ]
