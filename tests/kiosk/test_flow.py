"""The kiosk's behaviour without a screen: what a visitor sees after each tap."""

from __future__ import annotations

from typing import Any

import pytest

from kiosk.flow import KioskFlow, Screen
from shared.api_client import ApiError, Issued
from shared.errors import ErrorCode

CONFIG = {
    "site": {"name": "MPP Kab. Tangerang"},
    "agencies": [{"id": 1, "short_name": "Disdukcapil", "name": "Dinas", "colour": "#0B5394"}],
    "services": [
        {"id": 10, "agency_id": 1, "name": "KTP-el", "priority_offered": True},
        {"id": 11, "agency_id": 1, "name": "Legalisir", "priority_offered": False},
        {"id": 12, "agency_id": 1, "name": "Akta", "remaining_quota": 0},
    ],
    "zones": [{"code": "lantai1-a", "name": "Lantai 1 — Zona A"}],
    "counters": [
        {"label": "Loket 1", "zone": "lantai1-a", "service_ids": [10, 11]},
        {"label": "Loket 2", "zone": "lantai1-a", "service_ids": [10]},
    ],
}


def issued(number: str = "DK-001") -> Issued:
    ticket = {"id": 5, "number": number, "service": {"id": 10, "name": "KTP-el"}, "agency": {}}
    return Issued(ticket=ticket, people_ahead=2, estimated_wait_minutes=16, replayed=False)


class FakeApi:
    def __init__(self) -> None:
        self.keys: list[str | None] = []
        self.failures: list[ApiError] = []
        self.reports: list[tuple[str, Any]] = []

    def config(self) -> dict[str, Any]:
        return CONFIG

    def issue_ticket(
        self, service_id: int, priority: str = "none", *, key: str | None = None
    ) -> Issued:
        self.keys.append(key)
        if self.failures:
            raise self.failures.pop(0)
        return issued()

    def report_printed(self, ticket_id: int, printed: bool) -> None:
        self.reports.append(("printed", printed))

    def report_health(self, printer: str, message: str | None = None) -> None:
        self.reports.append(("health", printer))


class Fault(Exception):
    class health:
        value = "paper_out"


class FakePrinter:
    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.printed: list[str] = []

    def print_issued(self, ticket: Issued, language: str) -> None:
        if self.fail:
            raise Fault("paper out")
        self.printed.append(ticket.ticket["number"])


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def api() -> FakeApi:
    return FakeApi()


def make(api: FakeApi, printer: FakePrinter | None = None, clock: Clock | None = None) -> KioskFlow:
    flow = KioskFlow(api, printer or FakePrinter(), clock=clock or Clock())
    flow.load_config()
    return flow


def test_a_visitor_walks_from_welcome_to_a_printed_ticket(api: FakeApi) -> None:
    printer = FakePrinter()
    flow = make(api, printer)
    flow.start()
    flow.choose_agency(1)
    assert flow.state.screen is Screen.SERVICES
    assert flow.choose_service(10) is False  # priority is asked first
    assert flow.state.screen is Screen.PRIORITY
    assert flow.begin_issue()
    flow.issue("elderly")
    assert flow.state.screen is Screen.TICKET
    assert flow.state.issued is not None and flow.state.issued.ticket["number"] == "DK-001"
    assert flow.state.printed is True
    assert printer.printed == ["DK-001"]
    assert ("printed", True) in api.reports


def test_a_service_without_priority_issues_straight_away(api: FakeApi) -> None:
    flow = make(api)
    flow.start()
    flow.choose_agency(1)
    assert flow.choose_service(11) is True


def test_a_full_service_cannot_be_chosen(api: FakeApi) -> None:
    flow = make(api)
    flow.choose_agency(1)
    assert flow.choose_service(12) is False
    assert flow.state.screen is Screen.SERVICES


def test_a_double_tap_issues_once(api: FakeApi) -> None:
    flow = make(api)
    flow.choose_agency(1)
    flow.choose_service(11)
    assert flow.begin_issue() is True
    assert flow.begin_issue() is False  # the second tap while the first is in flight
    flow.issue()
    assert len(api.keys) == 1


def test_the_server_away_shows_unavailable_and_no_ticket_then_reuses_the_key(api: FakeApi) -> None:
    api.failures.append(ApiError(ErrorCode.UNAVAILABLE, "down"))
    flow = make(api)
    flow.choose_agency(1)
    flow.choose_service(11)
    flow.begin_issue()
    flow.issue()
    assert flow.state.screen is Screen.UNAVAILABLE
    assert flow.state.issued is None
    flow.begin_issue()
    flow.issue()  # the visitor tries again: same key, so never two tickets
    assert flow.state.screen is Screen.TICKET
    assert api.keys[0] == api.keys[1]


def test_quota_reached_between_screens_is_a_clear_message(api: FakeApi) -> None:
    api.failures.append(ApiError(ErrorCode.QUOTA_EXHAUSTED, "full", 409))
    flow = make(api)
    flow.choose_agency(1)
    flow.choose_service(11)
    flow.begin_issue()
    flow.issue()
    assert flow.state.screen is Screen.MESSAGE
    assert flow.state.message_code == ErrorCode.QUOTA_EXHAUSTED
    assert not flow.state.lines[11].selectable


def test_a_printer_fault_shows_the_ticket_on_screen_and_reports_it(api: FakeApi) -> None:
    flow = make(api, FakePrinter(fail=True))
    flow.choose_agency(1)
    flow.choose_service(11)
    flow.begin_issue()
    flow.issue()
    assert flow.state.screen is Screen.TICKET
    assert flow.state.printed is False
    assert flow.state.printer_fault == "paper_out"
    assert ("printed", False) in api.reports and ("health", "paper_out") in api.reports


def test_idle_screens_return_to_the_start(api: FakeApi) -> None:
    clock = Clock()
    flow = make(api, clock=clock)
    flow.start()
    flow.choose_agency(1)
    clock.now += 44
    flow.tick()
    assert flow.state.screen is Screen.SERVICES
    clock.now += 2
    flow.tick()
    assert flow.state.screen is Screen.WELCOME


def test_the_ticket_screen_returns_by_itself(api: FakeApi) -> None:
    clock = Clock()
    flow = make(api, clock=clock)
    flow.choose_agency(1)
    flow.choose_service(11)
    flow.begin_issue()
    flow.issue()
    clock.now += 21
    flow.tick()
    assert flow.state.screen is Screen.WELCOME


def test_the_ticket_says_where_to_wait(api: FakeApi) -> None:
    flow = make(api)
    assert flow.counter_area(10) == "Lantai 1 — Zona A (Loket 1–2)"
    assert flow.counter_area(11) == "Lantai 1 — Zona A (Loket 1)"
