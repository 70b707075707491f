"""A ticket's payload reads the values the ticket holds when they are all loaded, and
loads them as the ORM would when they are not: the same JSON either way."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select

from server.domain.payloads import TICKET_FOR_PAYLOAD, ticket_payload
from server.models import Ticket

if TYPE_CHECKING:
    from tests.server.domain.conftest import Desk


def test_an_expired_ticket_says_what_a_loaded_one_says(desk: Desk) -> None:
    hall = desk.hall
    ticket = desk.issue(hall.ktp)
    desk.open(hall.c1)
    called = desk.next(hall.c1)
    assert called is not None and called.id == ticket.id
    desk.session.flush()
    loaded = ticket_payload(called)

    desk.session.expire(called)  # every attribute gone from the instance: loaded on use
    assert "number" not in called.__dict__

    assert ticket_payload(called) == loaded
    assert loaded["counter"] == {"id": hall.c1, "label": desk.counter(hall.c1).label}
    assert loaded["state"] == "called"


def test_a_ticket_read_without_its_counter_loads_it_on_use(desk: Desk) -> None:
    hall = desk.hall
    ticket = desk.issue(hall.ktp)
    desk.open(hall.c1)
    desk.next(hall.c1)
    desk.session.commit()
    desk.session.expunge_all()

    read = desk.session.scalars(
        select(Ticket).options(*TICKET_FOR_PAYLOAD).where(Ticket.id == ticket.id)
    ).one()
    assert "counter" not in read.__dict__  # not joined: lazy

    label = desk.counter(hall.c1).label
    assert ticket_payload(read)["counter"] == {"id": hall.c1, "label": label}
