"""The visitor's ticket page and its status call against the public pages' rate limit:
a phone following its own ticket is never refused, a scanner of codes is, and unknown
and malformed codes are answered alike (server/public_limit.py)."""

from __future__ import annotations

import secrets

from flask import Flask
from flask.testing import FlaskClient

from server.extensions import socketio
from server.public_limit import MISS_BUDGET, PAGE_BUDGET
from tests.conftest import Api, FakeClock
from tests.factories import Hall
from tests.web.console_login import FORM_SECRET, secret


def a_ticket(api: Api, hall: Hall) -> str:
    return api.as_device("kiosk").issue(hall.ktp)["status_code"]  # type: ignore[no-any-return]


def from_address(app: Flask, address: str) -> FlaskClient:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def guess() -> str:
    return secrets.token_urlsafe(12)


def test_a_phone_following_its_ticket_through_a_long_wait_is_never_refused(
    app: Flask, api: Api, hall: Hall, clock: FakeClock
) -> None:
    code = a_ticket(api, hall)
    phone = from_address(app, "10.1.1.1")
    answers = [phone.get(f"/t/{code}")]
    # A busy line: a reload after every call in it, a few a second for a minute...
    answers += [phone.get(f"/api/v1/tickets/{code}") for _ in range(200)]
    # ...then two hours with the socket down, polling every 15 s, the page reopened
    # (the browser dropped it) every ten minutes.
    for tick in range(480):
        clock.advance(seconds=15)
        answers.append(phone.get(f"/api/v1/tickets/{code}"))
        if tick % 40 == 0:
            answers.append(phone.get(f"/t/{code}"))

    assert {answer.status_code for answer in answers} == {200}


def test_a_scanner_of_codes_on_the_page_is_told_to_wait_whatever_it_asks(
    app: Flask, api: Api, hall: Hall, clock: FakeClock
) -> None:
    code = a_ticket(api, hall)
    scanner = from_address(app, "10.6.6.6")
    tries = [scanner.get(f"/t/{guess()}") for _ in range(PAGE_BUDGET)]
    assert {t.status_code for t in tries} == {404}

    refused = [scanner.get(f"/t/{guess()}"), scanner.get(f"/t/{code}")]

    assert [r.status_code for r in refused] == [429, 429]  # a real code too: no hint
    assert refused[0].get_data() == refused[1].get_data()
    assert "Retry-After" in refused[0].headers
    assert "Tunggu satu menit" in refused[0].get_data(as_text=True)
    assert from_address(app, "10.1.1.1").get(f"/t/{code}").status_code == 200
    clock.advance(seconds=61)
    assert scanner.get(f"/t/{code}").status_code == 200


def test_a_scanner_of_codes_on_the_status_call_is_told_to_wait_whatever_it_asks(
    app: Flask, api: Api, hall: Hall, clock: FakeClock
) -> None:
    code = a_ticket(api, hall)
    scanner = from_address(app, "10.6.6.6")
    tries = [scanner.get(f"/api/v1/tickets/{guess()}") for _ in range(MISS_BUDGET)]
    assert {t.status_code for t in tries} == {404}

    refused = [scanner.get(f"/api/v1/tickets/{guess()}"), scanner.get(f"/api/v1/tickets/{code}")]

    assert [r.status_code for r in refused] == [429, 429]
    assert refused[0].get_json() == refused[1].get_json()
    assert refused[0].get_json()["error"]["code"] == "too_many_attempts"
    assert from_address(app, "10.1.1.1").get(f"/api/v1/tickets/{code}").status_code == 200
    clock.advance(seconds=61)
    assert scanner.get(f"/api/v1/tickets/{code}").status_code == 200


def test_unknown_and_malformed_codes_are_answered_alike(app: Flask, hall: Hall) -> None:
    client = from_address(app, "10.2.2.2")
    codes = [guess(), "not a code!", "x" * 200, "ÄÖÜ"]

    pages = [client.get(f"/t/{c}") for c in [*codes, "a/../b"]]
    calls = [client.get(f"/api/v1/tickets/{c}") for c in codes]

    assert {p.status_code for p in pages} == {404}
    assert len({p.get_data() for p in pages}) == 1
    assert {c.status_code for c in calls} == {404}
    assert len({str(c.get_json()) for c in calls}) == 1


def test_a_scanner_of_codes_on_the_socket_is_refused_whatever_it_asks(
    app: Flask, api: Api, hall: Hall, clock: FakeClock
) -> None:
    code = a_ticket(api, hall)

    def phone_socket(ticket: str, address: str) -> bool:
        client = socketio.test_client(
            app, auth={"ticket": ticket}, flask_test_client=from_address(app, address)
        )
        connected = bool(client.is_connected())
        if connected:
            client.disconnect()
        return connected

    assert phone_socket(code, "10.6.6.6")
    assert not any(phone_socket(guess(), "10.6.6.6") for _ in range(MISS_BUDGET))

    assert not phone_socket(code, "10.6.6.6")  # over the budget: a real code too
    assert phone_socket(code, "10.1.1.1")
    clock.advance(seconds=61)
    assert phone_socket(code, "10.6.6.6")


def test_a_nul_in_the_code_gets_the_page_of_an_unknown_code_on_the_page_and_its_survey(
    app: Flask,
) -> None:
    """``%00`` is refused before any view (``check_request_text``); a visitor's page still
    answers it as the unknown code it is, not with an error page of its own."""
    client = from_address(app, "10.2.2.3")
    unknown_page, unknown_survey = client.get(f"/t/{guess()}"), client.get(f"/t/{guess()}/survey")

    for address, unknown in (("/t/%00", unknown_page), ("/t/ab%00cd/survey", unknown_survey)):
        malformed = client.get(address)
        assert malformed.status_code == unknown.status_code == 404
        assert malformed.get_data() == unknown.get_data()


def test_a_scanner_of_survey_addresses_is_told_to_wait_whatever_it_asks_or_sends(
    app: Flask, api: Api, hall: Hall, clock: FakeClock
) -> None:
    code = a_ticket(api, hall)
    officer = api.as_user("petugas.dk")
    for action in ("open", "next", "finish"):
        assert officer.counter(hall.c1, action).status_code == 200
    scanner = from_address(app, "10.7.7.7")
    form = scanner.get(f"/t/{code}/survey").get_data(as_text=True)
    answers = {"csrf_token": secret(FORM_SECRET, form), **{f"U{i}": "3" for i in range(1, 10)}}
    half = PAGE_BUDGET // 2
    tries = [scanner.get(f"/t/{guess()}/survey") for _ in range(half)]
    tries += [scanner.post(f"/t/{guess()}/survey", data=answers) for _ in range(half - 1)]
    assert {t.status_code for t in tries} == {404}

    refused = [scanner.get(f"/t/{guess()}/survey"), scanner.get(f"/t/{code}/survey")]

    assert [r.status_code for r in refused] == [429, 429]  # a real code too: no hint
    assert refused[0].get_data() == refused[1].get_data()
    assert from_address(app, "10.1.1.2").get(f"/t/{code}/survey").status_code == 200
    clock.advance(seconds=61)
    assert scanner.get(f"/t/{code}/survey").status_code == 200
