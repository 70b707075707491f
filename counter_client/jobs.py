"""The REST work the counter client hands to its worker thread, and what comes back.

A ``Job`` holds only a call on the API; it never touches the shift, so the worker needs
no lock: ``perform`` runs on the worker, the shift applies the ``Outcome`` on the GUI
thread. Each builder below says what one job asks the server.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from counter_client.actions import Action
from shared import wire
from shared.api_client import ApiError, Issued
from shared.errors import ErrorCode

log = logging.getLogger("antre.counter")

# What each job's call returns (``Outcome.result``), named once for the builder and the
# shift's handler that unpacks it.
LoginAnswer = tuple[wire.Login, wire.Config]
ResyncAnswer = tuple[wire.AgencySnapshot, wire.Config | None]  # the configuration if asked
OpenAnswer = tuple[wire.CounterAndTicket, wire.AgencySnapshot]  # the counter opened, its room
CommandAnswer = wire.CounterAndTicket
RequeueAnswer = wire.Requeued
LineAnswer = wire.LineOutlook
CheckInAnswer = Issued  # a booking's ticket (``already_checked_in``: the one it had)


class CounterApi(Protocol):
    """What the counter client asks of ``shared.api_client.ApiClient``."""

    token: str | None

    def login(self, username: str, password: str) -> wire.Login: ...

    def logout(self) -> None: ...

    def config(self) -> wire.Config: ...

    def counter(
        self, counter_id: int, action: str, body: dict[str, object] | None = None
    ) -> wire.CounterAndTicket: ...

    def agency_snapshot(self, agency_code: str) -> wire.AgencySnapshot: ...

    def requeue(self, ticket_id: int) -> wire.Requeued: ...

    def line(self, service_id: int) -> wire.LineOutlook: ...

    def check_in(self, code: str) -> Issued: ...


@dataclass(frozen=True)
class Job:
    """One REST call for the worker thread, with what the shift needs to apply its
    answer on the GUI thread (and to drop it if the login has ended)."""

    name: str  # "login", "resync", "open", "logout", or an Action's value
    call: Callable[[CounterApi], object]
    generation: int  # the login it belongs to: results for an older login are dropped
    action: Action | None = None
    counter_id: int | None = None
    ticket: wire.Ticket | None = None  # the ticket the officer saw when pressing
    note: str = ""  # for the message afterwards (where a visitor was sent)
    service_id: int | None = None  # the line a "line" query asks about


@dataclass(frozen=True)
class Outcome:
    """What came back from a job, its result or its error, for
    ``CounterShift.complete`` on the GUI thread."""

    job: Job
    # What the job's call returned: each builder below names its type, and the shift's
    # handler for that job (chosen by ``job.name``) declares it again where it unpacks it.
    # One queue carries every kind of job, so here it can only be Any.
    result: Any = None
    error: ApiError | None = None


def perform(api: CounterApi, job: Job) -> Outcome:
    """Run a job's calls (on the worker thread); every failure becomes an ``ApiError``."""
    try:
        return Outcome(job, result=job.call(api))
    except ApiError as exc:
        return Outcome(job, error=exc)
    except Exception as exc:  # a malformed answer must not kill the worker silently
        log.exception("counter job %s failed", job.name)
        return Outcome(job, error=ApiError(ErrorCode.INTERNAL_ERROR, str(exc)))


# --- what each job asks ---------------------------------------------------------------


def login_call(username: str, password: str) -> Callable[[CounterApi], LoginAnswer]:
    def call(api: CounterApi) -> LoginAnswer:
        return api.login(username, password), api.config()

    return call


def snapshot_call(agency_code: str, *, with_config: bool) -> Callable[[CounterApi], ResyncAnswer]:
    """The agency's room (counters, waiting tickets, seq), and the hall's configuration
    when the shift may have missed a change of it (``None`` otherwise)."""

    def call(api: CounterApi) -> ResyncAnswer:
        return api.agency_snapshot(agency_code), api.config() if with_config else None

    return call


def open_call(counter_id: int, agency_code: str) -> Callable[[CounterApi], OpenAnswer]:
    """Open the counter, then the room as it stands with it open (the hall's configuration
    is the one loaded at login, kept current by ``config.updated``)."""

    def call(api: CounterApi) -> OpenAnswer:
        opened = api.counter(counter_id, Action.OPEN.value)
        return opened, api.agency_snapshot(agency_code)

    return call


def counter_call(
    counter_id: int, action: Action, body: dict[str, object] | None
) -> Callable[[CounterApi], CommandAnswer]:
    def call(api: CounterApi) -> CommandAnswer:
        return api.counter(counter_id, action.value, body)

    return call


def requeue_call(ticket_id: int) -> Callable[[CounterApi], RequeueAnswer]:
    def call(api: CounterApi) -> RequeueAnswer:
        return api.requeue(ticket_id)

    return call


def line_call(service_id: int) -> Callable[[CounterApi], LineAnswer]:
    """Another line's outlook (open now, counters open, waiting), for the transfer dialog."""

    def call(api: CounterApi) -> LineAnswer:
        return api.line(service_id)

    return call


def check_in_call(code: str) -> Callable[[CounterApi], CheckInAnswer]:
    """A booked visitor at the desk: their booking's ticket (the same one again if it was
    checked in before)."""

    def call(api: CounterApi) -> CheckInAnswer:
        return api.check_in(code)

    return call


def logout_call(close_counter: int | None) -> Callable[[CounterApi], None]:
    """Close the counter (a handover must not find it open under the wrong name), then
    end the token; the token is dropped here even when the server cannot be reached."""

    def call(api: CounterApi) -> None:
        try:
            if close_counter is not None:
                try:
                    api.counter(close_counter, Action.CLOSE.value)
                except ApiError as exc:
                    if exc.retryable:
                        raise
                    log.info("counter not closed at logout: %s", exc.code)
            api.logout()
        finally:
            api.token = None

    return call
