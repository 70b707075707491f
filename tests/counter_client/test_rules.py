"""The counter client's rules without a screen or a server: which actions are allowed,
how the waiting line keeps order, how the day's tally counts, how times read."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from counter_client.actions import SHORTCUTS, Action, allowed_actions
from counter_client.durations import clock_text, date_text, wait_text
from counter_client.served_tally import ServedTally
from counter_client.texts import CATALOGUE, error_text, tr
from counter_client.waiting_line import CounterLine
from shared.errors import ErrorCode

T0 = dt.datetime(2026, 11, 30, 2, 0, tzinfo=dt.UTC)  # 09.00 in Jakarta


def ticket(tid: int, **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": tid,
        "number": f"DK-{tid:03d}",
        "state": "waiting",
        "service": {"id": 1, "name": "KTP"},
        "agency": {"id": 1},
        "priority": "none",
        "target_counter_id": None,
        "queued_at": (T0 + dt.timedelta(minutes=tid)).isoformat(),
        "service_date": "2026-11-30",
    }
    return {**base, **fields}


def allowed(state: str, current: dict[str, Any] | None = None, **kw: Any) -> set[Action]:
    options = {"calls_needed": 3, "has_waiting": True, "has_no_shows": False, **kw}
    return set(allowed_actions({"state": state}, current, **options))


# --- allowed actions ------------------------------------------------------------------------


def test_a_closed_counter_can_only_be_opened() -> None:
    assert allowed("closed") == {Action.OPEN}


def test_an_idle_open_counter_calls_pauses_or_closes() -> None:
    assert allowed("open") == {Action.NEXT, Action.CALL, Action.PAUSE, Action.CLOSE}
    assert Action.CALL not in allowed("open", has_waiting=False)
    assert Action.REQUEUE in allowed("open", has_no_shows=True)


def test_a_called_visitor_can_be_recalled_started_finished_or_transferred() -> None:
    called = ticket(1, state="called", call_count=1)
    assert allowed("open", called) == {
        Action.NEXT,
        Action.CALL,
        Action.PAUSE,
        Action.RECALL,
        Action.START,
        Action.FINISH,
        Action.TRANSFER,
    }


def test_no_show_only_after_the_configured_number_of_calls() -> None:
    assert Action.NO_SHOW not in allowed("open", ticket(1, state="called", call_count=2))
    assert Action.NO_SHOW in allowed("open", ticket(1, state="called", call_count=3))
    assert Action.NO_SHOW in allowed(
        "open", ticket(1, state="called", call_count=1), calls_needed=1
    )


def test_a_visitor_being_served_is_finished_or_transferred_not_recalled() -> None:
    serving = allowed("open", ticket(1, state="serving", call_count=1))
    assert {Action.FINISH, Action.TRANSFER, Action.NEXT} <= serving
    assert not {Action.RECALL, Action.START, Action.NO_SHOW, Action.CLOSE} & serving


def test_a_paused_counter_finishes_its_visitor_but_calls_nobody_new() -> None:
    paused = allowed("paused", ticket(1, state="serving"))
    assert {Action.RESUME, Action.FINISH, Action.TRANSFER} <= paused
    assert not {Action.NEXT, Action.CALL, Action.PAUSE, Action.CLOSE} & paused
    assert allowed("paused") == {Action.RESUME, Action.CLOSE}


def test_every_action_has_a_distinct_function_key_and_both_languages() -> None:
    keys = list(SHORTCUTS.values())
    assert len(keys) == len(set(keys))
    assert all(key.startswith("F") for key in keys)
    for action in Action:
        for lang in ("id", "en"):
            assert CATALOGUE.has(f"action.{action.value}")
            assert tr(f"action.{action.value}", lang) != f"action.{action.value}"


@pytest.mark.parametrize("code", list(ErrorCode))
def test_every_error_code_reads_as_a_sentence_in_both_languages(code: ErrorCode) -> None:
    for lang in ("id", "en"):
        text = error_text(code, lang)
        assert text and not text.startswith(("officer.", "error.")), text
    assert error_text(code, "id") != error_text(code, "en")


def test_refusals_from_the_server_are_worded_for_the_officer() -> None:
    assert "instansi lain" in error_text(ErrorCode.FORBIDDEN, "id", "open")
    assert "petugas lain" in error_text(ErrorCode.COUNTER_TAKEN, "id", "open")
    assert "Silakan masuk lagi" in error_text(ErrorCode.UNAUTHENTICATED, "id")
    assert "closed" in error_text(ErrorCode.COUNTER_CLOSED, "en", "transfer")


# --- the waiting line -------------------------------------------------------------------------


def counter_line(service_ids: tuple[int, ...] = (1,), counter_id: int = 7) -> CounterLine:
    line = CounterLine()
    line.agency_id = 1
    line.set_counter({"id": counter_id, "service_ids": list(service_ids)})
    return line


def numbers(tickets: list[Any]) -> list[str]:
    return [t["number"] for t in tickets]


def test_the_line_keeps_the_snapshot_order_and_puts_visitors_sent_here_first() -> None:
    line = counter_line()
    line.load(
        [ticket(1), ticket(2), ticket(3, target_counter_id=7), ticket(4, target_counter_id=9)]
    )
    assert numbers(line.waiting()) == ["DK-003", "DK-001", "DK-002"]


def test_a_new_ticket_joins_the_back_and_a_called_one_leaves() -> None:
    line = counter_line()
    line.load([ticket(1), ticket(2)])
    assert line.apply(ticket(3), issued=True) is False
    assert line.apply(ticket(1, state="called")) is False
    assert numbers(line.waiting()) == ["DK-002", "DK-003"]


def test_a_ticket_coming_back_into_the_line_asks_for_the_exact_order() -> None:
    line = counter_line()
    line.load([ticket(1), ticket(2)])
    line.apply(ticket(2, state="no_show"))
    assert line.apply(ticket(2, queued_at=(T0 + dt.timedelta(hours=1)).isoformat())) is True
    transferred_elsewhere = ticket(5, service={"id": 2, "name": "KK"})
    assert line.apply(transferred_elsewhere) is False  # another line's business


def test_other_lines_do_not_count_but_their_no_shows_of_today_are_listed() -> None:
    line = counter_line()
    line.load([ticket(1), ticket(2, service={"id": 2, "name": "KK"})])
    line.apply(ticket(3, state="no_show", service={"id": 2, "name": "KK"}))
    line.apply(ticket(4, state="no_show", service_date="2026-11-29"))
    assert numbers(line.waiting()) == ["DK-001"]
    assert line.counts_by_service() == {1: 1}
    assert numbers(line.no_shows("2026-11-30")) == ["DK-003"]


def test_the_snapshots_no_shows_are_listed_most_recently_marked_first() -> None:
    line = counter_line()
    line.load([ticket(1)], [ticket(5, state="no_show"), ticket(2, state="no_show")])
    assert numbers(line.no_shows("2026-11-30")) == ["DK-005", "DK-002"]
    line.apply(ticket(4, state="no_show"))
    assert numbers(line.no_shows("2026-11-30")) == ["DK-004", "DK-005", "DK-002"]


def test_a_no_show_marked_after_the_snapshot_was_read_stays_listed_as_the_newest() -> None:
    line = counter_line()
    line.apply(ticket(3, state="no_show"))
    line.load([ticket(1)], [ticket(2, state="no_show")])
    assert numbers(line.no_shows("2026-11-30")) == ["DK-003", "DK-002"]


def test_a_no_show_the_snapshot_shows_back_in_line_is_no_longer_listed() -> None:
    line = counter_line()
    line.apply(ticket(3, state="no_show"))
    line.load([ticket(1), ticket(3)], [])
    assert line.no_shows("2026-11-30") == []
    assert numbers(line.waiting()) == ["DK-001", "DK-003"]


def test_the_longest_wait_is_the_earliest_queue_entry() -> None:
    line = counter_line()
    line.load([ticket(2), ticket(5)])
    assert line.longest_wait(T0 + dt.timedelta(minutes=10)) == dt.timedelta(minutes=8)
    assert counter_line().longest_wait(T0) is None


# --- the day's tally ------------------------------------------------------------------------


def finished(tid: int, minutes: float) -> dict[str, Any]:
    return ticket(
        tid,
        state="done",
        started_at=T0.isoformat(),
        finished_at=(T0 + dt.timedelta(minutes=minutes)).isoformat(),
    )


def test_the_tally_counts_each_visitor_once_and_averages_service_time() -> None:
    tally = ServedTally()
    assert tally.served == 0 and tally.average_seconds is None
    assert tally.add(finished(1, 4)) is True
    assert tally.add(finished(1, 4)) is False
    tally.add(finished(2, 6))
    assert (tally.served, tally.average_seconds) == (2, 300.0)
    assert tally.since_login


def test_the_servers_figures_for_the_day_replace_what_was_seen() -> None:
    tally = ServedTally()
    tally.add(finished(1, 4))
    tally.reset({"served": 9, "average_service_seconds": 360}, seq=50)
    tally.add(finished(11, 10), seq=51)
    assert (tally.served, tally.average_seconds) == (10, 384.0)
    assert not tally.since_login


def test_a_finish_newer_than_the_snapshot_stays_counted_and_older_ones_are_in_it() -> None:
    tally = ServedTally()
    tally.add(finished(1, 4), seq=40)  # in the snapshot of seq 50
    tally.add(finished(2, 4))  # the answer to a press, read before the snapshot
    tally.add(finished(3, 5), seq=52)  # its event came before the older snapshot did
    tally.reset({"served": 2, "average_service_seconds": 240}, seq=50)
    assert (tally.served, tally.average_seconds) == (3, 260.0)
    assert tally.add(finished(3, 5), seq=52) is False


# --- times ------------------------------------------------------------------------------------


def test_times_read_as_minutes_and_seconds_with_hours_when_needed() -> None:
    assert clock_text(dt.timedelta(seconds=247)) == "4:07"
    assert clock_text(3753) == "1:02:33"
    assert clock_text(None) == "—"
    assert clock_text(-5) == "0:00"


def test_a_lock_says_how_long_to_wait_in_words() -> None:
    assert wait_text(30, "id") == "30 detik"
    assert wait_text(90, "id") == "1 menit 30 detik"
    assert wait_text(120, "en") == "2 minutes"
    assert wait_text(61, "en") == "1 minute 1 second"
    assert wait_text(0.2, "en") == "1 second"


def test_the_service_day_in_words() -> None:
    assert date_text("2026-11-30", "id") == "Senin, 30 November 2026"
    assert date_text("2026-11-30", "en") == "Monday, November 30, 2026"
    assert date_text("", "id") == ""
