"""A counter obeys the one who holds it open: every command, for every other caller.

The officer who opened a counter (``counters.officer_id``) alone drives it: a colleague of
the same agency, the agency's supervisor and an admin are refused with ``409
counter_taken``; anyone of another agency and any device with ``403 forbidden``; and a
refusal changes nothing in the database. An admin, or the supervisor of the counter's
agency, may take it over explicitly (``open`` with ``{"takeover": true}``); the counter's
event log says who took it from whom, and from then on the first officer is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from server.models import CounterEvent
from server.state import AppState
from tests.conftest import Api, FakeClock
from tests.factories import PASSWORD, Hall
from tests.server.api.responses import assert_error, ok

HOLDER = "petugas.dk"
# Tables a counter command writes (pushes number their room in room_seqs); logins, login
# throttling and devices' last-seen times change with any request and are left out.
WRITTEN = ("counters", "tickets", "ticket_events", "counter_events", "room_seqs")


def db_state(app: Flask) -> dict[str, list[tuple[Any, ...]]]:
    """Every row a counter command could have written, for before/after comparison."""
    state: AppState = app.extensions["antre"]
    from server.models import Base

    tables = {t.name: t for t in Base.metadata.sorted_tables}
    with state.db.read() as session:
        return {
            name: [
                tuple(row)
                for row in session.execute(select(tables[name]).order_by(*tables[name].primary_key))
            ]
            for name in WRITTEN
        }


@pytest.fixture
def sup_sm(app: Flask) -> str:
    """A supervisor of the other agency (the test hall has only Disdukcapil's)."""
    from server.domain.users import create_user

    state: AppState = app.extensions["antre"]
    with state.db.write() as session:
        create_user(session, "sup.sm", PASSWORD, "supervisor", "SM")
    return "sup.sm"


@dataclass(frozen=True)
class Command:
    """One counter command, with what the holder does first so that it would succeed."""

    action: str
    prepare: tuple[str, ...] = ()
    body: Callable[[Hall, dict[str, Any]], dict[str, Any] | None] = lambda hall, seen: None


COMMANDS = [
    Command("open"),
    Command("pause"),
    Command("resume", ("pause",)),
    Command("close"),
    Command("next"),
    Command("call", body=lambda hall, seen: {"ticket_id": seen["waiting"][0]}),
    Command("recall", ("next",)),
    Command("start", ("next",)),
    Command("finish", ("next",)),
    Command("no-show", ("next", "recall", "recall")),
    Command("transfer", ("next",), body=lambda hall, seen: {"service_id": hall.kk}),
]
IDS = [command.action for command in COMMANDS]


class Counter1:
    """Loket 1 (Disdukcapil) held open by petugas.dk, with three visitors waiting."""

    def __init__(self, api: Api, hall: Hall, clock: FakeClock) -> None:
        self.api = api
        self.hall = hall
        self.holder = api.as_user(HOLDER)
        kiosk = api.as_device("kiosk")
        self.waiting = []
        for _ in range(3):
            self.waiting.append(kiosk.issue(hall.ktp)["id"])
            clock.advance(minutes=1)
        ok(self.holder.counter(hall.c1, "open"))

    def prepare(self, command: Command) -> dict[str, Any] | None:
        for step in command.prepare:
            ok(self.holder.counter(self.hall.c1, step))
        return command.body(self.hall, {"waiting": self.waiting})

    def send(self, who: Api, command: Command, body: dict[str, Any] | None) -> Any:
        return who.counter(self.hall.c1, command.action, body)


@pytest.fixture
def c1(api: Api, hall: Hall, clock: FakeClock) -> Counter1:
    return Counter1(api, hall, clock)


def caller(api: Api, name: str) -> Api:
    return (
        api.as_device(name) if name in ("kiosk", "counter-pc-1", "display-a") else api.as_user(name)
    )


# --- the matrix -------------------------------------------------------------------------


@pytest.mark.parametrize("command", COMMANDS, ids=IDS)
def test_the_officer_holding_the_counter_drives_it(c1: Counter1, command: Command) -> None:
    body = c1.prepare(command)

    ok(c1.send(c1.holder, command, body))


@pytest.mark.parametrize("command", COMMANDS, ids=IDS)
@pytest.mark.parametrize(
    ("name", "status", "code"),
    [
        ("petugas2.dk", 409, "counter_taken"),  # a colleague of the same agency
        ("sup.dk", 409, "counter_taken"),  # the agency's supervisor, without takeover
        ("admin", 409, "counter_taken"),  # an admin, without takeover
        ("petugas.sm", 403, "forbidden"),  # an officer of another agency
        ("sup.sm", 403, "forbidden"),  # a supervisor of another agency
        ("counter-pc-1", 403, "forbidden"),  # the counter's own terminal
        ("kiosk", 403, "forbidden"),
    ],
)
def test_nobody_else_drives_a_held_counter_and_a_refusal_changes_nothing(
    app: Flask,
    api: Api,
    c1: Counter1,
    sup_sm: str,
    command: Command,
    name: str,
    status: int,
    code: str,
) -> None:
    body = c1.prepare(command)
    other = caller(api, name)
    before = db_state(app)

    assert_error(c1.send(other, command, body), status, code)

    assert db_state(app) == before
    ok(c1.send(c1.holder, command, body))  # still the holder's to drive


def test_the_same_officer_on_a_second_login_drives_their_counter(c1: Counter1) -> None:
    second = c1.api.as_user(HOLDER)

    called = ok(second.counter(c1.hall.c1, "next"))["ticket"]

    assert called["id"] == c1.waiting[0]


def test_a_paused_counter_is_still_held(c1: Counter1) -> None:
    ok(c1.holder.counter(c1.hall.c1, "pause"))

    for action in ("open", "resume", "close"):
        assert_error(
            c1.api.as_user("petugas2.dk").counter(c1.hall.c1, action), 409, "counter_taken"
        )


def test_a_closed_counter_is_nobodys_and_says_it_is_closed(api: Api, hall: Hall) -> None:
    colleague = api.as_user("petugas2.dk")

    assert_error(colleague.counter(hall.c1, "next"), 409, "counter_closed")
    assert_error(colleague.counter(hall.c1, "pause"), 409, "invalid_transition")
    assert (
        ok(colleague.counter(hall.c1, "open"))["counter"]["officer_id"] == hall.users["petugas2.dk"]
    )


# --- taking a counter over ------------------------------------------------------------


def counter_log(app: Flask, counter_id: int) -> list[tuple[str, int | None, int | None]]:
    state: AppState = app.extensions["antre"]
    with state.db.read() as session:
        rows = session.execute(
            select(CounterEvent.kind, CounterEvent.user_id, CounterEvent.from_user_id)
            .where(CounterEvent.counter_id == counter_id)
            .order_by(CounterEvent.id)
        )
        return [(kind, user, before) for kind, user, before in rows]


@pytest.mark.parametrize("taker", ["admin", "sup.dk"])
def test_an_admin_or_the_agencys_supervisor_takes_a_counter_over_and_it_is_logged(
    app: Flask, c1: Counter1, taker: str
) -> None:
    ok(c1.holder.counter(c1.hall.c1, "next"))
    boss = c1.api.as_user(taker)

    taken = ok(boss.counter(c1.hall.c1, "open", {"takeover": True}))

    assert taken["counter"]["officer_id"] == c1.hall.users[taker]
    assert taken["counter"]["state"] == "open"
    assert taken["ticket"]["id"] == c1.waiting[0]  # the visitor at the counter stays
    assert counter_log(app, c1.hall.c1)[-1] == (
        "taken_over",
        c1.hall.users[taker],
        c1.hall.users[HOLDER],
    )
    # The new holder serves on: finishes the visitor, closes the counter.
    ok(boss.counter(c1.hall.c1, "finish"))
    assert ok(boss.counter(c1.hall.c1, "close"))["counter"]["officer_id"] is None


@pytest.mark.parametrize("command", COMMANDS, ids=IDS)
def test_after_a_takeover_the_first_officer_is_refused(
    app: Flask, c1: Counter1, command: Command
) -> None:
    body = c1.prepare(command)
    ok(c1.api.as_user("sup.dk").counter(c1.hall.c1, "open", {"takeover": True}))
    if command.action == "resume":
        ok(c1.api.as_user("sup.dk").counter(c1.hall.c1, "pause"))  # the takeover opened it
    before = db_state(app)

    assert_error(c1.send(c1.holder, command, body), 409, "counter_taken")

    assert db_state(app) == before


def test_a_supervisor_of_another_agency_cannot_take_a_counter_over(
    app: Flask, c1: Counter1, sup_sm: str
) -> None:
    before = db_state(app)

    response = c1.api.as_user(sup_sm).counter(c1.hall.c1, "open", {"takeover": True})

    assert_error(response, 403, "forbidden")
    assert db_state(app) == before


def test_an_officer_asking_to_take_over_is_refused_and_nothing_is_logged(
    app: Flask, c1: Counter1
) -> None:
    before = db_state(app)

    response = c1.api.as_user("petugas2.dk").counter(c1.hall.c1, "open", {"takeover": True})

    assert_error(response, 409, "counter_taken")
    assert db_state(app) == before


def test_taking_over_a_paused_counter_opens_it(app: Flask, c1: Counter1) -> None:
    ok(c1.holder.counter(c1.hall.c1, "pause"))

    taken = ok(c1.api.as_user("admin").counter(c1.hall.c1, "open", {"takeover": True}))

    assert taken["counter"]["state"] == "open"
    assert [kind for kind, _, _ in counter_log(app, c1.hall.c1)] == [
        "opened",
        "paused",
        "taken_over",
    ]


def test_takeover_of_a_counter_nobody_else_holds_is_a_plain_open(
    app: Flask, api: Api, hall: Hall
) -> None:
    admin = api.as_user("admin")

    ok(admin.counter(hall.c1, "open", {"takeover": True}))
    ok(admin.counter(hall.c1, "open", {"takeover": True}))

    assert counter_log(app, hall.c1) == [("opened", hall.users["admin"], None)]
