"""Closing the day: tickets still open from an earlier service date become expired."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from server.domain import counters
from server.domain.tickets import expire_open_tickets
from server.models import CounterState, Ticket, TicketState
from tests.conftest import FakeClock
from tests.factories import Hall

if TYPE_CHECKING:
    from tests.server.domain.conftest import Desk

MONDAY = dt.date(2026, 11, 30)


def sunday_left_open(desk: Desk, hall: Hall, clock: FakeClock) -> dict[str, Ticket]:
    """Sunday ends with a visitor waiting, one called at Loket 1, one served at Loket 2,
    one finished and one no-show."""
    monday = clock()
    clock.set(monday - dt.timedelta(days=1))
    done = desk.issue(hall.kk)
    called = desk.issue(hall.kk)
    serving = desk.issue(hall.kk)
    absent = desk.issue(hall.kk)
    waiting = desk.issue(hall.kk)
    desk.open(hall.c1)
    desk.open(hall.c2, "petugas2.dk")
    desk.settings(no_show_after_calls=1)
    desk.next(hall.c1)
    desk.at(hall.c1, counters.finish)
    desk.at(hall.c1, counters.call_ticket, ticket_id=absent.id)
    desk.at(hall.c1, counters.no_show)
    desk.at(hall.c1, counters.call_ticket, ticket_id=called.id)
    desk.at(hall.c2, counters.call_ticket, "petugas2.dk", ticket_id=serving.id)
    desk.at(hall.c2, counters.start, "petugas2.dk")
    clock.set(monday)
    return {
        "done": done,
        "called": called,
        "serving": serving,
        "absent": absent,
        "waiting": waiting,
    }


def test_open_tickets_of_an_earlier_day_expire(desk: Desk, hall: Hall, clock: FakeClock) -> None:
    sunday = sunday_left_open(desk, hall, clock)

    expired = expire_open_tickets(desk.ctx(None), MONDAY)

    assert expired == 3
    assert {name: t.state for name, t in sunday.items()} == {
        "done": TicketState.DONE,
        "called": TicketState.EXPIRED,
        "serving": TicketState.EXPIRED,
        "absent": TicketState.NO_SHOW,
        "waiting": TicketState.EXPIRED,
    }
    row = desk.events(sunday["serving"])[-1]
    assert (row.kind, row.from_state, row.to_state, row.user_id) == (
        "expired",
        "serving",
        "expired",
        None,
    )


def test_expiry_frees_the_counters_that_held_a_ticket(
    desk: Desk, hall: Hall, clock: FakeClock
) -> None:
    sunday_left_open(desk, hall, clock)

    expire_open_tickets(desk.ctx(None), MONDAY)

    assert desk.counter(hall.c1).current_ticket_id is None
    assert desk.counter(hall.c2).current_ticket_id is None
    desk.at(hall.c1, counters.close_counter)  # no longer busy with yesterday's visitor
    assert desk.counter(hall.c1).state == CounterState.CLOSED


def test_expiry_leaves_todays_tickets_alone(desk: Desk, hall: Hall, clock: FakeClock) -> None:
    sunday_left_open(desk, hall, clock)
    waiting, called = desk.issue(hall.kk), desk.issue(hall.ktp)
    # Loket 1 moves on to today's visitor (calling first finishes what it held since Sunday).
    desk.at(hall.c1, counters.call_ticket, ticket_id=called.id)

    expire_open_tickets(desk.ctx(None), MONDAY)

    assert (waiting.state, called.state) == (TicketState.WAITING, TicketState.CALLED)
    assert desk.counter(hall.c1).current_ticket_id == called.id


def test_expiry_is_idempotent(desk: Desk, hall: Hall, clock: FakeClock) -> None:
    sunday = sunday_left_open(desk, hall, clock)
    assert expire_open_tickets(desk.ctx(None), MONDAY) == 3
    logged = len(desk.events(sunday["waiting"]))

    assert expire_open_tickets(desk.ctx(None), MONDAY) == 0

    assert len(desk.events(sunday["waiting"])) == logged
    assert sunday["waiting"].state == TicketState.EXPIRED


def test_expiry_tells_every_board_and_phone_of_each_expired_ticket(
    desk: Desk, hall: Hall, clock: FakeClock
) -> None:
    sunday = sunday_left_open(desk, hall, clock)
    ctx = desk.ctx(None)

    expire_open_tickets(ctx, MONDAY)

    pushes = ctx.outbox.flush(desk.session)
    updated = [p.payload["ticket"] for p in pushes if p.name == "ticket.updated"]
    staff = sorted({t["number"] for t in updated if "id" in t})
    expected = sorted(sunday[name].number for name in ("called", "serving", "waiting"))
    assert staff == expected
    assert {t["state"] for t in updated} == {"expired"}
    phone_rooms = {p.room for p in pushes if p.room.startswith("ticket:")}
    assert phone_rooms == {
        f"ticket:{sunday[name].status_code}" for name in ("called", "serving", "waiting")
    }
