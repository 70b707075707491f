"""The shift's decisions without a screen: what it sends, what it refuses, and how it
takes pushes. Jobs are recorded instead of run; answers are given as the server gives them
(the window tests run the same shift against a real server)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from counter_client.actions import Action
from counter_client.config import CounterConfig
from counter_client.hall import ServerClock
from counter_client.jobs import Job, Outcome
from counter_client.shift import CounterShift, Phase
from shared.api_client import ApiError
from shared.errors import ErrorCode

NOW = dt.datetime(2026, 11, 30, 2, 0, tzinfo=dt.UTC)
CONFIG = {
    "site": {"today": "2026-11-30", "server_time": NOW.isoformat()},
    "settings": {"no_show_after_calls": 3},
    "agencies": [{"id": 1, "code": "DK", "short_name": "Disdukcapil", "position": 1}],
    "services": [{"id": 1, "agency_id": 1, "name": "KTP", "position": 1}],
    "counters": [{"id": 7, "label": "Loket 1", "agency_id": 1, "service_ids": [1]}],
}
USER = {"id": 3, "username": "petugas.dk", "agency": {"id": 1, "code": "DK"}}


class RecordingFeed:
    def __init__(self) -> None:
        self.started: list[str] = []
        self.stopped = 0
        self.resets: list[tuple[str, int]] = []

    def start(self, token: str) -> None:
        self.started.append(token)

    def stop(self) -> None:
        self.stopped += 1

    def reset(self, room: str, seq: int) -> None:
        self.resets.append((room, seq))


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def ticket(tid: int, state: str = "called", **fields: Any) -> dict[str, Any]:
    return {
        "id": tid,
        "number": f"DK-{tid:03d}",
        "state": state,
        "service": {"id": 1, "name": "KTP"},
        "agency": {"id": 1},
        "call_count": 1,
        "counter": {"id": 7} if state != "waiting" else None,
        "target_counter_id": None,
        "queued_at": NOW.isoformat(),
        "service_date": "2026-11-30",
        **fields,
    }


def counter(current: int | None = None, **fields: Any) -> dict[str, Any]:
    return {
        "id": 7,
        "label": "Loket 1",
        "state": "open",
        "officer_id": 3,
        "current_ticket_id": current,
        "service_ids": [1],
        **fields,
    }


class Harness:
    """A shift logged in and working at Loket 1, with its jobs held for inspection."""

    def __init__(self, config: CounterConfig | None = None, **session_args: Any) -> None:
        self.jobs: list[Job] = []
        self.feed = RecordingFeed()
        self.monotonic = Clock()
        self.server_clock = ServerClock(lambda: NOW)
        self.shift = CounterShift(
            config or CounterConfig(server_url="http://antre.test"),
            dispatch=self.jobs.append,
            feed=self.feed,
            monotonic=self.monotonic,
            server_clock=self.server_clock,
            **session_args,
        )

    def answer(self, result: Any = None, error: ApiError | None = None) -> Job:
        job = self.jobs.pop(0)
        self.shift.complete(Outcome(job, result=result, error=error))
        return job

    def work(self, current: dict[str, Any] | None = None, waiting: list[Any] = ()) -> None:
        shift = self.shift
        shift.login("petugas.dk", "rahasia")
        expires = (NOW + dt.timedelta(hours=12)).isoformat()
        self.answer(({"token": "tok", "expires_at": expires, "user": USER}, CONFIG))
        shift.choose_counter(7)
        here = counter(current["id"] if current else None)
        snapshot = {
            "seq": 40,
            "counters": [{**here, "ticket": current}],
            "waiting": list(waiting),
        }
        self.answer(({"counter": here, "ticket": current}, snapshot))
        shift.set_online(True)
        self.monotonic.now += 60  # the number has been on screen a while


def test_login_starts_the_feed_and_opening_resets_its_seq() -> None:
    h = Harness()
    h.work()
    assert h.shift.phase is Phase.WORK
    assert h.feed.started == ["tok"]
    assert h.feed.resets == [("agency:DK", 40)]


def test_commands_about_the_visitor_carry_the_ticket_the_officer_sees() -> None:
    h = Harness()
    h.work(current=ticket(5))
    h.shift.press(Action.FINISH)
    body = run_body(h)
    assert body == {"expect_ticket_id": 5}


def test_next_at_an_idle_counter_expects_no_ticket() -> None:
    h = Harness()
    h.work(waiting=[ticket(6, "waiting")])
    h.shift.press(Action.NEXT)
    assert run_body(h) == {"expect_ticket_id": None}


def test_a_press_while_offline_is_refused_with_a_message_and_never_sent() -> None:
    h = Harness()
    h.work(current=ticket(5))
    h.shift.set_online(False)
    assert h.shift.press(Action.NEXT) is False
    assert h.jobs == []
    assert h.shift.message is not None and "tidak dikirim" in h.shift.message.text
    h.shift.set_online(True)
    assert h.jobs == [], "nothing was kept to be sent when the connection came back"


def test_a_second_press_while_the_first_is_in_flight_is_dropped() -> None:
    h = Harness()
    h.work(current=ticket(5))
    assert h.shift.press(Action.NEXT) is True
    assert h.shift.press(Action.NEXT) is False
    assert len(h.jobs) == 1


def test_a_number_that_just_appeared_cannot_be_ended_at_once() -> None:
    h = Harness(settle_seconds=1.0)
    h.work(current=ticket(5))
    h.shift.press(Action.NEXT)
    h.answer({"counter": counter(6), "ticket": ticket(6)})
    assert h.shift.press(Action.FINISH) is False
    assert h.shift.press(Action.RECALL) is True, "recalling does not end anyone's turn"
    h.answer({"counter": counter(6), "ticket": ticket(6, call_count=2)})
    h.monotonic.now += 1.5
    assert h.shift.press(Action.FINISH) is True


def test_a_confirmed_no_show_for_a_visitor_no_longer_at_the_counter_is_not_sent() -> None:
    h = Harness()
    h.work(current=ticket(6, call_count=3))
    assert h.shift.asks_before(Action.NO_SHOW)
    assert h.shift.press(Action.NO_SHOW, about=5) is False  # the question was about DK-005
    assert h.jobs == []
    assert h.shift.message is not None and "sudah berubah" in h.shift.message.text
    assert h.shift.press(Action.NO_SHOW, about=6) is True


def test_the_no_show_question_is_off_by_setting_or_until_logout() -> None:
    h = Harness(config=CounterConfig(server_url="http://antre.test", confirm_no_show=False))
    h.work(current=ticket(6, call_count=3))
    assert not h.shift.asks_before(Action.NO_SHOW)
    asked = Harness()
    asked.work()
    asked.shift.stop_asking_no_show()
    assert not asked.shift.asks_before(Action.NO_SHOW)
    assert asked.shift.logout()
    assert asked.shift.asks_before(Action.NO_SHOW), "asked again after the next login"


def test_the_waiting_list_follows_the_priority_turn_the_counter_pushes() -> None:
    config = {**CONFIG, "settings": {"no_show_after_calls": 3, "priority_every_n": 3}}
    h = Harness()
    h.shift.login("petugas.dk", "rahasia")
    h.answer(({"token": "tok", "expires_at": None, "user": USER}, config))
    h.shift.choose_counter(7)
    past = (NOW - dt.timedelta(hours=1)).isoformat()
    waiting = [
        ticket(6, "waiting"),
        ticket(7, "waiting", priority="elderly"),
        ticket(8, "waiting", source="kiosk", booked_for=past),  # not a booking: no slot
    ]
    here = counter(calls_since_priority=0)
    snapshot = {"seq": 40, "counters": [{**here, "ticket": None}], "waiting": waiting}
    h.answer(({"counter": here, "ticket": None}, snapshot))

    def order() -> list[tuple[int, str]]:
        return [(int(t["id"]), reason.value) for t, reason in h.shift.calling_order()]

    assert order() == [(6, "arrival"), (7, "priority"), (8, "arrival")]
    two_calls = {"room": "agency:DK", "seq": 41, "counter": counter(calls_since_priority=2)}
    h.shift.apply_event("counter.updated", two_calls)
    assert order() == [(7, "priority"), (6, "arrival"), (8, "arrival")]


def test_a_conflict_shows_a_message_and_reloads_the_view() -> None:
    h = Harness()
    h.work(current=ticket(5))
    h.shift.press(Action.FINISH)
    h.answer(error=ApiError(ErrorCode.CONFLICT, "changed", 409))
    assert h.shift.message is not None and "sudah berubah" in h.shift.message.text
    assert [job.name for job in h.jobs] == ["resync"]


def test_pushes_already_in_the_snapshot_are_ignored_and_later_ones_applied() -> None:
    h = Harness()
    h.work()
    old = {"room": "agency:DK", "seq": 40, "ticket": ticket(8, "waiting")}
    h.shift.apply_event("ticket.issued", old)
    assert h.shift.waiting() == []
    new = {"room": "agency:DK", "seq": 41, "ticket": ticket(9, "waiting")}
    h.shift.apply_event("ticket.issued", new)
    assert [t["number"] for t in h.shift.waiting()] == ["DK-009"]


def test_a_call_heard_from_the_feed_shows_the_new_number() -> None:
    h = Harness()
    h.work(waiting=[ticket(9, "waiting")])
    h.shift.apply_event("ticket.called", {"room": "agency:DK", "seq": 41, "ticket": ticket(9)})
    h.shift.apply_event("counter.updated", {"room": "agency:DK", "seq": 42, "counter": counter(9)})
    assert h.shift.ticket is not None and h.shift.ticket["number"] == "DK-009"
    assert h.shift.waiting() == []


def test_the_counter_taken_over_elsewhere_returns_to_the_list_with_a_message() -> None:
    h = Harness()
    h.work()
    taken = {"room": "agency:DK", "seq": 41, "counter": counter(officer_id=99)}
    h.shift.apply_event("counter.updated", taken)
    assert h.shift.phase is Phase.PICK
    assert h.shift.message is not None and "diambil alih" in h.shift.message.text


def test_a_command_refused_because_the_counter_was_taken_over_leaves_it_once() -> None:
    """The takeover's push was missed (a reconnect): the server's refusal is enough to know
    the counter is no longer this officer's. One reload for the list, and no loop."""
    h = Harness()
    h.work(current=ticket(5))
    h.shift.press(Action.FINISH)
    h.answer(error=ApiError(ErrorCode.COUNTER_TAKEN, "taken", 409))

    assert h.shift.phase is Phase.PICK
    assert h.shift.counter is None and h.shift.ticket is None
    assert h.shift.message is not None
    assert h.shift.message.text.startswith("Loket 1 diambil alih oleh admin atau supervisor")
    assert [job.name for job in h.jobs] == ["resync"]
    taken = {**counter(5, officer_id=99), "ticket": ticket(5)}
    h.answer(({"seq": 44, "counters": [taken], "waiting": []}, CONFIG))
    assert h.shift.phase is Phase.PICK
    assert h.jobs == []
    assert h.shift.picker_counters()[0]["officer_id"] == 99
    assert "diambil alih" in h.shift.message.text


def test_the_session_ends_when_its_token_expires() -> None:
    h = Harness()
    h.work()
    h.server_clock.sync(NOW + dt.timedelta(hours=12, seconds=1))
    h.shift.tick()
    assert h.shift.phase is Phase.LOGIN
    assert h.feed.stopped == 1
    assert h.shift.message is not None and "berakhir" in h.shift.message.text


def test_an_account_without_an_agency_is_turned_away() -> None:
    h = Harness()
    h.shift.login("admin", "rahasia")
    admin = {**USER, "agency": None}
    h.answer(({"token": "tok", "expires_at": None, "user": admin}, CONFIG))
    assert h.shift.phase is Phase.LOGIN
    assert [job.name for job in h.jobs] == ["logout"]
    assert h.feed.started == []


def run_body(h: Harness) -> Any:
    """The JSON body the pending command would send."""

    class Recorder:
        token = "tok"
        sent: Any = None

        def counter(self, counter_id: int, action: str, body: Any = None) -> dict[str, Any]:
            Recorder.sent = body
            return {}

    h.jobs[-1].call(Recorder())  # type: ignore[arg-type]
    return Recorder.sent


class AskedApi:
    """Runs a job's call and records what it asked the server (no server: empty answers)."""

    def __init__(self) -> None:
        self.token: str | None = "tok"
        self.asked: list[str] = []

    def login(self, username: str, password: str) -> dict[str, Any]:
        self.asked.append("login")
        return {}

    def logout(self) -> None:
        self.asked.append("logout")

    def config(self) -> dict[str, Any]:
        self.asked.append("config")
        return CONFIG

    def counter(self, counter_id: int, action: str, body: Any = None) -> dict[str, Any]:
        self.asked.append(action)
        return {}

    def agency_snapshot(self, agency_code: str) -> dict[str, Any]:
        self.asked.append("snapshot")
        return {"seq": 50, "counters": [], "waiting": []}

    def requeue(self, ticket_id: int) -> dict[str, Any]:
        self.asked.append("requeue")
        return {}

    def line(self, service_id: int) -> dict[str, Any]:
        self.asked.append("line")
        return {}


def asked(job: Job) -> list[str]:
    api = AskedApi()
    job.call(api)
    return api.asked


def test_the_configuration_is_asked_at_login_but_not_by_opening_or_reloading() -> None:
    h = Harness()
    h.shift.login("petugas.dk", "rahasia")
    assert asked(h.jobs[0]) == ["login", "config"]
    h.answer(({"token": "tok", "expires_at": None, "user": USER}, CONFIG))
    h.shift.choose_counter(7)
    assert asked(h.jobs[0]) == ["open", "snapshot"]
    here = counter()
    h.answer(({"counter": here, "ticket": None}, {"seq": 40, "counters": [here], "waiting": []}))
    h.shift.set_online(True)

    h.shift.resync()  # the first connect, a gap in the events, a refusal: the room only
    assert asked(h.jobs[0]) == ["snapshot"]


def test_config_updated_reloads_the_configuration_with_the_room() -> None:
    h = Harness()
    h.work()
    h.jobs.clear()
    h.shift.apply_event("config.updated", {})
    assert asked(h.jobs[0]) == ["snapshot", "config"]
    renamed = {**CONFIG, "counters": [{**CONFIG["counters"][0], "label": "Loket Satu"}]}
    h.answer(({"seq": 41, "counters": [{**counter(), "ticket": None}], "waiting": []}, renamed))
    assert h.shift.counter_label() == "Loket Satu"
    h.shift.resync()
    assert asked(h.jobs[0]) == ["snapshot"]  # once is enough


def test_after_the_feed_was_lost_the_next_reload_asks_for_the_configuration_too() -> None:
    h = Harness()
    h.work()
    h.jobs.clear()
    h.shift.set_online(False)  # a config.updated may have been pushed meanwhile
    h.shift.set_online(True)
    h.shift.resync()  # what the feed asks for after every (re)connect
    assert asked(h.jobs[0]) == ["snapshot", "config"]


def test_a_config_updated_during_a_reload_without_it_asks_once_more() -> None:
    h = Harness()
    h.work()
    h.jobs.clear()
    h.shift.resync()
    h.shift.apply_event("config.updated", {})  # while the first reload is on its way
    h.answer(({"seq": 41, "counters": [{**counter(), "ticket": None}], "waiting": []}, None))
    assert [asked(job) for job in h.jobs] == [["snapshot", "config"]]
