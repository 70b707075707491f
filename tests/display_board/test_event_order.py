"""Events accepted in order but delivered swapped are put back in order before use."""

from __future__ import annotations

from display_board.event_order import SeqOrder


def ev(seq: int) -> tuple[str, dict[str, object]]:
    return ("ticket.called", {"room": "zone:a", "seq": seq})


def seqs(events: list[tuple[str, dict[str, object]]]) -> list[object]:
    return [payload["seq"] for _, payload in events]


def test_an_early_event_waits_for_the_ones_before_it() -> None:
    order = SeqOrder()
    assert seqs(order.put(10, *ev(12))) == []
    assert order.waiting == 1
    assert seqs(order.put(10, *ev(13))) == []
    assert seqs(order.put(10, *ev(11))) == [11, 12, 13]
    assert order.waiting == 0


def test_events_already_applied_are_dropped() -> None:
    order = SeqOrder()
    assert seqs(order.put(10, *ev(9))) == []
    assert seqs(order.put(10, *ev(10))) == []
    assert seqs(order.put(10, *ev(11))) == [11]


def test_before_the_first_snapshot_events_pass_through_to_be_ignored() -> None:
    assert seqs(SeqOrder().put(None, *ev(5))) == [5]


def test_a_snapshot_takes_the_place_of_held_events_it_contains() -> None:
    order = SeqOrder()
    order.put(10, *ev(12))
    order.put(10, *ev(15))
    order.forget(up_to=12)
    assert order.waiting == 1
    assert seqs(order.ready(14)) == [15]
    order.put(20, *ev(22))
    order.forget()
    assert order.waiting == 0
