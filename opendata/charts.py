"""Charts of a table's numeric columns: a histogram of one column with its summary figures.

Everything the page shows is computed here, the bars' geometry and the formatted numbers
included, so that the template only draws what it is given and the same figures appear in the
picture, its text alternative and the table next to it.
"""

import math
import statistics
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from .sources.numbers import (
    ColumnNumbers,
    NumberFormat,
    field_format,
    guess_format,
    parse_float,
    read_column,
    schema_fields,
)

TARGET_BINS = 10
MAX_PLACES = 6
# Added before rounding a value's position down to its bin, so that a value on a boundary
# (0.3 / 0.1 is 2.9999999999999996 in floating point) lands in the bin it starts.
EPSILON = 1e-9

# The SVG's coordinate system (it scales to the width it is given).
WIDTH, HEIGHT = 420, 260
TOP, RIGHT, BOTTOM = 24, 32, 56
Y_TITLE = 28  # room for the vertical axis title, left of the tick labels
CHAR_WIDTH = 8.5  # at least the width of a digit in the 13-unit font of the labels
TITLE_CHAR_WIDTH = 9  # about the average width of a letter in the axis titles' font


@dataclass(frozen=True)
class Bar:
    """One bin: its range as text, its count, and its rectangle with the count above it."""

    label: str
    count: int
    count_text: str
    x: float
    y: float
    width: float
    height: float
    text_x: float
    text_y: float


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class Chart:
    """A histogram of one numeric column of a table resource (`slug` makes its ids unique)."""

    slug: str
    column: str
    choices: list[str]
    integer: bool
    count: str
    missing: str
    minimum: str
    median: str
    mean: str
    maximum: str
    total: str  # empty unless the column holds whole numbers
    bars: list[Bar]
    most: Bar
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    show_counts: bool
    value_count: int
    width: int = WIDTH
    height: int = HEIGHT
    left: float = 0
    right: float = WIDTH - RIGHT
    top: float = TOP
    bottom: float = HEIGHT - BOTTOM

    @property
    def id(self) -> str:
        return f"diagramm-{self.slug}"

    @property
    def tick_x(self) -> float:
        """Where the count labels end, left of the plot."""
        return self.left - 6

    @property
    def x_title(self) -> tuple[float, float]:
        return (self.left + self.right) / 2, self.bottom + 44

    @property
    def x_title_text(self) -> str:
        """The column name, shortened to fit under the plot (the headings carry it whole)."""
        return Truncator(self.column).chars(int((self.right - self.left) / TITLE_CHAR_WIDTH))

    @property
    def y_title(self) -> tuple[float, float]:
        """Where the rotated title of the vertical axis goes, in its rotated coordinates."""
        return -(self.top + self.bottom) / 2, Y_TITLE / 2 + 4


@dataclass(frozen=True)
class _Format:
    """How a column writes its numbers, from its Table Schema field or guessed from its cells
    (then `integer` is None: whole numbers without decimal places make an integer column)."""

    integer: bool | None
    number_format: NumberFormat


def table_chart(resource, version, table, params) -> Chart | None:
    """A histogram of one numeric column of `table`, the column named by the query parameter
    `diagramm` when `r` addresses this resource, else the first; None when no column holds
    numbers. Numeric columns are those the version's Table Schema types as integer or number,
    or, without a schema, those whose every non-missing cell is a number."""
    formats = _numeric_columns(version, table)
    choices = [
        name
        for name, column_format in formats.items()
        if column_format.integer is None  # guessed from the cells, so it holds numbers
        or _holds_a_number(_cells(table, name), column_format.number_format)
    ]
    if not choices:
        return None
    wanted = params.get("diagramm") if params.get("r") == resource.slug else None
    column = wanted if wanted in choices else choices[0]
    values = read_column(_cells(table, column), formats[column].number_format)
    return _chart(resource.slug, column, choices, formats[column], values)


def _cells(table, name: str) -> list[str]:
    index = table.columns.index(name)
    return [row[index] for row in table.rows]


def _holds_a_number(cells: list[str], number_format: NumberFormat) -> bool:
    """Whether a declared column has a value at all (it may be all missing markers)."""
    return any(parse_float(cell, number_format) is not None for cell in cells)


def _numeric_columns(version, table) -> dict[str, _Format]:
    # Should a caller defer the schema, the columns are judged by their cells, as frictionless
    # did when it inferred the schema.
    fields = schema_fields(version)
    if not fields:
        guessed = {name: guess_format(_cells(table, name)) for name in table.columns}
        return {name: _Format(None, found) for name, found in guessed.items() if found}
    return {
        name: _Format(fields[name]["type"] == "integer", field_format(fields[name]))
        for name in table.columns
        if fields.get(name, {}).get("type") in ("integer", "number")
    }


def _number(value: float, places: int) -> str:
    return number_format(round(value, places) + 0.0, decimal_pos=places)


def _chart(slug, column, choices, column_format, read: ColumnNumbers) -> Chart:
    values = read.values
    integer = column_format.integer
    if integer is None:
        integer = read.places == 0 and read.integral
    places = 0 if integer else min(read.places, MAX_PLACES)
    low, high = min(values), max(values)
    median = statistics.median(values)
    median_places = places if round(median, places) == median else places + 1
    mean = math.fsum(values) / len(values)
    bins = _bins(values, low, high, integer, places)
    bars, y_ticks, left, show_counts = _geometry(bins)
    return Chart(
        slug=slug,
        column=column,
        choices=choices,
        integer=integer,
        count=_number(len(values), 0),
        missing=_number(read.missing, 0),
        minimum=_number(low, places),
        median=_number(median, median_places),
        mean=_number(mean, places + 1),
        maximum=_number(high, places),
        total=_number(math.fsum(values), 0) if integer else "",
        bars=bars,
        most=max(bars, key=lambda bar: bar.count),  # the first of equally high bars
        x_ticks=_x_ticks(bins, left),
        y_ticks=y_ticks,
        show_counts=show_counts,
        value_count=len(values),
        left=left,
    )


@dataclass(frozen=True)
class _Bin:
    label: str
    count: int
    low_text: str
    high_text: str


def _bins(values: list[float], low: float, high: float, integer: bool, places: int) -> list:
    """About TARGET_BINS bins of equal width with round boundaries (a step of 1, 2 or 5 times a
    power of ten). A whole number v stands for [v, v + 1), so the bins of an integer column are
    "10 to 19", "20 to 29", …; other bins are "a to under b", the last one "a to b". A column
    of one value gets one bin."""
    if low == high:
        text = _number(low, places)
        return [_Bin(text, len(values), text, text)]
    top = high + 1 if integer else high
    step = _step(low, top, integer)
    first = math.floor(low / step + EPSILON)
    count = max(1, math.ceil(top / step - EPSILON) - first)
    counts = [0] * count
    for value in values:
        counts[min(math.floor(value / step + EPSILON) - first, count - 1)] += 1
    step_places = 0 if integer else _places(step)
    bins = []
    for index, number in enumerate(counts):
        start, end = (first + index) * step, (first + index + 1) * step
        start_text, end_text = _number(start, step_places), _number(end, step_places)
        if integer and step == 1:
            label = start_text
        elif integer:
            label = _("%(low)s to %(high)s") % {"low": start_text, "high": _number(end - 1, 0)}
        elif index == count - 1:
            label = _("%(low)s to %(high)s") % {"low": start_text, "high": end_text}
        else:
            label = _("%(low)s to under %(high)s") % {"low": start_text, "high": end_text}
        bins.append(_Bin(label, number, start_text, end_text))
    return bins


def _step(low: float, top: float, integer: bool) -> float:
    """The round bin width that gives the number of bins nearest TARGET_BINS (fewer on a tie)."""
    exponent = math.floor(math.log10((top - low) / TARGET_BINS))
    candidates = [
        multiple * 10.0**power
        for power in range(exponent - 1, exponent + 2)
        for multiple in (1, 2, 5)
    ]
    if integer:
        candidates = [max(1, round(step)) for step in candidates]

    def distance(step: float) -> tuple[float, float]:
        count = math.ceil(top / step - EPSILON) - math.floor(low / step + EPSILON)
        return abs(count - TARGET_BINS), -step

    return min(candidates, key=distance)


def _places(step: float) -> int:
    return max(0, -math.floor(math.log10(step) + EPSILON))


def _geometry(bins: list[_Bin]) -> tuple[list[Bar], list[Tick], float, bool]:
    """The bars and the count axis in the SVG's coordinates; the plot's left edge (after the
    count labels); whether each bar's count fits above it."""
    peak = max(item.count for item in bins)
    step = _count_step(peak)
    top_count = max(step, math.ceil(peak / step) * step)
    tick_counts = range(0, top_count + 1, step)
    labels = [_number(count, 0) for count in tick_counts]
    left = Y_TITLE + max(len(label) for label in labels) * CHAR_WIDTH + 8
    plot_top, plot_bottom, right = TOP, HEIGHT - BOTTOM, WIDTH - RIGHT
    scale = (plot_bottom - plot_top) / top_count
    y_ticks = [
        Tick(round(plot_bottom - count * scale, 1), label)
        for count, label in zip(tick_counts, labels, strict=True)
    ]
    if len(bins) == 1:  # one value: a single bar of moderate width in the middle
        slot = (right - left) / 3
        offset = left + slot
    else:
        slot = (right - left) / len(bins)
        offset = left
    gap = min(2.0, slot / 10)
    bars = []
    for index, item in enumerate(bins):
        height = item.count * scale
        x = offset + index * slot + gap / 2
        bars.append(
            Bar(
                label=item.label,
                count=item.count,
                count_text=_number(item.count, 0),
                x=round(x, 1),
                y=round(plot_bottom - height, 1),
                width=round(slot - gap, 1),
                height=round(height, 1),
                text_x=round(x + (slot - gap) / 2, 1),
                text_y=round(plot_bottom - height - 5, 1),
            )
        )
    widest = max(len(bar.count_text) for bar in bars) * CHAR_WIDTH
    return bars, y_ticks, round(left, 1), widest <= slot - gap


def _count_step(peak: int) -> int:
    """A round step for at most four gridlines up to the highest count."""
    power = 0
    while True:
        for multiple in (1, 2, 5):
            if peak <= 4 * multiple * 10**power:
                return multiple * 10**power
        power += 1


def _x_ticks(bins: list[_Bin], left: float) -> list[Tick]:
    """Labels under the bars: the value under each bar when every bar stands for one value,
    else the boundaries between bars, every second or third one when they would overlap."""
    right = WIDTH - RIGHT
    if len(bins) == 1:
        return [Tick(round((left + right) / 2, 1), bins[0].label)]
    slot = (right - left) / len(bins)
    single = all(item.label == item.low_text for item in bins)
    if single:
        ticks = [(left + (index + 0.5) * slot, item.label) for index, item in enumerate(bins)]
    else:
        ends = [*(item.low_text for item in bins), bins[-1].high_text]
        ticks = [(left + index * slot, text) for index, text in enumerate(ends)]
    widest = max(len(text) for _position, text in ticks) * CHAR_WIDTH + 8
    every = max(1, math.ceil(widest / slot))
    return [
        Tick(round(position, 1), text)
        for index, (position, text) in enumerate(ticks)
        if index % every == 0
    ]
