"""The life of a ticket (docs/design.md#ticket-life) and of the counter that calls it.

Every change goes through the transition table; anything else is refused with
``invalid_transition`` and leaves the ticket as it was, with nothing in the event log.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest

from server.domain import counters
from server.domain.errors import DomainError
from server.domain.ticket_log import TRANSITIONS, transition
from server.domain.tickets import cancel_ticket, expire_open_tickets, requeue_no_show
from server.models import CounterState, Ticket, TicketState
from shared.errors import ErrorCode
from tests.conftest import JAKARTA, FakeClock
from tests.factories import Hall

if TYPE_CHECKING:
    from tests.server.domain.conftest import Desk

# Issuing creates a ticket rather than changing one, so it is not among the moves below.
ACTIONS = sorted({action for _, action in TRANSITIONS} - {"issued"})
ALLOWED = [(s, a, to) for (s, a), to in TRANSITIONS.items() if s is not None]
REFUSED = [(s, a) for s in TicketState for a in ACTIONS if (s, a) not in TRANSITIONS]


def ticket_in(desk: Desk, state: TicketState) -> Ticket:
    """A DK-KTP ticket brought to ``state`` the way the hall gets it there."""
    hall = desk.hall
    if state == TicketState.EXPIRED:
        today = desk.clock()
        desk.clock.set(today - dt.timedelta(days=1))
        ticket = desk.issue(hall.ktp)
        desk.clock.set(today)
        expire_open_tickets(desk.ctx(None), desk.ctx().today)
        return ticket
    ticket = desk.issue(hall.ktp)
    if state == TicketState.WAITING:
        return ticket
    if state == TicketState.CANCELLED:
        cancel_ticket(desk.ctx(), ticket)
        return ticket
    desk.open(hall.c1)
    assert desk.next(hall.c1) is ticket
    if state == TicketState.SERVING:
        desk.at(hall.c1, counters.start)
    elif state == TicketState.DONE:
        desk.at(hall.c1, counters.finish)
    elif state == TicketState.NO_SHOW:
        desk.at(hall.c1, counters.recall)
        desk.at(hall.c1, counters.recall)
        desk.at(hall.c1, counters.no_show)
    assert ticket.state == state
    return ticket


# --- the transition table ----------------------------------------------------------


@pytest.mark.parametrize(("state", "action", "after"), ALLOWED)
def test_every_allowed_transition_changes_the_state_and_logs_one_row(
    desk: Desk, state: TicketState, action: str, after: TicketState
) -> None:
    ticket = ticket_in(desk, state)
    logged = len(desk.events(ticket))

    transition(desk.ctx(), ticket, action)

    assert ticket.state == after
    rows = desk.events(ticket)
    assert len(rows) == logged + 1
    assert (rows[-1].kind, rows[-1].from_state, rows[-1].to_state) == (action, state, after)


@pytest.mark.parametrize(("state", "action"), REFUSED)
def test_every_other_transition_is_refused_and_changes_nothing(
    desk: Desk, state: TicketState, action: str
) -> None:
    ticket = ticket_in(desk, state)
    logged = len(desk.events(ticket))

    with pytest.raises(DomainError) as error:
        transition(desk.ctx(), ticket, action)

    assert error.value.code == ErrorCode.INVALID_TRANSITION
    assert ticket.state == state
    assert len(desk.events(ticket)) == logged


@pytest.mark.parametrize("state", [s for s in TicketState if s != TicketState.WAITING])
def test_only_a_waiting_ticket_can_be_cancelled(desk: Desk, state: TicketState) -> None:
    ticket = ticket_in(desk, state)
    with pytest.raises(DomainError) as error:
        cancel_ticket(desk.ctx(), ticket)
    assert error.value.code == ErrorCode.INVALID_TRANSITION
    assert ticket.state == state


@pytest.mark.parametrize("state", [s for s in TicketState if s != TicketState.NO_SHOW])
def test_only_a_no_show_can_be_put_back_in_line(desk: Desk, state: TicketState) -> None:
    ticket = ticket_in(desk, state)
    with pytest.raises(DomainError) as error:
        requeue_no_show(desk.ctx(), ticket)
    assert error.value.code == ErrorCode.INVALID_TRANSITION
    assert ticket.state == state


@pytest.mark.parametrize("state", [s for s in TicketState if s != TicketState.WAITING])
def test_only_a_waiting_ticket_can_be_called_from_the_list(desk: Desk, state: TicketState) -> None:
    ticket = ticket_in(desk, state)
    desk.open(desk.hall.c1)
    with pytest.raises(DomainError) as error:
        desk.at(desk.hall.c1, counters.call_ticket, ticket_id=ticket.id)
    assert error.value.code == ErrorCode.INVALID_TRANSITION
    assert ticket.state == state


@pytest.mark.parametrize("action", [counters.recall, counters.start, counters.no_show])
def test_a_ticket_being_served_cannot_be_recalled_restarted_or_marked_no_show(
    desk: Desk, action: Callable[..., Any]
) -> None:
    ticket = ticket_in(desk, TicketState.SERVING)
    with pytest.raises(DomainError) as error:
        desk.at(desk.hall.c1, action)
    assert error.value.code == ErrorCode.INVALID_TRANSITION
    assert ticket.state == TicketState.SERVING


# --- the event log -----------------------------------------------------------------


def test_the_event_log_has_one_row_per_change_with_who_where_and_when(
    desk: Desk, hall: Hall, clock: FakeClock
) -> None:
    ticket = desk.issue(hall.ktp)
    desk.open(hall.c1)
    desk.next(hall.c1)
    desk.at(hall.c1, counters.recall)
    desk.at(hall.c1, counters.start)
    clock.advance(minutes=7)
    desk.at(hall.c1, counters.finish)

    rows = desk.events(ticket)
    assert [(r.kind, r.from_state, r.to_state) for r in rows] == [
        ("issued", None, "waiting"),
        ("called", "waiting", "called"),
        ("recalled", "called", "called"),
        ("started", "called", "serving"),
        ("finished", "serving", "done"),
    ]
    issued, *at_counter = rows
    assert (issued.device_id, issued.user_id, issued.counter_id) == (desk.kiosk_id, None, None)
    officer = hall.users["petugas.dk"]
    assert {(r.counter_id, r.user_id) for r in at_counter} == {(hall.c1, officer)}
    assert rows[-1].at == clock()
    assert all(r.service_id == hall.ktp for r in rows)


# --- at the counter ----------------------------------------------------------------


def test_next_finishes_the_current_ticket_then_calls_the_next_one(
    desk: Desk, hall: Hall, clock: FakeClock
) -> None:
    first, second = desk.issue(hall.ktp), desk.issue(hall.ktp)
    desk.open(hall.c1)
    assert desk.next(hall.c1) is first
    clock.advance(minutes=5)

    assert desk.next(hall.c1) is second

    assert first.state == TicketState.DONE
    assert first.finished_at == clock()
    assert first.started_at == first.called_at  # served without pressing "start"
    assert second.state == TicketState.CALLED
    assert desk.counter(hall.c1).current_ticket_id == second.id


def test_next_on_an_empty_line_finishes_the_current_ticket_and_calls_nobody(
    desk: Desk, hall: Hall
) -> None:
    only = desk.issue(hall.ktp)
    desk.open(hall.c1)
    desk.next(hall.c1)
    assert desk.next(hall.c1) is None
    assert only.state == TicketState.DONE
    assert desk.counter(hall.c1).current_ticket_id is None


def test_a_recall_calls_the_same_number_again_and_counts_it(
    desk: Desk, hall: Hall, clock: FakeClock
) -> None:
    ticket = desk.issue(hall.ktp)
    desk.open(hall.c1)
    desk.next(hall.c1)
    assert ticket.call_count == 1
    clock.advance(minutes=1)

    again = desk.at(hall.c1, counters.recall)

    assert again is ticket
    assert (ticket.state, ticket.call_count, ticket.called_at) == (TicketState.CALLED, 2, clock())
    desk.at(hall.c1, counters.recall)
    assert ticket.call_count == 3


def test_a_counter_with_nobody_called_has_nothing_to_recall(desk: Desk, hall: Hall) -> None:
    desk.open(hall.c1)
    with pytest.raises(DomainError) as error:
        desk.at(hall.c1, counters.recall)
    assert error.value.code == ErrorCode.COUNTER_IDLE


def test_no_show_is_refused_until_the_number_was_called_enough_times(
    desk: Desk, hall: Hall
) -> None:
    ticket = desk.issue(hall.ktp)
    desk.open(hall.c1)
    desk.next(hall.c1)
    for calls in (1, 2):
        with pytest.raises(DomainError) as error:
            desk.at(hall.c1, counters.no_show)
        assert error.value.code == ErrorCode.NOT_CALLED_ENOUGH
        assert error.value.details == {"calls": calls, "needed": 3}
        assert ticket.state == TicketState.CALLED
        desk.at(hall.c1, counters.recall)

    desk.at(hall.c1, counters.no_show)

    assert ticket.state == TicketState.NO_SHOW
    assert desk.counter(hall.c1).current_ticket_id is None


def test_the_number_of_calls_before_no_show_is_a_site_setting(desk: Desk, hall: Hall) -> None:
    desk.settings(no_show_after_calls=1)
    ticket = desk.issue(hall.ktp)
    desk.open(hall.c1)
    desk.next(hall.c1)
    desk.at(hall.c1, counters.no_show)
    assert ticket.state == TicketState.NO_SHOW


def _no_show_then_five_more(desk: Desk) -> Ticket:
    """DK-001 is called at Loket 2 and does not come; DK-002..DK-006 wait behind it."""
    hall = desk.hall
    absent = desk.issue(hall.kk)
    for _ in range(5):
        desk.issue(hall.kk)
    desk.open(hall.c2)
    assert desk.next(hall.c2) is absent
    desk.settings(no_show_after_calls=1)
    desk.at(hall.c2, counters.no_show)
    desk.clock.advance(minutes=10)  # the visitor comes back
    return absent


def test_a_returning_no_show_goes_back_three_places_down_the_line(desk: Desk) -> None:
    absent = _no_show_then_five_more(desk)

    requeue_no_show(desk.ctx(), absent)

    assert absent.state == TicketState.WAITING
    assert desk.drain(desk.hall.c2) == ["DK-002", "DK-003", "DK-004", "DK-001", "DK-005", "DK-006"]


def test_the_number_of_places_down_is_a_site_setting(desk: Desk) -> None:
    absent = _no_show_then_five_more(desk)
    desk.settings(no_show_return_places=1)

    requeue_no_show(desk.ctx(), absent)

    assert desk.drain(desk.hall.c2) == ["DK-002", "DK-001", "DK-003", "DK-004", "DK-005", "DK-006"]


def test_staff_can_put_a_returning_no_show_at_the_front(desk: Desk) -> None:
    absent = _no_show_then_five_more(desk)

    requeue_no_show(desk.ctx(), absent, places=0)

    assert desk.drain(desk.hall.c2)[0] == "DK-001"


def test_a_no_show_returning_to_a_short_line_goes_to_its_end(desk: Desk) -> None:
    absent = _no_show_then_five_more(desk)

    requeue_no_show(desk.ctx(), absent, places=10)

    assert desk.drain(desk.hall.c2)[-1] == "DK-001"


def test_a_no_show_returning_to_an_empty_line_is_ahead_of_later_arrivals(
    desk: Desk, hall: Hall, clock: FakeClock
) -> None:
    # A day in the past: the line position must come from the hall's clock, not the host's.
    clock.set(dt.datetime(2024, 6, 3, 9, 0, tzinfo=JAKARTA))
    absent = desk.issue(hall.kk)
    desk.open(hall.c2)
    desk.next(hall.c2)
    desk.settings(no_show_after_calls=1)
    desk.at(hall.c2, counters.no_show)
    clock.advance(minutes=5)
    requeue_no_show(desk.ctx(), absent)
    clock.advance(minutes=1)
    later = desk.issue(hall.kk)

    assert desk.drain(hall.c2) == [absent.number, later.number]


def test_a_no_show_from_an_earlier_day_cannot_be_put_back_in_line(
    desk: Desk, hall: Hall, clock: FakeClock
) -> None:
    monday = clock()
    clock.set(monday - dt.timedelta(days=1))
    absent = ticket_in(desk, TicketState.NO_SHOW)
    clock.set(monday)

    with pytest.raises(DomainError) as error:
        requeue_no_show(desk.ctx(), absent)
    assert error.value.code == ErrorCode.INVALID_TRANSITION
    assert absent.state == TicketState.NO_SHOW


# --- transfers ---------------------------------------------------------------------


def _ktp_visitor_at_loket_1_and_two_kk_waiting(desk: Desk) -> Ticket:
    """DK-001 (KTP) is at Loket 1; DK-002 and DK-003 wait for KK."""
    hall = desk.hall
    visitor = desk.issue(hall.ktp)
    desk.issue(hall.kk)
    desk.issue(hall.kk)
    desk.open(hall.c1)
    desk.open(hall.c2, "petugas2.dk")
    assert desk.next(hall.c1) is visitor
    return visitor


def test_a_transfer_to_another_service_joins_the_back_of_its_line(desk: Desk, hall: Hall) -> None:
    visitor = _ktp_visitor_at_loket_1_and_two_kk_waiting(desk)

    desk.at(
        hall.c1, counters.transfer, to_service=desk.service(hall.kk), to_counter=None, front=False
    )

    assert (visitor.state, visitor.service_id, visitor.origin_service_id) == (
        TicketState.WAITING,
        hall.kk,
        hall.ktp,
    )
    assert (visitor.counter_id, visitor.call_count) == (None, 0)
    assert desk.counter(hall.c1).current_ticket_id is None
    assert desk.drain(hall.c2, "petugas2.dk") == ["DK-002", "DK-003", "DK-001"]


def test_a_transfer_to_the_front_of_a_line_is_called_first(desk: Desk, hall: Hall) -> None:
    _ktp_visitor_at_loket_1_and_two_kk_waiting(desk)

    desk.at(
        hall.c1, counters.transfer, to_service=desk.service(hall.kk), to_counter=None, front=True
    )

    assert desk.drain(hall.c2, "petugas2.dk") == ["DK-001", "DK-002", "DK-003"]


def test_a_transfer_to_one_counter_is_called_there_before_its_own_line(
    desk: Desk, hall: Hall
) -> None:
    visitor = _ktp_visitor_at_loket_1_and_two_kk_waiting(desk)

    desk.at(
        hall.c1, counters.transfer, to_service=None, to_counter=desk.counter(hall.c2), front=False
    )

    assert visitor.target_counter_id == hall.c2
    assert visitor.service_id == hall.kk  # Loket 2 serves KK only: the visitor joins it there
    assert desk.drain(hall.c2, "petugas2.dk") == ["DK-001", "DK-002", "DK-003"]


def test_a_ticket_sent_to_one_counter_is_not_called_by_another(desk: Desk, hall: Hall) -> None:
    visitor = desk.issue(hall.kk)
    desk.open(hall.c1)
    desk.open(hall.c2, "petugas2.dk")
    desk.next(hall.c1)
    desk.at(
        hall.c1, counters.transfer, to_service=None, to_counter=desk.counter(hall.c2), front=False
    )

    assert desk.next(hall.c1) is None  # Loket 1 serves KK too, but the visitor was sent to 2
    assert desk.next(hall.c2, "petugas2.dk") is visitor


def test_a_transfer_to_another_agency_keeps_the_number(desk: Desk, hall: Hall) -> None:
    visitor = desk.issue(hall.ktp)
    desk.open(hall.c1)
    desk.open(hall.c3, "petugas.sm")
    desk.next(hall.c1)
    desk.at(hall.c1, counters.start)

    desk.at(
        hall.c1, counters.transfer, to_service=desk.service(hall.pkb), to_counter=None, front=False
    )

    called = desk.next(hall.c3, "petugas.sm")
    assert called is visitor
    assert (called.number, called.service_id, called.counter_id) == ("DK-001", hall.pkb, hall.c3)


@pytest.mark.parametrize("target", ["same counter", "neither", "both"])
def test_a_transfer_needs_exactly_one_other_place_to_go(
    desk: Desk, hall: Hall, target: str
) -> None:
    visitor = desk.issue(hall.ktp)
    desk.open(hall.c1)
    desk.next(hall.c1)
    to_service = desk.service(hall.kk) if target == "both" else None
    to_counter = {"same counter": hall.c1, "neither": None, "both": hall.c2}[target]

    with pytest.raises(DomainError) as error:
        desk.at(
            hall.c1,
            counters.transfer,
            to_service=to_service,
            to_counter=desk.counter(to_counter) if to_counter else None,
            front=False,
        )
    assert error.value.code == ErrorCode.VALIDATION_ERROR
    assert visitor.state == TicketState.CALLED


# --- the counter's own state -------------------------------------------------------


def test_a_closed_counter_calls_nobody(desk: Desk, hall: Hall) -> None:
    desk.issue(hall.ktp)
    with pytest.raises(DomainError) as error:
        desk.next(hall.c1)
    assert error.value.code == ErrorCode.COUNTER_CLOSED


def test_a_paused_counter_calls_nobody_until_it_resumes(desk: Desk, hall: Hall) -> None:
    ticket = desk.issue(hall.ktp)
    desk.open(hall.c1)
    desk.at(hall.c1, counters.pause_counter)
    with pytest.raises(DomainError) as error:
        desk.next(hall.c1)
    assert error.value.code == ErrorCode.COUNTER_PAUSED
    assert ticket.state == TicketState.WAITING

    desk.at(hall.c1, counters.resume_counter)

    assert desk.next(hall.c1) is ticket


def test_pause_and_resume_only_from_the_matching_state(desk: Desk, hall: Hall) -> None:
    for action in (counters.pause_counter, counters.resume_counter):
        with pytest.raises(DomainError) as error:
            desk.at(hall.c1, action)  # closed
        assert error.value.code == ErrorCode.INVALID_TRANSITION
    desk.open(hall.c1)
    with pytest.raises(DomainError) as error:
        desk.at(hall.c1, counters.resume_counter)  # open, not paused
    assert error.value.code == ErrorCode.INVALID_TRANSITION
    assert desk.counter(hall.c1).state == CounterState.OPEN


def test_a_counter_holding_a_visitor_cannot_close(desk: Desk, hall: Hall) -> None:
    desk.issue(hall.ktp)
    desk.open(hall.c1)
    desk.next(hall.c1)
    with pytest.raises(DomainError) as error:
        desk.at(hall.c1, counters.close_counter)
    assert error.value.code == ErrorCode.COUNTER_BUSY
    assert desk.counter(hall.c1).state == CounterState.OPEN

    desk.at(hall.c1, counters.finish)
    desk.at(hall.c1, counters.close_counter)

    counter = desk.counter(hall.c1)
    assert (counter.state, counter.officer_id) == (CounterState.CLOSED, None)


def test_a_closed_counter_cannot_close_again(desk: Desk, hall: Hall) -> None:
    with pytest.raises(DomainError) as error:
        desk.at(hall.c1, counters.close_counter)
    assert error.value.code == ErrorCode.INVALID_TRANSITION


def test_a_counter_open_under_one_officer_is_refused_to_another(desk: Desk, hall: Hall) -> None:
    desk.open(hall.c1, "petugas.dk")
    with pytest.raises(DomainError) as error:
        desk.open(hall.c1, "petugas2.dk")
    assert error.value.code == ErrorCode.COUNTER_TAKEN
    desk.at(hall.c1, counters.pause_counter)
    with pytest.raises(DomainError) as error:
        desk.open(hall.c1, "petugas2.dk")
    assert error.value.code == ErrorCode.COUNTER_TAKEN
    assert desk.counter(hall.c1).officer_id == hall.users["petugas.dk"]


def test_the_same_officer_may_open_the_counter_again(desk: Desk, hall: Hall) -> None:
    desk.open(hall.c1)
    desk.open(hall.c1)  # a new login on the same counter
    assert desk.counter(hall.c1).state == CounterState.OPEN
    desk.at(hall.c1, counters.pause_counter)
    desk.open(hall.c1)  # opening a paused counter resumes it
    counter = desk.counter(hall.c1)
    assert (counter.state, counter.officer_id) == (CounterState.OPEN, hall.users["petugas.dk"])


def test_another_officer_may_open_the_counter_once_it_is_closed(desk: Desk, hall: Hall) -> None:
    desk.open(hall.c1, "petugas.dk")
    desk.at(hall.c1, counters.close_counter)
    desk.open(hall.c1, "petugas2.dk")
    assert desk.counter(hall.c1).officer_id == hall.users["petugas2.dk"]
