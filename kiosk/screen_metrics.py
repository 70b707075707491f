"""How big things are on the screen the kiosk runs on, from its size and physical DPI.

Halls buy 1366x768 and 1280x1024 panels, 1920x1080 ones, portrait 1080x1920 totems and
4K screens run at 200 % scaling. The kiosk was drawn for 1920x1080 (and 1080x1920
standing up); every size on screen is that design scaled to the screen's logical size,
except the touch targets, which are at least 15 mm under the finger whatever the pixel
density. A plain object, so a test can lay out every screen for any size and DPI.

Sizes are logical (device-independent) pixels, as Qt lays out; ``dpi`` is the physical
density in those pixels (``QScreen.physicalDotsPerInch()``: a 4K 27-inch screen at scale 2
reports about 82). A screen that reports nonsense (no EDID: 0 mm, or a TV claiming a
metre) is taken as 96 dpi.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

TOUCH_MM = 15.0  # the smallest thing a visitor taps, on any screen
TEXT_MM = 3.5  # the smallest text a visitor reads at arm's length (font size, em)
DESIGN_LANDSCAPE = (1920, 1080)
DESIGN_PORTRAIT = (1080, 1920)
FALLBACK_DPI = 96.0
PLAUSIBLE_DPI = (40.0, 400.0)
MM_PER_INCH = 25.4


@dataclass(frozen=True)
class ScreenMetrics:
    """One screen: logical size, physical DPI (logical px per inch), device pixel ratio."""

    width: int
    height: int
    dpi: float = FALLBACK_DPI
    device_pixel_ratio: float = 1.0

    @classmethod
    def of(
        cls, width: int, height: int, reported_dpi: float | None, device_pixel_ratio: float = 1.0
    ) -> ScreenMetrics:
        """The metrics of a screen as Qt reports it, an implausible DPI replaced."""
        low, high = PLAUSIBLE_DPI
        dpi = reported_dpi if reported_dpi and low <= reported_dpi <= high else FALLBACK_DPI
        return cls(max(1, width), max(1, height), dpi, device_pixel_ratio or 1.0)

    @property
    def portrait(self) -> bool:
        return self.height > self.width

    @property
    def scale(self) -> float:
        """The design's sizes times this: the whole design fits the screen's both sides."""
        design_w, design_h = DESIGN_PORTRAIT if self.portrait else DESIGN_LANDSCAPE
        return min(self.width / design_w, self.height / design_h)

    def mm(self, millimetres: float) -> float:
        """Logical pixels that measure ``millimetres`` on this screen."""
        return millimetres * self.dpi / MM_PER_INCH

    def px(self, design_px: float) -> int:
        """A size of the 1920x1080 design, on this screen."""
        return max(1, round(design_px * self.scale))

    @property
    def touch(self) -> int:
        """The smallest side of anything a visitor taps (15 mm)."""
        return math.ceil(self.mm(TOUCH_MM))

    def target(self, design_px: float) -> int:
        """A touch target's side: the design's size, never under 15 mm."""
        return max(self.px(design_px), self.touch)

    @property
    def text_floor(self) -> int:
        """The smallest font (pixel size) a visitor should have to read."""
        return math.ceil(self.mm(TEXT_MM))

    def font(self, design_px: float) -> int:
        """A font size of the design, on this screen, never under the readable floor."""
        return max(self.px(design_px), self.text_floor)


# The screens halls buy, each as its densest likely panel (15 mm targets are hardest
# there): the sizes every kiosk screen is tested and photographed at.
HALL_SCREENS: dict[str, ScreenMetrics] = {
    "1366x768": ScreenMetrics(1366, 768, 100.5),  # 15.6-inch
    "1280x1024": ScreenMetrics(1280, 1024, 96.4),  # 17-inch, 5:4
    "1920x1080": ScreenMetrics(1920, 1080, 102.5),  # 21.5-inch
    "1080x1920": ScreenMetrics(1080, 1920, 102.5),  # 21.5-inch totem, standing up
    "3840x2160": ScreenMetrics(1920, 1080, 81.6, 2.0),  # 27-inch 4K at 200 % scaling
}


def grid_columns(
    count: int, width: float, height: float, *, spacing: float, aspect: float, min_height: float
) -> int:
    """How many columns lay out ``count`` tiles in ``width`` x ``height`` with tiles
    closest to ``aspect`` (width / height) and no shorter than ``min_height``."""
    if count <= 1:
        return 1
    best, best_score = 1, math.inf
    for columns in range(1, count + 1):
        rows = math.ceil(count / columns)
        tile_w = (width - spacing * (columns - 1)) / columns
        tile_h = (height - spacing * (rows - 1)) / rows
        if tile_w <= 0 or tile_h <= 0:
            continue
        score = abs(math.log(tile_w / tile_h / aspect)) + (100.0 if tile_h < min_height else 0.0)
        if score < best_score:
            best, best_score = columns, score
    return best
