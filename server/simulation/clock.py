"""The simulated clock: the hall's time of day, running ``speed`` times faster than real
time from the moment the run starts."""

from __future__ import annotations

import threading
import time


class SimClock:
    """Simulated seconds from midnight; ``start`` is the time of day at real time zero.

    Every wait goes through ``sleep``/``wait_until``, which end early when ``stop`` is
    set, so a run can always be stopped promptly.
    """

    def __init__(self, start: float, speed: float, stop: threading.Event) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.start = start
        self.speed = speed
        self.stop = stop
        self._zero = time.monotonic()

    def now(self) -> float:
        return self.start + (time.monotonic() - self._zero) * self.speed

    def real_seconds(self, simulated: float) -> float:
        return simulated / self.speed

    def simulated_seconds(self, real: float) -> float:
        return real * self.speed

    def wait_until(self, at: float) -> bool:
        """Sleep until the simulated time ``at``; False when stopped first."""
        left = self.real_seconds(at - self.now())
        if left <= 0:
            return not self.stop.is_set()
        return not self.stop.wait(left)

    def sleep(self, simulated: float) -> bool:
        """Sleep ``simulated`` seconds of the hall's time; False when stopped first."""
        return self.wait_until(self.now() + simulated)
