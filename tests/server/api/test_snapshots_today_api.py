"""What the snapshots add for the clients: the day's figures per counter and the no-shows
in the agency snapshot, and each last call's prefix and sequence on the zone's."""

from __future__ import annotations

from tests.conftest import Api, FakeClock
from tests.factories import Hall
from tests.server.api.responses import ok

AGENCY = "/api/v1/agencies/DK/snapshot"


def test_an_officer_reads_the_days_served_count_average_and_no_shows(
    api: Api, hall: Hall, clock: FakeClock
) -> None:
    kiosk = api.as_device("kiosk")
    for _ in range(3):
        kiosk.issue(hall.kk)
    officer = api.as_user("petugas.dk")
    ok(officer.counter(hall.c2, "open"))
    ok(officer.counter(hall.c2, "next"))
    clock.advance(minutes=4)
    ok(officer.counter(hall.c2, "next"))  # DK-001 done after 240 s
    for _ in range(2):
        ok(officer.counter(hall.c2, "recall"))
    ok(officer.counter(hall.c2, "no-show"))  # DK-002
    ok(officer.counter(hall.c2, "next"))  # DK-003 at the counter

    body = ok(officer.get(AGENCY))

    c2 = next(c for c in body["counters"] if c["id"] == hall.c2)
    c1 = next(c for c in body["counters"] if c["id"] == hall.c1)
    assert c2["today"] == {"served": 1, "average_service_seconds": 240.0}
    assert c1["today"] == {"served": 0, "average_service_seconds": None}
    assert [t["number"] for t in body["no_shows"]] == ["DK-002"]
    assert body["today"] == "2026-11-30"


def test_a_returning_no_show_leaves_the_list_once_back_in_line(api: Api, hall: Hall) -> None:
    api.as_device("kiosk").issue(hall.kk)
    officer = api.as_user("petugas.dk")
    ok(officer.counter(hall.c2, "open"))
    called = ok(officer.counter(hall.c2, "next"))["ticket"]
    for _ in range(2):
        ok(officer.counter(hall.c2, "recall"))
    ok(officer.counter(hall.c2, "no-show"))

    ok(officer.post(f"/api/v1/tickets/{called['id']}/requeue"))

    body = ok(officer.get(AGENCY))
    assert body["no_shows"] == []
    assert [t["number"] for t in body["waiting"]] == ["DK-001"]


def test_last_calls_carry_prefix_and_sequence_beside_the_number(api: Api, hall: Hall) -> None:
    api.as_device("kiosk").issue(hall.pkb)
    officer = api.as_user("petugas.sm")
    ok(officer.counter(hall.c3, "open"))
    ok(officer.counter(hall.c3, "next"))

    calls = ok(api.as_device("display-a").get("/api/v1/displays/zona-a/snapshot"))["last_calls"]

    assert [(c["number"], c["prefix"], c["sequence"]) for c in calls] == [("SM-001", "SM", 1)]
