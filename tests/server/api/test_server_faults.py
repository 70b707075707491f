"""A fault of the server says so: a 5xx ``internal_error`` with a request id the person
can quote, the traceback and an access line under that id in the log; never a 4xx."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from flask import Flask
from werkzeug.exceptions import BadGateway, ServiceUnavailable

from shared.errors import REQUEST_ID_HEADER, ErrorCode
from tests.conftest import Api

FAULT = "/api/v1/test-only/fault"
NO_RESPONSE = "/api/v1/test-only/no-response"
BAD_GATEWAY = "/api/v1/test-only/bad-gateway"
AWAY = "/api/v1/test-only/away"
PAGE_FAULT = "/test-only/page-fault"


class HandlerBroke(RuntimeError):
    pass


def _raise_in_handler() -> Any:
    raise HandlerBroke("the handler broke")


def _return_nothing() -> Any:
    # Flask cannot build a response from None: the failure happens after the view,
    # where the view's own error handling never sees it.
    return None


def _raise(exc: Exception) -> Any:
    def view() -> Any:
        raise exc

    view.__name__ = f"raise_{type(exc).__name__}"
    return view


@pytest.fixture
def faulty(app: Flask, api: Api) -> Api:
    """The test app with routes that fail on purpose (added before its first request)."""
    app.add_url_rule(FAULT, "test_fault", _raise_in_handler)
    app.add_url_rule(NO_RESPONSE, "test_no_response", _return_nothing)
    app.add_url_rule(BAD_GATEWAY, "test_bad_gateway", _raise(BadGateway()))
    app.add_url_rule(AWAY, "test_away", _raise(ServiceUnavailable()))
    app.add_url_rule(PAGE_FAULT, "test_page_fault", _raise_in_handler)
    return api


def answer(api: Api, path: str, **headers: str) -> Any:
    response = api.get(path, headers=headers)
    response.close()  # the body is sent: the access line is written
    return response


def lines_with(caplog: pytest.LogCaptureFixture, text: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if text in r.getMessage()]


@pytest.mark.parametrize("path", [FAULT, NO_RESPONSE], ids=["in-handler", "building-response"])
def test_a_server_fault_is_a_500_internal_error_with_the_request_id_of_its_header(
    faulty: Api, path: str
) -> None:
    response = answer(faulty, path)

    assert response.status_code == 500
    error = response.get_json()["error"]
    assert error["code"] == ErrorCode.INTERNAL_ERROR
    assert error["request_id"] == response.headers[REQUEST_ID_HEADER]
    assert "Traceback" not in response.get_data(as_text=True)


@pytest.mark.parametrize("path", [FAULT, NO_RESPONSE], ids=["in-handler", "building-response"])
def test_a_server_fault_logs_its_traceback_and_access_line_under_the_request_id(
    faulty: Api, path: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)

    response = answer(faulty, path)

    request_id = response.headers[REQUEST_ID_HEADER]
    faults = [r for r in lines_with(caplog, request_id) if r.exc_info]
    assert faults, caplog.text
    assert faults[0].name == "antre.errors"
    assert faults[0].levelno == logging.ERROR
    access = [r for r in lines_with(caplog, request_id) if r.name == "antre.http"]
    assert len(access) == 1, caplog.text
    assert f"GET {path} 500 " in access[0].getMessage()


def test_the_fault_s_own_exception_is_the_logged_traceback(
    faulty: Api, caplog: pytest.LogCaptureFixture
) -> None:
    response = answer(faulty, FAULT)

    request_id = response.headers[REQUEST_ID_HEADER]
    fault = next(r for r in lines_with(caplog, request_id) if r.exc_info)
    assert fault.exc_info is not None
    assert fault.exc_info[0] is HandlerBroke
    assert "HandlerBroke: the handler broke" in caplog.text


def test_an_unknown_5xx_keeps_its_status(faulty: Api) -> None:
    gateway = answer(faulty, BAD_GATEWAY)
    away = answer(faulty, AWAY)

    assert gateway.status_code == 502
    assert gateway.get_json()["error"]["code"] == ErrorCode.INTERNAL_ERROR
    assert gateway.get_json()["error"]["request_id"] == gateway.headers[REQUEST_ID_HEADER]
    assert away.status_code == 503
    assert away.get_json()["error"]["code"] == ErrorCode.UNAVAILABLE


def test_a_refusal_keeps_its_4xx_and_code(faulty: Api, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    missing = answer(faulty, "/api/v1/tickets/no-such-ticket-code")
    invalid = faulty.as_device("kiosk").post("/api/v1/tickets", json={"service_id": "x"})

    assert missing.status_code == 404
    assert missing.get_json()["error"]["code"] == ErrorCode.NOT_FOUND
    assert invalid.status_code == 422
    assert invalid.get_json()["error"]["code"] == ErrorCode.VALIDATION_ERROR
    assert REQUEST_ID_HEADER in missing.headers
    assert not [r for r in caplog.records if r.exc_info], "a refusal is no fault"


def test_every_answer_has_its_own_request_id(faulty: Api) -> None:
    ids = {answer(faulty, path).headers[REQUEST_ID_HEADER] for path in (FAULT, FAULT, "/")}
    ids.add(answer(faulty, "/api/openapi.json").headers[REQUEST_ID_HEADER])

    assert len(ids) == 4
    assert all(len(request_id) >= 16 for request_id in ids)


def test_a_person_s_browser_gets_the_error_page_with_the_request_id(faulty: Api) -> None:
    response = answer(faulty, PAGE_FAULT, Accept="text/html,application/xhtml+xml")

    assert response.status_code == 500
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert response.headers[REQUEST_ID_HEADER] in page
    assert "Traceback" not in page and "HandlerBroke" not in page
