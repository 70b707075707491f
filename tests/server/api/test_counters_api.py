"""The officer's buttons at a counter over HTTP: each success and each refusal code."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from server.models import Service
from tests.conftest import Api, FakeClock
from tests.factories import Hall
from tests.server.api.responses import assert_error, ok


@pytest.fixture
def kiosk(api: Api) -> Api:
    return api.as_device("kiosk")


@pytest.fixture
def officer(api: Api) -> Api:
    return api.as_user("petugas.dk")


class Line:
    """Visitors taking tickets one minute apart, as in a real hall."""

    def __init__(self, kiosk: Api, clock: FakeClock) -> None:
        self.kiosk = kiosk
        self.clock = clock

    def take(self, service_id: int) -> dict[str, Any]:
        ticket = self.kiosk.issue(service_id)
        self.clock.advance(minutes=1)
        return ticket


@pytest.fixture
def line(kiosk: Api, clock: FakeClock) -> Line:
    return Line(kiosk, clock)


def queue_numbers(who: Api, counter_id: int) -> list[str]:
    body = ok(who.get(f"/api/v1/counters/{counter_id}/queue"))
    return [t["number"] for t in body["tickets"]]


# --- open, pause, resume, close -----------------------------------------------------


def test_an_officer_opens_a_counter(officer: Api, hall: Hall) -> None:
    body = ok(officer.counter(hall.c1, "open"))

    assert body["counter"]["state"] == "open"
    assert body["counter"]["officer_id"] == hall.users["petugas.dk"]
    assert body["ticket"] is None


def test_opening_an_open_counter_again_changes_nothing(officer: Api, hall: Hall) -> None:
    ok(officer.counter(hall.c1, "open"))

    assert ok(officer.counter(hall.c1, "open"))["counter"]["state"] == "open"


def test_the_same_officer_on_a_new_login_gets_their_counter_back(api: Api, hall: Hall) -> None:
    ok(api.as_user("petugas.dk").counter(hall.c1, "open"))

    assert ok(api.as_user("petugas.dk").counter(hall.c1, "open"))["counter"]["state"] == "open"


def test_a_counter_open_under_another_officer_is_taken(api: Api, officer: Api, hall: Hall) -> None:
    ok(officer.counter(hall.c1, "open"))

    assert_error(api.as_user("petugas2.dk").counter(hall.c1, "open"), 409, "counter_taken")


def test_an_admin_takes_a_counter_over_only_when_asked(api: Api, officer: Api, hall: Hall) -> None:
    ok(officer.counter(hall.c1, "open"))
    admin = api.as_user("admin")
    assert_error(admin.counter(hall.c1, "open"), 409, "counter_taken")

    body = ok(admin.counter(hall.c1, "open", {"takeover": True}))

    assert body["counter"]["officer_id"] == hall.users["admin"]


def test_takeover_is_ignored_for_an_officer(api: Api, officer: Api, hall: Hall) -> None:
    ok(officer.counter(hall.c1, "open"))

    other = api.as_user("petugas2.dk")
    assert_error(other.counter(hall.c1, "open", {"takeover": True}), 409, "counter_taken")


def test_pause_and_resume(officer: Api, hall: Hall) -> None:
    ok(officer.counter(hall.c1, "open"))

    assert ok(officer.counter(hall.c1, "pause"))["counter"]["state"] == "paused"
    assert ok(officer.counter(hall.c1, "resume"))["counter"]["state"] == "open"


def test_opening_a_paused_counter_resumes_it(officer: Api, hall: Hall) -> None:
    ok(officer.counter(hall.c1, "open"))
    ok(officer.counter(hall.c1, "pause"))

    assert ok(officer.counter(hall.c1, "open"))["counter"]["state"] == "open"


def test_a_closed_counter_cannot_be_paused(officer: Api, hall: Hall) -> None:
    assert_error(officer.counter(hall.c1, "pause"), 409, "invalid_transition")


def test_an_open_counter_cannot_be_resumed(officer: Api, hall: Hall) -> None:
    ok(officer.counter(hall.c1, "open"))

    assert_error(officer.counter(hall.c1, "resume"), 409, "invalid_transition")


def test_close_a_counter(officer: Api, hall: Hall) -> None:
    ok(officer.counter(hall.c1, "open"))

    body = ok(officer.counter(hall.c1, "close"))

    assert body["counter"]["state"] == "closed"
    assert body["counter"]["officer_id"] is None


def test_a_closed_counter_cannot_be_closed_again(officer: Api, hall: Hall) -> None:
    assert_error(officer.counter(hall.c1, "close"), 409, "invalid_transition")


def test_a_counter_holding_a_visitor_cannot_close(line: Line, officer: Api, hall: Hall) -> None:
    line.take(hall.ktp)
    ok(officer.counter(hall.c1, "open"))
    ok(officer.counter(hall.c1, "next"))

    assert_error(officer.counter(hall.c1, "close"), 409, "counter_busy")


def test_an_unknown_counter_is_not_found(officer: Api) -> None:
    assert_error(officer.counter(9999, "open"), 404, "not_found")


# --- next and call ------------------------------------------------------------------


def test_next_calls_the_first_in_line(line: Line, officer: Api, hall: Hall) -> None:
    first = line.take(hall.ktp)
    line.take(hall.kk)
    ok(officer.counter(hall.c1, "open"))

    body = ok(officer.counter(hall.c1, "next"))

    assert body["ticket"]["id"] == first["id"]
    assert body["ticket"]["state"] == "called"
    assert body["ticket"]["call_count"] == 1
    assert body["ticket"]["counter"] == {"id": hall.c1, "label": "Loket 1"}
    assert body["counter"]["current_ticket_id"] == first["id"]


def test_next_finishes_the_current_ticket(api: Api, line: Line, officer: Api, hall: Hall) -> None:
    first = line.take(hall.ktp)
    second = line.take(hall.ktp)
    ok(officer.counter(hall.c1, "open"))
    ok(officer.counter(hall.c1, "next"))

    body = ok(officer.counter(hall.c1, "next"))

    assert body["ticket"]["id"] == second["id"]
    status = api.client.get(f"/api/v1/tickets/{first['status_code']}").get_json()
    assert status["ticket"]["state"] == "done"


def test_next_with_nobody_waiting_answers_no_ticket(officer: Api, hall: Hall) -> None:
    ok(officer.counter(hall.c1, "open"))

    body = ok(officer.counter(hall.c1, "next"))

    assert body["ticket"] is None
    assert body["counter"]["current_ticket_id"] is None


def test_next_at_a_closed_counter_is_refused(line: Line, officer: Api, hall: Hall) -> None:
    line.take(hall.ktp)

    assert_error(officer.counter(hall.c1, "next"), 409, "counter_closed")


def test_next_at_a_paused_counter_is_refused(line: Line, officer: Api, hall: Hall) -> None:
    line.take(hall.ktp)
    ok(officer.counter(hall.c1, "open"))
    ok(officer.counter(hall.c1, "pause"))

    assert_error(officer.counter(hall.c1, "next"), 409, "counter_paused")


def test_call_a_chosen_ticket_out_of_order(line: Line, officer: Api, hall: Hall) -> None:
    line.take(hall.kk)
    chosen = line.take(hall.kk)
    ok(officer.counter(hall.c2, "open"))

    body = ok(officer.counter(hall.c2, "call", {"ticket_id": chosen["id"]}))

    assert body["ticket"]["id"] == chosen["id"]
    assert body["ticket"]["state"] == "called"


def test_calling_a_ticket_of_another_line_is_refused(line: Line, officer: Api, hall: Hall) -> None:
    ktp = line.take(hall.ktp)
    ok(officer.counter(hall.c2, "open"))  # counter 2 serves KK only

    response = officer.counter(hall.c2, "call", {"ticket_id": ktp["id"]})

    assert_error(response, 409, "service_not_at_counter")


def test_calling_a_ticket_that_is_not_waiting_is_refused(
    line: Line, officer: Api, hall: Hall
) -> None:
    ticket = line.take(hall.kk)
    ok(officer.counter(hall.c1, "open"))
    ok(officer.counter(hall.c1, "next"))
    ok(officer.counter(hall.c2, "open"))

    response = officer.counter(hall.c2, "call", {"ticket_id": ticket["id"]})

    assert_error(response, 409, "invalid_transition")


def test_calling_an_unknown_ticket_is_not_found(officer: Api, hall: Hall) -> None:
    ok(officer.counter(hall.c1, "open"))

    assert_error(officer.counter(hall.c1, "call", {"ticket_id": 9999}), 404, "not_found")


def test_call_needs_a_ticket_id(officer: Api, hall: Hall) -> None:
    ok(officer.counter(hall.c1, "open"))

    error = assert_error(officer.counter(hall.c1, "call", {}), 422, "validation_error")
    assert error["details"]["field"] == "ticket_id"


def test_call_at_a_closed_counter_is_refused(line: Line, officer: Api, hall: Hall) -> None:
    ticket = line.take(hall.ktp)

    response = officer.counter(hall.c1, "call", {"ticket_id": ticket["id"]})

    assert_error(response, 409, "counter_closed")


# --- recall, start, finish, no-show -------------------------------------------------


@pytest.fixture
def called(line: Line, officer: Api, hall: Hall) -> dict[str, Any]:
    """A DK-KTP ticket just called at counter 1 (with the status code its kiosk got)."""
    issued = line.take(hall.ktp)
    ok(officer.counter(hall.c1, "open"))
    ticket: dict[str, Any] = ok(officer.counter(hall.c1, "next"))["ticket"]
    return {**ticket, "status_code": issued["status_code"]}


def test_recall_counts_the_calls(called: dict[str, Any], officer: Api, hall: Hall) -> None:
    body = ok(officer.counter(hall.c1, "recall"))

    assert body["ticket"]["id"] == called["id"]
    assert body["ticket"]["call_count"] == 2


def test_start_then_finish(called: dict[str, Any], officer: Api, hall: Hall) -> None:
    started = ok(officer.counter(hall.c1, "start"))
    assert started["ticket"]["state"] == "serving"
    assert started["ticket"]["started_at"]

    finished = ok(officer.counter(hall.c1, "finish"))

    assert finished["ticket"] is None
    assert finished["counter"]["current_ticket_id"] is None


def test_finish_without_start_ends_the_visit(
    api: Api, called: dict[str, Any], officer: Api, hall: Hall
) -> None:
    """Officers often serve without pressing "start"; "finish" still closes the visit."""
    ok(officer.counter(hall.c1, "finish"))

    assert ok(officer.get(f"/api/v1/counters/{hall.c1}"))["ticket"] is None
    status = api.client.get(f"/api/v1/tickets/{called['status_code']}").get_json()
    assert status["ticket"]["state"] == "done"


def test_no_show_after_three_calls(
    api: Api, called: dict[str, Any], officer: Api, hall: Hall
) -> None:
    ok(officer.counter(hall.c1, "recall"))
    ok(officer.counter(hall.c1, "recall"))

    body = ok(officer.counter(hall.c1, "no-show"))

    assert body["ticket"] is None
    status = api.client.get(f"/api/v1/tickets/{called['status_code']}").get_json()
    assert status["ticket"]["state"] == "no_show"


def test_no_show_before_enough_calls_is_refused(
    called: dict[str, Any], officer: Api, hall: Hall
) -> None:
    ok(officer.counter(hall.c1, "recall"))

    error = assert_error(officer.counter(hall.c1, "no-show"), 409, "not_called_enough")
    assert error["details"] == {"calls": 2, "needed": 3}


def test_a_visitor_being_served_cannot_be_a_no_show(
    called: dict[str, Any], officer: Api, hall: Hall
) -> None:
    ok(officer.counter(hall.c1, "start"))

    assert_error(officer.counter(hall.c1, "no-show"), 409, "invalid_transition")


def test_a_visitor_being_served_cannot_be_recalled(
    called: dict[str, Any], officer: Api, hall: Hall
) -> None:
    ok(officer.counter(hall.c1, "start"))

    assert_error(officer.counter(hall.c1, "recall"), 409, "invalid_transition")


def test_start_twice_is_refused(called: dict[str, Any], officer: Api, hall: Hall) -> None:
    ok(officer.counter(hall.c1, "start"))

    assert_error(officer.counter(hall.c1, "start"), 409, "invalid_transition")


@pytest.mark.parametrize("action", ["recall", "start", "finish", "no-show"])
def test_a_counter_without_a_ticket_is_idle(officer: Api, hall: Hall, action: str) -> None:
    ok(officer.counter(hall.c1, "open"))

    assert_error(officer.counter(hall.c1, action), 409, "counter_idle")


@pytest.mark.parametrize("action", ["recall", "start", "finish", "no-show"])
def test_a_closed_counter_refuses_ticket_buttons(officer: Api, hall: Hall, action: str) -> None:
    assert_error(officer.counter(hall.c1, action), 409, "counter_closed")


@pytest.mark.parametrize("action", ["recall", "start", "finish"])
def test_a_paused_counter_still_serves_its_current_visitor(
    called: dict[str, Any], officer: Api, hall: Hall, action: str
) -> None:
    """A pause stops new calls, not the visitor already at the desk."""
    ok(officer.counter(hall.c1, "pause"))

    ok(officer.counter(hall.c1, action))


# --- transfer -----------------------------------------------------------------------


def transfer(officer: Api, at: int, **body: Any) -> Any:
    """Press "transfer" at counter ``at`` with ``body`` (service_id / counter_id / position)."""
    return officer.counter(at, "transfer", body)


def test_transfer_to_another_agencys_service(
    api: Api, called: dict[str, Any], officer: Api, hall: Hall
) -> None:
    body = ok(transfer(officer, hall.c1, service_id=hall.pkb))

    assert body["ticket"] is None
    samsat = api.as_user("petugas.sm")
    ok(samsat.counter(hall.c3, "open"))
    at_samsat = ok(samsat.counter(hall.c3, "next"))["ticket"]
    assert at_samsat["id"] == called["id"]
    assert at_samsat["number"] == called["number"]
    assert at_samsat["service"]["id"] == hall.pkb


def test_transfer_to_the_back_of_a_line(
    line: Line, called: dict[str, Any], officer: Api, hall: Hall
) -> None:
    line.take(hall.kk)
    line.take(hall.kk)

    ok(transfer(officer, hall.c1, service_id=hall.kk, position="back"))

    assert queue_numbers(officer, hall.c2) == ["DK-002", "DK-003", called["number"]]


def test_transfer_to_the_front_of_a_line(
    line: Line, called: dict[str, Any], officer: Api, hall: Hall
) -> None:
    line.take(hall.kk)
    line.take(hall.kk)

    ok(transfer(officer, hall.c1, service_id=hall.kk, position="front"))

    assert queue_numbers(officer, hall.c2) == [called["number"], "DK-002", "DK-003"]


def test_transfer_to_one_counter_goes_to_the_head_of_its_queue(
    line: Line, called: dict[str, Any], officer: Api, hall: Hall
) -> None:
    line.take(hall.kk)
    line.take(hall.kk)
    ok(officer.counter(hall.c2, "open"))

    ok(transfer(officer, hall.c1, counter_id=hall.c2))

    assert queue_numbers(officer, hall.c2) == [called["number"], "DK-002", "DK-003"]
    at_c2 = ok(officer.counter(hall.c2, "next"))["ticket"]
    assert at_c2["id"] == called["id"]


def test_a_ticket_transferred_to_one_counter_is_not_called_by_another(
    called: dict[str, Any], api: Api, officer: Api, hall: Hall
) -> None:
    samsat = api.as_user("petugas.sm")
    ok(samsat.counter(hall.c4, "open"))

    ok(transfer(officer, hall.c1, counter_id=hall.c4))

    assert queue_numbers(officer, hall.c1) == []
    assert queue_numbers(samsat, hall.c4) == [called["number"]]
    ok(samsat.counter(hall.c3, "open"))
    assert ok(samsat.counter(hall.c3, "next"))["ticket"] is None


def test_transfer_to_a_counter_behind_earlier_transfers_or_in_front(
    line: Line, officer: Api, hall: Hall
) -> None:
    """Transfers to one counter keep their own order: back by default, front when asked."""
    a, b, c = line.take(hall.ktp), line.take(hall.ktp), line.take(hall.ktp)
    ok(officer.counter(hall.c1, "open"))
    ok(officer.counter(hall.c2, "open"))
    for _ in (a, b):
        ok(officer.counter(hall.c1, "next"))
        ok(transfer(officer, hall.c1, counter_id=hall.c2))
    ok(officer.counter(hall.c1, "next"))

    ok(transfer(officer, hall.c1, counter_id=hall.c2, position="front"))

    assert queue_numbers(officer, hall.c2) == [c["number"], a["number"], b["number"]]


@pytest.mark.parametrize(
    "body",
    [{}, {"service_id": 1, "counter_id": 2}, {"position": "front"}, {"position": "middle"}],
)
def test_transfer_needs_one_service_or_one_counter(
    called: dict[str, Any], officer: Api, hall: Hall, body: dict[str, Any]
) -> None:
    assert_error(officer.counter(hall.c1, "transfer", body), 422, "validation_error")


def test_transfer_to_the_same_counter_is_refused(
    called: dict[str, Any], officer: Api, hall: Hall
) -> None:
    assert_error(transfer(officer, hall.c1, counter_id=hall.c1), 422, "validation_error")


@pytest.mark.parametrize("target", ["service_id", "counter_id"])
def test_transfer_to_something_unknown_is_not_found(
    called: dict[str, Any], officer: Api, hall: Hall, target: str
) -> None:
    assert_error(transfer(officer, hall.c1, **{target: 9999}), 404, "not_found")


def test_transfer_to_a_service_no_longer_offered_is_refused(
    app: Flask, called: dict[str, Any], officer: Api, hall: Hall
) -> None:
    with app.extensions["antre"].db.write() as session:
        service = session.get(Service, hall.pkb)
        assert service is not None
        service.active = False

    assert_error(transfer(officer, hall.c1, service_id=hall.pkb), 409, "service_closed")


def test_transfer_with_nobody_at_the_counter_is_refused(officer: Api, hall: Hall) -> None:
    ok(officer.counter(hall.c1, "open"))

    assert_error(transfer(officer, hall.c1, service_id=hall.kk), 409, "counter_idle")


def test_transfer_at_a_closed_counter_is_refused(officer: Api, hall: Hall) -> None:
    assert_error(transfer(officer, hall.c1, service_id=hall.kk), 409, "counter_closed")


def test_a_visitor_being_served_can_be_transferred(
    called: dict[str, Any], officer: Api, hall: Hall
) -> None:
    ok(officer.counter(hall.c1, "start"))

    ok(transfer(officer, hall.c1, service_id=hall.kk))

    assert queue_numbers(officer, hall.c2) == [called["number"]]


# --- reading a counter --------------------------------------------------------------


def test_get_counter_shows_its_state_ticket_and_seq(
    called: dict[str, Any], officer: Api, hall: Hall
) -> None:
    body = ok(officer.get(f"/api/v1/counters/{hall.c1}"))

    assert body["counter"]["state"] == "open"
    assert body["counter"]["service_ids"] == [hall.ktp, hall.kk]
    assert body["ticket"]["id"] == called["id"]
    assert isinstance(body["seq"], int)


def test_the_counter_terminal_reads_its_own_counter(api: Api, hall: Hall) -> None:
    terminal = api.as_device("counter-pc-1")

    assert ok(terminal.get(f"/api/v1/counters/{hall.c1}"))["counter"]["id"] == hall.c1
    assert ok(terminal.get(f"/api/v1/counters/{hall.c1}/queue"))["tickets"] == []


def test_get_queue_lists_the_counters_lines_in_calling_order(
    line: Line, officer: Api, hall: Hall
) -> None:
    line.take(hall.kk)
    line.take(hall.ktp)
    line.take(hall.pkb)  # another agency's line: not at counter 1

    body = ok(officer.get(f"/api/v1/counters/{hall.c1}/queue"))

    assert [t["number"] for t in body["tickets"]] == ["DK-001", "DK-002"]
    lines = {entry["service_id"]: entry for entry in body["lines"]}
    assert set(lines) == {hall.ktp, hall.kk}
    assert lines[hall.ktp]["waiting"] == 1
    assert isinstance(body["seq"], int)


def test_the_queue_is_in_the_order_next_takes_with_the_reason(
    line: Line, kiosk: Api, officer: Api, hall: Hall
) -> None:
    line.take(hall.kk)  # DK-001
    elderly = kiosk.post(
        "/api/v1/tickets", json={"service_id": hall.ktp, "priority": "elderly"}
    ).get_json()["ticket"]  # DK-002, after DK-001 but called first (priority first)
    line.take(hall.ktp)  # DK-003

    body = ok(officer.get(f"/api/v1/counters/{hall.c1}/queue"))
    assert [(t["number"], t["reason"]) for t in body["tickets"]] == [
        (elderly["number"], "priority"),
        ("DK-001", "arrival"),
        ("DK-003", "arrival"),
    ]
    officer.counter(hall.c1, "open")
    called = [ok(officer.counter(hall.c1, "next"))["ticket"]["number"] for _ in range(3)]
    assert called == [t["number"] for t in body["tickets"]]


@pytest.mark.parametrize("path", ["/api/v1/counters/{}", "/api/v1/counters/{}/queue"])
def test_an_unknown_counter_cannot_be_read(officer: Api, path: str) -> None:
    assert_error(officer.get(path.format(9999)), 404, "not_found")
