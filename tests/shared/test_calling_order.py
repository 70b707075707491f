"""The calling order as the clients use it: who comes next, and why."""

from __future__ import annotations

import datetime as dt

from shared.calling_order import Reason, Waiting, calling_order, position, priority_turn

NOW = dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC)


def order(tickets: list[Waiting], **kw: object) -> list[tuple[int, str]]:
    options: dict[str, object] = {"counter_id": 7, "now": NOW, "priority_every_n": 1}
    options.update(kw)
    return [(p.ticket.id, p.reason.value) for p in calling_order(tickets, **options)]  # type: ignore[arg-type]


def test_each_ticket_comes_with_the_reason_for_its_place() -> None:
    tickets = [
        Waiting(1, 1.0, priority=False),
        Waiting(2, 2.0, priority=True),
        Waiting(3, 3.0, priority=False, booked_for=NOW - dt.timedelta(minutes=5)),
        Waiting(4, 4.0, priority=False, target_counter_id=7),
        Waiting(5, 5.0, priority=False, booked_for=NOW + dt.timedelta(hours=1)),
    ]
    assert order(tickets) == [
        (4, "transferred"),
        (3, "booking"),
        (2, "priority"),
        (1, "arrival"),
        (5, "arrival"),  # its slot has not come: it waits by its place in the line
    ]


def test_tickets_sent_to_another_counter_are_not_this_counters() -> None:
    tickets = [Waiting(1, 1.0, False), Waiting(2, 0.5, False, target_counter_id=8)]
    assert order(tickets) == [(1, "arrival")]
    # A line's forecast (no counter) counts them: one of its counters calls them first.
    assert order(tickets, counter_id=None) == [(2, "transferred"), (1, "arrival")]


def test_every_nth_call_goes_to_priority_counted_from_the_counters_last() -> None:
    tickets = [Waiting(i, float(i), priority=i >= 5) for i in range(1, 7)]
    assert [t for t, _ in order(tickets, priority_every_n=3)] == [1, 2, 5, 3, 4, 6]
    assert [t for t, _ in order(tickets, priority_every_n=3, calls_since_priority=2)] == [
        5, 1, 2, 6, 3, 4,
    ]  # fmt: skip
    assert [t for t, _ in order(tickets, priority_every_n=0)] == [1, 2, 3, 4, 5, 6]


def test_a_priority_ticket_reached_by_its_place_is_still_shown_as_priority() -> None:
    tickets = [Waiting(1, 1.0, priority=True), Waiting(2, 2.0, priority=False)]
    assert order(tickets, priority_every_n=0) == [(1, "priority"), (2, "arrival")]


def test_ties_in_the_line_go_to_the_lower_id_and_position_finds_a_ticket() -> None:
    tickets = [Waiting(9, 1.0, False), Waiting(3, 1.0, False)]
    placed = calling_order(tickets, counter_id=None, now=NOW, priority_every_n=1)
    assert [p.ticket.id for p in placed] == [3, 9]
    assert (position(placed, 9), position(placed, 42)) == (1, None)
    assert placed[0].reason is Reason.ARRIVAL


def test_the_priority_turn_rule() -> None:
    assert [priority_turn(n, 3) for n in range(4)] == [False, False, True, True]
    assert priority_turn(0, 1) and not priority_turn(10, 0)


def test_for_priority_always_or_never_first_the_sort_is_the_played_order() -> None:
    """``fixed_rank`` (what the server counts "people ahead" by in SQL) orders exactly as
    the counter's calls played one by one."""
    import random

    from shared.calling_order import played_order

    rng = random.Random(12)
    for _ in range(300):
        tickets = [
            Waiting(
                i,
                float(rng.randrange(6)),
                priority=rng.random() < 0.3,
                booked_for=NOW + dt.timedelta(minutes=rng.choice([-30, -1, 0, 5]))
                if rng.random() < 0.3
                else None,
                target_counter_id=rng.choice([None, None, None, 7, 8]),
            )
            for i in rng.sample(range(100), rng.randrange(0, 12))
        ]
        for every_n in (0, 1):
            for counter in (7, None):
                since = rng.randrange(4)
                assert calling_order(
                    tickets, counter_id=counter, now=NOW, priority_every_n=every_n,
                    calls_since_priority=since,
                ) == played_order(tickets, counter, NOW, every_n, since)  # fmt: skip
