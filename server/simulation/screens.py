"""Boards and phones that keep what they show, reconnect and resynchronise, as the hall's
real clients do: a board follows its zone through ``shared.live.LiveFeed`` (reconnect,
``seq`` per room, the zone snapshot after every connect and every gap); a phone follows
its ticket's room and reloads ``GET /tickets/<status code>`` after every connect and gap.

What each shows can then be compared with a fresh snapshot: the fault schedule's promise
that every board and phone ends showing the truth. The board's shown state is what a
visitor reads off it (``ZoneView``): each counter's state and the number at it, the
previous calls (number and counter, newest first), the people waiting per line; the
phone's is its ticket's state, counter and call time.

Every ``ticket.called`` that reaches a socket is also booked in ``Deliveries`` (before the
feed judges it, so a call that came twice is counted twice), and every snapshot load is
remembered: a call a listener never heard but found in a snapshot loaded after it is
"missed while offline", not lost (``faults.classify_missed``).
"""

from __future__ import annotations

import contextlib
import heapq
import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import socketio

from server.simulation.listeners import CONNECT_TIMEOUT, Boards, Phones, board_key, phone_key
from server.simulation.measures import Deliveries
from shared import events
from shared.api_client import ApiClient, ApiError
from shared.live import LiveFeed, Payload

log = logging.getLogger("antre.simulation")
ACTIVE_STATES = ("called", "serving")
RETRY_SECONDS = 0.5  # real: a board or phone that could not reload tries again this soon
# Real: a leaving phone stays on its page this long before it is compared with the
# server and closed, so the push of its ticket's last change has arrived.
PHONE_SETTLE_SECONDS = 2.0


@dataclass
class ZoneView:
    """What one zone's board shows, fed by the zone snapshot and moved on by events,
    following the display board's model (``display_board/board_model.py``) for the parts
    a visitor reads: nothing of the names, colours or estimates, which move with the
    configuration and the clock."""

    zone: str
    counters: dict[int, list[Any]] = field(default_factory=dict)  # id -> [state, ticket]
    last_calls: list[tuple[str, int | None]] = field(default_factory=list)
    waiting: dict[int, int] = field(default_factory=dict)
    keep_calls: int = 10
    seq: int | None = None

    def load(self, snapshot: dict[str, Any]) -> None:
        self.counters = {}
        for counter in snapshot.get("counters", []):
            ticket = counter.get("ticket")
            shown = _ticket(ticket) if ticket and ticket.get("state") in ACTIVE_STATES else None
            self.counters[int(counter["id"])] = [str(counter.get("state", "closed")), shown]
        self.keep_calls = int(snapshot.get("last_calls_limit") or self.keep_calls)
        self.last_calls = [
            (str(c["number"]), c.get("counter_id")) for c in snapshot.get("last_calls", [])
        ][: self.keep_calls]
        self.waiting = {
            int(line["service_id"]): int(line.get("waiting", 0))
            for line in snapshot.get("lines", [])
        }
        self.seq = int(snapshot.get("seq", 0))

    def apply(self, name: str, payload: Payload) -> bool:
        """Move on by one event of the zone's room; True when the board must reload."""
        if name == events.TICKET_CALLED:
            ticket: dict[str, Any] = payload.get("ticket") or {}  # type: ignore[assignment]
            counter: dict[str, Any] = payload.get("counter") or {}  # type: ignore[assignment]
            counter_id = counter.get("id")
            if counter_id in self.counters:
                self.counters[counter_id][1] = _ticket(ticket)
            number = str(ticket.get("number"))
            self.last_calls = [c for c in self.last_calls if c[0] != number]
            self.last_calls.insert(0, (number, counter_id))
            del self.last_calls[self.keep_calls :]
        elif name == events.TICKET_UPDATED:
            ticket = payload.get("ticket") or {}  # type: ignore[assignment]
            at = (ticket.get("counter") or {}).get("id")
            active = ticket.get("state") in ACTIVE_STATES
            for counter_id, shown in self.counters.items():
                holds = shown[1] is not None and shown[1][0] == ticket.get("id")
                if holds and not (active and at == counter_id):
                    shown[1] = None
                elif active and at == counter_id:
                    shown[1] = _ticket(ticket)
        elif name == events.COUNTER_UPDATED:
            view: dict[str, Any] = payload.get("counter") or {}  # type: ignore[assignment]
            tile = self.counters.get(int(view.get("id", 0)))
            if tile is None or view.get("zone") != self.zone:
                return True
            tile[0] = str(view.get("state", tile[0]))
            current = view.get("current_ticket_id")
            if current is None:
                tile[1] = None
            elif tile[1] is None or tile[1][0] != current:
                return True  # a ticket this board never heard of
        elif name == events.QUEUE_STATS:
            line: dict[str, Any] = payload.get("line") or {}  # type: ignore[assignment]
            self.waiting[int(line["service_id"])] = int(line.get("waiting", 0))
        elif name == events.CONFIG_UPDATED:
            return True
        return False

    def shown(self) -> dict[str, Any]:
        """The state as comparable data (ticket ids left out: a visitor sees numbers)."""
        return {
            "counters": {
                cid: (state, None if t is None else t[1:])
                for cid, (state, t) in sorted(self.counters.items())
            },
            "last_calls": list(self.last_calls),
            "waiting": dict(sorted(self.waiting.items())),
        }


def _ticket(ticket: dict[str, Any]) -> tuple[int, str, str]:
    return int(ticket.get("id") or 0), str(ticket.get("number")), str(ticket.get("state"))


def zone_truth(api: ApiClient, zone: str) -> dict[str, Any]:
    """What a board that has just connected shows: a fresh snapshot, as ``ZoneView``."""
    view = ZoneView(zone)
    view.load(dict(api.zone_snapshot(zone)))
    return view.shown()


class Resyncs:
    """When each listener loaded a snapshot (real times), from any thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._times: dict[str, list[float]] = {}

    def note(self, name: str, at: float) -> None:
        with self._lock:
            self._times.setdefault(name, []).append(at)

    def first_after(self, name: str, at: float) -> float | None:
        with self._lock:
            return next((t for t in self._times.get(name, []) if t >= at), None)

    def count(self, name: str) -> int:
        with self._lock:
            return len(self._times.get(name, []))


class LiveBoard:
    """One display board: its token, zone, feed and what it shows."""

    def __init__(
        self, name: str, url: str, token: str, zone: str, deliveries: Deliveries, resyncs: Resyncs
    ) -> None:
        self.name = name
        self.url = url
        self.token = token
        self.zone = zone
        self.deliveries = deliveries
        self.resyncs = resyncs
        self.api = ApiClient(url, token)
        self.view = ZoneView(zone)
        self.lock = threading.RLock()
        self.offline = False
        self.connections = 0
        self._wanted = threading.Event()
        self._stop = threading.Event()
        self.feed = self._feed()
        self._retrier = threading.Thread(target=self._retry, name="sim-board-retry", daemon=True)

    def _feed(self) -> LiveFeed:
        feed = LiveFeed(
            self.url,
            {"token": self.token},
            on_event=self._event,
            on_resync=self.resync,
            on_status=self._status,
            retry_seconds=RETRY_SECONDS * 2,
        )
        # Below the feed, as the socket hands them over: a call that came twice counts twice.
        handlers = feed._sio.handlers["/"]
        handler = handlers[events.TICKET_CALLED]

        def called(payload: Any) -> None:
            if isinstance(payload, dict):
                self.deliveries.hear(self.name, board_key(payload), time.time())
            handler(payload)

        feed._sio.on(events.TICKET_CALLED, called)
        return feed

    def start(self, timeout: float = CONNECT_TIMEOUT * 3) -> None:
        self.feed.start()
        self._retrier.start()
        deadline = time.monotonic() + timeout
        while self.resyncs.count(self.name) == 0:
            if time.monotonic() > deadline:
                raise ApiError("unavailable", f"board {self.name} could not load its zone")
            time.sleep(0.05)

    def go_offline(self) -> None:
        """Unplugged: the socket closes and the board hears nothing until ``come_back``."""
        with self.lock:
            self.offline = True
            feed = self.feed
        feed.stop()

    def come_back(self) -> None:
        """Plugged in again: a new connection, which loads the snapshot first."""
        with self.lock:
            self.offline = False
            self.feed = self._feed()
            feed = self.feed
        feed.start()

    def close(self) -> None:
        self._stop.set()
        self._wanted.set()
        self.feed.stop()
        self._retrier.join(timeout=5)
        self.api.close()

    def shown(self) -> dict[str, Any]:
        with self.lock:
            return self.view.shown()

    def resync(self) -> None:
        """Load the zone snapshot; when the server cannot answer, the retrier tries again."""
        try:
            snapshot = self.api.zone_snapshot(self.zone)
        except ApiError:
            self._wanted.set()
            return
        with self.lock:
            if self.offline:
                return
            self.view.load(dict(snapshot))
            self.feed.tracker.reset(events.zone_room(self.zone), self.view.seq or 0)
        self.resyncs.note(self.name, time.time())
        self._wanted.clear()

    def _retry(self) -> None:
        while not self._stop.is_set():
            self._wanted.wait()
            if self._stop.wait(RETRY_SECONDS):
                return
            if self._wanted.is_set() and not self.offline:
                self.resync()

    def _status(self, connected: bool) -> None:
        if connected:
            with self.lock:
                self.connections += 1

    def _event(self, name: str, payload: Payload) -> None:
        with self.lock:
            if payload.get("room") != events.zone_room(self.zone):
                return
            reload = self.view.apply(name, payload)
            seq = payload.get("seq")
            if isinstance(seq, int):
                self.view.seq = seq
        if reload:
            self.resync()


class LiveBoards(Boards):
    """Every display token connected as its board, as ``listeners.Boards`` does, but
    reconnecting and keeping what it shows; spread over ``urls`` in turn as a balancer
    spreads new connections over a hall's processes."""

    def __init__(self, urls: list[str], deliveries: Deliveries, resyncs: Resyncs) -> None:
        super().__init__(urls[0], deliveries)
        self.urls = urls
        self.resyncs = resyncs
        self.boards: dict[str, LiveBoard] = {}

    def connect(self, name: str, token: str, zone: str) -> None:
        listener = f"board:{name}"
        url = self.urls[len(self.boards) % len(self.urls)]
        board = LiveBoard(listener, url, token, zone, self.deliveries, self.resyncs)
        self.deliveries.listener(listener)
        board.start()
        self.boards[listener] = board
        self.by_zone.setdefault(zone, []).append(listener)

    def close(self) -> None:
        for board in self.boards.values():
            board.close()

    def stale(self, wait: float) -> dict[str, Any]:
        """Boards that do not show what a fresh snapshot shows, after waiting up to
        ``wait`` real seconds for pushes still on their way: name -> (shown, truth)."""
        deadline = time.monotonic() + wait
        while True:
            wrong: dict[str, Any] = {}
            truths: dict[str, dict[str, Any]] = {}
            for name, board in self.boards.items():
                if board.zone not in truths:
                    truths[board.zone] = zone_truth(board.api, board.zone)
                shown = board.shown()
                if shown != truths[board.zone]:
                    wrong[name] = {"shown": shown, "snapshot": truths[board.zone]}
            if not wrong or time.monotonic() > deadline:
                return wrong
            time.sleep(0.25)


# --- phones -----------------------------------------------------------------------------


def phone_state(status: dict[str, Any]) -> tuple[str, str | None, str | None]:
    """What the ticket page shows of ``GET /tickets/<code>``'s ticket (or a pushed one)."""
    ticket = status.get("ticket") or status
    return str(ticket.get("state")), ticket.get("counter"), ticket.get("called_at")


class LivePhone:
    """A visitor's ticket page: its ticket's room, with reconnect and reload."""

    def __init__(
        self, name: str, url: str, ticket: Any, deliveries: Deliveries, resyncs: Resyncs
    ) -> None:
        self.name = name
        self.ticket = ticket
        self.deliveries = deliveries
        self.resyncs = resyncs
        self.api = ApiClient(url)
        self.room = events.ticket_room(ticket.status_code)
        self.lock = threading.Lock()
        self.state: tuple[str, str | None, str | None] | None = None
        self.seq: int | None = None
        self.client = socketio.Client(
            reconnection=True, reconnection_delay=0.5, reconnection_delay_max=RETRY_SECONDS * 2
        )
        self.client.on("connect", self.resync)
        self.client.on(events.TICKET_CALLED, self._handler(events.TICKET_CALLED))
        self.client.on(events.TICKET_UPDATED, self._handler(events.TICKET_UPDATED))
        self.url = url

    def connect(self) -> None:
        self.client.connect(
            self.url,
            auth={"ticket": self.ticket.status_code},
            transports=["websocket"],
            wait_timeout=CONNECT_TIMEOUT,
        )

    def resync(self) -> None:
        for _ in range(20):
            try:
                status = self.api.get(f"/tickets/{self.ticket.status_code}")
            except ApiError:
                time.sleep(RETRY_SECONDS)
                continue
            with self.lock:
                self.state = phone_state(status)
                self.seq = int(status.get("seq") or 0)  # type: ignore[call-overload]
            self.resyncs.note(self.name, time.time())
            return

    def _handler(self, name: str) -> Callable[[Any], None]:
        def handle(payload: Any) -> None:
            if not isinstance(payload, dict) or payload.get("room") != self.room:
                return
            if name == events.TICKET_CALLED:
                self.deliveries.hear(self.name, phone_key(payload), time.time())
            seq = payload.get("seq")
            with self.lock:
                if self.seq is None or not isinstance(seq, int) or seq <= self.seq:
                    return
                if seq == self.seq + 1:
                    self.seq = seq
                    self.state = phone_state(payload)
                    return
            self.resync()  # a gap: something was missed

        return handle

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.client.disconnect()
        self.api.close()


class LivePhones(Phones):
    """``listeners.Phones`` with pages that reconnect and reload, and a check at the
    end of each visit: the page shows what ``GET /tickets/<code>`` says."""

    def __init__(self, urls: list[str], deliveries: Deliveries, resyncs: Resyncs) -> None:
        super().__init__(urls[0], deliveries)
        self.urls = urls
        self.resyncs = resyncs
        self.pages: dict[str, LivePhone] = {}
        self.checked = 0
        self.stale: dict[str, Any] = {}
        self._due: list[tuple[float, str]] = []
        self._opened = 0

    def _run(self) -> None:
        while True:
            timeout = max(0.0, self._due[0][0] - time.monotonic()) if self._due else None
            try:
                job = self._jobs.get(timeout=timeout)
            except queue.Empty:
                job = ("due", None)
            if job is None:
                break
            action, ticket = job
            if action == "follow":
                self._connect(ticket)
            elif action == "leave" and f"phone:{ticket.number}" in self.pages:
                due = time.monotonic() + PHONE_SETTLE_SECONDS
                heapq.heappush(self._due, (due, f"phone:{ticket.number}"))
            while self._due and self._due[0][0] <= time.monotonic():
                self._check(heapq.heappop(self._due)[1])
        # The day is over: the last pages get their settle time, then every page left open
        # (a visit the day did not finish) is compared too.
        if self._due:
            time.sleep(max(0.0, max(due for due, _ in self._due) - time.monotonic()))
        self._due.clear()
        for name in list(self.pages):
            self._check(name)

    def close(self) -> None:
        super().close()
        for page in self.pages.values():
            page.close()

    def _check(self, name: str) -> None:
        page = self.pages.pop(name, None)
        if page is None:
            return
        try:
            truth = phone_state(page.api.get(f"/tickets/{page.ticket.status_code}"))
        except ApiError as exc:
            truth = (f"unreadable: {exc.code}", None, None)
        with page.lock:
            shown = page.state
        self.checked += 1
        if shown != truth:
            self.stale[name] = {"shown": shown, "ticket": truth}
        page.close()

    def _connect(self, ticket: Any) -> None:
        name = f"phone:{ticket.number}"
        url = self.urls[self._opened % len(self.urls)]
        self._opened += 1
        page = LivePhone(name, url, ticket, self.deliveries, self.resyncs)
        try:
            page.connect()
        except socketio.exceptions.ConnectionError as exc:
            log.warning("phone of %s could not connect: %s", ticket.number, exc)
            self.failed += 1
            page.api.close()
            return
        self.pages[name] = page
        self.deliveries.listener(name)
        ticket.phone_since = time.time()
        ticket.phone = name
