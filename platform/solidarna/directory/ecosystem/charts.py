"""Server-rendered bar charts: pure functions that lay out the bars; the template
`directory/_bar_chart.html` draws them as inline SVG (no JavaScript, no inline styles).

The SVG has no viewBox: it is as wide as its container, bar lengths are percentages of that
width and text is positioned in pixels, so labels stay readable on a phone and in print.
Bars are scaled so the longest one takes `max_width` percent, which leaves room for its value
label at the end (`dx` in the template)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

#: vertical layout of one bar row, in pixels: label line, then the bar
ROW_HEIGHT = 44
LABEL_BASELINE = 16
BAR_TOP = 22
BAR_HEIGHT = 14
#: the value label sits just after the bar, on the bar's centre line
VALUE_BASELINE = BAR_TOP + BAR_HEIGHT - 2
#: the smallest visible bar for a non-zero value, in percent of the width
MIN_WIDTH = 0.6


@dataclass(frozen=True)
class Bar:
    key: str
    label: str
    value: int
    #: length in percent of the chart's width
    width: float
    #: share of the chart's total, 0..1 (for the table beside the chart)
    share: float
    #: top of this bar's row, in pixels
    top: int

    @property
    def label_y(self) -> int:
        return self.top + LABEL_BASELINE

    @property
    def bar_y(self) -> int:
        return self.top + BAR_TOP

    @property
    def value_y(self) -> int:
        return self.top + VALUE_BASELINE


@dataclass(frozen=True)
class BarChart:
    bars: tuple[Bar, ...]
    total: int
    height: int
    bar_height: int = BAR_HEIGHT

    @property
    def empty(self) -> bool:
        return self.total == 0

    def __iter__(self):
        return iter(self.bars)

    def __len__(self) -> int:
        return len(self.bars)


def bar_chart(
    items: Iterable[tuple[str, str, int | None]],
    *,
    max_width: float = 85.0,
    total: int | None = None,
    drop_zero: bool = False,
) -> BarChart:
    """Lay out horizontal bars for (key, label, value) items, in the order given.

    Shares are of `total` when given (e.g. all organizations, when one organization can count
    in several bars), otherwise of the sum of the values."""
    rows = [(key, str(label), int(value or 0)) for key, label, value in items]
    if drop_zero:
        rows = [row for row in rows if row[2] > 0]
    largest = max((value for _, _, value in rows), default=0)
    denominator = total if total is not None else sum(value for _, _, value in rows)
    bars = []
    for index, (key, label, value) in enumerate(rows):
        width = max(round(value / largest * max_width, 2), MIN_WIDTH) if value else 0.0
        bars.append(
            Bar(
                key=key,
                label=label,
                value=value,
                width=width,
                share=value / denominator if denominator else 0.0,
                top=index * ROW_HEIGHT,
            )
        )
    return BarChart(bars=tuple(bars), total=denominator, height=max(len(bars), 1) * ROW_HEIGHT)


def sorted_by_value(items: Iterable[tuple[str, str, int]]) -> list[tuple[str, str, int]]:
    """Largest first; ties keep their given (code) order."""
    rows = list(items)
    return sorted(rows, key=lambda row: -row[2])
