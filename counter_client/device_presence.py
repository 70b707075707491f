"""This PC telling the server it is alive, as the counter terminal an admin registered.

The hall monitor counts a device silent when the server has not heard from it for five
minutes (``server.domain.monitor.SILENT_AFTER``). A counter terminal's officer logs in
with their own token, which says nothing about the PC, so without this the registered
counter terminals stay "silent" all day. With ``[device] token`` in the configuration
the client reports over the existing ``POST /devices/me/health`` once at start and then
every minute, on a worker of its own (the app's): a report that hangs until its timeout
never delays the officer's "next". Without a token nothing is sent.

A socket connection with the device token would mark it seen too, but it would join the
agency's room and carry every push a second time to a PC that already has them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from enum import StrEnum

from shared.api_client import ApiError
from shared.errors import ErrorCode

log = logging.getLogger("antre.counter.device")

# Well inside the monitor's five silent minutes, so one lost report never turns it red.
REPORT_EVERY_SECONDS = 60.0


class Presence(StrEnum):
    """What the last health report of this PC came to; the login page tells the officer
    when the server does not know the terminal."""

    UNKNOWN = "unknown"  # nothing answered yet
    SEEN = "seen"  # the server took the last report
    REFUSED = "refused"  # the server does not know the token (wrong, renewed or revoked)
    UNREACHABLE = "unreachable"  # the last report did not get through


class DevicePresence:
    """``send()`` reports once (``ApiClient.post`` to ``/devices/me/health``). ``report``
    sends one (worker thread) and says what the server said; ``take`` keeps that outcome
    (GUI thread) and calls ``on_change(presence)`` when it changed."""

    def __init__(
        self,
        send: Callable[[], object],
        *,
        on_change: Callable[[Presence], None] = lambda _p: None,
    ) -> None:
        self._send = send
        self.on_change = on_change
        self.state = Presence.UNKNOWN

    def report(self) -> Presence:
        """One report; what the server said, as a ``Presence``."""
        try:
            self._send()
        except ApiError as exc:
            return self._failed(exc)
        return Presence.SEEN

    def take(self, found: Presence) -> None:
        if found is not self.state:
            self.state = found
            self.on_change(found)

    def _failed(self, exc: ApiError) -> Presence:
        if exc.code in (ErrorCode.UNAUTHENTICATED, ErrorCode.FORBIDDEN):
            if self.state is not Presence.REFUSED:
                # The token itself is never logged: it is a credential.
                log.warning("the server refused this PC's device token (%s)", exc.code)
            return Presence.REFUSED
        if self.state is not Presence.UNREACHABLE:
            log.info("device report not delivered: %s", exc.code)
        return Presence.UNREACHABLE
