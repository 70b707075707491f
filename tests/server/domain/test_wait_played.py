"""The estimated wait played out on the counters as they are now (docs/estimate.md): what
each counter still has to do, each visitor ahead at their own service's pace, paused
counters back after the hall's typical pause of the day (calling nobody until it has
one), and, with today's spread of service times, the median of many playings."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pytest

from server.domain import counters
from server.domain.estimates import (
    average_service_minutes,
    estimate_now,
    line_stats_now,
    played_wait,
)
from server.domain.tickets import IssueRequest, issue_ticket
from server.models import Ticket
from tests.conftest import JAKARTA

if TYPE_CHECKING:
    from tests.factories import Hall
    from tests.server.domain.conftest import Desk


def told(desk: Desk, ticket: Ticket) -> tuple[int, float]:
    """(people ahead, estimated minutes to the second) as the visitor is told now."""
    estimate = estimate_now(desk.ctx(), ticket)
    return estimate.people_ahead, estimate.estimated_wait_seconds / 60


def serving(desk: Desk, counter_id: int, service_id: int, minutes: float) -> Ticket:
    """The counter calls a visitor of the service and has served them ``minutes``."""
    ticket = desk.issue(service_id, advance=False)
    assert desk.next(counter_id) is ticket
    desk.at(counter_id, counters.start)
    desk.clock.advance(minutes=minutes)
    return ticket


def test_people_ahead_go_to_whichever_counter_is_free_first() -> None:
    # Counters free in 2 and 5 minutes, three people ahead of 4 minutes each: 2→6, 5→9,
    # 6→10; the visitor goes to the one free at 9.
    assert played_wait([2.0, 5.0], 3, 4.0) == 9.0
    assert played_wait([0.0, 0.0], 1, 10.0) == 0.0  # the other counter is free
    assert played_wait([], 2, 10.0) == 20.0  # no counter open: as if one opens now


def test_nobody_ahead_still_waits_for_the_counter_to_finish_its_visitor(
    desk: Desk, hall: Hall
) -> None:
    desk.open(hall.c2)
    serving(desk, hall.c2, hall.kk, minutes=6.5)  # DK-KK: typically 10 minutes
    mine = desk.issue(hall.kk, advance=False)
    assert told(desk, mine) == (0, 3.5)
    estimate = estimate_now(desk.ctx(), mine)
    # Shown as today: whole minutes rounded up, and "you are next" (nobody is ahead).
    assert (estimate.estimated_wait_minutes, estimate.to_dict()["wait"]) == (4, "next")


def test_the_wait_counts_the_counters_remaining_time_then_each_visitor_ahead(
    desk: Desk, hall: Hall
) -> None:
    desk.open(hall.c2)
    serving(desk, hall.c2, hall.kk, minutes=4)
    ahead = desk.issue(hall.kk, advance=False)
    mine = desk.issue(hall.kk, advance=False)
    assert told(desk, ahead) == (0, 6.0)
    assert told(desk, mine) == (1, 16.0)


def test_a_service_running_over_its_average_is_expected_to_end_soon_not_now(
    desk: Desk, hall: Hall
) -> None:
    desk.open(hall.c2)
    serving(desk, hall.c2, hall.kk, minutes=14)
    mine = desk.issue(hall.kk, advance=False)
    assert told(desk, mine) == (0, 2.5)  # a quarter of the 10 minutes


def test_a_called_visitor_not_yet_at_the_desk_takes_a_whole_service(desk: Desk, hall: Hall) -> None:
    desk.open(hall.c2)
    desk.issue(hall.kk)
    desk.next(hall.c2)
    mine = desk.issue(hall.kk, advance=False)
    assert told(desk, mine) == (0, 10.0)


def test_each_visitor_ahead_costs_their_own_services_time(desk: Desk, hall: Hall) -> None:
    """Loket 1 serves KTP (typically 8 minutes) and KK (10): a KK visitor behind two KTP
    visitors waits 16 minutes, not 2 x 10."""
    desk.open(hall.c1)
    desk.issue(hall.ktp)
    desk.issue(hall.ktp)
    mine = desk.issue(hall.kk, advance=False)
    assert told(desk, mine) == (2, 16.0)


def test_a_paused_counter_is_not_free_while_the_day_tells_no_typical_pause(
    desk: Desk, hall: Hall
) -> None:
    desk.open(hall.c1)
    desk.open(hall.c2)
    desk.at(hall.c1, counters.pause_counter)
    serving(desk, hall.c2, hall.kk, minutes=6)
    mine = desk.issue(hall.kk, advance=False)
    assert told(desk, mine) == (0, 4.0)
    desk.at(hall.c1, counters.resume_counter)
    assert told(desk, mine) == (0, 0.0)


def pause_for(desk: Desk, counter_id: int, minutes: float) -> None:
    desk.at(counter_id, counters.pause_counter)
    desk.clock.advance(minutes=minutes)
    desk.at(counter_id, counters.resume_counter)


def test_a_paused_counter_is_back_after_the_hall_s_typical_pause_of_the_day(
    desk: Desk, hall: Hall
) -> None:
    """Loket 1 alone serves KTP. Its officer went on a break five minutes ago; the
    hall's breaks today took 10, 20 and 30 minutes: back in about 15."""
    desk.open(hall.c1)
    desk.open(hall.c2)
    pause_for(desk, hall.c2, 10)
    pause_for(desk, hall.c2, 20)
    desk.at(hall.c2, counters.pause_counter)
    desk.clock.advance(minutes=25)
    desk.at(hall.c1, counters.pause_counter)
    desk.clock.advance(minutes=5)
    mine = desk.issue(hall.ktp, advance=False)
    assert told(desk, mine) == (0, 0.0)  # two breaks tell no typical one: as if one opens

    desk.at(hall.c2, counters.resume_counter)  # after 30 minutes
    desk.clock.advance(seconds=6)  # the catalog keeps a figure a few seconds
    assert told(desk, mine) == (0, pytest.approx(15.0, abs=0.2))
    desk.clock.advance(minutes=25)  # still away, past the typical break: soon back
    assert told(desk, mine) == (0, pytest.approx(5.0, abs=0.2))
    desk.clock.advance(minutes=31)  # away for over three typical breaks: gone, it seems
    assert told(desk, mine) == (0, 0.0)  # as if one opens, as before breaks were known


def worded(desk: Desk, ticket: Ticket) -> tuple[str, int]:
    """(how the wait is worded, the minutes shown) as the ticket's answer says them."""
    estimate = estimate_now(desk.ctx(), ticket).to_dict()
    return estimate["wait"], estimate["estimated_wait_minutes"]


def test_a_line_whose_counters_are_all_on_a_break_is_told_so(desk: Desk, hall: Hall) -> None:
    """Loket 1 alone serves KTP, and its officer went to lunch: the visitor is told the
    counters are on a break (not that none has opened yet), with the wait once the day
    tells a typical break, and without it while it does not."""
    desk.open(hall.c1)
    desk.open(hall.c2)
    mine = desk.issue(hall.ktp, advance=False)
    assert worded(desk, mine) == ("next", 0)
    desk.at(hall.c1, counters.pause_counter)
    assert worded(desk, mine) == ("paused", 0)  # no typical break today yet
    desk.at(hall.c1, counters.resume_counter)

    for minutes in (10, 20, 30):  # Loket 2's breaks: a typical one is 20 minutes
        pause_for(desk, hall.c2, minutes)
    desk.at(hall.c1, counters.pause_counter)
    desk.clock.advance(minutes=5)
    assert worded(desk, mine) == ("break", 15)
    behind = desk.issue(hall.ktp, advance=False)
    kind, minutes = worded(desk, behind)
    assert kind == "break" and minutes > 15

    desk.clock.advance(minutes=56)  # away for over three typical breaks: gone, it seems
    assert worded(desk, mine) == ("paused", 0)
    desk.at(hall.c1, counters.close_counter)
    assert worded(desk, mine) == ("closed", 0)


def test_a_counter_left_on_a_break_on_an_earlier_day_is_closed_to_the_visitor(
    desk: Desk, hall: Hall
) -> None:
    """Loket 1 went on a break yesterday and its PC was switched off so: this morning's
    visitors are told no counter has opened, not that one is on a break."""
    desk.open(hall.c1)
    desk.at(hall.c1, counters.pause_counter)
    desk.clock.advance(hours=20)
    mine = desk.issue(hall.ktp, advance=False)
    assert worded(desk, mine) == ("closed", 0)


def test_a_line_s_figures_count_its_counters_on_a_break_today(desk: Desk, hall: Hall) -> None:
    """What staff screens read (the monitor, a transfer's choice): Loket 1, KTP's only
    counter, at lunch is a counter on a break; left paused overnight, a closed one."""

    def counters_of_ktp() -> tuple[int, int]:
        figures = line_stats_now(desk.ctx(), desk.service(hall.ktp))
        return figures["open_counters"], figures["paused_counters"]

    desk.open(hall.c1)
    desk.issue(hall.ktp)
    assert counters_of_ktp() == (1, 0)
    desk.at(hall.c1, counters.pause_counter)
    assert counters_of_ktp() == (0, 1)
    desk.clock.advance(hours=20)
    assert counters_of_ktp() == (0, 0)


def test_a_break_is_today_s_from_the_hall_s_midnight_not_utc_s(desk: Desk, hall: Hall) -> None:
    """Paused at 23:30 in Jakarta (16:30 UTC, the same UTC day as 00:10 the next
    morning): at 00:10 it was left paused yesterday; paused again at 00:10, it is today's."""

    def paused_on_ktp() -> int:
        return line_stats_now(desk.ctx(), desk.service(hall.ktp))["paused_counters"]

    midnight = desk.clock().astimezone(JAKARTA).replace(hour=0, minute=0, second=0)
    desk.clock.set(midnight - dt.timedelta(minutes=30))
    desk.open(hall.c1)
    desk.at(hall.c1, counters.pause_counter)
    assert paused_on_ktp() == 1
    desk.clock.set(midnight + dt.timedelta(minutes=10))
    assert paused_on_ktp() == 0
    desk.open(hall.c1)
    desk.at(hall.c1, counters.pause_counter)
    assert paused_on_ktp() == 1


def test_a_pause_key_pressed_twice_is_no_break(desk: Desk, hall: Hall) -> None:
    """Three breaks of 20 minutes, and five pauses ended at once: a typical break is
    still 20 minutes, not a moment."""
    desk.open(hall.c1)
    desk.open(hall.c2)
    for _ in range(3):
        pause_for(desk, hall.c2, 20)
    for _ in range(5):
        desk.at(hall.c2, counters.pause_counter)
        desk.clock.advance(seconds=1)
        desk.at(hall.c2, counters.resume_counter)
    desk.at(hall.c1, counters.pause_counter)
    mine = desk.issue(hall.ktp, advance=False)
    assert told(desk, mine) == (0, pytest.approx(20.0, abs=0.2))


def test_with_today_s_spread_two_busy_counters_promise_less_than_their_average(
    desk: Desk, hall: Hall
) -> None:
    """KK is served at Loket 1 and 2, both of which just began a visitor. Played at the
    average, the next KK visitor waits the average; but the first of two services to
    end usually ends sooner, which today's spread of KTP and KK services tells."""
    desk.open(hall.c1)
    desk.open(hall.c2)
    for minutes in (5, 6, 7, 8, 9, 10, 11, 12, 14, 17, 22):
        serving(desk, hall.c1, hall.ktp, minutes * 0.8)
        desk.at(hall.c1, counters.finish)
        serving(desk, hall.c2, hall.kk, minutes)
        desk.at(hall.c2, counters.finish)
    average = kk_average(desk, hall)
    serving(desk, hall.c1, hall.kk, 0)
    serving(desk, hall.c2, hall.kk, 0)
    desk.clock.advance(seconds=6)  # the catalog reads today's services again
    mine = desk.issue(hall.kk, advance=False)
    ahead, minutes = told(desk, mine)
    assert ahead == 0
    assert 0.5 * average < minutes < 0.85 * average


def test_the_kiosk_gets_the_estimate_to_the_second(desk: Desk, hall: Hall) -> None:
    desk.open(hall.c2)
    serving(desk, hall.c2, hall.kk, minutes=2.5)
    issued = issue_ticket(desk.ctx(None), IssueRequest(hall.kk)).estimate.to_dict()
    assert issued["estimated_wait_seconds"] == 450
    assert issued["estimated_wait_minutes"] == 8  # 7.5 minutes, shown rounded up


@pytest.mark.parametrize("minutes", [0.0, 3.0])
def test_a_ticket_no_longer_waiting_is_told_no_wait(desk: Desk, hall: Hall, minutes: float) -> None:
    desk.open(hall.c2)
    called = serving(desk, hall.c2, hall.kk, minutes=minutes)
    assert told(desk, called) == (0, 0.0)


def test_a_line_without_history_keeps_the_pace_of_the_others_today(desk: Desk, hall: Hall) -> None:
    """Five KTP visitors served in 4 minutes (typically 8): the hall runs at half its
    typical minutes today, so KK (typically 10, none served yet) is taken as 5."""
    desk.open(hall.c1)
    for _ in range(5):
        serving(desk, hall.c1, hall.ktp, minutes=4)
        desk.at(hall.c1, counters.finish)
    kk = desk.service(hall.kk)
    assert average_service_minutes(desk.session, kk, desk.ctx().settings, desk.clock()) == 5.0


def serve_many(desk: Desk, counter_id: int, service_id: int, times: int, minutes: float) -> None:
    for _ in range(times):
        serving(desk, counter_id, service_id, minutes)
        desk.at(counter_id, counters.finish)


def served_a_week_ago(desk: Desk, hall: Hall, *lines: tuple[int, int, float]) -> None:
    """(service, visitors, minutes each) served at Loket 1 a week ago; then back to
    today, the counter still open."""
    today = desk.clock()
    desk.clock.set(today - dt.timedelta(days=7))
    desk.open(hall.c1)
    for service, times, minutes in lines:
        serve_many(desk, hall.c1, service, times=times, minutes=minutes)
    desk.clock.set(today)


def kk_average(desk: Desk, hall: Hall) -> float:
    kk = desk.service(hall.kk)
    return average_service_minutes(desk.session, kk, desk.ctx().settings, desk.clock())


def test_a_line_s_earlier_days_are_taken_at_the_pace_the_hall_keeps_today(
    desk: Desk, hall: Hall
) -> None:
    """A week ago KK took 10 minutes and KTP 8; today KTP takes 4, half its week-ago
    time: the hall serves at half its pace, so KK's week-old services count as 5."""
    served_a_week_ago(desk, hall, (hall.kk, 20, 10), (hall.ktp, 20, 8))

    serve_many(desk, hall.c1, hall.ktp, times=19, minutes=4)
    # Nineteen services today are too few to move a month of averages.
    assert kk_average(desk, hall) == 10.0

    serve_many(desk, hall.c1, hall.ktp, times=1, minutes=4)
    assert kk_average(desk, hall) == 5.0
    # The estimate a visitor is told goes through the catalog's kept parts alike.
    mine = desk.issue(hall.kk, advance=False)
    desk.at(hall.c1, counters.pause_counter)
    assert told(desk, mine) == (0, 0.0)  # nobody open: as if one opens now
    behind = desk.issue(hall.kk, advance=False)
    assert told(desk, behind) == (1, 5.0)


def test_a_morning_of_quick_lines_is_not_taken_for_a_quick_hall(desk: Desk, hall: Hall) -> None:
    """KTP always takes 4 minutes (typically 8): twenty of them first thing today say
    nothing about KK, whose week-old 10 minutes stay 10."""
    served_a_week_ago(desk, hall, (hall.kk, 20, 10), (hall.ktp, 20, 4))
    serve_many(desk, hall.c1, hall.ktp, times=20, minutes=4)
    assert kk_average(desk, hall) == 10.0


def test_today_s_own_services_count_as_they_took(desk: Desk, hall: Hall) -> None:
    """KK's last twenty: ten today of 6 minutes, ten a week ago of 10. Today's twenty
    services took 100 minutes where the same services took 180 a week ago (KK 10 x 6
    against 10 x 10, KTP 10 x 4 against 10 x 8): the week-old ten count as 10 x 100/180,
    today's ten as the 6 they took."""
    served_a_week_ago(desk, hall, (hall.kk, 20, 10), (hall.ktp, 10, 8))
    serve_many(desk, hall.c1, hall.kk, times=10, minutes=6)
    serve_many(desk, hall.c1, hall.ktp, times=10, minutes=4)
    assert kk_average(desk, hall) == pytest.approx((10 * 6 + 10 * 10 * 100 / 180) / 20)


def test_without_earlier_days_the_hall_s_pace_changes_nothing(desk: Desk, hall: Hall) -> None:
    desk.open(hall.c1)
    serve_many(desk, hall.c1, hall.ktp, times=20, minutes=4)
    serve_many(desk, hall.c1, hall.kk, times=5, minutes=7)
    assert kk_average(desk, hall) == 7.0
