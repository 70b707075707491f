"""The day's plan: the morning peak, the volumes, the seed, the spread of service times."""

from __future__ import annotations

import statistics
from collections import Counter

import pytest

from server.simulation.hall import hall_shape
from server.simulation.plan import (
    HOUR,
    MINUTE,
    CounterShape,
    HallShape,
    PlanOptions,
    ServiceShape,
    clock_text,
    hourly_weights,
    parse_day,
    plan_day,
)


def shape(*services: ServiceShape) -> HallShape:
    counters = tuple(
        CounterShape(
            id=i, label=f"Loket {i}", agency_code=s.agency_code, zone="z", service_ids=(s.id,)
        )
        for i, s in enumerate(services, start=1)
    )
    return HallShape(services=services, counters=counters)


KTP = ServiceShape(1, "DK-KTP", "DK", 8.0, True, 3.0)
PKB = ServiceShape(2, "SM-PKB", "SM", 10.0, False, 1.0)
HALL = shape(KTP, PKB)


def test_about_forty_percent_of_a_full_day_arrives_between_eight_and_eleven() -> None:
    plan = plan_day(HALL, PlanOptions(visitors=4000, seed=7))
    morning = sum(1 for v in plan.visits if 8 * HOUR <= v.arrival < 11 * HOUR)
    assert 0.37 <= morning / 4000 <= 0.43


def test_every_arrival_falls_inside_the_window_in_order() -> None:
    plan = plan_day(HALL, PlanOptions(visitors=300, start=9 * HOUR, end=10.5 * HOUR))
    arrivals = [v.arrival for v in plan.visits]
    assert arrivals == sorted(arrivals)
    assert all(9 * HOUR <= a < 10.5 * HOUR for a in arrivals)


def test_a_window_the_curve_leaves_empty_still_gets_its_visitors() -> None:
    assert sum(w for _, _, w in hourly_weights(21 * HOUR, 23 * HOUR)) > 0
    plan = plan_day(HALL, PlanOptions(visitors=50, start=21 * HOUR, end=23 * HOUR))
    assert len(plan.visits) == 50


def test_volumes_follow_the_services_weights() -> None:
    plan = plan_day(HALL, PlanOptions(visitors=4000, seed=3))
    share = Counter(v.service_id for v in plan.visits)[KTP.id] / 4000
    assert 0.72 <= share <= 0.78  # weights 3 : 1


def test_the_same_seed_plans_the_same_day_and_another_seed_another() -> None:
    options = PlanOptions(visitors=200, seed=11, phones=20)
    first, again = plan_day(HALL, options), plan_day(HALL, options)
    other = plan_day(HALL, PlanOptions(visitors=200, seed=12, phones=20))
    assert first == again
    assert first.fingerprint() == again.fingerprint()
    assert other.fingerprint() != first.fingerprint()


def test_service_times_spread_around_the_typical_minutes() -> None:
    plan = plan_day(HALL, PlanOptions(visitors=3000, seed=5))
    minutes = [v.service_seconds / MINUTE for v in plan.visits if v.service_id == KTP.id]
    assert len(set(minutes)) > len(minutes) * 0.9  # not a constant
    assert 7.0 <= statistics.median(minutes) <= 9.0  # around the typical 8
    assert statistics.pstdev(minutes) > 2.0
    assert min(minutes) >= 8.0 * 0.2 and max(minutes) <= 8.0 * 4.0


def test_the_day_holds_priority_leavers_no_shows_recalls_transfers_and_phones() -> None:
    plan = plan_day(HALL, PlanOptions(visitors=2000, seed=2, phones=40))
    visits = plan.visits
    assert sum(v.has_phone for v in visits) == 40
    assert 0.02 < sum(v.answers_on_call is None for v in visits) / 2000 < 0.07
    assert sum(v.answers_on_call == 2 for v in visits) > 0
    assert sum(v.answers_on_call == 3 for v in visits) > 0
    assert 0.02 < sum(v.leaves_after is not None for v in visits) / 2000 < 0.07
    assert 0.03 < sum(v.transfer_to is not None for v in visits) / 2000 < 0.08
    # Priority only where the service offers it.
    assert {v.service_id for v in visits if v.priority != "none"} == {KTP.id}


def test_transfers_go_to_another_line_of_the_same_agency_when_it_has_one() -> None:
    kk = ServiceShape(3, "DK-KK", "DK", 10.0, True, 1.0)
    plan = plan_day(shape(KTP, PKB, kk), PlanOptions(visitors=2000, seed=4))
    moved = [(v.service_id, v.transfer_to) for v in plan.visits if v.transfer_to is not None]
    assert moved
    assert all(b == kk.id for a, b in moved if a == KTP.id)
    assert all(b == KTP.id for a, b in moved if a == kk.id)


def test_every_counter_takes_a_break_in_the_middle_of_a_full_day() -> None:
    plan = plan_day(HALL, PlanOptions(visitors=10))
    assert sorted(b.counter_id for b in plan.breaks) == [1, 2]
    assert all(10 * HOUR <= b.start <= 14 * HOUR for b in plan.breaks)
    assert all(15 * MINUTE <= b.length <= 30 * MINUTE for b in plan.breaks)


def test_an_agency_with_more_counters_draws_more_visitors() -> None:
    config = {
        "agencies": [{"id": 1, "code": "DK"}, {"id": 2, "code": "SM"}],
        "services": [
            {
                "id": 10,
                "code": "DK-KTP",
                "agency_id": 1,
                "typical_minutes": 8.0,
                "priority_offered": True,
            },
            {
                "id": 11,
                "code": "DK-KK",
                "agency_id": 1,
                "typical_minutes": 16.0,
                "priority_offered": True,
            },
            {
                "id": 20,
                "code": "SM-PKB",
                "agency_id": 2,
                "typical_minutes": 10.0,
                "priority_offered": False,
            },
        ],
        "counters": [
            {"id": 1, "label": "Loket 1", "agency_id": 1, "zone": "a", "service_ids": [10, 11]},
            {"id": 2, "label": "Loket 2", "agency_id": 1, "zone": "a", "service_ids": [10, 11]},
            {"id": 3, "label": "Loket 3", "agency_id": 1, "zone": "a", "service_ids": [10]},
            {"id": 4, "label": "Loket 4", "agency_id": 2, "zone": "b", "service_ids": [20]},
        ],
    }
    weights = {s.code: s.weight for s in hall_shape(config, {"DK", "SM"}).services}
    assert weights["DK-KTP"] + weights["DK-KK"] == pytest.approx(3.0)
    assert weights["SM-PKB"] == pytest.approx(1.0)
    assert weights["DK-KTP"] > 2 * weights["DK-KK"]  # more counters, half the minutes
    assert {s.code for s in hall_shape(config, {"SM"}).services} == {"SM-PKB"}


def test_the_day_option_reads_hours_and_refuses_nonsense() -> None:
    assert parse_day("08:00-16:00") == (8 * HOUR, 16 * HOUR)
    assert parse_day("07:30-24:00") == (7.5 * HOUR, 24 * HOUR)
    assert clock_text(9 * HOUR + 41 * MINUTE + 30) == "09:41"
    for wrong in ("8-16", "16:00-08:00", "08:00", "08:00-25:00"):
        with pytest.raises(ValueError, match="--day"):
            parse_day(wrong)
