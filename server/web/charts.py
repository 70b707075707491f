"""Bar and line charts drawn as SVG on the server: no chart library in the browser, the
same picture on screen and on paper (dark strokes, values written on the bars, a
dashed second series so a black-and-white print still tells the two apart)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 640
HEIGHT = 260
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 28, 36
FONT = 'font-family="Noto Sans, DejaVu Sans, Arial, sans-serif"'


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float]
    colour: str
    dashed: bool = False


def nice_ceiling(value: float) -> float:
    """A round top for the axis (1, 2, 2.5, 5 × 10ⁿ) at or above ``value``."""
    if value <= 0:
        return 1.0
    magnitude = 10.0 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return float(step * magnitude)
    return 10 * magnitude  # pragma: no cover - the loop always returns


def _number(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def _frame(title: str, top: float, plot_w: float, plot_h: float, legend: list[Series]) -> list[str]:
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'class="chart" role="img" aria-label="{escape(title)}" {FONT} font-size="11">',
        f"<title>{escape(title)}</title>",
    ]
    for i in range(5):
        value = top * i / 4
        y = TOP + plot_h - plot_h * i / 4
        parts.append(
            f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="{"#333" if i == 0 else "#ccc"}" stroke-width="{1 if i == 0 else 0.6}"/>'
        )
        parts.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#333">'
            f"{_number(value)}</text>"
        )
    x = LEFT
    for series in legend:
        dash = ' stroke-dasharray="5 3"' if series.dashed else ""
        parts.append(
            f'<rect x="{x}" y="8" width="14" height="10" fill="{series.colour}"'
            f' stroke="#222" stroke-width="0.6"{dash}/>'
        )
        parts.append(f'<text x="{x + 18}" y="17" fill="#222">{escape(series.name)}</text>')
        x += 30 + 7 * len(series.name)
    return parts


def bar_chart(title: str, labels: Sequence[str], series: Sequence[Series]) -> Markup:
    """Grouped bars, one group per label (an hour of the day), values above the bars."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    top = nice_ceiling(max((v for s in series for v in s.values), default=0))
    parts = _frame(title, top, plot_w, plot_h, list(series))
    group_w = plot_w / max(1, len(labels))
    bar_w = group_w * 0.8 / max(1, len(series))
    for i, label in enumerate(labels):
        x0 = LEFT + group_w * i + group_w * 0.1
        for j, one in enumerate(series):
            value = one.values[i]
            height = plot_h * value / top
            x = x0 + bar_w * j
            y = TOP + plot_h - height
            pattern = ' stroke-dasharray="3 2"' if one.dashed else ""
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w - 1:.1f}" height="{height:.1f}" '
                f'fill="{one.colour}" stroke="#222" stroke-width="0.5"{pattern}>'
                f"<title>{escape(label)} · {escape(one.name)}: {_number(value)}</title></rect>"
            )
            text = _number(value)
            # Written smaller to fit above its own bar (a digit is ~0.6 em wide), or
            # not at all: neighbouring values must never run into each other.
            size = min(9.0, (bar_w - 1) / (0.6 * len(text)))
            if value and size >= 6:
                parts.append(
                    f'<text x="{x + bar_w / 2:.1f}" y="{y - 3:.1f}" text-anchor="middle" '
                    f'font-size="{size:.1f}" fill="#222">{text}</text>'
                )
        parts.append(
            f'<text x="{x0 + group_w * 0.4:.1f}" y="{HEIGHT - BOTTOM + 14}" '
            f'text-anchor="middle" fill="#333">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def line_chart(title: str, labels: Sequence[str], series: Sequence[Series]) -> Markup:
    """One line per series over the labels (the days of a month), with points marked;
    only every few labels are written so that 31 days stay readable."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    top = nice_ceiling(max((v for s in series for v in s.values), default=0))
    parts = _frame(title, top, plot_w, plot_h, list(series))
    count = len(labels)
    step_x = plot_w / max(1, count - 1) if count > 1 else 0.0
    every = max(1, math.ceil(count / 16))

    def xy(i: int, value: float) -> tuple[float, float]:
        x = LEFT + (step_x * i if count > 1 else plot_w / 2)
        return x, TOP + plot_h - plot_h * value / top

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
                f"<title>{escape(label)} · {escape(one.name)}: {_number(value)}</title></circle>"
            )
    parts.append("</svg>")
    return Markup("".join(parts))
