"""People ahead are counted in the database by one statement (``calling._count_ahead``:
its fixed values written into the SQL, the order as one row-value comparison, for
speed: docs/benchmarks.md, the third pass); whatever the line holds, on SQLite and
PostgreSQL alike, the count must equal the visitor's place in the calling order the
counters really take (``shared.calling_order``, computed in Python on the read rows)."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import select

from server.domain import calling, counters
from server.models import Priority, Ticket, TicketSource, TicketState
from tests.pg import fresh_database

if TYPE_CHECKING:
    from tests.factories import Hall
    from tests.server.domain.conftest import Desk


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, schema_template: Path
) -> Iterator[str]:
    if request.param == "sqlite":
        target = tmp_path / "antre.sqlite3"
        shutil.copy(schema_template, target)
        yield f"sqlite:///{target}"
        return
    with fresh_database(migrated=True) as url:
        yield url


def ahead_by_the_order(desk: Desk, ticket: Ticket) -> int | None:
    """The ticket's place in the order its line's counters take, computed in Python;
    None for a line of several groups of counters (not counted by the statement)."""
    ctx = desk.ctx()
    serving = ctx.catalog.serving_counters(desk.session, ticket.service_id)
    groups = calling._groups(serving)
    if len(groups) > 1:
        return None
    services, counter_ids = next(iter(groups.items()), (frozenset(), []))
    params = {"today": ticket.service_date, **calling._lines_params(sorted(services), counter_ids)}
    statement = calling._waiting_at(len(services), len(counter_ids))
    return calling._place(ctx, calling._read(desk.session, statement, params), ticket.id, 0)


def every_count_equals_the_order(desk: Desk) -> int:
    desk.session.flush()
    checked = 0
    for ticket in desk.session.scalars(select(Ticket).where(Ticket.state == TicketState.WAITING)):
        if ticket.target_counter_id is not None:
            continue  # sent to one counter: counted by the calling order, not by the count
        expected = ahead_by_the_order(desk, ticket)
        if expected is None:
            continue
        assert calling.line_forecast(desk.ctx(), ticket).ahead == expected, ticket.number
        checked += 1
    return checked


@pytest.mark.parametrize("every_n", [0, 1])
def test_the_count_of_people_ahead_equals_the_calling_order(
    desk: Desk, hall: Hall, every_n: int
) -> None:
    desk.settings(priority_every_n=every_n)
    now = desk.clock()
    for line in (hall.pkb, hall.ktp):  # PKB: two counters; KTP: with KK at Loket 1
        desk.issue(line)
        desk.issue(line, priority=Priority.ELDERLY)
        # Two visitors at the same instant: the same queue_key, the id decides.
        desk.issue(line, advance=False)
        desk.issue(line)
        # Bookings checked in: two due with slots out of arrival order, one not due yet.
        for minutes in (20, 10, 300):
            slot = now + dt.timedelta(minutes=minutes)
            desk.issue(line, source=TicketSource.BOOKING, booked_for=slot)
        desk.issue(line, priority=Priority.ELDERLY, advance=False)
        desk.issue(line)
        desk.issue(hall.kk)  # ahead of KTP visitors at Loket 1 by arrival
    assert every_count_equals_the_order(desk) == 18  # every counter closed
    desk.open(hall.c3)
    desk.open(hall.c1)
    assert every_count_equals_the_order(desk) == 18
    desk.clock.advance(minutes=30)  # the two earlier slots now due
    assert every_count_equals_the_order(desk) == 18
    desk.next(hall.c3)
    desk.at(hall.c3, counters.start)
    desk.open(hall.c4)
    assert every_count_equals_the_order(desk) == 17
    # Sent to the other PKB counter: ahead of everyone that counter calls.
    desk.at(
        hall.c3, counters.transfer, to_service=None, to_counter=desk.counter(hall.c4), front=False
    )
    assert every_count_equals_the_order(desk) == 17  # the sent one is counted for the others
