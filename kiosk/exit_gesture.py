"""Leaving the kiosk: a hidden gesture, then the admin PIN.

Five taps on the top-left corner within three seconds open the PIN pad; a visitor who
taps there once or twice sees nothing. Only the PIN from the kiosk's config closes the
app; a wrong one says so and nothing else happens.
"""

from __future__ import annotations

import hmac
import time
from collections import deque
from collections.abc import Callable

TAPS = 5
WITHIN_SECONDS = 3.0
MAX_DIGITS = 12


class ExitGesture:
    """Counts taps on the hidden corner; ``tap()`` is True on the one that completes it."""

    def __init__(
        self,
        taps: int = TAPS,
        within_seconds: float = WITHIN_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.taps = taps
        self.within = within_seconds
        self.clock = clock
        self._times: deque[float] = deque(maxlen=taps)

    def tap(self) -> bool:
        now = self.clock()
        self._times.append(now)
        if len(self._times) == self.taps and now - self._times[0] <= self.within:
            self._times.clear()
            return True
        return False


class PinEntry:
    """The digits typed on the PIN pad, checked against the configured PIN."""

    def __init__(self, pin: str) -> None:
        self._pin = pin
        self.digits = ""
        self.failures = 0

    @property
    def masked(self) -> str:
        return "●" * len(self.digits)

    def press(self, digit: str) -> None:
        if digit.isdigit() and len(digit) == 1 and len(self.digits) < MAX_DIGITS:
            self.digits += digit

    def erase(self) -> None:
        self.digits = self.digits[:-1]

    def clear(self) -> None:
        self.digits = ""

    def submit(self) -> bool:
        """True when the typed PIN is the configured one (an empty PIN never is)."""
        typed, self.digits = self.digits, ""
        ok = bool(self._pin) and hmac.compare_digest(typed.encode(), self._pin.encode())
        if not ok:
            self.failures += 1
        return ok
