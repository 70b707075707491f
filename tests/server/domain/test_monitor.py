"""The hall monitor's picture: counters, lines against their target, devices in trouble,
locked logins."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from server.domain import counters
from server.domain.login_throttle import (
    MAX_FAILURES,
    MAX_FAILURES_PER_ADDRESS,
    attempt_failed,
    begin_attempt,
    login_keys,
)
from server.domain.monitor import hall_monitor
from server.models import Device, DeviceKind
from tests.factories import Hall

if TYPE_CHECKING:
    from tests.server.domain.conftest import Desk


def line(picture: dict[str, Any], service_id: int) -> dict[str, Any]:
    return next(x for x in picture["lines"] if x["service_id"] == service_id)


def counter(picture: dict[str, Any], counter_id: int) -> dict[str, Any]:
    return next(x for x in picture["counters"] if x["id"] == counter_id)


def device(desk: Desk, name: str) -> Device:
    return desk.session.scalars(select(Device).where(Device.name == name)).one()


def test_a_counter_shows_its_officer_and_the_ticket_it_serves_since_when(
    desk: Desk, hall: Hall
) -> None:
    desk.issue(hall.ktp)
    desk.open(hall.c1)
    called = desk.next(hall.c1)
    assert called is not None and called.called_at is not None
    picture = hall_monitor(desk.ctx())
    c1 = counter(picture, hall.c1)
    assert c1["state"] == "open"
    assert c1["officer"] is not None
    assert c1["ticket"]["number"] == called.number
    assert c1["ticket"]["state"] == "called"
    assert c1["ticket"]["since"] == called.called_at.isoformat()
    assert counter(picture, hall.c2)["ticket"] is None


def test_a_line_whose_longest_wait_passed_the_target_stands_out(desk: Desk, hall: Hall) -> None:
    desk.open(hall.c2)
    desk.issue(hall.kk)  # target 30 minutes
    assert not line(hall_monitor(desk.ctx()), hall.kk)["over_target"]
    desk.clock.advance(minutes=31)
    kk = line(hall_monitor(desk.ctx()), hall.kk)
    assert kk["waiting"] == 1
    assert kk["longest_wait_seconds"] >= 31 * 60
    assert kk["longest_over_target"] and kk["over_target"]
    assert hall_monitor(desk.ctx())["summary"]["lines_over_target"] == 1


def test_a_line_whose_estimate_passes_the_target_stands_out_before_anyone_waited_long(
    desk: Desk, hall: Hall
) -> None:
    desk.open(hall.c2)
    for _ in range(4):  # 4 people x 10 typical minutes at one counter = 40 > 30
        desk.issue(hall.kk, advance=False)
    kk = line(hall_monitor(desk.ctx()), hall.kk)
    assert kk["estimated_wait_minutes"] == 40
    assert kk["estimate_over_target"] and not kk["longest_over_target"]


def test_people_waiting_with_no_counter_open_is_flagged(desk: Desk, hall: Hall) -> None:
    desk.issue(hall.pkb)
    assert line(hall_monitor(desk.ctx()), hall.pkb)["unserved"]
    assert not line(hall_monitor(desk.ctx()), hall.pkb)["on_break"]


def test_people_waiting_while_their_counters_are_at_lunch_is_flagged_as_a_break(
    desk: Desk, hall: Hall
) -> None:
    desk.open(hall.c1)
    desk.at(hall.c1, counters.pause_counter)  # Loket 1, KTP's only counter, at lunch
    desk.issue(hall.ktp)  # and a visitor comes meanwhile

    ktp = line(hall_monitor(desk.ctx()), hall.ktp)

    assert ktp["unserved"] and ktp["on_break"]
    assert (ktp["open_counters"], ktp["paused_counters"]) == (0, 1)


def test_a_line_is_on_a_break_only_while_none_of_its_counters_is_open(
    desk: Desk, hall: Hall
) -> None:
    """KK is served by Loket 1 and 2: one at lunch while the other calls is no break."""
    desk.open(hall.c1)
    desk.open(hall.c2)
    desk.issue(hall.kk)
    desk.at(hall.c1, counters.pause_counter)
    assert not line(hall_monitor(desk.ctx()), hall.kk)["on_break"]

    desk.at(hall.c2, counters.close_counter)  # the other one closed: the break is what is left

    kk = line(hall_monitor(desk.ctx()), hall.kk)
    assert kk["on_break"] and (kk["open_counters"], kk["paused_counters"]) == (0, 1)


def test_a_silent_device_and_a_failed_printer_stand_out(desk: Desk, hall: Hall) -> None:
    now = desk.clock()
    kiosk = device(desk, "kiosk")
    kiosk.last_seen_at = now
    kiosk.health = {"printer": "paper_out", "message": "Kertas habis"}
    board = device(desk, "display-a")
    board.last_seen_at = now
    desk.session.flush()
    desk.clock.advance(minutes=6)
    board.last_seen_at = desk.clock()  # the board's socket is still connected
    desk.session.flush()
    picture = hall_monitor(desk.ctx())
    shown = {d["name"]: d for d in picture["devices"]}
    assert shown["kiosk"]["silent"] and shown["kiosk"]["printer_fault"]
    assert not shown["display-a"]["silent"]
    assert picture["summary"]["devices_in_trouble"] == 1  # the kiosk


def test_a_device_never_seen_is_not_in_trouble_but_counted_apart(desk: Desk, hall: Hall) -> None:
    picture = hall_monitor(desk.ctx())  # a fresh hall: nothing started yet
    assert {d["name"] for d in picture["devices"] if d["never_seen"]} == {
        "kiosk",
        "display-a",
        "display-b",
        "counter-pc-1",
    }
    assert not any(d["silent"] for d in picture["devices"])
    assert picture["summary"]["devices_in_trouble"] == 0
    assert picture["summary"]["devices_never_seen"] == 4

    board = device(desk, "display-b")
    board.last_seen_at = desk.clock()  # started once, then switched off
    desk.session.flush()
    desk.clock.advance(minutes=6)
    later = hall_monitor(desk.ctx())
    shown = {d["name"]: d for d in later["devices"]}
    assert shown["display-b"]["silent"] and not shown["display-b"]["never_seen"]
    assert later["summary"] == {
        **later["summary"],
        "devices_in_trouble": 1,
        "devices_never_seen": 3,
    }


def test_a_supervisors_picture_holds_only_their_agency(desk: Desk, hall: Hall) -> None:
    desk.issue(hall.pkb)
    picture = hall_monitor(desk.ctx(), agency_id=hall.dk)
    assert {c["id"] for c in picture["counters"]} == {hall.c1, hall.c2}
    assert {x["service_id"] for x in picture["lines"]} == {hall.ktp, hall.kk}
    assert [d["name"] for d in picture["devices"]] == ["counter-pc-1"]
    assert picture["summary"]["waiting"] == 0


def lock_out(desk: Desk, username: str, address: str = "10.20.0.1") -> None:
    """Failed logins until the throttle locks the name (as the login endpoint records them)."""
    for _ in range(MAX_FAILURES):
        attempt = begin_attempt(desk.session, login_keys(username, address), desk.clock())
        attempt_failed(desk.session, attempt, desk.clock())


def test_a_locked_account_is_shown_while_its_lock_holds(desk: Desk, hall: Hall) -> None:
    lock_out(desk, "petugas.dk")
    lock_out(desk, "bukan.siapa.siapa")

    picture = hall_monitor(desk.ctx())

    (locked,) = picture["logins"]["locked_accounts"]
    assert (locked["username"], locked["role"]) == ("petugas.dk", "officer")
    assert locked["locked_until"] == (desk.clock() + dt.timedelta(seconds=30)).isoformat()
    assert picture["logins"]["locked_unknown_names"] == 1
    assert picture["summary"]["accounts_locked"] == 1

    desk.clock.advance(seconds=31)
    assert hall_monitor(desk.ctx())["logins"] == {
        "locked_accounts": [],
        "locked_unknown_names": 0,
        "locked_addresses": 0,
    }


def test_a_locked_address_is_counted_and_a_supervisor_sees_only_their_agencys_accounts(
    desk: Desk, hall: Hall
) -> None:
    lock_out(desk, "petugas.sm")
    for i in range(MAX_FAILURES_PER_ADDRESS):
        attempt = begin_attempt(desk.session, login_keys(f"tamu{i}", "10.9.9.9"), desk.clock())
        attempt_failed(desk.session, attempt, desk.clock())

    dk = hall_monitor(desk.ctx(), agency_id=hall.dk)["logins"]
    sm = hall_monitor(desk.ctx(), agency_id=hall.sm)["logins"]

    assert dk == {"locked_accounts": [], "locked_unknown_names": 0, "locked_addresses": 1}
    assert [a["username"] for a in sm["locked_accounts"]] == ["petugas.sm"]


def test_a_partner_app_that_books_now_and_then_is_never_called_silent(desk: Desk) -> None:
    portal = Device(
        name="portal-kabupaten",
        kind=DeviceKind.PORTAL,
        token_hash="x" * 64,
        created_at=desk.clock(),
    )
    portal.last_seen_at = desk.clock()
    desk.session.add(portal)
    desk.session.flush()
    desk.clock.advance(hours=10)
    shown = {d["name"]: d for d in hall_monitor(desk.ctx())["devices"]}
    assert not shown["portal-kabupaten"]["silent"]
