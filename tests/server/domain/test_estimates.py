"""People ahead and the estimated wait a visitor reads on the ticket and the phone."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from server.domain import counters
from server.domain.estimates import average_service_minutes, estimate_now
from server.domain.tickets import IssueRequest, issue_ticket
from server.models import Priority, Ticket, TicketSource
from tests.conftest import FakeClock
from tests.factories import Hall

if TYPE_CHECKING:
    from tests.server.domain.conftest import Desk


def estimate(desk: Desk, ticket: Ticket) -> tuple[int, int]:
    """(people ahead, estimated minutes) as the visitor's phone shows them now."""
    told = estimate_now(desk.ctx(), ticket)
    return told.people_ahead, told.estimated_wait_minutes


def people_ahead(desk: Desk, ticket: Ticket) -> int:
    return estimate_now(desk.ctx(), ticket).people_ahead


def serve(desk: Desk, counter_id: int, service_id: int, times: int, minutes: float) -> None:
    """``times`` visitors of the service each served for ``minutes`` at the counter."""
    for _ in range(times):
        desk.issue(service_id)
        desk.at(counter_id, counters.call_next)
        desk.at(counter_id, counters.start)
        desk.clock.advance(minutes=minutes)
        desk.at(counter_id, counters.finish)


def test_without_history_the_estimate_uses_the_services_typical_minutes(
    desk: Desk, hall: Hall
) -> None:
    desk.open(hall.c2)
    tickets = [desk.issue(hall.kk) for _ in range(3)]  # DK-KK: typically 10 minutes
    assert [estimate(desk, t) for t in tickets] == [(0, 0), (1, 10), (2, 20)]


def test_the_kiosk_gets_the_estimate_with_the_ticket(desk: Desk, hall: Hall) -> None:
    desk.open(hall.c2)
    desk.issue(hall.kk)
    desk.issue(hall.kk)
    issued = issue_ticket(desk.ctx(None), IssueRequest(hall.kk))
    assert (issued.estimate.people_ahead, issued.estimate.estimated_wait_minutes) == (2, 20)


def test_with_enough_finished_tickets_the_estimate_uses_their_average(
    desk: Desk, hall: Hall
) -> None:
    desk.open(hall.c2)
    serve(desk, hall.c2, hall.kk, times=5, minutes=6)  # estimate_min_samples is 5
    assert (
        average_service_minutes(
            desk.session, desk.service(hall.kk), desk.ctx().settings, desk.clock()
        )
        == 6
    )
    desk.issue(hall.kk)
    third = [desk.issue(hall.kk) for _ in range(2)][-1]
    assert estimate(desk, third) == (2, 12)


def test_too_few_finished_tickets_still_use_the_typical_minutes(desk: Desk, hall: Hall) -> None:
    desk.open(hall.c2)
    serve(desk, hall.c2, hall.kk, times=4, minutes=6)
    desk.issue(hall.kk)
    second = desk.issue(hall.kk)
    assert estimate(desk, second) == (1, 10)

    desk.settings(estimate_min_samples=4)
    assert estimate(desk, second) == (1, 6)


def test_the_estimate_is_shared_among_the_open_counters_of_the_line(desk: Desk, hall: Hall) -> None:
    tickets = [desk.issue(hall.kk) for _ in range(5)]
    last = tickets[-1]
    assert estimate(desk, last) == (4, 40)  # nobody open: as if one counter opens
    desk.open(hall.c2)
    assert estimate(desk, last) == (4, 40)
    desk.open(hall.c1)  # Loket 1 serves KK too
    assert estimate(desk, last) == (4, 20)
    desk.at(hall.c1, counters.pause_counter)  # a paused counter serves nobody
    assert estimate(desk, last) == (4, 40)
    desk.open(hall.c3, "petugas.sm")  # another agency's counter does not help
    assert estimate(desk, last) == (4, 40)


def test_people_ahead_counts_only_waiting_tickets_before_this_one_in_its_line(
    desk: Desk, hall: Hall
) -> None:
    first, second = desk.issue(hall.kk), desk.issue(hall.kk)
    desk.issue(hall.ktp)  # another line
    desk.issue(hall.pkb)  # another agency
    mine = desk.issue(hall.kk)
    behind = desk.issue(hall.kk)
    assert [people_ahead(desk, t) for t in (first, second, mine, behind)] == [0, 1, 2, 3]

    desk.open(hall.c2)
    desk.next(hall.c2)  # the first is called: no longer ahead of anyone, nor waiting
    assert people_ahead(desk, first) == 0
    assert people_ahead(desk, mine) == 1


def test_people_ahead_follow_the_calling_order_for_visitors_booked_for_the_same_slot(
    desk: Desk, hall: Hall, clock: FakeClock
) -> None:
    slot = clock() + dt.timedelta(minutes=30)
    early = desk.issue(hall.kk, source=TicketSource.BOOKING, booked_for=slot)
    late = desk.issue(hall.kk, source=TicketSource.BOOKING, booked_for=slot)
    clock.set(slot)
    desk.open(hall.c2)

    assert [people_ahead(desk, t) for t in (early, late)] == [0, 1]
    assert desk.next(hall.c2) is early


def test_a_priority_ticket_waits_only_for_priority_tickets_before_it(
    desk: Desk, hall: Hall
) -> None:
    """Priority first (the default rule): an elderly visitor who came after three others
    is told nobody is ahead, and the counter calls them first."""
    desk.open(hall.c2)
    regulars = [desk.issue(hall.kk) for _ in range(3)]
    elderly = desk.issue(hall.kk, priority=Priority.ELDERLY)
    pregnant = desk.issue(hall.kk, priority=Priority.PREGNANT)
    told = {t.id: people_ahead(desk, t) for t in [*regulars, elderly, pregnant]}
    assert told == {
        elderly.id: 0,
        pregnant.id: 1,
        regulars[0].id: 2,
        regulars[1].id: 3,
        regulars[2].id: 4,
    }
    called = [desk.next(hall.c2) for _ in range(5)]
    assert [told[t.id] for t in called] == [0, 1, 2, 3, 4]


def test_with_no_priority_preference_a_priority_ticket_keeps_its_place(
    desk: Desk, hall: Hall
) -> None:
    desk.settings(priority_every_n=0)
    desk.issue(hall.kk)
    elderly = desk.issue(hall.kk, priority=Priority.ELDERLY)
    assert people_ahead(desk, elderly) == 1


def test_every_third_call_to_priority_is_foreseen(desk: Desk, hall: Hall) -> None:
    desk.settings(priority_every_n=3)
    desk.open(hall.c2)
    regulars = [desk.issue(hall.kk) for _ in range(4)]
    elderly = desk.issue(hall.kk, priority=Priority.ELDERLY)
    told = {t.id: people_ahead(desk, t) for t in [*regulars, elderly]}
    called = [desk.next(hall.c2) for _ in range(5)]
    assert [told[t.id] for t in called] == [0, 1, 2, 3, 4]
    assert called[2] is elderly


def test_a_visitor_sent_to_one_counter_waits_only_for_those_sent_there_before(
    desk: Desk, hall: Hall
) -> None:
    desk.open(hall.c2)
    desk.open(hall.c1)
    for _ in range(3):
        desk.issue(hall.kk)
    sent = []
    for _ in range(2):
        desk.next(hall.c1)
        to_c2 = desk.counter(hall.c2)
        sent.append(
            desk.at(hall.c1, counters.transfer, to_service=None, to_counter=to_c2, front=False)
        )
    assert [people_ahead(desk, t) for t in sent] == [0, 1]
    assert desk.next(hall.c2) is sent[0]
