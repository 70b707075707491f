"""The estimate reads the counters that will call a visitor in the same statement as the
people ahead of them (docs/benchmarks.md, the issue path against the reference): what it
reads there must be what reading them apart gives, whatever the hall is doing."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from sqlalchemy import select

from server.domain import counters
from server.domain.calling import line_forecast
from server.domain.estimates import estimate_now, spread_now, typical_pause_now
from server.domain.tickets import cancel_ticket
from server.models import Counter, Ticket, TicketState

if TYPE_CHECKING:
    from tests.factories import Hall
    from tests.server.domain.conftest import Desk


def read_together_equals_read_apart(desk: Desk) -> int:
    """For every waiting ticket: the counters read with the count equal those read
    apart, and so does the estimate; returns how many forecasts read them together."""
    ctx = desk.ctx()
    together = 0
    waiting = desk.session.scalars(select(Ticket).where(Ticket.state == TicketState.WAITING))
    for ticket in waiting:
        forecast = line_forecast(ctx, ticket)
        if forecast.counters_now is None:
            continue
        together += 1
        apart = dataclasses.replace(forecast, counters_now=None)
        assert estimate_with(desk, ticket, forecast) == estimate_with(desk, ticket, apart)
    return together


def estimate_with(desk: Desk, ticket: Ticket, forecast: object) -> tuple[int, int]:
    """The estimate of ``ticket`` had the forecast been ``forecast``."""
    from server.domain import estimates

    real = estimates.line_forecast
    estimates.line_forecast = lambda ctx, t: forecast  # type: ignore[assignment,return-value]
    try:
        told = estimate_now(desk.ctx(), ticket)
    finally:
        estimates.line_forecast = real
    return told.people_ahead, told.estimated_wait_seconds


def test_counters_read_with_the_count_equal_those_read_apart_through_a_hall_morning(
    desk: Desk, hall: Hall
) -> None:
    together = 0

    def check() -> None:
        nonlocal together
        together += read_together_equals_read_apart(desk)

    for service in (hall.ktp, hall.ktp, hall.pkb, hall.pkb, hall.kk):
        desk.issue(service)
    check()  # every counter closed
    desk.open(hall.c1)
    desk.open(hall.c3)
    desk.open(hall.c4)
    check()
    desk.next(hall.c1)
    desk.next(hall.c3)
    check()  # called, not started
    desk.at(hall.c1, counters.start)
    desk.clock.advance(minutes=3)
    check()  # serving for three minutes
    desk.at(hall.c4, counters.pause_counter)
    desk.issue(hall.pkb)
    check()  # one of the two PKB counters paused
    desk.at(hall.c1, counters.finish)
    desk.next(hall.c1)
    desk.open(hall.c2)
    desk.at(
        hall.c1, counters.transfer, to_service=None, to_counter=desk.counter(hall.c2), front=False
    )
    check()  # sent to one counter
    for _ in range(3):
        desk.at(hall.c3, counters.recall)
    desk.at(hall.c3, counters.no_show)
    check()
    first_pkb = desk.session.scalars(
        select(Ticket).where(Ticket.service_id == hall.pkb, Ticket.state == TicketState.WAITING)
    ).first()
    assert first_pkb is not None
    cancel_ticket(desk.ctx(), first_pkb)
    check()
    desk.session.get_one(Counter, hall.c4).active = False
    check()  # an inactive counter calls nobody
    assert together >= 10


def test_with_today_s_spread_and_typical_pause_counters_read_together_equal_apart(
    desk: Desk, hall: Hall
) -> None:
    """The counters' pause times and the services under way feed the playings with
    today's spread: read with the count or apart, the estimate is the same."""
    desk.open(hall.c1)
    desk.open(hall.c3, "petugas.sm")
    desk.open(hall.c4, "petugas.sm")
    for minutes in (4, 5, 6, 7, 8, 9, 10, 11, 13, 16, 21, 30):
        for counter, service, user in (
            (hall.c1, hall.ktp, "petugas.dk"),
            (hall.c3, hall.pkb, "petugas.sm"),
        ):
            desk.issue(service, advance=False)
            desk.at(counter, counters.call_next, user)
            desk.at(counter, counters.start, user)
            desk.clock.advance(minutes=minutes)
            desk.at(counter, counters.finish, user)
    for minutes in (10, 15, 20):
        desk.at(hall.c4, counters.pause_counter, "petugas.sm")
        desk.clock.advance(minutes=minutes)
        desk.at(hall.c4, counters.resume_counter, "petugas.sm")
    for service in (hall.pkb, hall.pkb, hall.pkb, hall.ktp, hall.kk, hall.ktp):
        desk.issue(service)
    desk.at(hall.c3, counters.call_next, "petugas.sm")
    desk.at(hall.c3, counters.start, "petugas.sm")
    desk.at(hall.c4, counters.pause_counter, "petugas.sm")
    desk.at(hall.c1, counters.call_next)
    desk.at(hall.c1, counters.start)
    desk.clock.advance(minutes=6)

    ctx = desk.ctx()
    assert spread_now(ctx) is not None
    assert typical_pause_now(ctx) == 15.0
    assert read_together_equals_read_apart(desk) >= 3
