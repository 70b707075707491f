r"""What the kiosk shows and does, screen by screen, without any widget.

welcome -> agencies -> services -> (priority) -> issuing -> ticket
                                             \-> message (quota, closed) / unavailable

The widgets only show ``KioskState`` and forward taps here. Issuing and printing
run on a worker (the Qt layer decides which); this class makes sure a second tap
while a ticket is being issued does nothing, and that a ticket is shown only after
the server confirmed it.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Any, Protocol

from shared.api_client import ApiError, Issued
from shared.errors import ErrorCode

log = logging.getLogger("antre.kiosk")

PRIORITIES = ("elderly", "disabled", "pregnant", "child")


class Screen(Enum):
    WELCOME = "welcome"
    AGENCIES = "agencies"
    SERVICES = "services"
    PRIORITY = "priority"
    ISSUING = "issuing"
    TICKET = "ticket"
    MESSAGE = "message"
    UNAVAILABLE = "unavailable"


class TicketApi(Protocol):
    def config(self) -> dict[str, Any]: ...

    def issue_ticket(
        self, service_id: int, priority: str = "none", *, key: str | None = None
    ) -> Issued: ...

    def report_printed(self, ticket_id: int, printed: bool) -> None: ...

    def report_health(self, printer: str, message: str | None = None) -> None: ...


class Printer(Protocol):
    def print_issued(self, issued: Issued, language: str) -> None:
        """Print the ticket; raise an exception carrying ``health`` when it fails."""


@dataclass(frozen=True)
class Line:
    """One service as the kiosk lists it."""

    id: int
    agency_id: int
    name: str
    waiting: int = 0
    estimated_wait_minutes: int = 0
    open: bool = True
    remaining_quota: int | None = None
    priority_offered: bool = True

    @property
    def selectable(self) -> bool:
        return self.open and (self.remaining_quota is None or self.remaining_quota > 0)


@dataclass(frozen=True)
class KioskState:
    screen: Screen = Screen.WELCOME
    language: str = "id"
    agency_id: int | None = None
    service_id: int | None = None
    issued: Issued | None = None
    printed: bool | None = None
    printer_fault: str | None = None
    message_code: str | None = None
    busy: bool = False
    site_name: str = "Mal Pelayanan Publik"
    agencies: tuple[dict[str, Any], ...] = ()
    lines: dict[int, Line] = field(default_factory=dict)
    filter_text: str = ""
    # service id -> "Lantai 1 — Zona A (Loket 1–8)": where its counters are
    areas: dict[int, str] = field(default_factory=dict)


class KioskFlow:
    """The kiosk's behaviour. ``on_change(state)`` is called after every change."""

    def __init__(
        self,
        api: TicketApi,
        printer: Printer,
        *,
        on_change: Callable[[KioskState], None] = lambda _s: None,
        idle_seconds: float = 45.0,
        ticket_seconds: float = 20.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.api = api
        self.printer = printer
        self.on_change = on_change
        self.idle_seconds = idle_seconds
        self.ticket_seconds = ticket_seconds
        self.clock = clock
        self.state = KioskState()
        self._last_touch = clock()
        self._pending_key: str | None = None

    # --- state ---------------------------------------------------------------------------

    def _set(self, **changes: Any) -> None:
        self.state = replace(self.state, **changes)
        self.on_change(self.state)

    def touch(self) -> None:
        """Any tap: the idle countdown starts again."""
        self._last_touch = self.clock()

    def tick(self) -> None:
        """Called every second: return to the start after idling, or after the ticket."""
        idle = self.clock() - self._last_touch
        if self.state.busy or self.state.screen is Screen.WELCOME:
            return
        limit = self.ticket_seconds if self.state.screen is Screen.TICKET else self.idle_seconds
        if idle >= limit:
            self.home()

    # --- configuration and live counts -------------------------------------------------------

    def load_config(self) -> None:
        """Agencies and services from the server; UNAVAILABLE while it cannot be reached."""
        try:
            config = self.api.config()
        except ApiError as exc:
            log.warning("config not loaded: %s", exc.code)
            if exc.code == ErrorCode.UNAVAILABLE:
                self._set(screen=Screen.UNAVAILABLE)
            return
        self.apply_config(config)

    def apply_config(self, config: dict[str, Any]) -> None:
        agencies = tuple(a for a in config.get("agencies", []) if a.get("active", True))
        lines = {
            s["id"]: Line(
                id=s["id"],
                agency_id=s["agency_id"],
                name=s["name"],
                open=bool(s.get("active", True)),
                remaining_quota=s.get("remaining_quota"),
                priority_offered=bool(s.get("priority_offered", True)),
                waiting=self.state.lines[s["id"]].waiting if s["id"] in self.state.lines else 0,
            )
            for s in config.get("services", [])
        }
        screen = Screen.WELCOME if self.state.screen is Screen.UNAVAILABLE else self.state.screen
        self._set(
            agencies=agencies,
            lines=lines,
            areas=counter_areas(config),
            site_name=config.get("site", {}).get("name", self.state.site_name),
            screen=screen,
        )

    def apply_line_stats(self, line: dict[str, Any]) -> None:
        """A ``queue.stats`` push: people waiting and estimated wait of one service."""
        current = self.state.lines.get(line.get("service_id", -1))
        if current is None:
            return
        updated = replace(
            current,
            waiting=int(line.get("waiting", current.waiting)),
            estimated_wait_minutes=int(line.get("estimated_wait_minutes", 0)),
        )
        self._set(lines={**self.state.lines, current.id: updated})

    def waiting_for_agency(self, agency_id: int) -> int:
        return sum(
            line.waiting for line in self.state.lines.values() if line.agency_id == agency_id
        )

    def counter_area(self, service_id: int) -> str | None:
        return self.state.areas.get(service_id)

    def services_of(self, agency_id: int) -> list[Line]:
        return [line for line in self.state.lines.values() if line.agency_id == agency_id]

    # --- taps ------------------------------------------------------------------------------

    def home(self) -> None:
        self._pending_key = None
        self._set(
            screen=Screen.WELCOME,
            agency_id=None,
            service_id=None,
            issued=None,
            printed=None,
            printer_fault=None,
            message_code=None,
            filter_text="",
        )

    def set_language(self, language: str) -> None:
        self.touch()
        self._set(language=language)

    def start(self) -> None:
        self.touch()
        self._set(screen=Screen.AGENCIES)

    def filter_agencies(self, text: str) -> None:
        self.touch()
        self._set(filter_text=text)

    def choose_agency(self, agency_id: int) -> None:
        self.touch()
        self._set(screen=Screen.SERVICES, agency_id=agency_id)

    def back(self) -> None:
        self.touch()
        previous = {
            Screen.AGENCIES: Screen.WELCOME,
            Screen.SERVICES: Screen.AGENCIES,
            Screen.PRIORITY: Screen.SERVICES,
            Screen.MESSAGE: Screen.SERVICES,
        }.get(self.state.screen)
        if previous is not None:
            self._set(screen=previous)

    def choose_service(self, service_id: int) -> bool:
        """Returns True when the ticket should now be issued (no priority question)."""
        self.touch()
        line = self.state.lines.get(service_id)
        if line is None or not line.selectable or self.state.busy:
            return False
        self._set(service_id=service_id)
        if line.priority_offered:
            self._set(screen=Screen.PRIORITY)
            return False
        return True

    # --- issuing (on a worker) ---------------------------------------------------------------

    def begin_issue(self) -> bool:
        """Claim the one issue in flight; False when one is running (a double tap)."""
        if self.state.busy or self.state.service_id is None:
            return False
        self._pending_key = self._pending_key or uuid.uuid4().hex
        self._set(busy=True, screen=Screen.ISSUING)
        return True

    def issue(self, priority: str = "none") -> None:
        """Ask the server for the ticket, then print it. Runs on a worker thread.

        The same Idempotency-Key is reused until a ticket is confirmed or refused, so
        any retry, even by the visitor tapping again after an error, cannot make two.
        """
        service_id = self.state.service_id
        assert service_id is not None and self._pending_key is not None
        try:
            issued = self.api.issue_ticket(service_id, priority, key=self._pending_key)
        except ApiError as exc:
            screen = Screen.UNAVAILABLE if exc.retryable else Screen.MESSAGE
            if not exc.retryable:
                self._pending_key = None
            self._set(busy=False, screen=screen, message_code=exc.code)
            if exc.code in (ErrorCode.QUOTA_EXHAUSTED, ErrorCode.SERVICE_CLOSED):
                self._mark_unavailable(service_id, exc.code)
            return
        self._pending_key = None
        printed, fault = self._print(issued)
        self.touch()
        self._set(
            busy=False, screen=Screen.TICKET, issued=issued, printed=printed, printer_fault=fault
        )

    def _print(self, issued: Issued) -> tuple[bool, str | None]:
        try:
            self.printer.print_issued(issued, self.state.language)
        except Exception as exc:  # any printer trouble: show the ticket on screen instead
            health = str(getattr(getattr(exc, "health", None), "value", "error"))
            log.warning("printing failed (%s): %s", health, exc)
            self._report(issued, printed=False, health=health, message=str(exc))
            return False, health
        self._report(issued, printed=True, health="ok", message=None)
        return True, None

    def _report(self, issued: Issued, *, printed: bool, health: str, message: str | None) -> None:
        try:
            self.api.report_printed(int(issued.ticket["id"]), printed)
            self.api.report_health(health, message)
        except ApiError as exc:  # the ticket stands; the report is best effort
            log.warning("could not report printing to the server: %s", exc.code)

    def _mark_unavailable(self, service_id: int, code: str) -> None:
        line = self.state.lines.get(service_id)
        if line is None:
            return
        changed = (
            replace(line, open=False)
            if code == ErrorCode.SERVICE_CLOSED
            else replace(line, remaining_quota=0)
        )
        self._set(lines={**self.state.lines, service_id: changed})


def counter_areas(config: dict[str, Any]) -> dict[int, str]:
    """Where each service is served: its zone and counter labels, as the ticket says it."""
    zones = {z["code"]: z["name"] for z in config.get("zones", [])}
    by_service: dict[int, list[dict[str, Any]]] = {}
    for counter in config.get("counters", []):
        for service_id in counter.get("service_ids", []):
            by_service.setdefault(service_id, []).append(counter)
    areas = {}
    for service_id, counters in by_service.items():
        zone = zones.get(counters[0]["zone"], counters[0]["zone"])
        labels = [c["label"] for c in counters]
        where = labels[0] if len(labels) == 1 else f"{labels[0]}–{labels[-1].split()[-1]}"
        areas[service_id] = f"{zone} ({where})"
    return areas
