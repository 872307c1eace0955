"""Static SVG charts, drawn at build time: stories per month as stacked bars.

No script and no library: the SVG carries a <title> and <desc> for assistive technology, each
bar segment a tooltip, and the page shows the same figures as a table. The legend is HTML
next to the chart, so it reads in the page's direction (Arabic right to left).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from .i18n import Catalogue

WIDTH = 720
HEIGHT = 260
MARGIN_LEFT = 44
MARGIN_RIGHT = 8
MARGIN_TOP = 10
MARGIN_BOTTOM = 28
# Room for one month label on the x axis ("Sep 2025", "سبتمبر 2025"), and the steps between
# labelled months tried in turn: the first that leaves that room between two labels is taken.
# Past a year, whole years.
LABEL_WIDTH = 72
LABEL_STEPS = (1, 2, 3, 6)
# Colour-blind-safe palette (Okabe–Ito, then Tableau), cycled when there are more series.
PALETTE = (
    "#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00",
    "#f0e442", "#000000", "#8c564b", "#7f7f7f", "#bcbd22", "#17becf",
)  # fmt: skip


@dataclass(frozen=True)
class LegendEntry:
    label: str
    color: str


@dataclass(frozen=True)
class TableRow:
    month: str
    values: tuple[int, ...]
    total: int


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    desc: str
    svg: Markup
    legend: tuple[LegendEntry, ...]
    columns: tuple[str, ...]
    rows: tuple[TableRow, ...]


def monthly_chart(
    *,
    chart_id: str,
    title: str,
    months: Sequence[str],
    series: Sequence[tuple[str, str]],
    counts: Mapping[tuple[str, str], int],
    L: Catalogue,
) -> Chart:
    """A stacked bar per month; `series` is (key, label), `counts` maps (key, month) → n."""
    desc = L.ngettext(
        "Stacked bar chart of %(months)s month, from %(first)s to %(last)s. The table below"
        " gives the same figures.",
        "Stacked bar chart of %(months)s months, from %(first)s to %(last)s. The table below"
        " gives the same figures.",
        len(months), months=len(months), first=L.month(months[0], inline=True),
        last=L.month(months[-1], inline=True),
    )  # fmt: skip
    colors = {key: PALETTE[i % len(PALETTE)] for i, (key, _) in enumerate(series)}
    rows = tuple(
        TableRow(
            month=L.month(month),
            values=tuple(counts.get((key, month), 0) for key, _ in series),
            total=sum(counts.get((key, month), 0) for key, _ in series),
        )
        for month in months
    )
    svg = _svg(chart_id, title, desc, months, series, counts, colors, rows, L)
    return Chart(
        id=chart_id,
        title=title,
        desc=desc,
        svg=svg,
        legend=tuple(LegendEntry(label, colors[key]) for key, label in series),
        columns=tuple(label for _, label in series),
        rows=rows,
    )


def _svg(
    chart_id: str,
    title: str,
    desc: str,
    months: Sequence[str],
    series: Sequence[tuple[str, str]],
    counts: Mapping[tuple[str, str], int],
    colors: Mapping[str, str],
    rows: Sequence[TableRow],
    L: Catalogue,
) -> Markup:
    top = _nice_ceiling(max((row.total for row in rows), default=0))
    plot_width = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_height = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    slot = plot_width / len(months)
    bar = max(1.0, slot * 0.8)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'class="chart" aria-labelledby="{chart_id}-title {chart_id}-desc" direction="ltr">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
    ]
    for tick in _ticks(top):
        y = MARGIN_TOP + plot_height * (1 - tick / top)
        parts.append(
            f'<line class="grid" x1="{MARGIN_LEFT}" x2="{WIDTH - MARGIN_RIGHT}" '
            f'y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text class="axis" x="{MARGIN_LEFT - 6}" y="{y + 4:.1f}" '
            f'text-anchor="end">{tick}</text>'
        )
    for i, month in enumerate(months):
        x = MARGIN_LEFT + i * slot + (slot - bar) / 2
        base = 0
        for key, label in series:
            value = counts.get((key, month), 0)
            if not value:
                continue
            y = MARGIN_TOP + plot_height * (1 - (base + value) / top)
            height = plot_height * value / top
            tip = f"{L.month(month)}: {label}: {value}"
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{height:.1f}" '
                f'fill="{colors[key]}"><title>{escape(tip)}</title></rect>'
            )
            base += value
    parts.extend(_month_labels(months, slot, L))
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text above is escaped


def _month_labels(months: Sequence[str], slot: float, L: Catalogue) -> list[str]:
    """The x axis: every `step`-th calendar month (January always among them), each under
    its bar, as far apart as a label is wide; a label names the month in the interface
    language, and the year too in January and at the first label."""
    step = next(
        (step for step in LABEL_STEPS if step * slot >= LABEL_WIDTH),
        12 * math.ceil(LABEL_WIDTH / (12 * slot)),
    )
    labels: list[str] = []
    for i, month in enumerate(months):
        year, number = int(month[:4]), int(month[5:7])
        if (year * 12 + number - 1) % step:
            continue
        text = L.month_abbreviation(month, with_year=not labels or number == 1)
        centre = MARGIN_LEFT + (i + 0.5) * slot
        anchor, x = "middle", centre
        if centre + LABEL_WIDTH / 2 > WIDTH - MARGIN_RIGHT:
            anchor, x = "end", WIDTH - MARGIN_RIGHT
        elif centre - LABEL_WIDTH / 2 < 0:
            anchor, x = "start", 0.0
        labels.append(
            f'<text class="axis month" x="{x:.1f}" y="{HEIGHT - 8}" '
            f'text-anchor="{anchor}">{escape(text)}</text>'
        )
    return labels


def _nice_ceiling(value: int) -> int:
    """The smallest of 1, 2, 5 × 10^n at or above `value` (at least 1)."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return max(1, step * factor)
        step *= 10


def _ticks(top: int) -> list[int]:
    return [top * part // 4 for part in range(0, 5) if (top * part) % 4 == 0] or [0, top]
