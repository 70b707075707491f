"""The counter's survey tablet over REST: it asks about the visit its counter just finished,
and nothing else can answer through it (docs/skm.md#where-visitors-answer)."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from server.domain.context import SYSTEM, Ctx
from server.domain.devices import register_device
from server.domain.errors import DomainError
from server.domain.settings import load_settings
from server.domain.skm.questionnaire import Wording, add_extra_question
from server.extensions import socketio
from server.models import SurveyExtraAnswer, SurveyResponse
from server.state import AppState
from tests.conftest import Api, FakeClock
from tests.factories import Hall
from tests.server.api.responses import assert_error, ok
from tests.server.test_openapi import DOCUMENT_URL, DocumentedAnswers

ALL_THREES = {f"U{i}": 3 for i in range(1, 10)}


def survey_url(counter_id: int) -> str:
    return f"/api/v1/survey/counters/{counter_id}"


@pytest.fixture
def tablets(app: Flask, hall: Hall, clock: FakeClock) -> Hall:
    """A survey tablet at Loket 1 (``tablet-1``) and one at Loket 2 (``tablet-2``)."""
    state: AppState = app.extensions["antre"]
    with state.db.write() as session:
        for name, counter in (("tablet-1", hall.c1), ("tablet-2", hall.c2)):
            _, token = register_device(session, name, "survey", None, None, counter, clock())
            hall.tokens[name] = token
    return hall


@pytest.fixture
def officer(api: Api, hall: Hall) -> Api:
    officer = api.as_user("petugas.dk")
    ok(officer.counter(hall.c1, "open"))
    return officer


def serve_one(api: Api, officer: Api, counter_id: int, service_id: int) -> dict[str, Any]:
    """A visitor issued, called and finished at ``counter_id``; returns their ticket."""
    api.as_device("kiosk").issue(service_id)
    ticket: dict[str, Any] = ok(officer.counter(counter_id, "next"))["ticket"]
    ok(officer.counter(counter_id, "finish"))
    return ticket


def answer(tablet: Api, counter_id: int, ticket_id: int, **more: Any) -> Any:
    body = {"ticket_id": ticket_id, "answers": dict(ALL_THREES), **more}
    return tablet.post(f"{survey_url(counter_id)}/answers", json=body)


def test_an_idle_tablet_asks_nothing(api: Api, tablets: Hall) -> None:
    body = ok(api.as_device("tablet-1").get(survey_url(tablets.c1)))

    assert body["asking"] is None
    assert body["counter"]["label"] == "Loket 1"
    assert body["form_version"]


def test_after_a_finish_the_tablet_asks_that_visit_and_stores_one_answer(
    app: Flask, api: Api, tablets: Hall, officer: Api
) -> None:
    ticket = serve_one(api, officer, tablets.c1, tablets.ktp)
    tablet = api.as_device("tablet-1")

    asking = ok(tablet.get(survey_url(tablets.c1)))["asking"]
    assert asking["ticket_id"] == ticket["id"]
    assert asking["number"] == ticket["number"]
    assert asking["service"] == "Perekaman KTP-el"

    sent = answer(
        tablet,
        tablets.c1,
        ticket["id"],
        profile={"gender": "p", "age_group": "30_39"},
        suggestion="Antrean cepat, terima kasih",
        language="en",
    )
    assert sent.status_code == 201, sent.get_json()
    assert sent.get_json()["number"] == ticket["number"]
    assert ok(tablet.get(survey_url(tablets.c1)))["asking"] is None
    state: AppState = app.extensions["antre"]
    with state.db.read() as session:
        stored = session.scalars(select(SurveyResponse)).one()
        assert (stored.channel, stored.counter_id, stored.u5) == ("counter_tablet", tablets.c1, 3)
        assert (stored.gender, stored.language) == ("p", "en")


def test_a_second_answer_for_the_same_visit_is_refused(
    api: Api, tablets: Hall, officer: Api
) -> None:
    ticket = serve_one(api, officer, tablets.c1, tablets.ktp)
    tablet = api.as_device("tablet-1")
    assert answer(tablet, tablets.c1, ticket["id"]).status_code == 201

    assert_error(answer(tablet, tablets.c1, ticket["id"]), 409, "already_answered")


def test_the_tablet_cannot_answer_for_another_counters_visitor(
    api: Api, tablets: Hall, officer: Api
) -> None:
    ok(officer.counter(tablets.c2, "open"))
    at_loket_2 = serve_one(api, officer, tablets.c2, tablets.kk)
    tablet_1 = api.as_device("tablet-1")

    assert_error(answer(tablet_1, tablets.c1, at_loket_2["id"]), 409, "survey_closed")
    assert ok(tablet_1.get(survey_url(tablets.c1)))["asking"] is None


def test_the_tablet_cannot_answer_for_an_earlier_visitor_of_its_own(
    api: Api, tablets: Hall, officer: Api
) -> None:
    first = serve_one(api, officer, tablets.c1, tablets.ktp)
    second = serve_one(api, officer, tablets.c1, tablets.ktp)
    tablet = api.as_device("tablet-1")

    assert_error(answer(tablet, tablets.c1, first["id"]), 409, "survey_closed")
    assert answer(tablet, tablets.c1, second["id"]).status_code == 201


def test_the_tablet_stops_asking_ten_minutes_after_the_finish(
    api: Api, tablets: Hall, officer: Api, clock: FakeClock
) -> None:
    ticket = serve_one(api, officer, tablets.c1, tablets.ktp)
    clock.advance(minutes=10, seconds=1)
    tablet = api.as_device("tablet-1")

    assert ok(tablet.get(survey_url(tablets.c1)))["asking"] is None
    assert_error(answer(tablet, tablets.c1, ticket["id"]), 409, "survey_closed")


def test_next_finishes_and_calls_while_the_tablet_still_asks_the_one_finished(
    api: Api, tablets: Hall, officer: Api
) -> None:
    kiosk = api.as_device("kiosk")
    served, waiting = kiosk.issue(tablets.ktp), kiosk.issue(tablets.ktp)
    ok(officer.counter(tablets.c1, "next"))

    called = ok(officer.counter(tablets.c1, "next"))["ticket"]

    assert called["number"] == waiting["number"]
    asking = ok(api.as_device("tablet-1").get(survey_url(tablets.c1)))["asking"]
    assert asking["number"] == served["number"]


@pytest.mark.parametrize(
    "caller",
    ["tablet-2", "kiosk", "counter-pc-1", "display-a", "petugas.dk", "admin"],
)
def test_only_the_counters_own_tablet_may_ask_or_answer(
    api: Api, tablets: Hall, officer: Api, caller: str
) -> None:
    ticket = serve_one(api, officer, tablets.c1, tablets.ktp)
    who = api.as_device(caller) if caller in tablets.tokens else api.as_user(caller)

    assert_error(who.get(survey_url(tablets.c1)), 403, "forbidden")
    assert_error(answer(who, tablets.c1, ticket["id"]), 403, "forbidden")


def test_without_a_token_the_tablet_api_answers_401(api: Api, tablets: Hall) -> None:
    assert_error(api.get(survey_url(tablets.c1)), 401, "unauthenticated")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"answers": {**ALL_THREES, "U4": 5}}, "U4"),
        ({"answers": {**ALL_THREES, "U9": True}}, "U9"),
        ({"answers": {k: v for k, v in ALL_THREES.items() if k != "U7"}}, "U7"),
        ({"profile": {"gender": "x"}}, "gender"),
        ({"extra": {"X999": 3}}, "X999"),
        ({"extra": {"7": 3}}, "7"),
        ({"answers": [3] * 9}, "answers"),
        ({"suggestion": "a\u0007b"}, "suggestion"),
    ],
)
def test_answers_a_tablet_cannot_store_are_refused_with_the_field(
    api: Api, tablets: Hall, officer: Api, change: dict[str, Any], field: str
) -> None:
    ticket = serve_one(api, officer, tablets.c1, tablets.ktp)
    body = {"ticket_id": ticket["id"], "answers": dict(ALL_THREES), **change}

    refused = api.as_device("tablet-1").post(f"{survey_url(tablets.c1)}/answers", json=body)

    assert_error(refused, 422, "validation_error")
    assert refused.get_json()["error"]["details"]["field"] == field


def test_the_answers_are_the_documented_shapes(
    app: Flask, api: Api, tablets: Hall, officer: Api
) -> None:
    documented = DocumentedAnswers(app, api.client.get(DOCUMENT_URL).get_json())
    tablet = api.as_device("tablet-1")
    documented.check(tablet.get(survey_url(tablets.c1)))
    ticket = serve_one(api, officer, tablets.c1, tablets.ktp)
    documented.check(tablet.get(survey_url(tablets.c1)))
    documented.check(answer(tablet, tablets.c1, ticket["id"]))
    documented.check(answer(tablet, tablets.c1, ticket["id"]))
    documented.check(api.as_device("tablet-2").get(survey_url(tablets.c1)))


def received(client: Any) -> list[dict[str, Any]]:
    return client.get_received()  # type: ignore[no-any-return]


def test_the_tablet_hears_its_counters_finish_and_no_other_counter(
    app: Flask, api: Api, tablets: Hall, officer: Api
) -> None:
    ok(officer.counter(tablets.c2, "open"))
    tablet = socketio.test_client(app, auth={"token": tablets.tokens["tablet-1"]})
    tablet.get_received()

    serve_one(api, officer, tablets.c2, tablets.kk)
    assert tablet.get_received() == []
    serve_one(api, officer, tablets.c1, tablets.ktp)
    heard = [(m["name"], m["args"][0].get("ticket", {}).get("state")) for m in received(tablet)]
    asked = tablet.emit("subscribe", {"room": f"counter:{tablets.c2}"}, callback=True)
    tablet.disconnect()

    assert ("ticket.updated", "done") in heard
    assert asked == {"ok": False, "error": "forbidden"}


def test_a_survey_tablet_is_registered_at_one_counter(app: Flask, clock: FakeClock) -> None:
    state: AppState = app.extensions["antre"]
    with state.db.write() as session, pytest.raises(DomainError) as refused:
        register_device(session, "tablet-x", "survey", None, None, None, clock())
    assert refused.value.details.get("field") == "counter"


# --- the kiosk's survey page: by the number printed on the ticket ----------------------

KIOSK_LOOKUP = "/api/v1/survey/kiosk/lookup"
KIOSK_ANSWERS = "/api/v1/survey/kiosk/answers"


def test_the_kiosk_finds_a_visit_done_today_by_its_number_and_stores_one_answer(
    app: Flask, api: Api, tablets: Hall, officer: Api
) -> None:
    ticket = serve_one(api, officer, tablets.c1, tablets.ktp)
    kiosk = api.as_device("kiosk")
    typed = ticket["number"].lower().replace("-", "- ")  # as a visitor may type it

    found = ok(kiosk.post(KIOSK_LOOKUP, json={"number": ticket["number"]}))
    sent = kiosk.post(KIOSK_ANSWERS, json={"number": typed, "answers": dict(ALL_THREES)})

    assert (found["number"], found["service"]) == (ticket["number"], "Perekaman KTP-el")
    assert sent.status_code == 201, sent.get_json()
    state: AppState = app.extensions["antre"]
    with state.db.read() as session:
        assert session.scalars(select(SurveyResponse.channel)).one() == "kiosk"
    again = kiosk.post(KIOSK_ANSWERS, json={"number": ticket["number"], "answers": ALL_THREES})
    assert_error(again, 409, "already_answered")
    assert_error(
        kiosk.post(KIOSK_LOOKUP, json={"number": ticket["number"]}), 409, "already_answered"
    )


def test_the_kiosk_refuses_a_number_not_done_yesterdays_or_unknown(
    api: Api, tablets: Hall, officer: Api, clock: FakeClock
) -> None:
    kiosk = api.as_device("kiosk")
    waiting = kiosk.issue(tablets.ktp)
    assert_error(kiosk.post(KIOSK_LOOKUP, json={"number": waiting["number"]}), 409, "survey_closed")
    assert_error(kiosk.post(KIOSK_LOOKUP, json={"number": "ZZ-999"}), 404, "not_found")
    done = serve_one(api, officer, tablets.c1, tablets.ktp)

    clock.advance(days=1)

    refused = kiosk.post(KIOSK_ANSWERS, json={"number": done["number"], "answers": ALL_THREES})
    assert_error(refused, 404, "not_found")


@pytest.mark.parametrize("caller", ["tablet-1", "counter-pc-1", "display-a", "petugas.dk"])
def test_only_a_kiosk_asks_by_number(api: Api, tablets: Hall, officer: Api, caller: str) -> None:
    ticket = serve_one(api, officer, tablets.c1, tablets.ktp)
    who = api.as_device(caller) if caller in tablets.tokens else api.as_user(caller)

    assert_error(who.post(KIOSK_LOOKUP, json={"number": ticket["number"]}), 403, "forbidden")
    sent = who.post(KIOSK_ANSWERS, json={"number": ticket["number"], "answers": ALL_THREES})
    assert_error(sent, 403, "forbidden")


def test_the_kiosks_answers_are_the_documented_shapes(
    app: Flask, api: Api, tablets: Hall, officer: Api
) -> None:
    documented = DocumentedAnswers(app, api.client.get(DOCUMENT_URL).get_json())
    kiosk = api.as_device("kiosk")
    ticket = serve_one(api, officer, tablets.c1, tablets.ktp)
    documented.check(kiosk.post(KIOSK_LOOKUP, json={"number": ticket["number"]}))
    documented.check(kiosk.post(KIOSK_LOOKUP, json={"number": "ZZ-999"}))
    body = {"number": ticket["number"], "answers": ALL_THREES}
    documented.check(kiosk.post(KIOSK_ANSWERS, json=body))
    documented.check(kiosk.post(KIOSK_ANSWERS, json=body))


def test_the_units_own_question_is_answered_beside_the_nine_and_a_required_one_is_needed(
    app: Flask, api: Api, tablets: Hall, officer: Api, clock: FakeClock
) -> None:
    state: AppState = app.extensions["antre"]
    with state.db.write() as session:
        ctx = Ctx(session, clock(), load_settings(session), SYSTEM)
        levels = ("Buruk", "Cukup", "Baik", "Sangat baik")
        question = add_extra_question(
            ctx,
            Wording("Bagaimana kebersihan toilet?", levels),
            Wording("How clean were the toilets?", ("Poor", "Fair", "Good", "Very good")),
            required=True,
        )
        key = f"X{question.id}"
    ticket = serve_one(api, officer, tablets.c1, tablets.ktp)
    tablet = api.as_device("tablet-1")

    missing = answer(tablet, tablets.c1, ticket["id"])
    sent = answer(tablet, tablets.c1, ticket["id"], extra={key: 2})

    assert_error(missing, 422, "validation_error")
    assert missing.get_json()["error"]["details"]["field"] == key
    assert sent.status_code == 201, sent.get_json()
    with state.db.read() as session:
        assert session.scalars(select(SurveyExtraAnswer.value)).one() == 2
