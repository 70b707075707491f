"""The push side of every client: Socket.IO with reconnect, and resync on any doubt.

Events carry ``room`` and ``seq``. ``SeqTracker`` decides per event: apply it, drop it
(already in the snapshot), or resync (a gap: something was missed). ``LiveFeed`` owns the
socket: it keeps trying to connect while the server is away, and asks for a resync
after every (re)connect, so a client never keeps showing a state it missed changes of.

python-socketio runs every event handler on a thread of its own, so two events sent in
order may reach ``LiveFeed`` swapped (``#14`` before ``#13``), although the server sent
them in order on one connection. ``LiveFeed`` therefore judges and delivers under one
lock, and holds an early event back (``EarlyEvents``) for a moment while the ones before
it, already on their way, arrive; only when they do not is it a real gap.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from enum import Enum
from typing import TypeVar, cast

import socketio

from shared import events

log = logging.getLogger("antre.live")

# A pushed payload as the socket hands it over: ``room`` and ``seq``, which the feed
# judges, and the event's own fields, typed by its name in ``shared.wire`` (``TicketEvent``
# for ``ticket.updated``, ...). The feed reads only the first two; each client's dispatch
# on the name is where the rest gets its type.
Payload = dict[str, object]
Event = tuple[str, Payload]
PushEvent = TypeVar("PushEvent")
# How long an early event waits for the ones before it: far longer than two handler
# threads take to swap, far shorter than anyone notices on a board or a counter.
HOLD_SECONDS = 0.5
# While other handler threads still queue for the feed's lock, the missing event may be
# among them (a busy machine, a slow callback): the hold is extended, up to this long.
MAX_HOLD_SECONDS = 5.0


def read_event(payload: Payload, event: type[PushEvent]) -> PushEvent:
    """A pushed payload as the ``shared.wire`` type its event's name says (the caller
    picks it by the name: ``wire.TicketEvent`` for ``ticket.updated`` to a staff room).

    The push side's one place of taking the server at its word, as ``ApiClient`` has one
    for answers: nothing is checked field by field, and clients read defensively where a
    server of another version may differ.
    """
    return cast(PushEvent, payload)


class Verdict(Enum):
    """What ``SeqTracker`` makes of one event: apply it, drop it as already seen, or
    resync after a gap."""

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

    def accept(self, payload: Payload) -> Verdict:
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


class EarlyEvents:
    """Events that arrived before an earlier event of their room, per room."""

    def __init__(self) -> None:
        self._early: dict[str, dict[int, Event]] = {}

    def hold(self, room: str, seq: int, event: Event) -> None:
        self._early.setdefault(room, {})[seq] = event

    def waiting(self, room: str) -> int:
        """Events of ``room`` held back for an earlier one."""
        return len(self._early.get(room, {}))

    def take_next(self, room: str, last: int | None) -> Event | None:
        """The held event right after ``last``, taken out; held ones up to ``last`` (a
        snapshot already contains them) are dropped on the way."""
        held = self._early.get(room)
        if not held or last is None:
            return None
        for seq in [s for s in held if s <= last]:
            del held[seq]
        event = held.pop(last + 1, None)
        if not held:
            del self._early[room]
        return event

    def drop(self, room: str | None = None) -> None:
        """Forget the held events of ``room`` (all rooms: None)."""
        if room is None:
            self._early.clear()
        else:
            self._early.pop(room, None)


class LiveFeed:
    """A Socket.IO connection that reconnects by itself.

    ``on_event(name, payload)`` gets each event once, in ``seq`` order per room, one call
    at a time; ``on_resync()`` is called after each (re)connect and on a gap (an event
    missing for ``hold_seconds`` after a later one came): the client reloads its snapshot
    and calls ``tracker.reset(room, snapshot["seq"])``. ``on_status(connected)`` drives the
    "offline" mark. Callbacks run on the socket's threads (Qt clients hop to the GUI
    thread); ``on_event`` is called under the feed's lock, so it must not wait for the
    socket (a Qt signal's emit is fine).
    """

    def __init__(
        self,
        url: str,
        auth: dict[str, str],
        *,
        on_event: Callable[[str, Payload], None],
        on_resync: Callable[[], None],
        on_status: Callable[[bool], None] = lambda _connected: None,
        retry_seconds: float = 2.0,
        hold_seconds: float = HOLD_SECONDS,
    ) -> None:
        self.url = url
        self.tracker = SeqTracker()
        # Events put back in order after arriving early (how often the threads swapped).
        self.reordered = 0
        self._auth = auth
        self._on_event = on_event
        self._on_resync = on_resync
        self._on_status = on_status
        self._retry = retry_seconds
        self._hold_seconds = hold_seconds
        # One lock for judging and delivering, so events leave in the order judged.
        self._lock = threading.RLock()
        self._early = EarlyEvents()
        self._timers: dict[str, threading.Timer] = {}
        self._held_since: dict[str, float] = {}
        # Handler threads that entered ``receive`` and have not left it.
        self._in_flight = 0
        self._in_flight_lock = threading.Lock()
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
        with self._lock:
            self._forget_early()
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
        with self._lock:
            self._forget_early()  # the snapshot that follows replaces them
        self._on_status(True)
        self._on_resync()

    def _disconnected(self, *_: object) -> None:
        self._on_status(False)

    def _handler(self, name: str) -> Callable[[object], None]:
        def handle(payload: object) -> None:
            if isinstance(payload, dict):
                self.receive(name, payload)

        return handle

    def receive(self, name: str, payload: Payload) -> None:
        """Judge one pushed event and deliver it (and any held ones it lets through) in
        order; what the socket's handlers call, from any thread."""
        with self._in_flight_lock:
            self._in_flight += 1
        try:
            self._judge(name, payload)
        finally:
            with self._in_flight_lock:
                self._in_flight -= 1

    def _judge(self, name: str, payload: Payload) -> None:
        room, seq = payload.get("room"), payload.get("seq")
        with self._lock:
            if self._stop.is_set():
                return
            verdict = self.tracker.accept(payload)
            if verdict is Verdict.APPLY:
                self._on_event(name, payload)
                assert isinstance(room, str)
                self._deliver_held(room)
                return
            if verdict is Verdict.STALE:
                return
            early = (
                isinstance(room, str)
                and isinstance(seq, int)
                and self.tracker.last(room) is not None
            )
            if early:
                assert isinstance(room, str) and isinstance(seq, int)
                self._early.hold(room, seq, (name, payload))
                self._arm(room)
                return
        self._on_resync()  # no snapshot yet for the room, or a payload without a seq

    def _deliver_held(self, room: str) -> None:
        """Deliver the held events that now follow the last one delivered (under the lock)."""
        while (event := self._early.take_next(room, self.tracker.last(room))) is not None:
            if self.tracker.accept(event[1]) is Verdict.APPLY:
                self.reordered += 1
                self._on_event(*event)
        if not self._early.waiting(room):
            self._held_since.pop(room, None)
            timer = self._timers.pop(room, None)
            if timer is not None:
                timer.cancel()

    def _arm(self, room: str) -> None:
        if room in self._timers:
            return
        self._held_since.setdefault(room, time.monotonic())
        self._start_timer(room)

    def _start_timer(self, room: str) -> None:
        timer = threading.Timer(self._hold_seconds, self._hold_over, args=(room,))
        timer.daemon = True
        timer.name = "antre-live-hold"
        self._timers[room] = timer
        timer.start()

    def _hold_over(self, room: str) -> None:
        """The events before the held ones did not come: a real gap, so resync."""
        with self._lock:
            if self._timers.get(room) is not threading.current_thread():
                return  # cancelled, or replaced after a reconnect
            del self._timers[room]
            if self._stop.is_set():
                return
            self._deliver_held(room)  # a snapshot loaded meanwhile may have filled the gap
            if not self._early.waiting(room):
                return
            held_for = time.monotonic() - self._held_since.get(room, 0.0)
            with self._in_flight_lock:
                queued = self._in_flight > 0
            if queued and held_for < MAX_HOLD_SECONDS:
                self._start_timer(room)  # the missing one may be waiting for the lock
                return
            self._held_since.pop(room, None)
            self._early.drop(room)  # committed before any snapshot the resync loads
        log.info("events of %s missing; reloading the snapshot", room)
        self._on_resync()

    def _forget_early(self) -> None:
        self._early.drop()
        self._held_since.clear()
        for timer in self._timers.values():
            timer.cancel()
        self._timers.clear()
