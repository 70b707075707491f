"""The kiosk's behaviour without a screen: what a visitor sees after each tap."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from kiosk.flow import IssueJob, KioskFlow, Screen
from kiosk.health_report import HealthReport
from kiosk.standards import ServiceStandard
from shared.api_client import ApiError, Issued
from shared.errors import ErrorCode

CONFIG = {
    "site": {"name": "MPP Kab. Tangerang"},
    "agencies": [{"id": 1, "short_name": "Disdukcapil", "name": "Dinas", "colour": "#0B5394"}],
    "services": [
        {
            "id": 10,
            "agency_id": 1,
            "name": "KTP-el",
            "priority_offered": True,
            "area": {"text": "Lantai 1 — Zona A (Loket 1–2)"},
        },
        {
            "id": 11,
            "agency_id": 1,
            "name": "Legalisir",
            "priority_offered": False,
            "area": {"text": "Lantai 1 — Zona A (Loket 1)"},
        },
        {"id": 12, "agency_id": 1, "name": "Akta", "remaining_quota": 0},
        {"id": 13, "agency_id": 1, "name": "Konsultasi", "area": None},
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

    def print_issued(self, ticket: Issued, language: str) -> str:
        if self.fail:
            raise Fault("paper out")
        self.printed.append(ticket.ticket["number"])
        return "ok"


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
    assert flow.issue("elderly")
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


def test_a_service_tile_is_the_one_entry_for_a_ticket_and_hands_the_issue_to_the_runner(
    api: FakeApi,
) -> None:
    """The window calls ``pick_service`` and nothing else: the flow claims the issue and
    hands its job to the app's runner (a worker), which the flow alone knows."""
    handed: list[IssueJob] = []
    flow = KioskFlow(api, FakePrinter(), clock=Clock(), run_issue=handed.append)
    flow.load_config()
    flow.start()
    flow.choose_agency(1)

    flow.pick_service(11)  # no priority question: straight to issuing
    assert [job.service_id for job in handed] == [11]
    assert flow.state.screen is Screen.ISSUING and flow.state.busy
    flow.pick_service(11)  # the finger bounces
    assert len(handed) == 1
    flow.complete(flow.perform(handed[0]))
    assert flow.state.screen is Screen.TICKET

    flow.home()
    flow.start()
    flow.choose_agency(1)
    flow.pick_service(10)  # asks the priority first: nothing issued yet
    assert flow.state.screen is Screen.PRIORITY and len(handed) == 1
    flow.issue("elderly")
    assert (handed[-1].service_id, handed[-1].priority) == (10, "elderly")


def test_a_full_service_cannot_be_chosen(api: FakeApi) -> None:
    flow = make(api)
    flow.choose_agency(1)
    assert flow.choose_service(12) is False
    assert flow.state.screen is Screen.SERVICES


def test_a_double_tap_issues_once(api: FakeApi) -> None:
    flow = make(api)
    flow.choose_agency(1)
    flow.choose_service(11)
    job = flow.request_issue()
    assert job is not None
    assert flow.request_issue() is None  # the second tap while the first is in flight
    flow.complete(flow.perform(job))
    assert len(api.keys) == 1
    assert flow.state.screen is Screen.TICKET


def test_the_server_away_shows_unavailable_and_no_ticket_then_reuses_the_key(api: FakeApi) -> None:
    api.failures.append(ApiError(ErrorCode.UNAVAILABLE, "down"))
    flow = make(api)
    flow.choose_agency(1)
    flow.choose_service(11)
    flow.issue()
    assert flow.state.screen is Screen.UNAVAILABLE
    assert flow.state.issued is None
    flow.issue()  # the visitor tries again: same key, so never two tickets
    assert flow.state.screen is Screen.TICKET
    assert api.keys[0] == api.keys[1]


def test_quota_reached_between_screens_is_a_clear_message(api: FakeApi) -> None:
    api.failures.append(ApiError(ErrorCode.QUOTA_EXHAUSTED, "full", 409))
    flow = make(api)
    flow.choose_agency(1)
    flow.choose_service(11)
    flow.issue()
    assert flow.state.screen is Screen.MESSAGE
    assert flow.state.message_code == ErrorCode.QUOTA_EXHAUSTED
    assert not flow.state.lines[11].selectable


def test_a_printer_fault_shows_the_ticket_on_screen_and_reports_it(api: FakeApi) -> None:
    flow = make(api, FakePrinter(fail=True))
    flow.choose_agency(1)
    flow.choose_service(11)
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
    flow.issue()
    clock.now += 21
    flow.tick()
    assert flow.state.screen is Screen.WELCOME


def test_the_ticket_says_where_to_wait_as_the_server_says_it(api: FakeApi) -> None:
    flow = make(api)
    assert flow.counter_area(10) == "Lantai 1 — Zona A (Loket 1–2)"
    assert flow.counter_area(11) == "Lantai 1 — Zona A (Loket 1)"
    assert flow.counter_area(12) is None  # an older server that does not say


def test_a_service_no_counter_serves_cannot_be_chosen(api: FakeApi) -> None:
    flow = make(api)
    flow.choose_agency(1)
    line = flow.state.lines[13]
    assert (line.staffed, line.selectable) == (False, False)
    assert flow.choose_service(13) is False
    assert flow.state.screen is Screen.SERVICES
    assert api.keys == []


def test_a_service_left_without_counters_between_screens_is_a_clear_message(
    api: FakeApi,
) -> None:
    api.failures.append(ApiError(ErrorCode.SERVICE_UNSTAFFED, "nobody", 409))
    flow = make(api)
    flow.choose_agency(1)
    flow.choose_service(11)
    flow.issue()
    assert (flow.state.screen, flow.state.message_code) == (
        Screen.MESSAGE,
        ErrorCode.SERVICE_UNSTAFFED,
    )
    assert not flow.state.lines[11].staffed


def test_a_visitor_who_comes_back_after_an_outage_gets_the_same_key(api: FakeApi) -> None:
    """The server may have made the ticket and lost the answer: choosing the same service
    again must not make a second one."""
    api.failures.append(ApiError(ErrorCode.UNAVAILABLE, "down"))
    flow = make(api)
    flow.choose_agency(1)
    flow.choose_service(11)
    flow.issue()
    flow.home()
    flow.choose_agency(1)
    flow.choose_service(11)
    flow.issue()
    assert api.keys[0] == api.keys[1]
    flow.home()
    flow.choose_agency(1)
    flow.choose_service(11)
    flow.issue()  # confirmed before: a new visit, a new key
    assert api.keys[2] != api.keys[1]


def test_another_choice_after_an_outage_gets_its_own_key(api: FakeApi) -> None:
    api.failures.append(ApiError(ErrorCode.UNAVAILABLE, "down"))
    flow = make(api)
    flow.choose_agency(1)
    flow.choose_service(10)
    flow.issue("none")
    flow.home()
    flow.choose_agency(1)
    flow.choose_service(10)
    flow.issue("elderly")
    assert api.keys[0] != api.keys[1]


def test_the_printer_state_is_reported_when_it_changes_not_after_every_ticket(
    api: FakeApi,
) -> None:
    printer = FakePrinter()
    flow = make(api, printer)

    def visit() -> None:
        flow.home()
        flow.choose_agency(1)
        flow.choose_service(11)
        flow.issue()

    visit()
    visit()
    printer.fail = True
    visit()
    visit()
    printer.fail = False
    visit()
    health = [value for kind, value in api.reports if kind == "health"]
    assert health == ["ok", "paper_out", "ok"]
    printed = [value for kind, value in api.reports if kind == "printed"]
    assert printed == [True, True, False, False, True]


def test_a_health_report_the_server_missed_is_sent_again(api: FakeApi) -> None:
    refusals = [ApiError(ErrorCode.UNAVAILABLE, "down")]
    sent: list[str] = []

    def send(printer: str, message: str | None = None) -> None:
        if refusals:
            raise refusals.pop()
        sent.append(printer)

    flow = make(api)
    flow.health = HealthReport(send)
    assert flow.health.note("paper_out") is False
    assert flow.health.note("paper_out") is True
    assert sent == ["paper_out"]


def test_a_going_offline_kiosk_says_so_but_leaves_a_choosing_visitor_alone(api: FakeApi) -> None:
    flow = make(api)
    flow.start()
    flow.set_online(False)
    assert flow.state.screen is Screen.AGENCIES
    flow.home()
    assert flow.state.screen is Screen.UNAVAILABLE
    flow.set_online(True)
    flow.load_config()  # what the kiosk does when the feed is back
    assert flow.state.screen is Screen.WELCOME


def test_an_empty_kiosk_shows_unavailable_when_the_feed_drops(api: FakeApi) -> None:
    flow = make(api)
    flow.set_online(False)
    assert flow.state.screen is Screen.UNAVAILABLE


def test_no_agencies_before_the_configuration_arrived(api: FakeApi) -> None:
    flow = KioskFlow(api, FakePrinter(), clock=Clock())
    flow.start()
    assert flow.state.screen is Screen.UNAVAILABLE


def at(moment: str) -> Callable[[], dt.datetime]:
    return lambda: dt.datetime.fromisoformat(moment)


HOURS = {"mon": ["07:30", "16:00"], "fri": ["07:30", "11:00"]}


def config_at(server_time: str, holidays: list[str] | None = None) -> dict[str, Any]:
    services = [{**s, "hours": HOURS} for s in CONFIG["services"]]
    return {
        **CONFIG,
        "site": {"name": "MPP", "timezone": "Asia/Jakarta", "server_time": server_time},
        "services": services,
        "holidays": [{"date": d, "name": "Libur"} for d in holidays or []],
    }


@pytest.mark.parametrize(
    ("server_time", "is_open"),
    [
        ("2026-11-30T00:29:00+00:00", False),  # Monday 07.29 in Jakarta
        ("2026-11-30T00:30:00+00:00", True),  # Monday 07.30
        ("2026-11-30T08:59:00+00:00", True),  # Monday 15.59
        ("2026-11-30T09:00:00+00:00", False),  # Monday 16.00: closed
        ("2026-12-04T04:00:00+00:00", False),  # Friday 11.00: closed for Friday prayers
        ("2026-12-01T02:00:00+00:00", False),  # Tuesday: no hours that day
    ],
)
def test_services_outside_their_hours_show_closed(
    api: FakeApi, server_time: str, is_open: bool
) -> None:
    flow = KioskFlow(api, FakePrinter(), clock=Clock(), wall_clock=at(server_time))
    flow.apply_config(config_at(server_time))
    assert flow.state.lines[11].open is is_open
    assert flow.agency_open(1) is is_open


@pytest.mark.parametrize(
    ("server_time", "language", "said"),
    [
        ("2026-11-30T00:00:00+00:00", "id", "Buka pukul 07.30"),  # Monday 07.00
        ("2026-11-30T09:30:00+00:00", "id", "Buka Jumat 07.30"),  # Monday 16.30
        ("2026-12-04T05:00:00+00:00", "id", "Buka Senin 07.30"),  # Friday 12.00
        ("2026-12-04T05:00:00+00:00", "en", "Opens Monday 07.30"),
    ],
)
def test_a_closed_service_says_when_it_opens_next(
    api: FakeApi, server_time: str, language: str, said: str
) -> None:
    flow = KioskFlow(api, FakePrinter(), clock=Clock(), wall_clock=at(server_time))
    flow.apply_config(config_at(server_time))
    assert flow.opening_text(flow.state.lines[11], language) == said
    assert flow.agency_next_opening(1) == flow.state.lines[11].next_opening


def test_a_special_opening_opens_a_saturday_for_its_agency(api: FakeApi) -> None:
    saturday_9 = "2026-12-05T02:00:00+00:00"
    config = config_at(saturday_9)
    config["special_openings"] = [
        {"date": "2026-12-05", "opens": "08:00", "closes": "12:00", "agency_id": 1, "name": "x"}
    ]
    flow = KioskFlow(api, FakePrinter(), clock=Clock(), wall_clock=at(saturday_9))
    flow.apply_config(config)
    assert flow.state.lines[11].open and flow.agency_open(1)
    config["special_openings"][0]["agency_id"] = 2  # another agency's Saturday
    flow.apply_config(config)
    assert not flow.state.lines[11].open


def test_a_holiday_closes_every_service(api: FakeApi) -> None:
    monday_9 = "2026-11-30T02:00:00+00:00"
    flow = KioskFlow(api, FakePrinter(), clock=Clock(), wall_clock=at(monday_9))
    flow.apply_config(config_at(monday_9, holidays=["2026-11-30"]))
    assert not any(line.open for line in flow.state.lines.values())


def test_opening_follows_the_servers_clock_not_the_kiosks() -> None:
    api = FakeApi()
    now = [dt.datetime.fromisoformat("2026-11-30T01:00:00+00:00")]  # kiosk: 08.00
    flow = KioskFlow(api, FakePrinter(), clock=Clock(), wall_clock=lambda: now[0])
    flow.apply_config(config_at("2026-11-30T08:58:00+00:00"))  # server: 15.58
    assert flow.state.lines[11].open
    now[0] += dt.timedelta(minutes=3)  # 16.01 by the server's clock
    flow.refresh_opening()
    assert not flow.state.lines[11].open


def test_the_standard_the_server_sends_is_shown_from_the_services_screen() -> None:
    flow = KioskFlow(FakeApi(), FakePrinter(), clock=Clock())
    written = {"requirements": ["Fotokopi KK"], "fee": "Gratis", "completion": ""}
    nothing = {"requirements": [], "fee": "", "completion": ""}
    config = {
        **CONFIG,
        "services": [
            {**CONFIG["services"][1], "code": "DK-LEG", "standard": written},
            {**CONFIG["services"][0], "code": "DK-KTP", "standard": nothing},
            {**CONFIG["services"][2], "code": "DK-AKTA", "standard": {"fee": 5}},
        ],
    }
    flow.apply_config(config)
    assert flow.state.lines[11].standard == ServiceStandard(("Fotokopi KK",), fee="Gratis")
    assert flow.state.lines[10].standard is None  # nothing written: no button
    assert flow.state.lines[12].standard is None  # unreadable: left out, not a crash
    flow.choose_agency(1)
    flow.show_standard(11)
    assert flow.state.screen is Screen.STANDARD
    flow.back()
    assert flow.state.screen is Screen.SERVICES
    flow.show_standard(12)
    assert flow.state.screen is Screen.SERVICES


def test_queue_stats_update_one_lines_count() -> None:
    flow = make(FakeApi())
    flow.apply_line_stats({"service_id": 10, "waiting": 7, "estimated_wait_minutes": 35})
    assert (flow.state.lines[10].waiting, flow.state.lines[10].estimated_wait_minutes) == (7, 35)
    assert flow.waiting_for_agency(1) == 7
    flow.apply_line_stats({"service_id": 999, "waiting": 1})  # a service this kiosk hides


def test_a_token_the_server_refuses_says_so_on_the_unavailable_screen() -> None:
    api = FakeApi()
    flow = KioskFlow(api, FakePrinter(), clock=Clock())
    flow.config_failed(ApiError(ErrorCode.UNAUTHENTICATED, "who?", 401))
    assert flow.state.screen is Screen.UNAVAILABLE
    assert flow.state.message_code == ErrorCode.UNAUTHENTICATED


def test_a_failed_reload_leaves_a_choosing_visitor_alone(api: FakeApi) -> None:
    flow = make(api)
    flow.start()
    flow.choose_agency(1)
    flow.config_failed(ApiError(ErrorCode.UNAVAILABLE, "down"))
    assert flow.state.screen is Screen.SERVICES
    flow.home()
    flow.config_failed(ApiError(ErrorCode.UNAVAILABLE, "down"))
    assert flow.state.screen is Screen.UNAVAILABLE


# --- the tap guard: a tap meant for one screen never acts on the next ----------------------


def guarded(api: FakeApi, clock: Clock, seconds: float = 0.5) -> KioskFlow:
    flow = KioskFlow(api, FakePrinter(), clock=clock, tap_guard_seconds=seconds)
    flow.load_config()
    clock.now += 10  # the welcome screen has been there a while
    return flow


def test_the_second_tap_of_a_fast_pair_never_acts_on_the_screen_the_first_opened(
    api: FakeApi,
) -> None:
    clock = Clock()
    flow = guarded(api, clock)
    flow.start()
    assert flow.state.screen is Screen.AGENCIES
    clock.now += 0.15
    flow.choose_agency(1)  # the same finger again: an agency under "Sentuh untuk mulai"
    assert flow.state.screen is Screen.AGENCIES

    clock.now += 0.5
    flow.choose_agency(1)
    clock.now += 0.15
    assert flow.choose_service(10) is False  # the first service under the agency's tile
    assert flow.state.screen is Screen.SERVICES

    clock.now += 0.5
    flow.choose_service(10)
    assert flow.state.screen is Screen.PRIORITY
    clock.now += 0.15
    assert flow.request_issue("none") is None  # "Tidak, antrean umum" under the service
    assert flow.state.screen is Screen.PRIORITY and api.keys == []

    clock.now += 0.5
    assert flow.issue("elderly")
    assert flow.state.screen is Screen.TICKET
    clock.now += 0.15
    flow.go_home()  # "Selesai" under the answer
    assert flow.state.screen is Screen.TICKET
    clock.now += 0.5
    flow.go_home()
    assert flow.state.screen is Screen.WELCOME


def test_taps_slower_than_a_double_tap_but_inside_the_guard_still_wait(api: FakeApi) -> None:
    clock = Clock()
    flow = guarded(api, clock)
    flow.start()
    for _ in range(3):
        clock.now += 0.16  # three more taps, 0.48 s in all
        flow.choose_agency(1)
    assert flow.state.screen is Screen.AGENCIES
    clock.now += 0.02  # 0.5 s since the agencies appeared
    flow.choose_agency(1)
    assert flow.state.screen is Screen.SERVICES


def test_back_home_and_language_wait_for_their_screen_too(api: FakeApi) -> None:
    clock = Clock()
    flow = guarded(api, clock)
    flow.start()
    clock.now += 1
    flow.choose_agency(1)
    clock.now += 1
    flow.back()
    assert flow.state.screen is Screen.AGENCIES
    clock.now += 0.15
    flow.back()  # the back button is in the same place on the agencies screen
    assert flow.state.screen is Screen.AGENCIES

    clock.now += 1
    flow.set_language("en")
    clock.now += 0.15
    flow.set_language("id")  # the language button, tapped twice
    assert flow.state.language == "en"

    clock.now += 1
    flow.go_home()
    assert flow.state.screen is Screen.WELCOME
    clock.now += 0.15
    flow.start()
    assert flow.state.screen is Screen.WELCOME


def test_the_idle_timer_is_not_held_by_the_guard(api: FakeApi) -> None:
    clock = Clock()
    flow = guarded(api, clock)
    flow.start()
    clock.now += 0.1
    flow.home()  # what the timers call: not a visitor's tap
    assert flow.state.screen is Screen.WELCOME


def test_a_negative_guard_is_refused(api: FakeApi) -> None:
    with pytest.raises(ValueError, match="negative"):
        KioskFlow(api, FakePrinter(), tap_guard_seconds=-0.1)


def test_a_bouncing_finger_on_a_keypad_key_types_it_once_and_a_doubled_letter_twice(
    api: FakeApi,
) -> None:
    clock = Clock()
    flow = KioskFlow(api, FakePrinter(), clock=clock, tap_guard_seconds=0.5)
    flow.load_config()
    flow.open_check_in()
    clock.now += 1.0  # looked at the keypad
    flow.press_code_key("Q")
    clock.now += 0.15  # the same finger, bouncing
    flow.press_code_key("Q")
    assert flow.state.code == "Q"
    clock.now += 0.25  # then pressed on purpose: a code may double a letter
    flow.press_code_key("Q")
    assert flow.state.code == "QQ"
    clock.now += 0.1  # another key at once always counts
    flow.press_code_key("7")
    flow.erase_code()
    clock.now += 0.15
    flow.erase_code()  # Hapus bouncing takes one letter, not two
    assert flow.state.code == "QQ"
