"""Charts of contributions drawn as SVG on the server, each with the table of its values.

A horizontal chart compares named counts (per category, per area); a column chart shows
counts over days. Everything the template draws — the bars' geometry, the tick marks and
the formatted numbers — is computed here, so the picture, its text alternative and the
table beside it always show the same figures. No script is needed to see them.
"""

import math
from dataclasses import dataclass, field
from datetime import date

from django.utils.formats import date_format, number_format
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

WIDTH = 560
ROW_HEIGHT = 28
BAR_HEIGHT = 18
LABEL_CHARS = 30  # a horizontal chart's labels are shortened to this (the table has them whole)
CHAR_WIDTH = 7.2  # about the average width of a character in the 13-unit label font
VALUE_ROOM = 48  # right of the longest bar, for its count
COLUMN_HEIGHT = 220
TOP, BOTTOM, LEFT = 16, 40, 44
LABEL_GAP = 16  # between a column chart's date labels


@dataclass(frozen=True)
class Bar:
    label: str  # shortened in a horizontal chart
    full_label: str
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
class BarChart:
    """`id` makes the element ids unique on the page; `title` names the chart and `summary`
    is its text alternative's description."""

    id: str
    title: str
    summary: str
    horizontal: bool
    bars: list[Bar]
    width: int
    height: int
    label_width: float = 0
    baseline: float = 0
    x_ticks: list[Tick] = field(default_factory=list)
    y_ticks: list[Tick] = field(default_factory=list)
    plot_left: float = 0
    plot_right: float = 0
    count_heading: str = ""
    label_heading: str = ""

    @property
    def table_bars(self) -> list[Bar]:
        """The table's rows: every bar of a horizontal chart; the days with a count of a
        column chart (the caption says that the other days had none)."""
        return self.bars if self.horizontal else [bar for bar in self.bars if bar.count]


def _count(value: int) -> str:
    return number_format(value, force_grouping=True)


def horizontal_chart(
    *, id: str, title: str, rows: list[tuple[str, int]], label_heading: str, count_heading: str
) -> BarChart:
    """One bar per (label, count) row, in the given order, longest label first in width."""
    longest = max((len(label) for label, _count_value in rows), default=0)
    label_width = min(longest, LABEL_CHARS) * CHAR_WIDTH + 12
    peak = max((count for _label, count in rows), default=0)
    room = WIDTH - label_width - VALUE_ROOM
    bars = []
    for number, (label, count) in enumerate(rows):
        length = room * count / peak if peak else 0
        top = number * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) / 2
        bars.append(
            Bar(
                label=Truncator(label).chars(LABEL_CHARS),
                full_label=label,
                count=count,
                count_text=_count(count),
                x=round(label_width, 1),
                y=round(top, 1),
                width=round(length, 1),
                height=BAR_HEIGHT,
                text_x=round(label_width + length + 6, 1),
                text_y=round(top + BAR_HEIGHT / 2, 1),
            )
        )
    return BarChart(
        id=id,
        title=title,
        summary=_horizontal_summary(rows),
        horizontal=True,
        bars=bars,
        width=WIDTH,
        height=max(len(rows), 1) * ROW_HEIGHT,
        label_width=round(label_width - 6, 1),
        baseline=round(label_width, 1),
        label_heading=label_heading,
        count_heading=count_heading,
    )


def _horizontal_summary(rows: list[tuple[str, int]]) -> str:
    total = sum(count for _label, count in rows)
    if not total:
        return _("No contributions yet.")
    label, count = max(rows, key=lambda row: row[1])
    ties = [row_label for row_label, row_count in rows if row_count == count]
    if len(ties) > 1:
        label = ", ".join(ties)
    return _("%(total)s in all; the most: %(label)s (%(count)s).") % {
        "total": _count(total),
        "label": label,
        "count": _count(count),
    }


def nice_step(peak: int, *, steps: int = 4) -> int:
    """A step of 1, 2 or 5 times a power of ten that divides `peak` into about `steps`."""
    if peak <= steps:
        return 1
    rough = peak / steps
    power = 10 ** math.floor(math.log10(rough))
    return next(factor * power for factor in (1, 2, 5, 10) if factor * power >= rough)


def column_chart(
    *, id: str, title: str, days: list[tuple[date, int]], count_heading: str
) -> BarChart:
    """One column per day, in order; a tick label every few days so that labels never
    overlap, the counts on a vertical axis with gridlines."""
    peak = max((count for _day, count in days), default=0)
    step = nice_step(peak)
    top_value = max(step * math.ceil(peak / step), step)
    right = WIDTH - 8
    plot = COLUMN_HEIGHT - TOP - BOTTOM
    slot = (right - LEFT) / max(len(days), 1)
    gap = min(slot * 0.2, 4)
    baseline = TOP + plot
    bars = []
    for number, (day, count) in enumerate(days):
        height = plot * count / top_value
        label = date_format(day, pgettext("a day on a chart's axis, as a date format", "n/j"))
        bars.append(
            Bar(
                label=label,
                full_label=date_format(day, "DATE_FORMAT"),
                count=count,
                count_text=_count(count),
                x=round(LEFT + number * slot + gap / 2, 1),
                y=round(baseline - height, 1),
                width=round(slot - gap, 1),
                height=round(height, 1),
                text_x=round(LEFT + (number + 0.5) * slot, 1),
                text_y=round(baseline - height - 4, 1),
            )
        )
    label_width = max((len(bar.label) for bar in bars), default=0) * CHAR_WIDTH + LABEL_GAP
    every = max(1, math.ceil(label_width / slot))
    x_ticks = [Tick(bar.text_x, bar.label) for bar in bars[::every]]
    y_ticks = [
        Tick(round(baseline - plot * value / top_value, 1), _count(value))
        for value in range(0, top_value + 1, step)
    ]
    return BarChart(
        id=id,
        title=title,
        summary=_column_summary(days),
        horizontal=False,
        bars=bars,
        width=WIDTH,
        height=COLUMN_HEIGHT,
        baseline=baseline,
        x_ticks=x_ticks,
        y_ticks=y_ticks,
        plot_left=LEFT,
        plot_right=right,
        count_heading=count_heading,
        label_heading=_("Day"),
    )


def _column_summary(days: list[tuple[date, int]]) -> str:
    total = sum(count for _day, count in days)
    if not days or not total:
        return _("No contributions yet.")
    busiest, most = max(days, key=lambda row: row[1])
    return ngettext(
        "%(total)s contribution from %(first)s to %(last)s; the most on %(day)s (%(count)s).",
        "%(total)s contributions from %(first)s to %(last)s; the most on %(day)s (%(count)s).",
        total,
    ) % {
        "total": _count(total),
        "first": date_format(days[0][0], "DATE_FORMAT"),
        "last": date_format(days[-1][0], "DATE_FORMAT"),
        "day": date_format(busiest, "DATE_FORMAT"),
        "count": _count(most),
    }
