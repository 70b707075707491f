"""The day's measures: lost and duplicated calls, the server process's figures, the
estimate's accuracy, and the report comparison."""

from __future__ import annotations

import os
import socket
import threading

import pytest

from server.simulation.accuracy import accuracy, promise_of
from server.simulation.clock import SimClock
from server.simulation.measures import (
    Deliveries,
    Latencies,
    ProcessProbe,
    ProcessSample,
    cpu_share,
    memory_summary,
    percentile,
    pid_listening_on,
)
from server.simulation.tally import DayTally, compare, report_delta


def test_a_call_never_heard_is_lost_and_one_heard_twice_is_duplicated() -> None:
    deliveries = Deliveries()
    for key in [("t1", 1), ("t2", 2), ("t3", 3)]:
        deliveries.expect("board:a", key)
    deliveries.hear("board:a", ("t1", 1), 10.0)
    deliveries.hear("board:a", ("t2", 2), 11.0)
    deliveries.hear("board:a", ("t2", 2), 12.0)
    assert deliveries.summary("board:") == {
        "listeners": 1,
        "expected": 3,
        "lost": 1,
        "duplicated": 1,
    }
    assert deliveries.arrival("board:a", ("t2", 2)) == 11.0  # the first arrival counts
    assert deliveries.summary("phone:")["listeners"] == 0


def test_latencies_report_nearest_rank_percentiles_in_milliseconds() -> None:
    latencies = Latencies()
    for ms in range(1, 101):
        latencies.add("issue", ms / 1000)
    assert latencies.summary()["issue"] == {
        "count": 100,
        "p50_ms": 50.0,
        "p99_ms": 99.0,
        "max_ms": 100.0,
    }
    assert percentile([], 0.5) is None


def test_the_server_process_is_found_by_its_port_and_read_from_proc() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        assert pid_listening_on(server.getsockname()[1]) == os.getpid()
    first = ProcessProbe(os.getpid()).sample()
    sum(i * i for i in range(300_000))  # some CPU
    last = ProcessProbe(os.getpid()).sample()
    assert first is not None and last is not None
    assert last.rss_bytes > 1_000_000
    share = cpu_share(first, last)
    assert share is not None and share > 0
    assert ProcessProbe(2**22 + 12345).sample() is None  # no such process


def test_accuracy_counts_errors_in_simulated_minutes_by_agency_and_hour() -> None:
    # Real wait 30 s at 20x = 10 simulated minutes; the server promised 1 real minute
    # (20 simulated), the naive formula 12.
    promise = promise_of("DK", 9.5 * 3600, 30.0, 1, 12.0, 20.0)
    assert (promise.real, promise.server, promise.naive, promise.hour) == (10.0, 20.0, 12.0, 9)
    figures = accuracy([promise, promise_of("SM", 13 * 3600, 60.0, 1, 20.0, 20.0)])
    assert figures["all"]["server"]["median_abs_error_min"] == 5.0  # errors 10 and 0
    assert figures["all"]["naive"]["within_5_min"] == 1.0
    assert figures["all"]["naive"]["within_25_pct"] == 1.0  # 12 vs 10, 20 vs 20
    assert set(figures["by_agency"]) == {"DK", "SM"}
    assert set(figures["by_hour"]) == {"09", "13"}


def test_the_report_is_compared_as_the_difference_since_the_run_began() -> None:
    before = {
        7: {
            "issued": 5,
            "served": 4,
            "no_show": 0,
            "cancelled": 1,
            "transferred": 0,
            "expired": 0,
            "calls": 4,
            "avg_wait": 100.0,
            "avg_service": 50.0,
        }
    }
    after = {
        7: {
            "issued": 8,
            "served": 6,
            "no_show": 1,
            "cancelled": 1,
            "transferred": 0,
            "expired": 0,
            "calls": 7,
            "avg_wait": 130.0,
            "avg_service": 60.0,
        }
    }
    delta = report_delta(before, after)[7]
    assert delta["issued"] == 3 and delta["served"] == 2 and delta["calls"] == 3
    assert delta["avg_wait"] == pytest.approx((130 * 7 - 100 * 4) / 3)
    assert delta["avg_service"] == pytest.approx((60 * 6 - 50 * 4) / 2)

    tally = DayTally()
    for _ in range(3):
        tally.count(7, "issued")
    tally.count(7, "no_show")
    for wait in (170.0, 170.0, 170.0):
        tally.waited(7, wait)
    tally.served_for(7, 80.0)
    tally.served_for(7, 80.0)
    assert compare(tally.lines(), {7: delta}) == []

    tally.count(7, "cancelled")  # one the server never counted
    tally.waited(7, 500.0)  # and a wait far off
    found = {(d.figure, d.report, d.simulation) for d in compare(tally.lines(), {7: delta})}
    assert ("cancelled", 0, 1) in found
    assert ("calls", 3, 4) in found
    assert any(figure == "avg_wait" for figure, _, _ in found)


def test_the_simulated_clock_runs_speed_times_faster_and_stops_at_once() -> None:
    stop = threading.Event()
    clock = SimClock(8 * 3600, 600.0, stop)
    assert clock.sleep(60)  # a simulated minute: 0.1 s
    assert 8 * 3600 + 60 <= clock.now() < 8 * 3600 + 600
    stop.set()
    assert not clock.sleep(3600)  # returns at once
    with pytest.raises(ValueError):
        SimClock(0, 0, stop)


def _rss(mb: float) -> ProcessSample:
    return ProcessSample(wall=0.0, cpu_seconds=0.0, rss_bytes=int(mb * 2**20))


def test_memory_may_grow_ten_per_cent_after_the_warm_up_and_no_more() -> None:
    kept = memory_summary({"start": _rss(80), "warm_up": _rss(100), "end": _rss(110)})
    grown = memory_summary({"start": _rss(80), "warm_up": _rss(100), "end": _rss(111)})
    unknown = memory_summary({"start": _rss(80), "warm_up": None, "end": _rss(111)})
    assert kept["growth_after_warm_up"] == 0.1 and kept["memory_within_limit"] is True
    assert grown["memory_within_limit"] is False
    assert unknown["memory_within_limit"] is None
