"""The "ahead" notice by estimated minutes as well as by count, and on the commands that
move a line without a call (cancel, no-show, transfer, finish, a counter closed with
visitors sent to it): server/domain/notices/triggers.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from server.domain import counters
from server.domain.notices.triggers import waits_shortened
from server.domain.tickets import cancel_ticket
from server.models import Ticket
from tests.factories import Hall
from tests.server.domain.test_notice_triggers import (  # fixtures and helpers, no tests
    BASE,
    ctx,
    link_base,
    notices,
    opt_in,
    statements,
)

if TYPE_CHECKING:
    from tests.server.domain.conftest import Desk

__all__ = ["ctx", "link_base", "statements"]  # fixtures used by name below


def kinds(desk: Desk, ticket: Ticket) -> list[str]:
    return [n.kind for n in notices(desk, ticket)]


def test_the_estimated_minutes_send_ahead_before_the_count_does_and_say_the_minutes(
    desk: Desk, hall: Hall
) -> None:
    # KTP takes 8 minutes: after the first call the watcher has 2 ahead and the counter
    # busy, 3 x 8 = 24 minutes.
    desk.settings(notice_ahead_threshold=1, notice_ahead_minutes=25)
    line = [desk.issue(hall.ktp) for _ in range(4)]
    watcher = line[3]
    opt_in(desk, watcher)
    desk.open(hall.c1)
    desk.next(hall.c1)
    [told] = notices(desk, watcher)
    assert told.kind == "ahead_minutes"  # its own text, editable apart from the count's
    assert told.body == (
        f"Nomor antrean {watcher.number}: sekitar 24 menit lagi giliran Anda "
        f"(2 orang di depan). Mohon kembali ke ruang tunggu. {BASE}/t/{watcher.status_code}"
    )
    desk.next(hall.c1)  # now 1 ahead, the count's threshold: already told, once per ticket
    assert kinds(desk, watcher) == ["ahead_minutes"]


def test_the_minutes_text_in_english(desk: Desk, hall: Hall) -> None:
    desk.settings(notice_ahead_threshold=1, notice_ahead_minutes=25)
    line = [desk.issue(hall.ktp) for _ in range(4)]
    opt_in(desk, line[3], language="en")
    desk.open(hall.c1)
    desk.next(hall.c1)
    [told] = notices(desk, line[3])
    assert (told.body or "").startswith(
        f"Ticket {line[3].number}: about 24 minutes to your turn (2 people ahead)."
    )


def test_when_the_count_is_reached_first_the_text_says_the_count(desk: Desk, hall: Hall) -> None:
    desk.settings(notice_ahead_threshold=2, notice_ahead_minutes=5)
    line = [desk.issue(hall.ktp) for _ in range(4)]
    opt_in(desk, line[3])
    desk.open(hall.c1)
    desk.next(hall.c1)  # 2 ahead, 24 minutes
    [told] = notices(desk, line[3])
    assert "2 orang lagi sebelum Anda" in (told.body or "")
    assert "menit" not in (told.body or "")


def test_minutes_zero_goes_by_the_count_only(desk: Desk, hall: Hall) -> None:
    desk.settings(notice_ahead_threshold=1, notice_ahead_minutes=0)
    line = [desk.issue(hall.ktp) for _ in range(4)]
    opt_in(desk, line[3])
    desk.open(hall.c1)
    desk.next(hall.c1)  # 2 ahead, 24 minutes: the count is not reached
    assert notices(desk, line[3]) == []


def test_no_minutes_are_promised_while_no_counter_is_open(desk: Desk, hall: Hall) -> None:
    desk.settings(notice_ahead_threshold=0, notice_ahead_minutes=60)
    line = [desk.issue(hall.ktp) for _ in range(3)]
    opt_in(desk, line[2])
    cancel_ticket(desk.ctx(), line[0])  # the line moves, but nobody calls yet
    assert notices(desk, line[2]) == []


# --- the line moves without a call -------------------------------------------------


def test_a_cancelled_waiting_ticket_moves_the_ones_behind_it_to_the_threshold(
    desk: Desk, hall: Hall
) -> None:
    desk.settings(notice_ahead_threshold=2, notice_ahead_minutes=0)
    line = [desk.issue(hall.ktp) for _ in range(4)]
    opt_in(desk, line[3])
    cancel_ticket(desk.ctx(), line[1])
    [told] = notices(desk, line[3])
    assert told.kind == "ahead" and "2 orang lagi sebelum Anda" in (told.body or "")


def test_a_cancel_in_one_line_moves_the_other_line_its_counter_calls(
    desk: Desk, hall: Hall
) -> None:
    """Loket 1 calls KTP and KK: a KTP ticket leaving moves the KK visitor up too."""
    desk.settings(notice_ahead_threshold=1, notice_ahead_minutes=0)
    first, _second = desk.issue(hall.ktp), desk.issue(hall.ktp)
    watcher = desk.issue(hall.kk)
    opt_in(desk, watcher)
    desk.open(hall.c1)  # Loket 2 (KK only) stays closed: Loket 1 calls the watcher
    cancel_ticket(desk.ctx(), first)
    assert kinds(desk, watcher) == ["ahead"]


def called_once_more(desk: Desk, hall: Hall, minutes: int) -> tuple[list[Ticket], Ticket]:
    """KTP: the first called at Loket 1, the watcher third with one ahead (8 + 8 = 16
    minutes while the counter holds the first; 8 once it is free)."""
    desk.settings(notice_ahead_threshold=0, notice_ahead_minutes=minutes)
    line = [desk.issue(hall.ktp) for _ in range(3)]
    opt_in(desk, line[2])
    desk.open(hall.c1)
    desk.next(hall.c1)
    assert notices(desk, line[2]) == []
    return line, line[2]


def no_show(desk: Desk, hall: Hall) -> None:
    desk.at(hall.c1, counters.recall)
    desk.at(hall.c1, counters.recall)
    desk.at(hall.c1, counters.no_show)


def transfer_out(desk: Desk, hall: Hall) -> None:
    kk = desk.service(hall.kk)
    desk.at(hall.c1, counters.transfer, to_service=kk, to_counter=None, front=False)


def finish(desk: Desk, hall: Hall) -> None:
    desk.at(hall.c1, counters.finish)


FREEING: dict[str, Callable[[Desk, Hall], None]] = {
    "no_show": no_show,
    "transfer": transfer_out,
    "finish": finish,
}


@pytest.mark.parametrize("command", sorted(FREEING))
def test_a_counter_freed_without_a_call_shortens_the_wait_to_the_minutes(
    desk: Desk, hall: Hall, command: str
) -> None:
    _, watcher = called_once_more(desk, hall, minutes=10)
    FREEING[command](desk, hall)
    [told] = notices(desk, watcher)
    assert "sekitar 8 menit lagi giliran Anda (1 orang di depan)" in (told.body or "")


@pytest.mark.parametrize("command", sorted(FREEING))
def test_a_freed_counter_sends_nothing_when_the_hall_goes_by_count_only(
    desk: Desk, hall: Hall, command: str
) -> None:
    _, watcher = called_once_more(desk, hall, minutes=0)
    desk.settings(notice_ahead_threshold=1)  # 1 ahead: the count was already reached
    FREEING[command](desk, hall)
    assert notices(desk, watcher) == []


def test_a_transfer_still_tells_the_transferred_visitor(desk: Desk, hall: Hall) -> None:
    line, watcher = called_once_more(desk, hall, minutes=10)
    opt_in(desk, line[0])
    transfer_out(desk, hall)
    assert kinds(desk, line[0]) == ["transferred"]
    assert kinds(desk, watcher) == ["ahead_minutes"]


def test_visitors_sent_back_to_their_line_by_a_closing_counter_are_checked(
    desk: Desk, hall: Hall
) -> None:
    """Sent to Loket 2, nobody is ahead of the watcher; Loket 2 closes and the watcher
    goes back to the KK line, which Loket 1 calls after the KTP visitors before them."""
    desk.settings(notice_ahead_threshold=3, notice_ahead_minutes=0)
    for _ in range(3):
        desk.issue(hall.ktp)
    watcher = desk.issue(hall.kk)
    opt_in(desk, watcher)
    desk.open(hall.c1)
    desk.open(hall.c2)
    desk.at(hall.c1, counters.call_ticket, ticket_id=watcher.id)
    loket2 = desk.counter(hall.c2)
    desk.at(hall.c1, counters.transfer, to_service=None, to_counter=loket2, front=False)
    assert kinds(desk, watcher) == ["called", "transferred"]
    desk.at(hall.c2, counters.close_counter)
    assert kinds(desk, watcher) == ["called", "transferred", "ahead"]
    assert "3 orang lagi sebelum Anda" in (notices(desk, watcher, "ahead")[0].body or "")


# --- what it costs ------------------------------------------------------------------

MOVING: dict[str, Callable[[Desk, Hall, list[Ticket]], None]] = {
    "cancel": lambda desk, hall, line: cancel_ticket(desk.ctx(), line[1]),
    "no_show": lambda desk, hall, line: desk.at(hall.c1, counters.no_show),
    "transfer": lambda desk, hall, line: transfer_out(desk, hall),
    "finish": lambda desk, hall, line: finish(desk, hall),
}


@pytest.mark.parametrize("command", sorted(MOVING))
@pytest.mark.parametrize("channel", [False, True])
def test_each_moving_command_reads_subscriptions_once_with_a_channel_and_never_without(
    desk: Desk,
    hall: Hall,
    statements: list[str],
    link_base: dict[str, str | None],
    command: str,
    channel: bool,
) -> None:
    link_base["base"] = BASE if channel else None
    line = [desk.issue(hall.ktp) for _ in range(4)]
    desk.open(hall.c1)
    desk.next(hall.c1)
    if command == "no_show":
        desk.at(hall.c1, counters.recall)
        desk.at(hall.c1, counters.recall)
    desk.session.flush()
    statements.clear()
    MOVING[command](desk, hall, line)
    desk.session.flush()
    read = sum("notice_subscriptions" in sql for sql in statements)
    assert read == (1 if channel else 0), statements


def test_the_minutes_setting_is_a_whole_number_from_0_to_120(desk: Desk) -> None:
    from server.domain.errors import DomainError

    assert desk.settings(notice_ahead_minutes=0).notice_ahead_minutes == 0
    assert desk.settings(notice_ahead_minutes=120).notice_ahead_minutes == 120
    for wrong in (-1, 121, "10", True):
        with pytest.raises(DomainError) as refused:
            desk.settings(notice_ahead_minutes=wrong)
        assert refused.value.details["field"] == "notice_ahead_minutes"


def test_time_alone_brings_the_minutes_notice_once_while_the_line_does_not_move(
    desk: Desk, hall: Hall
) -> None:
    # Count off, minutes at 20. Three ahead of the watcher; the first is being served
    # (KTP takes 8 minutes): 8 + 2 x 8 = 24 minutes, not yet near.
    desk.settings(notice_ahead_threshold=0, notice_ahead_minutes=20)
    line = [desk.issue(hall.ktp) for _ in range(4)]
    watcher = line[3]
    opt_in(desk, watcher)
    desk.open(hall.c1)
    desk.next(hall.c1)
    desk.at(hall.c1, counters.start)
    assert waits_shortened(desk.ctx(None)) == 0
    assert notices(desk, watcher) == []

    # Nobody moves; five minutes of that service pass: its counter is free in 3.
    desk.clock.advance(minutes=5)
    assert waits_shortened(desk.ctx(None)) == 1

    [told] = notices(desk, watcher)
    assert told.kind == "ahead_minutes"
    assert f"Nomor antrean {watcher.number}: sekitar 19 menit lagi" in (told.body or "")
    desk.clock.advance(minutes=1)
    assert waits_shortened(desk.ctx(None)) == 0  # the next round: already told
    desk.next(hall.c1)  # and a later move does not tell it again either
    assert kinds(desk, watcher) == ["ahead_minutes"]


def test_the_timer_reads_one_statement_with_nobody_subscribed_and_none_without_a_channel(
    desk: Desk, hall: Hall, statements: list[str], link_base: dict[str, str | None]
) -> None:
    desk.settings(notice_ahead_minutes=10)
    for _ in range(3):
        desk.issue(hall.ktp)
    desk.open(hall.c1)
    desk.next(hall.c1)
    for base, expected in ((BASE, 1), (None, 0)):
        link_base["base"] = base
        ctx = desk.ctx(None)
        desk.session.flush()
        statements.clear()
        assert waits_shortened(ctx) == 0
        assert len(statements) == expected, statements


def test_the_timer_is_off_with_the_minutes_setting_at_zero(desk: Desk, hall: Hall) -> None:
    desk.settings(notice_ahead_threshold=5, notice_ahead_minutes=0)
    line = [desk.issue(hall.ktp) for _ in range(3)]
    opt_in(desk, line[2])
    desk.open(hall.c1)

    assert waits_shortened(desk.ctx(None)) == 0
    assert notices(desk, line[2]) == []
