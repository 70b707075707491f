"""The simulation's ticket book: a counter waits for the kiosk's booking of a ticket it
called, an idle officer wakes when someone waits in their lines, and the hall is not
closed while a visitor is still to be transferred."""

from __future__ import annotations

import threading
import time

from server.simulation.plan import Visit
from server.simulation.tickets import CALLED, GONE, WAITING, SimTicket, TicketBook


def ticket(ticket_id: int, service_id: int = 1, transfer_to: int | None = None) -> SimTicket:
    visit = Visit(
        index=ticket_id,
        arrival=0.0,
        service_id=service_id,
        priority="none",
        answers_on_call=1,
        leaves_after=None,
        service_seconds=60.0,
        transfer_to=transfer_to,
        transfer_service_seconds=30.0 if transfer_to else 0.0,
    )
    return SimTicket(ticket_id, f"DK-{ticket_id:03d}", "code", visit, service_id, 0.0, 0.0, 0, 0.0)


def test_a_ticket_called_before_its_issue_was_booked_is_waited_for() -> None:
    book = TicketBook()
    later = threading.Timer(0.1, book.add, args=(ticket(7),))
    later.start()
    assert book.get(7, timeout=5).id == 7  # type: ignore[union-attr]
    assert book.get(8, timeout=0.05) is None  # not ours


def test_an_idle_officer_wakes_when_someone_waits_in_their_lines() -> None:
    book = TicketBook()
    threading.Timer(0.1, book.add, args=(ticket(1, service_id=2),)).start()
    started = time.monotonic()
    assert book.wait_for_waiting((2,), timeout=5)
    assert time.monotonic() - started < 4
    assert not book.wait_for_waiting((3,), timeout=0.05)  # another line


def test_stopping_ends_every_idle_wait_at_once() -> None:
    book = TicketBook()
    threading.Timer(0.1, book.wake).start()
    started = time.monotonic()
    book.wait_for_waiting((1,), timeout=30)
    assert time.monotonic() - started < 5


def test_a_visitor_still_to_be_transferred_keeps_the_target_line_open() -> None:
    book = TicketBook()
    moving = ticket(1, service_id=1, transfer_to=2)
    book.add(moving)
    assert not book.transfers_pending((2,))  # still waiting in the first line
    book.move(moving, CALLED)
    assert book.transfers_pending((2,))
    moving.leg, moving.service_id = 2, 2
    book.move(moving, WAITING)
    assert not book.transfers_pending((2,))
    assert book.waiting((2,)) == 1 and book.waiting((1,)) == 0
    book.move(moving, GONE)
    assert book.open_tickets() == 0
