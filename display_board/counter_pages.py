"""Which counter tiles the board shows at once, so every number on them reads from 10 m.

A tile's number must have a cap height of at least ``READABLE_CAP_SHARE`` of the screen's
short side: about 3 cm on a 55-inch 1080p screen, what the rule of thumb of 1 cm of letter
height per 3-4 m of distance asks at 10 m (docs/display.md has the arithmetic). A zone
whose tiles all fit at that size shows them all. Otherwise the closed counters are left
out (their tile only says "Tutup"), and when the rest still does not fit, the tiles are
shown in pages of equal size that turn on a timer; a page with a counter that has just
called someone comes up at once, so the newest call's tile is always on the board.

Plain Python: the Qt grid says which tile counts are readable (it measures its fonts),
this module decides the pages.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .board_model import CallShown, CounterShown

# 3 cm cap height (10 m) / 68.5 cm (the picture height of a 55-inch 16:9 screen).
READABLE_CAP_SHARE = 0.044


def readable_cap_px(width: int, height: int) -> float:
    """The least cap height, in pixels, of a tile's number on a ``width`` x ``height`` board
    (the short side is the picture's height, landscape or hung upright)."""
    return READABLE_CAP_SHARE * min(width, height)


# readable(tiles, paged): are the numbers of a grid of this many tiles readable, in the
# grid's area with (paged) or without the line that says which page is shown?
Readable = Callable[[int, bool], bool]


@dataclass(frozen=True)
class Paging:
    """The counter tiles split into pages that each read from 10 m, and the grid size
    every page is laid out for, so tiles keep their size page to page."""

    pages: list[list[CounterShown]]
    grid_count: int  # tiles the grid is laid out for: the same on every page

    @property
    def paged(self) -> bool:
        return len(self.pages) > 1


def capacity(count: int, readable: Readable, paged: bool) -> int:
    """The most tiles, up to ``count``, whose numbers are readable (at least one)."""
    for tiles in range(count, 0, -1):
        if readable(tiles, paged):
            return tiles
    return 1


def plan_pages(counters: Sequence[CounterShown], readable: Readable) -> Paging:
    """All counters when they fit; else without the closed ones; else pages of equal size
    (19 tiles at 15 a page make two pages of 10 and 9, with larger tiles than 15 and 4)."""
    everyone = list(counters)
    if capacity(len(everyone), readable, False) >= len(everyone):
        return Paging([everyone], len(everyone))
    shown = [c for c in everyone if c.state != "closed" or c.ticket is not None]
    if capacity(len(shown), readable, False) >= len(shown):
        return Paging([shown], len(shown))
    most = capacity(len(shown), readable, True)
    pages = math.ceil(len(shown) / most)
    # The grid's best shape changes with the count (11 tiles may lay out smaller than 15):
    # the fewest tiles a page that still makes that many pages, and is readable.
    size = next((n for n in range(math.ceil(len(shown) / pages), most) if readable(n, True)), most)
    return Paging([shown[i : i + size] for i in range(0, len(shown), size)], size)


class CounterPager:
    """The page on screen: turned by the board's timer, brought forward by a new call."""

    def __init__(self) -> None:
        self.page = 0
        # The call whose page was last brought forward, and the pages it was found in.
        self._followed: tuple[str, tuple[int, int]] = ("", (0, 0))

    def current(self, paging: Paging) -> int:
        self.page %= len(paging.pages)
        return self.page

    def turn(self, paging: Paging) -> None:
        self.page = (self.page + 1) % len(paging.pages)

    def follow(self, call: CallShown | None, paging: Paging) -> bool:
        """Bring up the page of the zone's newest call's counter, once per call (and once
        more when the pages are cut anew); True when the page changed (the timer then
        starts again, for a full turn on it)."""
        if call is None or call.counter_id is None or not paging.paged:
            return False
        followed = (f"{call.number}@{call.at}", (len(paging.pages), paging.grid_count))
        if followed == self._followed:
            return False
        self._followed = followed
        for index, page in enumerate(paging.pages):
            if any(c.id == call.counter_id for c in page) and index != self.current(paging):
                self.page = index
                return True
        return False
