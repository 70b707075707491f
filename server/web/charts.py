"""Bar and line charts drawn as SVG on the server: no chart library in the browser, the
same picture on screen and on paper (dark strokes, values written on the bars, a
dashed second series so a black-and-white print still tells the two apart). By default
they chart counts of visitors, so their axes start at 0 and are marked in whole numbers
only; a ``Scale`` gives a chart a fixed axis of its own (the survey index lives on
25..100) with faint reference lines at the borders of its bands (its grades)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from flask import has_request_context
from markupsafe import Markup, escape

WIDTH = 640
HEIGHT = 260
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 28, 36
FONT = 'font-family="Noto Sans, DejaVu Sans, Arial, sans-serif"'


@dataclass(frozen=True)
class Series:
    """One set of bars or a line on a reports chart, with its colour and whether it is
    dashed."""

    name: str
    values: Sequence[float]
    colour: str
    dashed: bool = False


@dataclass(frozen=True)
class Band:
    """A named stretch of a ``Scale`` from ``floor`` up to the next band's floor (a
    grade of the survey index): a faint line at its floor, its name beside the plot."""

    floor: float
    name: str


@dataclass(frozen=True)
class Scale:
    """A value axis that is not a count: its ends and step, its title written along it,
    its bands, and how many decimals its values are written with (the IKM's two: 76,61
    is a B and 76,60 a C, which one decimal would not tell apart)."""

    bottom: float
    top: float
    step: float
    title: str
    bands: Sequence[Band] = ()
    decimals: int | None = None

    @property
    def marks(self) -> list[float]:
        count = round((self.top - self.bottom) / self.step)
        return [self.bottom + self.step * i for i in range(count + 1)]


def count_scale(largest: float) -> Scale:
    """The axis of a count chart: from 0 to ``count_axis(largest)``."""
    top, step = count_axis(largest)
    return Scale(0, top, step, "")


# Room right of the plot for the names of a scale's bands.
BAND_ROOM = 22
# The scale's title is written up the left edge, left of the axis marks.
TITLE_X = 10

# At most this many steps up the count axis: enough lines to read a bar against.
MAX_STEPS = 5


def count_axis(largest: float) -> tuple[int, int]:
    """The top of a count axis and its step: whole numbers (no "2,5 visitors"), a round
    step (1, 2, 5 × 10ⁿ), at most ``MAX_STEPS`` steps, the top at or above ``largest``."""
    step = 1
    while math.ceil(largest / step) > MAX_STEPS:
        for factor in (2, 2.5, 2):  # 1 -> 2 -> 5 -> 10 -> 20 -> 50 ...
            step = int(step * factor)
            if math.ceil(largest / step) <= MAX_STEPS:
                break
    return max(1, math.ceil(largest / step)) * step, step


# Advance widths in em of the widest of the fonts above (DejaVu Sans): a digit, and the
# dot or comma of the thousands and decimal separators.
DIGIT_EM, MARK_EM = 0.64, 0.32
# Space kept free between the value labels of neighbouring bars, and around a label.
LABEL_GAP, LABEL_PAD = 3.0, 1.0
# The legend's row above the plot (10 units high): clear of the value of a full bar.
LEGEND_TOP = 6


def _indonesian() -> bool:
    """Whether the page is in Indonesian (outside a request: yes, the site default)."""
    if not has_request_context():
        return True
    from server.web.i18n import id_en

    return id_en("id", "en") == "id"


def number_text(value: float, indonesian: bool = True, decimals: int | None = None) -> str:
    """A value as the rest of the report writes it: 3.476 and 2,5 in Indonesian, 3,476
    and 2.5 in English; with ``decimals``, always that many (78,20)."""
    if decimals is not None:
        text = f"{value:,.{decimals}f}"
    else:
        text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    if indonesian:
        text = text.translate(str.maketrans(",.", ".,"))
    return text


def text_em(text: str) -> float:
    """How many em ``text`` takes at most: digits are wide, separators narrow."""
    return sum(MARK_EM if c in ".," else DIGIT_EM for c in text)


def label_size(text: str, room: float, largest: float) -> float:
    """The font size at which ``text`` fits in ``room`` units, at most ``largest``."""
    return min(largest, room / max(text_em(text), 0.1))


@dataclass(frozen=True)
class Plot:
    """Where the plot sits in the chart and how a value maps to a height in it."""

    scale: Scale
    width: float
    height: float

    def y(self, value: float) -> float:
        """The chart's y of ``value``, held inside the plot."""
        low, high = self.scale.bottom, self.scale.top
        share = (min(max(value, low), high) - low) / (high - low)
        return TOP + self.height - self.height * share


def _plot(scale: Scale) -> Plot:
    right = RIGHT + (BAND_ROOM if scale.bands else 0)
    return Plot(scale, WIDTH - LEFT - right, HEIGHT - TOP - BOTTOM)


def _frame(title: str, plot: Plot, legend: list[Series], indonesian: bool) -> list[str]:
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'class="chart" role="img" aria-label="{escape(title)}" {FONT} font-size="11">',
        f"<title>{escape(title)}</title>",
    ]
    scale = plot.scale
    for i, value in enumerate(scale.marks):
        y = plot.y(value)
        parts.append(
            f'<line x1="{LEFT}" x2="{LEFT + plot.width}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="{"#333" if i == 0 else "#ccc"}" stroke-width="{1 if i == 0 else 0.6}"/>'
        )
        text = number_text(value, indonesian)
        size = label_size(text, LEFT - 8 - (TITLE_X + 6 if scale.title else 0), 11)
        parts.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#333"'
            f' font-size="{size:.1f}">{text}</text>'
        )
    if scale.title:
        middle = TOP + plot.height / 2
        parts.append(
            f'<text x="{TITLE_X}" y="{middle:.1f}" transform="rotate(-90 {TITLE_X} {middle:.1f})"'
            f' text-anchor="middle" dominant-baseline="central" fill="#333" font-size="10">'
            f"{escape(scale.title)}</text>"
        )
    parts.extend(_bands(plot, indonesian))
    x = LEFT
    for series in legend:
        dash = ' stroke-dasharray="5 3"' if series.dashed else ""
        parts.append(
            f'<rect x="{x}" y="{LEGEND_TOP}" width="14" height="10" fill="{series.colour}"'
            f' stroke="#222" stroke-width="0.6"{dash}/>'
        )
        parts.append(
            f'<text x="{x + 18}" y="{LEGEND_TOP + 9}" fill="#222">{escape(series.name)}</text>'
        )
        x += 30 + 7 * len(series.name)
    return parts


def _bands(plot: Plot, indonesian: bool) -> list[str]:
    """Each band's floor as a faint dashed line across the plot, its value at the line's
    end and the band's name in the middle of its stretch, right of the plot: a reader sees
    which band a point or a bar is in without a legend to look up."""
    scale = plot.scale
    right = LEFT + plot.width
    floors = sorted(scale.bands, key=lambda band: band.floor)
    parts = []
    for i, band in enumerate(floors):
        ceiling = floors[i + 1].floor if i + 1 < len(floors) else scale.top
        low = max(band.floor, scale.bottom)
        if ceiling <= scale.bottom or low >= scale.top:
            continue
        if band.floor > scale.bottom:
            y = plot.y(band.floor)
            value = number_text(band.floor, indonesian, scale.decimals)
            parts.append(
                f'<line class="band-floor" x1="{LEFT}" x2="{right + 3}" y1="{y:.1f}" '
                f'y2="{y:.1f}" stroke="#888" stroke-width="0.7" stroke-dasharray="3 3">'
                f"<title>{escape(band.name)} ≥ {value}</title></line>"
            )
        middle = (plot.y(low) + plot.y(min(ceiling, scale.top))) / 2
        parts.append(
            f'<text class="band-name" x="{right + BAND_ROOM / 2 + 2:.1f}" y="{middle + 4:.1f}"'
            f' text-anchor="middle" fill="#555" font-size="12" font-weight="700">'
            f"{escape(band.name)}</text>"
        )
    return parts


@dataclass(frozen=True)
class Box:
    """A rectangle in chart units (y grows downwards)."""

    left: float
    top: float
    right: float
    bottom: float

    def touches(self, other: Box, gap: float = 0.0) -> bool:
        return (
            self.left < other.right + gap
            and other.left < self.right + gap
            and self.top < other.bottom + gap
            and other.top < self.bottom + gap
        )


@dataclass(frozen=True)
class Label:
    """A value label over a bar; its ``box`` is what ``place_labels`` keeps clear of the
    other labels and the legend."""

    text: str
    x: float  # centre
    baseline: float
    size: float

    @property
    def box(self) -> Box:
        half = self.size * text_em(self.text) / 2
        # Digits and separators have no descenders; their tops are below 0.8 em.
        return Box(self.x - half, self.baseline - 0.8 * self.size, self.x + half, self.baseline)


def place_labels(wanted: Sequence[Label], obstacles: Sequence[Box], ceiling: float) -> list[Label]:
    """Value labels that touch neither each other nor an obstacle (the bars, the legend):
    each starts where it was wanted and is lifted above whatever it would touch; one that
    would have to rise above ``ceiling`` is left out (its bar's tooltip still tells the
    value). The bar chart keeps each label in its own bar's room, so in practice only the
    legend lifts a label of a bar that reaches the top."""
    placed: list[Label] = []
    for label in wanted:
        moved = True
        while moved and label.box.top >= ceiling:
            moved = False
            for other in [*obstacles, *(p.box for p in placed)]:
                if label.box.touches(other, LABEL_PAD):
                    label = Label(label.text, label.x, other.top - LABEL_PAD - 0.01, label.size)
                    moved = True
        if label.box.top >= ceiling:
            placed.append(label)
    return placed


def bar_chart(
    title: str, labels: Sequence[str], series: Sequence[Series], scale: Scale | None = None
) -> Markup:
    """Grouped bars, one group per label (an hour of the day), values above the bars;
    on a count axis from 0 unless a ``scale`` is given (bars then rise from its bottom)."""
    if scale is None:
        scale = count_scale(max((v for s in series for v in s.values), default=0))
    plot = _plot(scale)
    plot_w, plot_h = plot.width, plot.height
    indonesian = _indonesian()
    parts = _frame(title, plot, list(series), indonesian)
    group_w = plot_w / max(1, len(labels))
    bar_w = group_w * 0.8 / max(1, len(series))
    bars: list[Box] = []
    values: list[Label] = []
    for i, label in enumerate(labels):
        x0 = LEFT + group_w * i + group_w * 0.1
        for j, one in enumerate(series):
            value = one.values[i]
            text = number_text(value, indonesian, scale.decimals)
            y = plot.y(value)
            height = TOP + plot_h - y
            x = x0 + bar_w * j
            pattern = ' stroke-dasharray="3 2"' if one.dashed else ""
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w - 1:.1f}" height="{height:.1f}" '
                f'fill="{one.colour}" stroke="#222" stroke-width="0.5"{pattern}>'
                f"<title>{escape(label)} · {escape(one.name)}: {text}</title></rect>"
            )
            bars.append(Box(x, y, x + bar_w - 1, TOP + plot_h))
            # A value is written over its own bar, spilling at most into the outer half of
            # the gap to the next group (the first and last bar of a group), smaller when
            # needed, not at all when too small to read (the tooltip has it).
            lo = x0 - group_w * 0.1 if j == 0 else x - 0.5
            hi = x + bar_w - 0.5 if j < len(series) - 1 else x0 + group_w * 0.9
            lo, hi = lo + LABEL_GAP / 2, hi - LABEL_GAP / 2
            size = label_size(text, hi - lo, 8.5)
            if height and size >= 6:
                half = size * text_em(text) / 2
                centre = min(max(x + (bar_w - 1) / 2, lo + half), hi - half)
                values.append(Label(text, centre, y - LABEL_GAP - 0.01, size))
        parts.append(
            f'<text x="{x0 + group_w * 0.4:.1f}" y="{HEIGHT - BOTTOM + 14}" '
            f'text-anchor="middle" fill="#333">{escape(label)}</text>'
        )
    legend = Box(
        LEFT, LEGEND_TOP, LEFT + sum(30 + 7 * len(s.name) for s in series), LEGEND_TOP + 10
    )
    for mark in place_labels(values, [*bars, legend], ceiling=2.0):
        parts.append(
            f'<text x="{mark.x:.1f}" y="{mark.baseline:.1f}" text-anchor="middle" '
            f'font-size="{mark.size:.1f}" fill="#222">{mark.text}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def line_chart(
    title: str, labels: Sequence[str], series: Sequence[Series], scale: Scale | None = None
) -> Markup:
    """One line per series over the labels (the days of a month), with points marked;
    only every few labels are written so that 31 days stay readable. On a count axis from
    0 unless a ``scale`` is given."""
    if scale is None:
        scale = count_scale(max((v for s in series for v in s.values), default=0))
    plot = _plot(scale)
    plot_w = plot.width
    indonesian = _indonesian()
    parts = _frame(title, plot, list(series), indonesian)
    count = len(labels)
    step_x = plot_w / max(1, count - 1) if count > 1 else 0.0
    every = max(1, math.ceil(count / 16))

    def xy(i: int, value: float) -> tuple[float, float]:
        x = LEFT + (step_x * i if count > 1 else plot_w / 2)
        return x, plot.y(value)

    for i, label in enumerate(labels):
        if i % every == 0 or i == count - 1:
            x, _ = xy(i, 0)
            parts.append(
                f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 14}" text-anchor="middle" '
                f'fill="#333">{escape(label)}</text>'
            )
    for one in series:
        points = [xy(i, v) for i, v in enumerate(one.values)]
        dash = ' stroke-dasharray="6 4"' if one.dashed else ""
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        parts.append(
            f'<polyline points="{path}" fill="none" stroke="{one.colour}" stroke-width="2"{dash}/>'
        )
        for (x, y), label, value in zip(points, labels, one.values, strict=True):
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.6" fill="{one.colour}">'
                f"<title>{escape(label)} · {escape(one.name)}: "
                f"{number_text(value, indonesian, scale.decimals)}"
                "</title></circle>"
            )
    parts.append("</svg>")
    return Markup("".join(parts))
