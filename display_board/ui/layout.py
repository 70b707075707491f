"""Where each part of the board goes, for a screen of any size, landscape or portrait.

Plain arithmetic (testable without a screen): proportions of the screen, so a 1280x720
board looks like a 1920x1080 one, only smaller, and a 1080x1920 board hung upright
stacks the same parts. Text sizes follow the boxes (see ``painting``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Box:
    """One part's rectangle on the board, in screen pixels."""

    x: int
    y: int
    w: int
    h: int

    @property
    def right(self) -> int:
        return self.x + self.w

    @property
    def bottom(self) -> int:
        return self.y + self.h

    def overlaps(self, other: Box) -> bool:
        return (
            self.x < other.right
            and other.x < self.right
            and self.y < other.bottom
            and other.y < self.bottom
        )


@dataclass(frozen=True)
class BoardLayout:
    """Where every part of the board goes on this screen; a part the board does without
    (slideshow, running text) has no box."""

    orientation: str
    header: Box
    call: Box
    counters: Box
    last_calls: Box
    waiting: Box
    slideshow: Box | None
    marquee: Box | None

    def boxes(self) -> dict[str, Box]:
        named = {
            "header": self.header,
            "call": self.call,
            "counters": self.counters,
            "last_calls": self.last_calls,
            "waiting": self.waiting,
            "slideshow": self.slideshow,
            "marquee": self.marquee,
        }
        return {name: box for name, box in named.items() if box is not None}


def orientation_for(width: int, height: int, wanted: str = "auto") -> str:
    if wanted in ("landscape", "portrait"):
        return wanted
    return "portrait" if height > width else "landscape"


def board_layout(
    width: int,
    height: int,
    *,
    orientation: str = "auto",
    marquee: bool = True,
    slideshow: bool = False,
) -> BoardLayout:
    if orientation_for(width, height, orientation) == "portrait":
        return _portrait(width, height, marquee, slideshow)
    return _landscape(width, height, marquee, slideshow)


def _landscape(w: int, h: int, marquee: bool, slideshow: bool) -> BoardLayout:
    gap = max(4, round(min(w, h) * 0.012))
    header_h = round(h * 0.09)
    marquee_h = round(h * 0.055) if marquee else 0
    waiting_h = round(h * 0.11)
    body_top = header_h + gap
    body_h = h - header_h - marquee_h - waiting_h - 2 * gap
    left_w = round(w * 0.40)
    call_h = round(body_h * 0.56)
    lower_y = body_top + call_h + gap
    lower_h = body_h - call_h - gap
    lower_w = left_w - gap
    show = None
    last = Box(gap, lower_y, lower_w, lower_h)
    if slideshow:
        half = (lower_w - gap) // 2
        last = Box(gap, lower_y, half, lower_h)
        show = Box(gap + half + gap, lower_y, lower_w - half - gap, lower_h)
    return BoardLayout(
        orientation="landscape",
        header=Box(0, 0, w, header_h),
        call=Box(gap, body_top, lower_w, call_h),
        counters=Box(left_w + gap, body_top, w - left_w - 2 * gap, body_h),
        last_calls=last,
        waiting=Box(gap, body_top + body_h + gap, w - 2 * gap, waiting_h - gap),
        slideshow=show,
        marquee=Box(0, h - marquee_h, w, marquee_h) if marquee else None,
    )


def _portrait(w: int, h: int, marquee: bool, slideshow: bool) -> BoardLayout:
    gap = max(4, round(min(w, h) * 0.012))
    header_h = round(h * 0.065)
    marquee_h = round(h * 0.035) if marquee else 0
    inner_w = w - 2 * gap
    free = h - header_h - marquee_h - 5 * gap
    call_h = round(free * 0.25)
    counters_h = round(free * 0.41)
    waiting_h = round(free * 0.13)
    lower_h = free - call_h - counters_h - waiting_h
    y = header_h + gap
    call = Box(gap, y, inner_w, call_h)
    y += call_h + gap
    counters = Box(gap, y, inner_w, counters_h)
    y += counters_h + gap
    last = Box(gap, y, inner_w, lower_h)
    show = None
    if slideshow:
        half = (inner_w - gap) // 2
        last = Box(gap, y, half, lower_h)
        show = Box(gap + half + gap, y, inner_w - half - gap, lower_h)
    y += lower_h + gap
    return BoardLayout(
        orientation="portrait",
        header=Box(0, 0, w, header_h),
        call=call,
        counters=counters,
        last_calls=last,
        waiting=Box(gap, y, inner_w, waiting_h),
        slideshow=show,
        marquee=Box(0, h - marquee_h, w, marquee_h) if marquee else None,
    )


@dataclass(frozen=True)
class Grid:
    """How many columns and rows of counter tiles give the largest tiles in the panel
    (``tile_grid``)."""

    columns: int
    rows: int


def tile_grid(count: int, width: int, height: int, aspect: float = 3.2) -> Grid:
    """Columns and rows for ``count`` counter tiles in ``width`` x ``height`` that give the
    largest tiles, a tile wanting to be about ``aspect`` times as wide as it is high."""
    if count <= 0:
        return Grid(1, 1)
    best, best_size = Grid(1, count), -1.0
    for columns in range(1, count + 1):
        rows = math.ceil(count / columns)
        tile_w, tile_h = width / columns, height / rows
        size = min(tile_h, tile_w / aspect)  # the height the text can use
        if size > best_size:
            best, best_size = Grid(columns, rows), size
    return best
