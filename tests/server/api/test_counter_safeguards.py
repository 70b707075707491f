"""What keeps a counter from acting on the wrong visitor or stranding one.

A double press or a retried request must not finish a visitor the officer never saw;
a visitor sent to one counter must never wait for a counter nobody staffs.
"""

from __future__ import annotations

import pytest
from flask import Flask

from server.extensions import socketio
from tests.conftest import Api, FakeClock
from tests.factories import Hall
from tests.server.api.responses import assert_error, ok
from tests.server.api.test_counters_api import Line, queue_numbers


@pytest.fixture
def kiosk(api: Api) -> Api:
    return api.as_device("kiosk")


@pytest.fixture
def officer(api: Api) -> Api:
    return api.as_user("petugas.dk")


@pytest.fixture
def line(kiosk: Api, clock: FakeClock) -> Line:
    return Line(kiosk, clock)


def test_next_meant_for_the_ticket_on_screen_acts_once(
    line: Line, officer: Api, hall: Hall
) -> None:
    """The officer saw A and pressed next twice: the second press must not finish B."""
    line.take(hall.ktp)
    line.take(hall.ktp)
    line.take(hall.ktp)
    ok(officer.counter(hall.c1, "open"))
    a = ok(officer.counter(hall.c1, "next", {"expect_ticket_id": None}))["ticket"]

    b = ok(officer.counter(hall.c1, "next", {"expect_ticket_id": a["id"]}))["ticket"]
    again = officer.counter(hall.c1, "next", {"expect_ticket_id": a["id"]})

    error = assert_error(again, 409, "conflict")
    assert "changed" in error["message"]
    now = ok(officer.get(f"/api/v1/counters/{hall.c1}"))
    assert now["ticket"]["id"] == b["id"]
    assert now["ticket"]["state"] == "called"


@pytest.mark.parametrize("action", ["recall", "start", "finish", "no-show"])
def test_a_command_for_another_ticket_changes_nothing(
    action: str, line: Line, officer: Api, hall: Hall
) -> None:
    line.take(hall.ktp)
    ok(officer.counter(hall.c1, "open"))
    called = ok(officer.counter(hall.c1, "next"))["ticket"]

    refused = officer.counter(hall.c1, action, {"expect_ticket_id": called["id"] + 1000})

    assert_error(refused, 409, "conflict")
    after = ok(officer.get(f"/api/v1/counters/{hall.c1}"))["ticket"]
    assert (after["state"], after["call_count"]) == ("called", 1)


def test_expecting_an_empty_counter_refuses_when_it_holds_someone(
    line: Line, officer: Api, hall: Hall
) -> None:
    line.take(hall.ktp)
    ok(officer.counter(hall.c1, "open"))
    ok(officer.counter(hall.c1, "next"))

    assert_error(officer.counter(hall.c1, "next", {"expect_ticket_id": None}), 409, "conflict")


def test_transfer_checks_the_ticket_too(line: Line, officer: Api, hall: Hall) -> None:
    line.take(hall.ktp)
    ok(officer.counter(hall.c1, "open"))
    called = ok(officer.counter(hall.c1, "next"))["ticket"]
    body = {"service_id": hall.kk, "expect_ticket_id": called["id"] + 1}

    assert_error(officer.counter(hall.c1, "transfer", body), 409, "conflict")
    body["expect_ticket_id"] = called["id"]
    assert ok(officer.counter(hall.c1, "transfer", body))["ticket"] is None


def test_a_visitor_cannot_be_sent_to_a_closed_counter(line: Line, officer: Api, hall: Hall) -> None:
    line.take(hall.ktp)
    ok(officer.counter(hall.c1, "open"))
    ok(officer.counter(hall.c1, "next"))

    refused = officer.counter(hall.c1, "transfer", {"counter_id": hall.c2})

    assert_error(refused, 409, "counter_closed")
    assert ok(officer.get(f"/api/v1/counters/{hall.c1}"))["ticket"]["state"] == "called"


def test_closing_a_counter_returns_its_transferred_visitors_to_their_line(
    line: Line, officer: Api, hall: Hall
) -> None:
    """They keep their place in the service's line, where any counter of it calls them."""
    first = line.take(hall.kk)
    second = line.take(hall.kk)
    ok(officer.counter(hall.c1, "open"))
    ok(officer.counter(hall.c2, "open"))
    ok(officer.counter(hall.c1, "next"))  # calls first
    ok(officer.counter(hall.c1, "transfer", {"counter_id": hall.c2}))
    assert queue_numbers(officer, hall.c2) == [first["number"], second["number"]]

    ok(officer.counter(hall.c2, "close"))

    assert queue_numbers(officer, hall.c1) == [first["number"], second["number"]]
    called = ok(officer.counter(hall.c1, "next"))["ticket"]
    assert called["number"] == first["number"]
    assert called["target_counter_id"] is None


def test_a_ticket_from_another_day_cannot_be_called(
    api: Api, kiosk: Api, hall: Hall, clock: FakeClock
) -> None:
    """Yesterday's leftovers are expired at day close; until then no counter calls them."""
    old = kiosk.issue(hall.ktp)
    clock.advance(days=1)
    officer = api.as_user("petugas.dk")
    ok(officer.counter(hall.c1, "open"))

    refused = officer.counter(hall.c1, "call", {"ticket_id": old["id"]})

    assert_error(refused, 409, "conflict")


def test_finishing_a_visit_pushes_the_lines_new_estimate(
    line: Line, officer: Api, hall: Hall, app: Flask
) -> None:
    """A finished service moves the average service time the estimated wait comes from."""
    line.take(hall.ktp)
    ok(officer.counter(hall.c1, "open"))
    ok(officer.counter(hall.c1, "next"))
    board = socketio.test_client(app, auth={"token": hall.tokens["display-a"]})
    board.get_received()

    ok(officer.counter(hall.c1, "finish"))

    heard = [message["name"] for message in board.get_received()]
    board.disconnect()
    assert heard == ["ticket.updated", "counter.updated", "queue.stats"]
