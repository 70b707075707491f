"""Error codes to HTTP statuses, in one place, and the one JSON error shape."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from server.domain.errors import DomainError
from server.request_log import request_id_of
from shared.errors import ErrorCode

log = logging.getLogger("antre.errors")

# A JSON error, or the console's error page for a person.
Answer = tuple[Response, int] | tuple[str, int]

STATUS: dict[ErrorCode, int] = {
    ErrorCode.VALIDATION_ERROR: 422,
    ErrorCode.MALFORMED_JSON: 400,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.METHOD_NOT_ALLOWED: 405,
    ErrorCode.IDEMPOTENCY_KEY_REUSED: 422,
    ErrorCode.PAYLOAD_TOO_LARGE: 413,
    ErrorCode.UNAUTHENTICATED: 401,
    ErrorCode.INVALID_CREDENTIALS: 401,
    ErrorCode.TOO_MANY_ATTEMPTS: 429,
    ErrorCode.FORBIDDEN: 403,
    ErrorCode.SERVICE_CLOSED: 409,
    ErrorCode.QUOTA_EXHAUSTED: 409,
    ErrorCode.SERVICE_UNSTAFFED: 409,
    ErrorCode.PRIORITY_NOT_OFFERED: 422,
    ErrorCode.INVALID_TRANSITION: 409,
    ErrorCode.COUNTER_CLOSED: 409,
    ErrorCode.COUNTER_PAUSED: 409,
    ErrorCode.COUNTER_BUSY: 409,
    ErrorCode.COUNTER_IDLE: 409,
    ErrorCode.COUNTER_TAKEN: 409,
    ErrorCode.NOT_CALLED_ENOUGH: 409,
    ErrorCode.SERVICE_NOT_AT_COUNTER: 409,
    ErrorCode.CONFLICT: 409,
    ErrorCode.SLOT_FULL: 409,
    ErrorCode.BOOKING_CLOSED: 409,
    ErrorCode.DUPLICATE_BOOKING: 409,
    ErrorCode.BOOKING_BLOCKED: 409,
    ErrorCode.OUTSIDE_CHECK_IN_WINDOW: 409,
    ErrorCode.BOOKING_NOT_ACTIVE: 409,
    ErrorCode.ALREADY_ANSWERED: 409,
    ErrorCode.SURVEY_CLOSED: 409,
    ErrorCode.UNAVAILABLE: 503,
    ErrorCode.INTERNAL_ERROR: 500,
}

_HTTP_CODES = {
    400: ErrorCode.MALFORMED_JSON,
    404: ErrorCode.NOT_FOUND,
    405: ErrorCode.METHOD_NOT_ALLOWED,
    413: ErrorCode.PAYLOAD_TOO_LARGE,
}


def error_response(
    code: ErrorCode,
    message: str,
    details: dict[str, Any] | None = None,
    *,
    request_id: str | None = None,
) -> tuple[Response, int]:
    body: dict[str, Any] = {"code": code.value, "message": message}
    if details:
        body["details"] = details
    if request_id is not None:
        body["request_id"] = request_id
    response = jsonify({"error": body})
    if code == ErrorCode.TOO_MANY_ATTEMPTS and details and "retry_after" in details:
        response.headers["Retry-After"] = str(details["retry_after"])
    if code == ErrorCode.UNAVAILABLE:
        response.headers["Retry-After"] = "2"
    return response, STATUS[code]


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain(exc: DomainError) -> tuple[Response, int]:
        return error_response(exc.code, exc.message, exc.details)

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Answer:
        status = exc.code or 500
        if status >= 500:
            # Flask's wrapper of an exception raised while building a response, or a 5xx
            # some layer raised: the server's fault, kept a 5xx, never a caller's 4xx.
            return server_fault(getattr(exc, "original_exception", None) or exc, status)
        code = _HTTP_CODES.get(status, ErrorCode.VALIDATION_ERROR)
        if status == 400:
            return error_response(code, "the request could not be read")
        return error_response(code, exc.description or code.value)

    @app.errorhandler(OperationalError)
    def _database_away(exc: OperationalError) -> tuple[Response, int]:
        # The database is restarting or locked for too long: nothing was written
        # (the transaction rolled back), so the caller may simply retry.
        log.warning("database unavailable: %s", type(exc.orig).__name__)
        return error_response(ErrorCode.UNAVAILABLE, "the database is busy; try again")

    @app.errorhandler(PoolTimeout)
    def _pool_exhausted(_: PoolTimeout) -> tuple[Response, int]:
        # Every database connection stayed busy past the pool's timeout: a burst, not a fault.
        log.warning("database connection pool exhausted")
        return error_response(ErrorCode.UNAVAILABLE, "the server is busy; try again")

    @app.errorhandler(IntegrityError)
    def _conflict(exc: IntegrityError) -> tuple[Response, int]:
        # Two requests created the same thing at the same instant; nothing was written.
        log.warning("integrity conflict: %s", type(exc.orig).__name__)
        return error_response(ErrorCode.CONFLICT, "a concurrent change got there first; retry")

    @app.errorhandler(DBAPIError)
    def _database_error(exc: DBAPIError) -> Answer:
        if exc.connection_invalidated:
            return error_response(
                ErrorCode.UNAVAILABLE, "the database connection was lost; try again"
            )
        return server_fault(exc)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Answer:
        return server_fault(exc)


def server_fault(cause: BaseException, status: int = 500) -> Answer:
    """A fault of the server: its traceback logged under the request's id, and an answer
    that says only that, with the id to quote (a page for a person, JSON otherwise)."""
    request_id = request_id_of(request.environ)
    log.error(
        "internal error request_id=%s",
        request_id,
        exc_info=(type(cause), cause, cause.__traceback__),
    )
    if _wants_page():
        try:
            return _fault_page(status, request_id)
        except Exception:
            # The page needs the database (the site's name): when that is the fault,
            # the id still reaches the person, in JSON.
            log.exception("the error page failed too request_id=%s", request_id)
    code = ErrorCode.UNAVAILABLE if status == 503 else ErrorCode.INTERNAL_ERROR
    response, _ = error_response(code, "internal error", request_id=request_id)
    return response, status


def _wants_page() -> bool:
    """A person's browser on a page, not the API (as ``server/web/home.py`` decides for
    refusals): a page's own fetches that ask for JSON get JSON."""
    accept = request.accept_mimetypes
    if request.path.startswith("/api/"):
        return False
    return accept.accept_html and not (accept.accept_json and not accept.accept_html)


def _fault_page(status: int, request_id: str) -> tuple[str, int]:
    return render_template("error.html", status=status, request_id=request_id), status
