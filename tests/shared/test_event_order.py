"""Events that reach the feed swapped (python-socketio runs each handler on a thread of its
own) are delivered in seq order; only an event that never comes is a gap."""

from __future__ import annotations

import threading
import time
from typing import Any

from shared.live import EarlyEvents, LiveFeed

ROOM = "zone:a"


def ev(seq: int, room: str = ROOM) -> tuple[str, dict[str, Any]]:
    return ("ticket.called", {"room": room, "seq": seq})


class Subscriber:
    """A LiveFeed's callbacks, recorded (the feed is never connected in these tests)."""

    def __init__(self, hold_seconds: float = 0.5) -> None:
        self.seqs: list[int] = []
        self.resyncs = threading.Event()
        self.resync_count = 0
        self.feed = LiveFeed(
            "http://127.0.0.1:9",
            {},
            on_event=lambda _name, payload: self.seqs.append(payload["seq"]),
            on_resync=self._resync,
            hold_seconds=hold_seconds,
        )

    def _resync(self) -> None:
        self.resync_count += 1
        self.resyncs.set()

    def receive(self, *seqs: int) -> None:
        for seq in seqs:
            self.feed.receive(*ev(seq))


# --- the buffer ---------------------------------------------------------------------------


def test_a_held_event_comes_out_once_the_one_before_it_was_delivered() -> None:
    early = EarlyEvents()
    early.hold(ROOM, 12, ev(12))
    early.hold(ROOM, 13, ev(13))
    assert early.take_next(ROOM, 10) is None
    assert early.waiting(ROOM) == 2
    assert early.take_next(ROOM, 11) == ev(12)
    assert early.take_next(ROOM, 12) == ev(13)
    assert early.waiting(ROOM) == 0


def test_held_events_a_snapshot_already_contains_are_dropped() -> None:
    early = EarlyEvents()
    for seq in (12, 15):
        early.hold(ROOM, seq, ev(seq))
    assert early.take_next(ROOM, 14) == ev(15)
    assert early.waiting(ROOM) == 0


def test_rooms_are_held_apart() -> None:
    early = EarlyEvents()
    early.hold(ROOM, 5, ev(5))
    early.hold("agency:DK", 5, ev(5, "agency:DK"))
    early.drop(ROOM)
    assert early.waiting(ROOM) == 0
    assert early.waiting("agency:DK") == 1


# --- the feed -----------------------------------------------------------------------------


def test_swapped_events_are_delivered_in_order_without_a_resync() -> None:
    sub = Subscriber()
    sub.feed.tracker.reset(ROOM, 10)

    sub.receive(12, 14, 11, 13, 15)

    assert sub.seqs == [11, 12, 13, 14, 15]
    assert sub.feed.reordered == 2
    assert not sub.resyncs.wait(0.8), "a swap is not a gap"


def test_a_duplicate_or_an_event_already_in_the_snapshot_is_dropped() -> None:
    sub = Subscriber()
    sub.feed.tracker.reset(ROOM, 10)

    sub.receive(9, 10, 11, 11, 12)

    assert sub.seqs == [11, 12]


def test_an_event_that_never_comes_is_a_gap_after_the_hold() -> None:
    sub = Subscriber(hold_seconds=0.2)
    sub.feed.tracker.reset(ROOM, 10)

    started = time.monotonic()
    sub.receive(12, 13)

    assert sub.resyncs.wait(5)
    assert time.monotonic() - started >= 0.2
    assert sub.seqs == [] and sub.resync_count == 1
    # The snapshot the client loads has them all; what follows it is delivered.
    sub.feed.tracker.reset(ROOM, 13)
    sub.receive(14)
    assert sub.seqs == [14]


def test_a_snapshot_loaded_during_the_hold_lets_the_held_events_through() -> None:
    sub = Subscriber(hold_seconds=0.2)
    sub.feed.tracker.reset(ROOM, 10)
    sub.receive(13)

    sub.feed.tracker.reset(ROOM, 12)  # a resync asked for elsewhere, loaded meanwhile

    deadline = time.monotonic() + 5
    while sub.seqs != [13] and time.monotonic() < deadline:
        time.sleep(0.02)
    assert sub.seqs == [13]
    assert sub.resync_count == 0


def test_the_hold_lasts_while_the_missing_event_still_queues_for_the_feed() -> None:
    """A slow callback keeps the next handler thread waiting past the hold: not a gap."""
    delivered: list[tuple[str, int]] = []
    resyncs: list[bool] = []
    busy = threading.Event()

    def on_event(_name: str, payload: dict[str, Any]) -> None:
        if payload["room"] == "zone:b":
            busy.set()
            time.sleep(1.0)  # five holds long
        delivered.append((payload["room"], payload["seq"]))

    feed = LiveFeed(
        "http://127.0.0.1:9",
        {},
        on_event=on_event,
        on_resync=lambda: resyncs.append(True),
        hold_seconds=0.2,
    )
    feed.tracker.reset(ROOM, 10)
    feed.tracker.reset("zone:b", 0)
    feed.receive(*ev(12))  # early: held
    slow = threading.Thread(target=feed.receive, args=ev(1, "zone:b"))
    slow.start()
    assert busy.wait(5)
    time.sleep(0.35)  # the hold ran out: its timer waits for the lock too, ahead of ...
    late = threading.Thread(target=feed.receive, args=ev(11))  # ... the missing event
    late.start()
    slow.join(5)
    late.join(5)
    time.sleep(0.3)

    assert [seq for room, seq in delivered if room == ROOM] == [11, 12]
    assert resyncs == []


def test_a_room_without_a_snapshot_asks_for_one_at_once() -> None:
    sub = Subscriber()
    sub.receive(3)
    assert sub.resync_count == 1
    assert sub.seqs == []


def test_events_from_many_threads_at_once_come_out_once_each_in_order() -> None:
    sub = Subscriber(hold_seconds=30)  # a thread the busy machine pauses is no gap here
    sub.feed.tracker.reset(ROOM, 0)
    gate = threading.Barrier(8)

    def send(first: int) -> None:
        gate.wait()
        for seq in range(first, 401, 8):
            sub.feed.receive(*ev(seq))

    threads = [threading.Thread(target=send, args=(n,)) for n in range(1, 9)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)

    assert sub.seqs == list(range(1, 401))
    assert sub.resync_count == 0
