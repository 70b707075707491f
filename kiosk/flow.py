r"""What the kiosk shows and does, screen by screen, without any widget.

welcome -> agencies -> services (-> standard) -> (priority) -> issuing -> ticket
                                                          \-> message (quota, closed)
                                                          \-> unavailable (server away)
welcome -> check_in (keypad) -> issuing -> ticket (a booking's, marked BOOKING)
any screen -- a scanner's code --^    \-> check_in_result (already in, early, late, ...)

The widgets only show ``KioskState`` and forward taps here. A tap counts only once its
screen has been shown for the tap guard's time (``kiosk.tap_guard``): the second tap of a
fast pair must not act on the screen the first one opened.

A tap that may issue a ticket enters here once: ``pick_service`` (a service's tile) or
``issue`` (a priority answer). Issuing is split so that the slow part runs on a worker
without touching the state: ``request_issue`` (GUI thread) claims the one issue in flight
and returns an ``IssueJob``, which the flow hands to its ``run_issue``; there ``perform``
(worker) asks the server and prints, ``complete`` (GUI thread) shows the result and
``report`` (worker) tells the server whether it was printed. The kiosk app's ``run_issue``
puts those on its worker; without one, all of it runs on the calling thread (tests,
tools). A ticket is shown only after the server confirmed it.

A booking's check-in (``kiosk.check_in``) takes the same way: ``submit_code`` (keypad)
or ``scanned`` (a scanner, on any screen) claims the one job in flight, a ``CheckInJob``
that ``perform`` carries out like an issue; a booking checked in before gets its number
on screen and no new paper.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Any, Protocol, TypedDict
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kiosk.check_in import CheckInJob, CheckInNote, note_for_refusal, typed_code
from kiosk.health_report import HealthReport
from kiosk.opening_hours import (
    SpecialDay,
    holiday_dates,
    next_opening,
    next_opening_text,
    open_at,
    special_days,
)
from kiosk.standards import ServiceStandard, StandardError
from kiosk.tap_guard import TapGuard
from shared import wire
from shared.api_client import ApiError, Issued
from shared.booking_code import read_code
from shared.errors import ErrorCode

log = logging.getLogger("antre.kiosk")

PRIORITIES = ("elderly", "disabled", "pregnant", "child")
# Refusals that say something about the line itself: the tile shows it from then on.
UNAVAILABLE_LINE = (
    ErrorCode.QUOTA_EXHAUSTED,
    ErrorCode.SERVICE_CLOSED,
    ErrorCode.SERVICE_UNSTAFFED,
)
# A key the server may have used (its answer was lost) is reused for the same choice this
# long: the visitor who tries again gets that ticket, not a second one.
PENDING_KEY_SECONDS = 120.0
# A finger bouncing on a key taps it again 100-300 ms later (kiosk/tap_guard.py); a
# visitor who means a doubled letter taps it again later than that.
KEY_BOUNCE_SECONDS = 0.3


class Screen(Enum):
    """The screens of the kiosk's flow; the window shows the page for
    ``KioskState.screen``."""

    WELCOME = "welcome"
    AGENCIES = "agencies"
    SERVICES = "services"
    STANDARD = "standard"
    PRIORITY = "priority"
    ISSUING = "issuing"
    TICKET = "ticket"
    MESSAGE = "message"
    UNAVAILABLE = "unavailable"
    CHECK_IN = "check_in"
    CHECK_IN_RESULT = "check_in_result"


class TicketApi(Protocol):
    """What the flow needs of the server, so tests drive it with a fake in place of
    ``ApiClient``."""

    def config(self) -> wire.Config: ...

    def issue_ticket(
        self, service_id: int, priority: str = "none", *, key: str | None = None
    ) -> Issued: ...

    def check_in(self, code: str) -> Issued: ...

    def report_printed(self, ticket_id: int, printed: bool) -> None: ...

    def report_health(self, printer: str, message: str | None = None) -> None: ...


class Printer(Protocol):
    """What the flow needs of the ticket printer, so tests drive it without a real
    one."""

    def print_issued(self, issued: Issued, language: str) -> str | None:
        """Print the ticket and return the printer's state after it ("ok", "paper_low");
        raise an exception carrying ``health`` (an enum or a text) when it fails."""


@dataclass(frozen=True)
class Line:
    """One service as the kiosk lists it."""

    id: int
    agency_id: int
    name: str
    code: str = ""
    waiting: int = 0
    estimated_wait_minutes: int = 0
    active: bool = True
    open: bool = True  # active and within its opening hours now
    remaining_quota: int | None = None
    priority_offered: bool = True
    hours: Mapping[str, Sequence[str]] | None = None
    standard: ServiceStandard | None = None
    # Where its visitors wait (the server's ``area.text``), and whether any counter serves
    # it at all: one nobody serves is refused by the server (``service_unstaffed``).
    area: str = ""
    staffed: bool = True
    # When a closed line opens next (site time), for "Buka Senin 07.30".
    next_opening: dt.datetime | None = None
    booking_enabled: bool = False  # takes bookings: the welcome screen offers check-in

    @property
    def full(self) -> bool:
        return self.remaining_quota is not None and self.remaining_quota <= 0

    @property
    def selectable(self) -> bool:
        return self.open and not self.full and self.staffed


@dataclass(frozen=True)
class IssueJob:
    """One request for a ticket, as the worker carries it out."""

    service_id: int
    priority: str
    key: str
    language: str


@dataclass(frozen=True)
class IssueOutcome:
    """The result of one issue job, brought back to the GUI thread: the ticket (or the
    error) and what the printer said."""

    job: IssueJob | CheckInJob
    issued: Issued | None = None
    error: ApiError | None = None
    printed: bool = False
    printer_health: str = "ok"
    printer_message: str | None = None


@dataclass(frozen=True)
class PendingKey:
    """The Idempotency-Key of a choice whose ticket was not confirmed yet (the server may
    have made it and lost the answer)."""

    service_id: int
    priority: str
    key: str
    since: float


@dataclass(frozen=True)
class KioskState:
    """Everything the kiosk's screen shows, as one immutable value the flow replaces on
    each step and the window draws."""

    screen: Screen = Screen.WELCOME
    language: str = "id"
    agency_id: int | None = None
    service_id: int | None = None
    issued: Issued | None = None
    printed: bool | None = None
    printer_fault: str | None = None
    message_code: str | None = None
    busy: bool = False
    online: bool = True  # the live feed is connected
    loaded: bool = False  # agencies and services came from the server
    site_name: str = "Mal Pelayanan Publik"
    site_short_name: str = "MPP"
    agencies: tuple[wire.Agency, ...] = ()
    lines: dict[int, Line] = field(default_factory=dict)
    code: str = ""  # typed on the check-in keypad so far
    check_in_note: CheckInNote | None = None


class KioskFlow:
    """The kiosk's behaviour. ``on_change(state)`` is called after every change.

    Every method except ``perform`` and ``report`` belongs to one thread (the GUI's).
    """

    def __init__(
        self,
        api: TicketApi,
        printer: Printer,
        *,
        on_change: Callable[[KioskState], None] = lambda _s: None,
        idle_seconds: float = 45.0,
        ticket_seconds: float = 20.0,
        language: str = "id",
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
        tap_guard_seconds: float = 0.0,
        run_issue: Callable[[IssueJob | CheckInJob], None] | None = None,
    ) -> None:
        self.api = api
        # How a claimed issue is carried out: the app's worker, or this thread.
        self.run_issue = run_issue or self.issue_here
        self.printer = printer
        self.health = HealthReport(api.report_health)
        self.on_change = on_change
        self.idle_seconds = idle_seconds
        self.ticket_seconds = ticket_seconds
        self.clock = clock
        self.wall_clock = wall_clock
        self.state = KioskState(language=language)
        # No guard unless asked: the kiosk app passes [kiosk] tap_guard_ms; tests and tools
        # that call the flow directly are no trembling finger.
        self.guard = TapGuard(tap_guard_seconds, clock)
        # The keypad stays on one screen, so the tap guard does not stop a bounce there:
        # the same key again this soon is the finger bouncing, not a doubled letter.
        self.key_bounce_seconds = min(tap_guard_seconds, KEY_BOUNCE_SECONDS)
        self._last_key: tuple[str, float] | None = None
        self._home_language = language
        self._last_touch = clock()
        self._pending: PendingKey | None = None
        self._zone = ZoneInfo("Asia/Jakarta")
        self._skew = dt.timedelta(0)  # server clock minus ours
        self._holidays: frozenset[dt.date] = frozenset()
        self._special: tuple[SpecialDay, ...] = ()

    # --- state ---------------------------------------------------------------------------

    def _set(self, **changes: Any) -> None:
        before = (self.state.screen, self.state.language)
        self.state = replace(self.state, **changes)
        if (self.state.screen, self.state.language) != before:
            self.guard.shown()  # another page: the taps of the last one must not reach it
        self.on_change(self.state)

    def touch(self) -> None:
        """Any tap: the idle countdown starts again."""
        self._last_touch = self.clock()

    def accepts_taps(self) -> bool:
        """Whether a tap now acts (the screen has been shown for the guard time)."""
        return self.guard.open()

    def _tap(self) -> bool:
        """A visitor's tap: the idle countdown starts again; True when it may act."""
        self.touch()
        return self.guard.open()

    def tick(self) -> None:
        """Called every second: return to the start after idling, or after the ticket."""
        if self.state.busy:
            return
        if self.state.screen in (Screen.WELCOME, Screen.UNAVAILABLE):
            if self.state.screen is Screen.WELCOME and not self.state.online:
                self._set(screen=Screen.UNAVAILABLE, message_code=ErrorCode.UNAVAILABLE)
            return
        idle = self.clock() - self._last_touch
        shown = self.state.screen in (Screen.TICKET, Screen.CHECK_IN_RESULT)
        limit = self.ticket_seconds if shown else self.idle_seconds
        if idle >= limit:
            self.home()

    def local_now(self) -> dt.datetime:
        """The hall's time, by the server's clock (a kiosk's own clock may be off)."""
        return (self.wall_clock() + self._skew).astimezone(self._zone)

    # --- configuration and live counts -------------------------------------------------------

    def load_config(self) -> None:
        """Agencies and services from the server, on this thread (tests, tools)."""
        try:
            config = self.api.config()
        except ApiError as exc:
            self.config_failed(exc)
            return
        self.apply_config(config)

    def config_failed(self, error: ApiError) -> None:
        """The server could not give its configuration. Without one nothing can be issued;
        with one, a visitor in the middle of choosing is left alone (their tap will say
        whether the server is really away) and an empty kiosk says it is unavailable."""
        log.warning("configuration not loaded: %s", error.code)
        idle = self.state.screen in (Screen.WELCOME, Screen.UNAVAILABLE)
        if self.state.busy or (self.state.loaded and not idle):
            return
        self._set(screen=Screen.UNAVAILABLE, message_code=error.code)

    def apply_config(self, config: wire.Config) -> None:
        site = config.get("site", {})
        try:
            self._zone = ZoneInfo(site.get("timezone") or "Asia/Jakarta")
        except (ZoneInfoNotFoundError, ValueError):
            log.warning("unknown site time zone %r; keeping %s", site.get("timezone"), self._zone)
        try:
            server_now = dt.datetime.fromisoformat(site["server_time"])
            self._skew = server_now - self.wall_clock()
        except (KeyError, TypeError, ValueError):
            self._skew = dt.timedelta(0)
        self._holidays = holiday_dates(config)
        self._special = special_days(config)
        agencies = tuple(a for a in config.get("agencies", []) if a.get("active", True))
        active_agencies = {a["id"] for a in agencies}
        lines = {}
        for s in config.get("services", []):
            if s["agency_id"] not in active_agencies:
                continue
            before = self.state.lines.get(s["id"])
            line = Line(
                id=s["id"],
                agency_id=s["agency_id"],
                name=s["name"],
                code=s.get("code", ""),
                active=bool(s.get("active", True)),
                remaining_quota=s.get("remaining_quota"),
                priority_offered=bool(s.get("priority_offered", True)),
                hours=s.get("hours"),
                standard=self._standard_of(s),
                booking_enabled=bool(s.get("booking_enabled", False)),
                **_area_of(s),
                waiting=before.waiting if before else 0,
                estimated_wait_minutes=before.estimated_wait_minutes if before else 0,
            )
            lines[line.id] = self._with_opening(line)
        recovering = self.state.screen is Screen.UNAVAILABLE
        self._set(
            agencies=agencies,
            lines=lines,
            site_name=site.get("name", self.state.site_name),
            site_short_name=site.get("short_name", self.state.site_short_name),
            loaded=True,
        )
        if recovering:
            self.home()

    def _standard_of(self, service: wire.Service) -> ServiceStandard | None:
        # Read as an open object: a server older than the field sends none, and a bad one
        # must cost the visitor an information button, not the kiosk.
        fields: Mapping[str, object] = service
        sent = fields.get("standard")
        if not isinstance(sent, Mapping):
            return None
        try:
            standard = ServiceStandard.from_mapping(sent)
        except StandardError as exc:
            log.warning("service %s: standard left out: %s", service.get("code"), exc)
            return None
        return None if standard.empty else standard

    def _with_opening(self, line: Line) -> Line:
        # No hours at all (an older server): the server alone decides.
        now = self.local_now()
        days = (self._holidays, now, self._special, line.agency_id)
        is_open = line.active and (line.hours is None or open_at(line.hours, *days))
        upcoming = None
        if line.active and not is_open and line.hours is not None:
            upcoming = next_opening(line.hours, *days)
        if is_open == line.open and upcoming == line.next_opening:
            return line
        return replace(line, open=is_open, next_opening=upcoming)

    def site_time(self, iso: str) -> dt.datetime:
        """A time the server sent (ISO 8601), in the hall's time zone."""
        return dt.datetime.fromisoformat(iso).astimezone(self._zone)

    def opening_text(self, line: Line, language: str) -> str:
        """ "Buka Senin 07.30" for a closed line that opens within two weeks, else ""."""
        return next_opening_text(line.next_opening, self.local_now(), language)

    def agency_next_opening(self, agency_id: int) -> dt.datetime | None:
        """The soonest opening of the agency's closed lines (the tile says it)."""
        times = [
            line.next_opening
            for line in self.services_of(agency_id)
            if line.staffed and line.next_opening is not None
        ]
        return min(times, default=None)

    def refresh_opening(self) -> None:
        """Opening and closing time passes: called every minute or so."""
        lines = {k: self._with_opening(v) for k, v in self.state.lines.items()}
        if lines != self.state.lines:
            self._set(lines=lines)

    def apply_line_stats(self, line: wire.LineStats) -> None:
        """A ``queue.stats`` push (or a hall snapshot line): waiting and estimated wait."""
        current = self.state.lines.get(line.get("service_id", -1))
        if current is None:
            return
        updated = replace(
            current,
            waiting=int(line.get("waiting", current.waiting)),
            estimated_wait_minutes=int(line.get("estimated_wait_minutes", 0)),
        )
        if updated != current:
            self._set(lines={**self.state.lines, current.id: updated})

    def apply_hall_snapshot(self, snapshot: wire.HallSnapshot) -> None:
        """Every line's counts at once (``GET /api/v1/hall/snapshot``)."""
        lines = dict(self.state.lines)
        for stats in snapshot.get("lines", []):
            current = lines.get(stats.get("service_id", -1))
            if current is not None:
                lines[current.id] = replace(
                    current,
                    waiting=int(stats.get("waiting", 0)),
                    estimated_wait_minutes=int(stats.get("estimated_wait_minutes", 0)),
                )
        self._set(lines=lines)

    def set_online(self, online: bool) -> None:
        """The live feed connected or lost the server. A visitor in the middle of choosing
        is left alone (a short blip must not throw them out); an empty kiosk says so."""
        if online == self.state.online:
            return
        self._set(online=online)
        if not online and self.state.screen is Screen.WELCOME and not self.state.busy:
            self._set(screen=Screen.UNAVAILABLE, message_code=ErrorCode.UNAVAILABLE)

    def waiting_for_agency(self, agency_id: int) -> int:
        return sum(
            line.waiting for line in self.state.lines.values() if line.agency_id == agency_id
        )

    def agency_open(self, agency_id: int) -> bool:
        """Whether any of the agency's services takes a ticket now."""
        return any(line.selectable for line in self.services_of(agency_id))

    def counter_area(self, service_id: int) -> str | None:
        line = self.state.lines.get(service_id)
        return line.area if line is not None and line.area else None

    def services_of(self, agency_id: int) -> list[Line]:
        return [line for line in self.state.lines.values() if line.agency_id == agency_id]

    # --- taps ------------------------------------------------------------------------------

    def home(self) -> None:
        offline = not self.state.online or not self.state.loaded
        self._set(
            screen=Screen.UNAVAILABLE if offline else Screen.WELCOME,
            language=self._home_language,
            agency_id=None,
            service_id=None,
            issued=None,
            printed=None,
            printer_fault=None,
            message_code=ErrorCode.UNAVAILABLE if offline else None,
            code="",
            check_in_note=None,
        )

    def go_home(self) -> None:
        """The visitor's "Beranda" or "Selesai" (``home`` is for timers and tools)."""
        if self._tap():
            self.home()

    def set_language(self, language: str) -> None:
        if self._tap():
            self._set(language=language)

    def start(self) -> None:
        if not self._tap():
            return
        if not self.state.loaded:
            self._set(screen=Screen.UNAVAILABLE, message_code=ErrorCode.UNAVAILABLE)
            return
        self._set(screen=Screen.AGENCIES)

    def choose_agency(self, agency_id: int) -> None:
        if self._tap():
            self._set(screen=Screen.SERVICES, agency_id=agency_id)

    def show_standard(self, service_id: int) -> None:
        """The info button: what to bring, what it costs, how long it takes."""
        line = self.state.lines.get(service_id)
        if not self._tap() or line is None or line.standard is None:
            return
        self._set(screen=Screen.STANDARD, service_id=service_id)

    def back(self) -> None:
        if not self._tap():
            return
        previous = {
            Screen.AGENCIES: Screen.WELCOME,
            Screen.SERVICES: Screen.AGENCIES,
            Screen.STANDARD: Screen.SERVICES,
            Screen.PRIORITY: Screen.SERVICES,
            Screen.MESSAGE: Screen.SERVICES,
            Screen.CHECK_IN: Screen.WELCOME,
            Screen.CHECK_IN_RESULT: Screen.CHECK_IN,
        }.get(self.state.screen)
        if previous is not None:
            self._set(screen=previous, message_code=None, code="", check_in_note=None)

    def pick_service(self, service_id: int) -> None:
        """A service's tile, or "take a number" under its standard: the priority question
        when the line asks it, else the ticket at once."""
        if self.choose_service(service_id):
            self.issue("none")

    def choose_service(self, service_id: int) -> bool:
        """Returns True when the ticket should now be issued (no priority question)."""
        line = self.state.lines.get(service_id)
        if not self._tap() or line is None or not line.selectable or self.state.busy:
            return False
        self._set(service_id=service_id)
        if line.priority_offered:
            self._set(screen=Screen.PRIORITY)
            return False
        return True

    # --- a booking's check-in ----------------------------------------------------------------

    def takes_bookings(self) -> bool:
        """Whether some service of the hall takes bookings (the welcome screen asks)."""
        return any(line.booking_enabled for line in self.state.lines.values())

    def open_check_in(self) -> None:
        """ "Sudah booking?": the keypad."""
        if not self._tap():
            return
        if not self.state.loaded:
            self._set(screen=Screen.UNAVAILABLE, message_code=ErrorCode.UNAVAILABLE)
            return
        self._set(screen=Screen.CHECK_IN, code="", check_in_note=None)

    def press_code_key(self, key: str) -> None:
        if self._key_tap(key):
            self._set(code=typed_code(self.state.code, key))

    def erase_code(self) -> None:
        if self._key_tap("erase"):
            self._set(code=self.state.code[:-1])

    def _key_tap(self, key: str) -> bool:
        """A keypad tap that acts: on the keypad's screen, past the tap guard, and not the
        same key again within ``key_bounce_seconds`` (another key always acts)."""
        if not self._tap() or self.state.screen is not Screen.CHECK_IN:
            return False
        now, last = self.clock(), self._last_key
        if last is not None and last[0] == key and now - last[1] < self.key_bounce_seconds:
            return False
        self._last_key = (key, now)
        return True

    def submit_code(self) -> bool:
        """The keypad's "Check-in": False when nothing was started."""
        if not self._tap() or self.state.screen is not Screen.CHECK_IN or not self.state.code:
            return False
        return self._start_check_in(self.state.code)

    def scanned(self, text: str) -> bool:
        """A scanner read a code or a booking's link: checked in from any screen, at once
        (no tap guard: nobody's finger is involved). False while another job runs."""
        self.touch()
        if not self.state.loaded or self.state.screen is Screen.UNAVAILABLE:
            return False
        return self._start_check_in(text)

    def _start_check_in(self, text: str) -> bool:
        if self.state.busy or self.state.screen is Screen.ISSUING:
            return False
        code = read_code(text)
        if code is None:  # not a code nor a booking's link: the server would not know it
            self._set(screen=Screen.CHECK_IN_RESULT, check_in_note=CheckInNote("not_found"))
            return False
        job = CheckInJob(code, self.state.language)
        self._set(busy=True, screen=Screen.ISSUING, message_code=None, check_in_note=None)
        self.run_issue(job)
        return True

    def _checked_in(self, outcome: IssueOutcome) -> None:
        """``complete`` for a check-in: the ticket, or the note saying why there is none."""
        error, issued = outcome.error, outcome.issued
        if error is not None:
            if error.retryable:
                self._set(busy=False, screen=Screen.UNAVAILABLE, message_code=error.code)
            else:
                note = note_for_refusal(error)
                self._set(busy=False, screen=Screen.CHECK_IN_RESULT, check_in_note=note)
            return
        assert issued is not None
        self.touch()
        if issued.already_checked_in:
            note = CheckInNote("already", number=str(issued.ticket.get("number", "")))
            self._set(busy=False, screen=Screen.CHECK_IN_RESULT, issued=issued, check_in_note=note)
            return
        self._set(
            busy=False,
            screen=Screen.TICKET,
            issued=outcome.issued,
            printed=outcome.printed,
            printer_fault=None if outcome.printed else outcome.printer_health,
            code="",
        )

    # --- issuing ---------------------------------------------------------------------------

    def request_issue(self, priority: str = "none") -> IssueJob | None:
        """Claim the one issue in flight (GUI thread); None when one is running (a double
        tap) or nothing is chosen. The returned job goes to ``perform`` on a worker."""
        service_id = self.state.service_id
        if priority != "none" and priority not in PRIORITIES:
            raise ValueError(f"unknown priority {priority!r}")
        if not self._tap():
            return None
        if self.state.busy or service_id is None or self.state.screen is Screen.ISSUING:
            return None
        job = IssueJob(
            service_id, priority, self._key_for(service_id, priority), self.state.language
        )
        self._set(busy=True, screen=Screen.ISSUING, message_code=None)
        return job

    def _key_for(self, service_id: int, priority: str) -> str:
        pending, now = self._pending, self.clock()
        if (
            pending is not None
            and (pending.service_id, pending.priority) == (service_id, priority)
            and now - pending.since < PENDING_KEY_SECONDS
        ):
            return pending.key
        self._pending = PendingKey(service_id, priority, uuid.uuid4().hex, now)
        return self._pending.key

    def perform(self, job: IssueJob | CheckInJob) -> IssueOutcome:
        """Ask the server for the ticket, then print it (worker thread; no state touched).

        ``ApiClient.issue_ticket`` retries a lost answer with the job's Idempotency-Key,
        and a visitor who tries again after an error gets the same key (``_key_for``), so
        neither can make two tickets.
        """
        try:
            if isinstance(job, CheckInJob):
                issued = self.api.check_in(job.code)
            else:
                issued = self.api.issue_ticket(job.service_id, job.priority, key=job.key)
        except ApiError as exc:
            log.warning("ticket not issued: %s (%s)", exc.code, exc.message)
            return IssueOutcome(job, error=exc)
        if issued.already_checked_in:  # its paper was printed at the first check-in
            return IssueOutcome(job, issued)
        try:
            health = self.printer.print_issued(issued, job.language) or "ok"
        except Exception as exc:  # any printer trouble: the ticket is shown on screen instead
            health = _health_name(getattr(exc, "health", None))
            log.warning("ticket %s not printed (%s): %s", issued.ticket.get("number"), health, exc)
            return IssueOutcome(
                job, issued, printed=False, printer_health=health, printer_message=str(exc)
            )
        return IssueOutcome(job, issued, printed=True, printer_health=health)

    def report(self, outcome: IssueOutcome) -> None:
        """Tell the server whether the ticket was printed, and the printer's state if it
        changed (worker thread, after the visitor already sees the result)."""
        if outcome.issued is not None and not outcome.issued.already_checked_in:
            try:
                self.api.report_printed(int(outcome.issued.ticket["id"]), outcome.printed)
            except ApiError as exc:  # the ticket stands; the report is best effort
                log.warning("could not report printing to the server: %s", exc.code)
        if outcome.error is None:
            self.health.note(outcome.printer_health, outcome.printer_message)

    def complete(self, outcome: IssueOutcome) -> None:
        """Show what ``perform`` achieved (GUI thread)."""
        if isinstance(outcome.job, CheckInJob):
            self._checked_in(outcome)
            return
        error = outcome.error
        if error is not None:
            retryable = error.retryable
            if not retryable:
                self._pending = None  # refused: that key made no ticket
            screen = Screen.UNAVAILABLE if retryable else Screen.MESSAGE
            self._set(busy=False, screen=screen, message_code=error.code)
            if error.code in UNAVAILABLE_LINE:
                self._mark_unavailable(outcome.job.service_id, error.code)
            return
        self._pending = None
        self.touch()
        self._set(
            busy=False,
            screen=Screen.TICKET,
            issued=outcome.issued,
            printed=outcome.printed,
            printer_fault=None if outcome.printed else outcome.printer_health,
        )

    def issue(self, priority: str = "none") -> bool:
        """A priority answer (or a service without the question): claim the issue and hand
        it to ``run_issue``. False when nothing was started (a double tap, no service)."""
        job = self.request_issue(priority)
        if job is None:
            return False
        self.run_issue(job)
        return True

    def issue_here(self, job: IssueJob | CheckInJob) -> None:
        """All of an issue on this thread: the ``run_issue`` of tests and tools."""
        outcome = self.perform(job)
        self.complete(outcome)
        self.report(outcome)

    def _mark_unavailable(self, service_id: int, code: str) -> None:
        line = self.state.lines.get(service_id)
        if line is None:
            return
        if code == ErrorCode.SERVICE_CLOSED:
            changed = replace(line, open=False)
        elif code == ErrorCode.SERVICE_UNSTAFFED:
            changed = replace(line, staffed=False)
        else:
            changed = replace(line, remaining_quota=0)
        self._set(lines={**self.state.lines, service_id: changed})


def _health_name(health: object) -> str:
    value = getattr(health, "value", health)
    return value if isinstance(value, str) and value else "error"


class _Area(TypedDict, total=False):
    """``Line``'s fields that say where its visitors wait."""

    area: str
    staffed: bool


def _area_of(service: wire.Service) -> _Area:
    """The line's waiting area and whether a counter serves it, from ``GET /config``
    (a server that does not say, an older one, leaves the line as served)."""
    if "area" not in service:
        return {}
    area = service["area"]
    if not isinstance(area, Mapping):
        return {"area": "", "staffed": False}
    return {"area": str(area.get("text", "")), "staffed": True}
