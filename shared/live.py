"""The push side of every client: Socket.IO with reconnect, and resync on any doubt.

Events carry ``room`` and ``seq``. ``SeqTracker`` decides per event: apply it, drop it
(already in the snapshot), or resync (a gap: something was missed). ``LiveFeed`` owns the
socket: it keeps trying to connect while the server is away, and asks for a resync
after every (re)connect, so a client never keeps showing a state it missed changes of.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from enum import Enum
from typing import Any

import socketio

from shared import events

log = logging.getLogger("antre.live")


class Verdict(Enum):
    APPLY = "apply"
    STALE = "stale"
    GAP = "gap"


class SeqTracker:
    """Last seen ``seq`` per room."""

    def __init__(self) -> None:
        self._last: dict[str, int] = {}
        self._lock = threading.Lock()

    def reset(self, room: str, seq: int) -> None:
        """After loading a snapshot whose seq is ``seq``."""
        with self._lock:
            self._last[room] = seq

    def last(self, room: str) -> int | None:
        with self._lock:
            return self._last.get(room)

    def accept(self, payload: dict[str, Any]) -> Verdict:
        room, seq = payload.get("room"), payload.get("seq")
        if not isinstance(room, str) or not isinstance(seq, int):
            return Verdict.GAP
        with self._lock:
            last = self._last.get(room)
            if last is None:
                return Verdict.GAP  # no snapshot yet for this room
            if seq <= last:
                return Verdict.STALE
            if seq > last + 1:
                return Verdict.GAP
            self._last[room] = seq
            return Verdict.APPLY


class LiveFeed:
    """A Socket.IO connection that reconnects by itself.

    ``on_event(name, payload)`` gets events in order; ``on_resync()`` is called after each
    (re)connect and on a gap: the client reloads its snapshot and calls
    ``tracker.reset(room, snapshot["seq"])``. ``on_status(connected)`` drives the
    "offline" mark. Callbacks run on the socket's thread (Qt clients hop to the GUI thread).
    """

    def __init__(
        self,
        url: str,
        auth: dict[str, str],
        *,
        on_event: Callable[[str, dict[str, Any]], None],
        on_resync: Callable[[], None],
        on_status: Callable[[bool], None] = lambda _connected: None,
        retry_seconds: float = 2.0,
    ) -> None:
        self.url = url
        self.tracker = SeqTracker()
        self._auth = auth
        self._on_event = on_event
        self._on_resync = on_resync
        self._on_status = on_status
        self._retry = retry_seconds
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._sio = socketio.Client(
            reconnection=True, reconnection_delay=0.5, reconnection_delay_max=retry_seconds
        )
        self._sio.on("connect", self._connected)
        self._sio.on("disconnect", self._disconnected)
        for name in events.ALL_EVENTS:
            self._sio.on(name, self._handler(name))

    @property
    def connected(self) -> bool:
        return bool(self._sio.connected)

    def start(self) -> None:
        """Connect in the background; keeps trying until the server answers."""
        self._thread = threading.Thread(target=self._run, name="antre-live", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._disconnect()
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self._sio.connected:
            # A first connect still under way when stop() came completed during the join.
            self._disconnect()
        # websocket-client marks the connection closed without closing its socket when
        # the server's close frame arrives first, and engine.io keeps the object: close it
        # for good, or every stop leaks a descriptor (a ResourceWarning in the tests).
        websocket = getattr(self._sio.eio, "ws", None)
        if websocket is not None and getattr(websocket, "sock", None) is not None:
            websocket.shutdown()

    def _disconnect(self) -> None:
        try:
            self._sio.disconnect()
        except Exception:  # already gone
            log.debug("disconnect while stopping failed", exc_info=True)

    def _run(self) -> None:
        # The first connection is ours to retry; after it, python-socketio reconnects.
        while not self._stop.is_set():
            try:
                self._sio.connect(
                    self.url, auth=self._auth, transports=["websocket"], wait_timeout=5
                )
                return
            except socketio.exceptions.ConnectionError as exc:
                log.info("server not reachable yet (%s); retrying", exc)
                self._stop.wait(self._retry)

    def _connected(self) -> None:
        self._on_status(True)
        self._on_resync()

    def _disconnected(self, *_: Any) -> None:
        self._on_status(False)

    def _handler(self, name: str) -> Callable[[Any], None]:
        def handle(payload: Any) -> None:
            if not isinstance(payload, dict):
                return
            verdict = self.tracker.accept(payload)
            if verdict is Verdict.APPLY:
                self._on_event(name, payload)
            elif verdict is Verdict.GAP:
                self._on_resync()

        return handle
