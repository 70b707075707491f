"""The REST side of every client: short timeouts, one error type, safe retries.

A kiosk must never show a ticket the server did not confirm, and never make two
tickets because a response got lost: ``issue_ticket`` sends one Idempotency-Key for
all its attempts, so a retry after a dropped response returns the first ticket.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Any, TypeVar, cast
from urllib.parse import quote

import requests

from shared import wire
from shared.errors import REQUEST_ID_HEADER, ErrorCode
from shared.waits import WaitKind, told_kind

# A JSON object as it came off the wire, before anyone said what it holds: what ``get`` and
# ``post`` answer for a path this module has no method (and so no type) for.
JsonObject = dict[str, object]
Answer = TypeVar("Answer")

CONNECT_TIMEOUT = 3.0
READ_TIMEOUT = 5.0


class ApiError(Exception):
    """The server refused (``code`` from ``shared.errors``) or could not be reached.

    ``details`` is the error body's ``details`` object (empty when it has none): what a
    client needs to word the refusal, e.g. ``retry_after`` seconds for a locked login.
    ``request_id`` is the server's id of the request (None when no answer came): what an
    officer quotes to the admin after an ``internal_error``.
    """

    def __init__(
        self,
        code: str,
        message: str,
        status: int | None = None,
        details: dict[str, object] | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        # Open by design: each error code carries details of its own (``wire.ErrorDetail``).
        self.details: dict[str, object] = dict(details or {})
        self.request_id = request_id

    @property
    def retryable(self) -> bool:
        """Whether trying the same request again may succeed (server away or busy)."""
        return self.code == ErrorCode.UNAVAILABLE


def unreachable(reason: str) -> ApiError:
    return ApiError(ErrorCode.UNAVAILABLE, f"server unreachable: {reason}")


@dataclass
class Issued:
    """What the kiosk gets back from issuing a ticket: the ticket to print and the wait
    to show the visitor beside it."""

    ticket: wire.IssuedTicket
    people_ahead: int
    estimated_wait_minutes: int
    replayed: bool
    # Counters open for the ticket's line when it was issued (0: nobody can call it yet).
    open_counters: int = 1
    # A booking's ticket (``check_in``): the booking, and whether it had its ticket before
    # (then there is nothing new to print).
    booking: wire.CheckedInBooking | None = None
    already_checked_in: bool = False
    # The estimate to the second (what the minutes are rounded from); None from a server
    # older than the field.
    estimated_wait_seconds: int | None = None
    # How the server words the wait (``shared.waits``); None from a server that sent none.
    wait: str | None = None

    @property
    def wait_kind(self) -> WaitKind:
        """The wording to show and print: the server's, which alone knows whether the
        line's counters are on a break, else the one the figures give."""
        return told_kind(
            self.wait, self.people_ahead, self.estimated_wait_minutes, self.open_counters
        )


class ApiClient:
    """Calls ``/api/v1`` with a device's or an officer's bearer token."""

    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        *,
        timeout: tuple[float, float] = (CONNECT_TIMEOUT, READ_TIMEOUT),
        session: requests.Session | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self._http = session or requests.Session()

    def close(self) -> None:
        self._http.close()

    def request(
        self,
        method: str,
        path: str,
        json: Any = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[JsonObject, requests.Response]:
        """One HTTP call; a refusal or an unreachable server raises ApiError."""
        all_headers = dict(headers or {})
        if self.token:
            all_headers["Authorization"] = f"Bearer {self.token}"
        try:
            response = self._http.request(
                method,
                f"{self.base_url}/api/v1{path}",
                json=json,
                headers=all_headers,
                timeout=self.timeout,
            )
        except requests.RequestException as exc:
            raise unreachable(type(exc).__name__) from exc
        try:
            body = response.json()
        except ValueError:
            body = None
        request_id = response.headers.get(REQUEST_ID_HEADER)
        if response.status_code >= 400:
            error = body.get("error", {}) if isinstance(body, dict) else {}
            if not isinstance(error, dict):
                error = {}
            code = error.get("code") or (
                ErrorCode.UNAVAILABLE if response.status_code >= 502 else ErrorCode.INTERNAL_ERROR
            )
            details = error.get("details")
            raise ApiError(
                str(code),
                str(error.get("message", response.reason)),
                response.status_code,
                details if isinstance(details, dict) else None,
                request_id=str(error.get("request_id") or request_id or "") or None,
            )
        if not isinstance(body, dict):
            raise ApiError(
                ErrorCode.INTERNAL_ERROR,
                "the server sent no JSON",
                response.status_code,
                request_id=request_id,
            )
        return body, response

    def get(self, path: str) -> JsonObject:
        return self.request("GET", path)[0]

    def post(self, path: str, json: Any = None) -> JsonObject:
        return self.request("POST", path, json=json)[0]

    def _answer(self, answer: type[Answer], method: str, path: str, json: Any = None) -> Answer:
        """One call whose answer the server types as ``answer`` (``shared.wire``)."""
        return self._typed(answer, method, path, json)[0]

    def _typed(
        self,
        answer: type[Answer],
        method: str,
        path: str,
        json: Any = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[Answer, requests.Response]:
        """``request``, with the body as the ``shared.wire`` type the endpoint answers.

        The one place the clients take the server at its word: the body is not checked
        field by field (the server builds it from the same types, and a client reads
        defensively where an older server may differ), so strict types follow the data
        from here on without a cost on every answer.
        """
        body, response = self.request(method, path, json=json, headers=headers)
        return cast(Answer, body), response

    # --- sessions ------------------------------------------------------------------------

    def login(self, username: str, password: str) -> wire.Login:
        """Officer login: keeps the token for the following calls."""
        body = self._answer(
            wire.Login, "POST", "/auth/login", {"username": username, "password": password}
        )
        self.token = str(body["token"])
        return body

    def logout(self) -> None:
        if self.token:
            self.post("/auth/logout")
            self.token = None

    # --- what clients do -----------------------------------------------------------------

    def config(self) -> wire.Config:
        return self._answer(wire.Config, "GET", "/config")

    def me(self) -> wire.Me:
        """Who the token belongs to (a board learns its zone from its device)."""
        return self._answer(wire.Me, "GET", "/auth/me")

    def issue_ticket(
        self,
        service_id: int,
        priority: str = "none",
        *,
        key: str | None = None,
        attempts: int = 3,
        backoff: float = 0.5,
    ) -> Issued:
        """Issue one ticket, retrying network failures with the same Idempotency-Key.

        Raises ApiError when the server refuses (quota, closed) or stays unreachable:
        the caller then shows no ticket, because none was confirmed.
        """
        key = key or uuid.uuid4().hex
        body = {"service_id": service_id, "priority": priority}
        for attempt in range(1, attempts + 1):
            try:
                issued, response = self._typed(
                    wire.Issued, "POST", "/tickets", body, headers={"Idempotency-Key": key}
                )
            except ApiError as exc:
                if not exc.retryable or attempt == attempts:
                    raise
                time.sleep(backoff * attempt)
                continue
            return Issued(
                ticket=issued["ticket"],
                people_ahead=int(issued["people_ahead"]),
                estimated_wait_minutes=int(issued["estimated_wait_minutes"]),
                replayed=response.headers.get("Idempotent-Replayed") == "true",
                open_counters=int(issued.get("open_counters", 1)),
                estimated_wait_seconds=issued.get("estimated_wait_seconds"),
                wait=issued.get("wait"),
            )
        raise AssertionError("unreachable")  # pragma: no cover

    def check_in(self, code: str, *, attempts: int = 3, backoff: float = 0.5) -> Issued:
        """Check a booking in by its code (typed or scanned): its ticket.

        Network failures are retried: a check-in is idempotent on the server (the same
        ticket again). An answer after a retry saying "already checked in" may be this
        very check-in whose first answer was lost, so it counts as new (printed): a second
        paper with the same number does no harm, a visitor sent away without one does.
        """
        path = f"/bookings/{quote(code.strip()[:300], safe='')}/check-in"
        for attempt in range(1, attempts + 1):
            try:
                body = self._answer(wire.CheckedIn, "POST", path)
            except ApiError as exc:
                if not exc.retryable or attempt == attempts:
                    raise
                time.sleep(backoff * attempt)
                continue
            return Issued(
                ticket=body["ticket"],
                people_ahead=int(body["people_ahead"]),
                estimated_wait_minutes=int(body["estimated_wait_minutes"]),
                replayed=False,
                open_counters=int(body.get("open_counters", 1)),
                booking=body["booking"],
                already_checked_in=bool(body["already_checked_in"]) and attempt == 1,
                estimated_wait_seconds=body.get("estimated_wait_seconds"),
                wait=body.get("wait"),
            )
        raise AssertionError("unreachable")  # pragma: no cover

    def report_printed(self, ticket_id: int, printed: bool) -> None:
        self.post(f"/tickets/{ticket_id}/printed", {"printed": printed})

    def report_health(self, printer: str, message: str | None = None) -> None:
        self.post("/devices/me/health", {"printer": printer, "message": message})

    def counter(self, counter_id: int, action: str, body: Any = None) -> wire.CounterAndTicket:
        """A counter command (open, next, recall, ...): returns the counter and its ticket."""
        path = f"/counters/{counter_id}/{action}"
        return self._answer(wire.CounterAndTicket, "POST", path, body)

    def requeue(self, ticket_id: int) -> wire.Requeued:
        """Put a returning no-show back in its line: the ticket and where it now stands."""
        return self._answer(wire.Requeued, "POST", f"/tickets/{ticket_id}/requeue", {})

    def line(self, service_id: int) -> wire.LineOutlook:
        """Another line as an officer sees it before sending a visitor there."""
        return self._answer(wire.LineOutlook, "GET", f"/services/{service_id}/line")

    def zone_snapshot(self, zone: str) -> wire.ZoneSnapshot:
        return self._answer(wire.ZoneSnapshot, "GET", f"/displays/{zone}/snapshot")

    def agency_snapshot(self, agency_code: str) -> wire.AgencySnapshot:
        return self._answer(wire.AgencySnapshot, "GET", f"/agencies/{agency_code}/snapshot")

    def hall_snapshot(self) -> wire.HallSnapshot:
        return self._answer(wire.HallSnapshot, "GET", "/hall/snapshot")
