"""One id and one access-log line for every HTTP request, around the whole application.

A WSGI middleware rather than Flask's ``after_request``: when building a response fails
(a view returns something Flask cannot turn into a response, an ``after_request`` hook
raises), Flask's own hooks never run, and the request used to leave no line at all. Out
here the line is written for every answer, a 500 included, once its body is sent.

The request id is what a person quotes when something went wrong: it is in the
``X-Request-Id`` header of every answer, in the body of a 500 and on the log lines of
that request (the access line and the traceback), so one grep finds them together.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import time
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from shared.errors import REQUEST_ID_HEADER, ErrorCode

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

log = logging.getLogger("antre.http")

# Where the id and the caller's label travel in the WSGI environ.
REQUEST_ID_KEY = "antre.request_id"
WHO_KEY = "antre.who"
# 64 random bits: unique enough over a hall's lifetime of logs, short enough to read out.
REQUEST_ID_BYTES = 8

# A ticket's status code is the key of its public answer and of its page (the QR's link),
# and of the pages under it (its survey: /t/<code>/survey).
_TICKET_STATUS = re.compile(r"^(/api/v1/tickets/|/t/)([A-Za-z0-9_-]{4})[^/]{5,}(/.*)?$")
# A booking's code opens its status page: a log keeps two of its characters.
_BOOKING_CODE = re.compile(r"^(/api/v1/bookings/|/b/)([A-Za-z0-9]{2})[^/]{3,}")
# The gateways' webhooks carry the hall's secret as a path segment (they sign nothing):
# /hooks/fonnte/<secret>[/status], /hooks/wablas/…, /hooks/sms/<secret>. A log reader
# holding it could post STOPs and delivery reports as the gateway: none of it is kept.
_HOOK_SECRET = re.compile(r"^(/hooks/[^/]+/)[^/]+")


def new_request_id() -> str:
    return secrets.token_hex(REQUEST_ID_BYTES)


def request_id_of(environ: WSGIEnvironment) -> str:
    """The id the middleware gave this request ("-" outside it, e.g. a bare test app)."""
    return str(environ.get(REQUEST_ID_KEY, "-"))


def loggable_path(path: str) -> str:
    """The path without the part of a ticket's status code or a booking's code that
    would let a log reader open the visitor's page, and without a webhook's secret."""
    path = _TICKET_STATUS.sub(r"\1\2…\3", path)
    path = _BOOKING_CODE.sub(r"\1\2…", path)
    return _HOOK_SECRET.sub(r"\1…", path)


def _path(environ: WSGIEnvironment) -> str:
    # WSGI carries the path as latin-1 code points of the raw bytes.
    raw = str(environ.get("SCRIPT_NAME", "")) + str(environ.get("PATH_INFO", ""))
    return raw.encode("latin-1", "replace").decode("utf-8", "replace")


_REQUEST_ID_LOWER = REQUEST_ID_HEADER.lower()


def access_logged() -> bool:
    """Whether the access line is written (INFO): what it names is gathered only then."""
    return log.isEnabledFor(logging.INFO)


class RequestLog:
    """Wraps a WSGI application: gives each request an id and logs one line per answer."""

    def __init__(self, app: WSGIApplication) -> None:
        self.app = app

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        request_id = new_request_id()
        environ[REQUEST_ID_KEY] = request_id
        started = time.perf_counter()
        status: list[str] = []

        def start(
            status_line: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Callable[[bytes], object]:
            status[:] = [status_line]
            kept = [(k, v) for k, v in headers if k.lower() != _REQUEST_ID_LOWER]
            return start_response(status_line, [*kept, (REQUEST_ID_HEADER, request_id)], exc_info)

        try:
            body = self.app(environ, start)
        except Exception:
            # Flask answers every fault itself; this is for a fault in its error handling.
            log.exception("unhandled error request_id=%s", request_id)
            body = _fault(start, request_id)
        return _Logged(body, lambda: self._line(environ, status, started))

    @staticmethod
    def _line(environ: WSGIEnvironment, status: list[str], started: float) -> None:
        if not access_logged():
            return  # its arguments (the path's masking above all) cost more than the call
        # The path, never the query string or headers: those may carry credentials.
        log.info(
            "%s %s %s %.1fms %s request_id=%s",
            environ.get("REQUEST_METHOD", "-"),
            loggable_path(_path(environ)),
            status[0].split(" ", 1)[0] if status else "-",
            (time.perf_counter() - started) * 1000,
            environ.get(WHO_KEY, "-"),
            request_id_of(environ),
        )


def _fault(start: StartResponse, request_id: str) -> list[bytes]:
    body = json.dumps(
        {
            "error": {
                "code": ErrorCode.INTERNAL_ERROR.value,
                "message": "internal error",
                "request_id": request_id,
            }
        }
    ).encode()
    start(
        "500 INTERNAL SERVER ERROR",
        [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
    )
    return [body]


class _Logged:
    """The response body, passed through, calling ``done`` once it is closed (sent)."""

    def __init__(self, body: Iterable[bytes], done: Callable[[], None]) -> None:
        self.body = body
        self.done = done

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.body)

    def close(self) -> None:
        try:
            close = getattr(self.body, "close", None)
            if close is not None:
                close()
        finally:
            self.done()
