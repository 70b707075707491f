"""Clients as the hall runs them, without a screen: a display board and a kiosk.

``Board`` is the display board's contract in plain threads: ``shared.live.LiveFeed`` for
the socket (reconnect, seq tracking), ``display_board.board_model.BoardModel`` for what
the board shows, the zone snapshot over ``shared.api_client`` after every (re)connect and
every gap. The Qt controller adds announcements and timers on top of the same parts.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from display_board.board_model import BoardModel
from shared import events
from shared.api_client import ApiClient, ApiError
from shared.live import LiveFeed
from tests.e2e.live import wait_until

RETRY_SECONDS = 0.3


def board_view(model: BoardModel) -> dict[str, Any]:
    """What a visitor reads off a board: each counter's state and number, the last calls,
    the people waiting per line (estimates left out: they move with the clock)."""
    return {
        "counters": {
            cid: (c.state, c.ticket.number if c.ticket else None)
            for cid, c in sorted(model.counters.items())
        },
        "last_calls": [(call.number, call.counter_id) for call in model.last_calls],
        "waiting": {sid: int(line.get("waiting", 0)) for sid, line in sorted(model.lines.items())},
    }


def snapshot_view(snapshot: Mapping[str, Any], zone: str) -> dict[str, Any]:
    """``board_view`` of a board that has just loaded ``snapshot``: the exact state."""
    model = BoardModel(zone_code=zone)
    model.load_snapshot(snapshot)
    return board_view(model)


class Board:
    """A display board of one zone, following it live through ``url``."""

    def __init__(self, url: str, token: str, zone: str) -> None:
        self.zone = zone
        self.api = ApiClient(url, token)
        self.model = BoardModel(zone_code=zone)
        self.calls_heard: list[tuple[str, int]] = []  # (number, seq), as they arrived
        self.snapshots_loaded = 0
        self._lock = threading.RLock()
        self._wanted = threading.Event()
        self._stop = threading.Event()
        self.feed = LiveFeed(
            url,
            {"token": token},
            on_event=self._event,
            on_resync=self.resync,
            on_status=self._status,
            retry_seconds=RETRY_SECONDS,
        )
        self.last_error: str | None = None  # why the last snapshot load failed
        self.connections = 0  # (re)connects: more than one when the board moved over
        self._retrier = threading.Thread(target=self._retry, name="board-retry", daemon=True)
        self._to_drop = 0
        self.dropped: list[tuple[str, int]] = []
        # Below LiveFeed, as a lost packet would be: the feed never sees a dropped event.
        handlers = self.feed._sio.handlers["/"]
        for name in events.ALL_EVENTS:
            self.feed._sio.on(name, self._lossy(name, handlers[name]))

    def __enter__(self) -> Board:
        self.feed.start()
        self._retrier.start()
        try:
            wait_until(lambda: self.snapshots_loaded, 15, f"the board of {self.zone} to load")
        except AssertionError as exc:
            self.__exit__()
            raise AssertionError(f"{exc} (last answer: {self.last_error})") from None
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._wanted.set()
        self.feed.stop()
        self._retrier.join(timeout=5)
        self.api.close()

    def view(self) -> dict[str, Any]:
        with self._lock:
            return board_view(self.model)

    @property
    def seq(self) -> int:
        with self._lock:
            return self.model.seq_or_zero

    def wait_for_seq(self, seq: int, timeout: float = 15) -> None:
        wait_until(lambda: self.seq >= seq, timeout, f"the board to reach #{seq}")

    def drop_next(self, count: int) -> None:
        """Lose the next ``count`` events this board's socket receives."""
        with self._lock:
            self._to_drop = count

    def _lossy(self, name: str, handler: Callable[[Any], None]) -> Callable[[Any], None]:
        def receive(payload: Any) -> None:
            with self._lock:
                if self._to_drop > 0 and isinstance(payload, dict):
                    self._to_drop -= 1
                    self.dropped.append((name, int(payload.get("seq", 0))))
                    return
            handler(payload)

        return receive

    def resync(self) -> None:
        """Load the snapshot now; when the server cannot answer, keep retrying."""
        try:
            snapshot = self.api.zone_snapshot(self.zone)
        except ApiError as exc:
            self.last_error = f"{exc.status} {exc.code}: {exc.message}"
            self._wanted.set()
            return
        with self._lock:
            self.model.load_snapshot(snapshot)
            self.feed.tracker.reset(self.model.room, self.model.seq_or_zero)
            self.snapshots_loaded += 1
        self._wanted.clear()

    def _retry(self) -> None:
        while not self._stop.is_set():
            self._wanted.wait()
            if self._stop.wait(RETRY_SECONDS):
                return
            if self._wanted.is_set():
                self.resync()

    def _status(self, connected: bool) -> None:
        if connected:
            with self._lock:
                self.connections += 1

    def _event(self, name: str, payload: dict[str, Any]) -> None:
        with self._lock:
            applied = self.model.apply(name, payload)
            if name == events.TICKET_CALLED:
                self.calls_heard.append((str(payload["ticket"]["number"]), int(payload["seq"])))
        if applied.reload:
            self.resync()


def wait_until_exact(
    boards: list[Board], api: ApiClient, zone: str, nudge: Callable[[], object], timeout: float = 30
) -> dict[str, Any]:
    """Wait until every board shows exactly what a fresh snapshot says; returns that view.

    A board that missed events only notices at the next event of its room (a gap) or at
    its next reconnect, as the real ones do: ``nudge`` makes such an event (a ticket).
    """
    deadline = time.monotonic() + timeout
    while True:
        truth = snapshot_view(api.zone_snapshot(zone), zone)
        views = [board.view() for board in boards]
        if all(view == truth for view in views):
            return truth
        if time.monotonic() > deadline:
            raise AssertionError(f"boards never caught up: {views} != {truth}")
        nudge()
        time.sleep(0.5)


def settle(boards: list[Board], api: ApiClient, zone: str, timeout: float = 15) -> None:
    """Wait until every board has heard up to the zone's current seq.

    Two processes deliver one room's events by different paths (their own sockets at
    once, the other's through Redis), so commands made on both in quick succession may
    reach a board out of order; a test that wants no gap waits here in between.
    """
    seq = int(api.zone_snapshot(zone)["seq"])
    for board in boards:
        board.wait_for_seq(seq, timeout)
