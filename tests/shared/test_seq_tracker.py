"""How a client judges each pushed event by its room's seq."""

from __future__ import annotations

import pytest

from shared.live import SeqTracker, Verdict


@pytest.mark.parametrize(
    ("seq", "verdict"),
    [(10, Verdict.STALE), (9, Verdict.STALE), (11, Verdict.APPLY), (12, Verdict.GAP)],
)
def test_after_a_snapshot_at_seq_10(seq: int, verdict: Verdict) -> None:
    tracker = SeqTracker()
    tracker.reset("zone:a", 10)
    assert tracker.accept({"room": "zone:a", "seq": seq}) is verdict


def test_events_in_order_are_applied_one_after_another() -> None:
    tracker = SeqTracker()
    tracker.reset("zone:a", 0)
    verdicts = [tracker.accept({"room": "zone:a", "seq": n}) for n in (1, 2, 3)]
    assert verdicts == [Verdict.APPLY] * 3
    assert tracker.last("zone:a") == 3


def test_a_room_without_a_snapshot_asks_for_one() -> None:
    assert SeqTracker().accept({"room": "hall", "seq": 1}) is Verdict.GAP


def test_rooms_are_counted_separately() -> None:
    tracker = SeqTracker()
    tracker.reset("agency:DK", 5)
    tracker.reset("counter:1", 2)
    assert tracker.accept({"room": "counter:1", "seq": 3}) is Verdict.APPLY
    assert tracker.accept({"room": "agency:DK", "seq": 6}) is Verdict.APPLY


def test_a_payload_without_room_or_seq_is_treated_as_a_gap() -> None:
    tracker = SeqTracker()
    tracker.reset("hall", 1)
    assert tracker.accept({"seq": 2}) is Verdict.GAP
    assert tracker.accept({"room": "hall", "seq": "2"}) is Verdict.GAP
