"""Which taps count: none on a screen until it has been on display for a moment.

Hurried and elderly visitors tap twice (an impatient double tap, a finger that bounces or
trembles). A screen changes on the first tap's release, so the second tap, 100-300 ms
later, lands on whatever the next screen has at that spot: "Tidak, antrean umum" under a
service tile, an agency under "Sentuh untuk mulai". Every screen therefore ignores taps
until it has been shown for ``seconds``; the widgets show nothing of it (no greying, no
flash), a tap in that time simply does nothing.

500 ms is the default: as long as the longest double-tap interval desktops accept (Qt
400 ms, Windows 500 ms), shorter than anyone needs to read a new screen and find their
choice on it (reasoned, not measured with visitors). It is ``[kiosk] tap_guard_ms``.
"""

from __future__ import annotations

import time
from collections.abc import Callable

DEFAULT_GUARD_MS = 500
MAX_GUARD_MS = 2000  # longer and a deliberate tap on a new screen is lost


class TapGuard:
    """``shown()`` when a screen appears; ``open()`` says whether a tap counts now."""

    def __init__(self, seconds: float = 0.0, clock: Callable[[], float] = time.monotonic) -> None:
        if seconds < 0:
            raise ValueError("a tap guard cannot be negative")
        self.seconds = seconds
        self.clock = clock
        self._shown = float("-inf")

    def shown(self) -> None:
        """A new screen (or the same one in another language) is now on display."""
        self._shown = self.clock()

    def open(self) -> bool:
        """Whether a tap now acts: the screen has been visible for the guard time."""
        return self.clock() - self._shown >= self.seconds
