"""Whom a counter calls next (docs/design.md#calling-order).

1. tickets transferred to this very counter, oldest first; 2. booked visitors whose slot
has come; 3. priority tickets (always, never, or every Nth call); 4. everyone else, first
come first served across the counter's services. Only today's line, only its services.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pytest

from server.domain import counters
from server.domain.errors import DomainError
from server.models import Priority, TicketSource, TicketState
from shared.errors import ErrorCode
from tests.conftest import JAKARTA, FakeClock
from tests.factories import Hall

if TYPE_CHECKING:
    from tests.server.domain.conftest import Desk

ELDERLY = Priority.ELDERLY


def test_tickets_sent_to_this_counter_come_first_oldest_transfer_first(
    desk: Desk, hall: Hall
) -> None:
    ktp_1, ktp_2 = desk.issue(hall.ktp), desk.issue(hall.ktp)  # DK-001, DK-002
    desk.issue(hall.kk)  # DK-003, waiting at Loket 2 since before the transfers
    desk.open(hall.c1)
    desk.open(hall.c2, "petugas2.dk")
    for ticket in (ktp_2, ktp_1):  # Loket 1 picks DK-002 first and sends it on first
        desk.at(hall.c1, counters.call_ticket, ticket_id=ticket.id)
        desk.at(
            hall.c1,
            counters.transfer,
            to_service=None,
            to_counter=desk.counter(hall.c2),
            front=False,
        )
        desk.clock.advance(minutes=3)

    assert desk.drain(hall.c2, "petugas2.dk") == ["DK-002", "DK-001", "DK-003"]


def test_a_booked_visitor_is_called_when_the_slot_has_come(
    desk: Desk, hall: Hall, clock: FakeClock
) -> None:
    half_past_nine = dt.datetime(2026, 11, 30, 9, 30, tzinfo=JAKARTA)
    walk_in = desk.issue(hall.kk)  # 09:00, DK-001
    desk.issue(hall.kk, source=TicketSource.BOOKING, booked_for=half_past_nine)  # DK-002
    desk.issue(hall.kk)  # 09:02 walk-in, DK-003
    desk.open(hall.c2)

    assert desk.next(hall.c2) is walk_in  # 09:03: the slot has not come yet
    clock.set(half_past_nine)
    assert desk.drain(hall.c2) == ["DK-002", "DK-003"]


def test_the_full_order_transfer_then_booking_then_priority_then_first_come(
    desk: Desk, hall: Hall, clock: FakeClock
) -> None:
    desk.issue(hall.kk)  # DK-001 walk-in
    desk.issue(hall.kk, priority=ELDERLY)  # DK-002
    desk.issue(hall.kk, source=TicketSource.BOOKING, booked_for=clock())  # DK-003, slot now
    sent = desk.issue(hall.ktp)  # DK-004, will be sent to Loket 2 from Loket 1
    desk.open(hall.c1)
    desk.open(hall.c2, "petugas2.dk")
    desk.at(hall.c1, counters.call_ticket, ticket_id=sent.id)
    desk.at(
        hall.c1, counters.transfer, to_service=None, to_counter=desk.counter(hall.c2), front=False
    )

    assert desk.drain(hall.c2, "petugas2.dk") == ["DK-004", "DK-003", "DK-002", "DK-001"]


def _three_regular_then_two_priority(desk: Desk) -> None:
    for _ in range(3):
        desk.issue(desk.hall.kk)  # DK-001..003
    for _ in range(2):
        desk.issue(desk.hall.kk, priority=ELDERLY)  # DK-004, DK-005


@pytest.mark.parametrize(
    ("every_n", "order"),
    [
        (1, ["DK-004", "DK-005", "DK-001", "DK-002", "DK-003"]),  # priority always first
        (0, ["DK-001", "DK-002", "DK-003", "DK-004", "DK-005"]),  # first come first served
        (2, ["DK-001", "DK-004", "DK-002", "DK-005", "DK-003"]),  # every second call
        (3, ["DK-001", "DK-002", "DK-004", "DK-003", "DK-005"]),  # every third call
    ],
)
def test_priority_tickets_get_the_share_of_calls_the_site_chose(
    desk: Desk, every_n: int, order: list[str]
) -> None:
    desk.settings(priority_every_n=every_n)
    _three_regular_then_two_priority(desk)
    desk.open(desk.hall.c2)
    assert desk.drain(desk.hall.c2) == order


def test_first_come_first_served_across_the_counters_services(desk: Desk, hall: Hall) -> None:
    desk.issue(hall.kk)  # Loket 1 lists KTP before KK, but arrival time decides
    desk.issue(hall.ktp)
    desk.issue(hall.kk)
    desk.issue(hall.ktp)
    desk.open(hall.c1)
    assert desk.drain(hall.c1) == ["DK-001", "DK-002", "DK-003", "DK-004"]


def test_a_counter_never_calls_a_ticket_of_a_service_it_does_not_serve(
    desk: Desk, hall: Hall
) -> None:
    ktp = desk.issue(hall.ktp)
    samsat = desk.issue(hall.pkb)
    desk.open(hall.c2)  # KK only

    assert desk.next(hall.c2) is None
    for ticket in (ktp, samsat):
        with pytest.raises(DomainError) as error:
            desk.at(hall.c2, counters.call_ticket, ticket_id=ticket.id)
        assert error.value.code == ErrorCode.SERVICE_NOT_AT_COUNTER
        assert ticket.state == TicketState.WAITING


def test_two_counters_of_one_line_never_call_the_same_ticket(desk: Desk, hall: Hall) -> None:
    first, second = desk.issue(hall.kk), desk.issue(hall.kk)
    desk.open(hall.c1)
    desk.open(hall.c2, "petugas2.dk")

    assert desk.next(hall.c1) is first
    assert desk.next(hall.c2, "petugas2.dk") is second
    assert desk.at(hall.c1, counters.call_next) is None


def test_yesterdays_waiting_tickets_are_not_called(
    desk: Desk, hall: Hall, clock: FakeClock
) -> None:
    monday = clock()
    clock.set(monday - dt.timedelta(days=1))
    forgotten = desk.issue(hall.kk)
    clock.set(monday)
    today = desk.issue(hall.kk)
    desk.open(hall.c2)

    assert desk.next(hall.c2) is today
    assert desk.next(hall.c2) is None
    assert forgotten.state == TicketState.WAITING


@pytest.mark.parametrize("every_n", [0, 1, 2, 3])
@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("at", ["Loket 2 (KK only)", "Loket 1 (KTP and KK)"])
def test_the_people_ahead_a_visitor_is_told_are_the_calls_before_theirs(
    desk: Desk, hall: Hall, clock: FakeClock, every_n: int, seed: int, at: str
) -> None:
    """Whatever the mix (priority, bookings due and not yet due, the priority rule), the
    "people ahead" of each waiting ticket is exactly how many calls the counter makes
    before it, when nobody else arrives."""
    import random

    from server.domain.estimates import estimate_now

    rng = random.Random(seed * 10 + every_n)
    desk.settings(priority_every_n=every_n)
    counter, services = (hall.c2, [hall.kk]) if "2" in at else (hall.c1, [hall.ktp, hall.kk])
    desk.open(counter)  # the only counter open: it calls across all its services
    for _ in range(rng.randrange(0, 3)):  # a counter that has called before
        desk.issue(hall.kk)
        desk.next(counter)
    start = clock()
    tickets = []
    for _ in range(rng.randrange(4, 10)):
        kind = rng.choice(["walk-in", "walk-in", "priority", "booked"])
        service = rng.choice(services)
        if kind == "booked":
            slot = start + dt.timedelta(minutes=rng.choice([-20, -5, 3, 60]))
            ticket = desk.issue(service, source=TicketSource.BOOKING, booked_for=slot)
        else:
            priority = ELDERLY if kind == "priority" else Priority.NONE
            ticket = desk.issue(service, priority=priority)
        tickets.append(ticket)
    told = {t.id: estimate_now(desk.ctx(), t).people_ahead for t in tickets}
    called = [desk.next(counter) for _ in tickets]
    assert [told[t.id] for t in called if t is not None] == list(range(len(tickets)))


def test_a_visitor_is_told_the_other_services_their_counter_calls_first(
    desk: Desk, hall: Hall
) -> None:
    """Loket 1 serves KTP and KK, first come first served across both: a KK visitor
    behind three KTP visitors, with only Loket 1 open, has three people ahead."""
    from server.domain.estimates import estimate_now

    desk.open(hall.c1)
    for _ in range(3):
        desk.issue(hall.ktp)
    kk = desk.issue(hall.kk)
    assert estimate_now(desk.ctx(), kk).people_ahead == 3
    desk.open(hall.c2, "petugas2.dk")  # Loket 2 serves KK only: it calls the KK visitor next
    assert estimate_now(desk.ctx(), kk).people_ahead == 0
