"""The printer state the kiosk tells the server, so staff see a kiosk in trouble.

Sent when it changes (a fault, and the recovery after it), not after every ticket; a report
the server did not take (it was away) is sent again at the next chance.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from shared.api_client import ApiError

log = logging.getLogger("antre.kiosk.health")


class HealthReport:
    """``send(printer_state, message)`` is ``ApiClient.report_health``."""

    def __init__(self, send: Callable[[str, str | None], None]) -> None:
        self._send = send
        self._lock = threading.Lock()
        self._reported: str | None = None  # what the server last accepted
        self._current: tuple[str, str | None] | None = None  # what the kiosk last saw

    @property
    def reported(self) -> str | None:
        return self._reported

    def note(self, health: str, message: str | None = None) -> bool:
        """Record what the printer said; report it if the server has not heard it yet.
        True when the server now knows the current state."""
        with self._lock:
            self._current = (health, message)
        return self.flush()

    def flush(self) -> bool:
        """Send the current state if it is not the one reported; False if that failed."""
        with self._lock:
            current = self._current
            if current is None or current[0] == self._reported:
                return True
            health, message = current
            try:
                self._send(health, message)
            except ApiError as exc:
                log.warning("printer state %s not reported yet: %s", health, exc.code)
                return False
            self._reported = health
            log.info("printer state %s reported to the server", health)
            return True
