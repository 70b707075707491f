r"""An officer's shift at a counter, without any widget.

login -> pick a counter (or the configured one) -> open it -> work -> close / log out
   ^                                                             |
   \------ wrong password, token expired, counter taken over ----/

The widgets show this object and forward presses here. Every REST call goes to a worker
as a ``Job``; ``complete`` applies its outcome back on the GUI thread, as ``apply_event``
does for pushes, so all state belongs to one thread.

The hall's configuration (``GET /config``: counters, services, site settings) is loaded at
login and again only when it may have changed unseen: on ``config.updated``, and after the
live feed was lost (the push may have come while nobody listened). Snapshots, opening a
counter and commands do not ask for it again.

Presses while the server is away are refused with a message, never queued: a "next" sent
minutes later would call a visitor at a moment the officer did not choose. Every command
about the current visitor carries the id of the ticket the officer sees
(``expect_ticket_id``), so a double press or a lost answer never ends another visitor.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Protocol

from counter_client import jobs
from counter_client.actions import (
    ABOUT_CURRENT,
    ENDS_CURRENT,
    SEND_EXPECTED_TICKET,
    Action,
    allowed_actions,
)
from counter_client.config import CounterConfig
from counter_client.device_presence import Presence
from counter_client.durations import date_text, wait_text
from counter_client.hall import Hall, ServerClock
from counter_client.jobs import Job, Outcome
from counter_client.served_tally import ServedTally
from counter_client.texts import error_text, tr
from counter_client.transfer_choice import TransferBody
from counter_client.waiting_line import CounterLine
from shared import events, wire
from shared.api_client import ApiError
from shared.booking_code import read_code, shown
from shared.calling_order import Reason
from shared.errors import ErrorCode
from shared.live import Payload, read_event
from shared.states import TicketState
from shared.timestamps import parse_time

# A new number on screen cannot be ended (next, finish, no-show...) for this long: the
# second half of a double press lands here instead of on a visitor nobody has seen.
SETTLE_SECONDS = 1.0


class Phase(Enum):
    """Which page the window shows: the login form, the counter picker, or the working
    view."""

    LOGIN = "login"
    PICK = "pick"
    WORK = "work"


@dataclass(frozen=True)
class Message:
    """The line of text the window shows the officer after a press or an event; ``error``
    shows it as a failure."""

    text: str
    error: bool = False


class Feed(Protocol):
    """The live push connection, as the shift drives it."""

    def start(self, token: str) -> None: ...

    def stop(self) -> None: ...

    def reset(self, room: str, seq: int) -> None: ...


class CounterShift:
    """State of one counter client. ``on_change()`` is called after every change."""

    def __init__(
        self,
        config: CounterConfig,
        *,
        dispatch: Callable[[Job], None],
        feed: Feed,
        on_change: Callable[[], None] = lambda: None,
        monotonic: Callable[[], float] = time.monotonic,
        server_clock: ServerClock | None = None,
        settle_seconds: float = SETTLE_SECONDS,
    ) -> None:
        self.config = config
        self.language = config.language
        self._dispatch = dispatch
        self._feed = feed
        self.on_change = on_change
        self._monotonic = monotonic
        self.clock = server_clock or ServerClock()
        self.settle_seconds = settle_seconds
        self.phase = Phase.LOGIN
        self.message: Message | None = None
        self.online = False
        self.busy: Job | None = None  # the officer's one command in flight
        self.logging_in = False
        self.device = Presence.UNKNOWN  # this PC's own reports (config [device] token)
        self._generation = 0
        self._clear()

    def _clear(self) -> None:
        self.user: wire.LoginUser | None = None
        self.expires_at: dt.datetime | None = None
        self.hall = Hall()
        self.live_counters: dict[int, wire.Counter] = {}
        self.counter: wire.Counter | None = None
        self.ticket: wire.Ticket | None = None
        self.line = CounterLine()
        self.tally = ServedTally()
        self._recent: dict[int, wire.Ticket] = {}  # tickets seen at this counter
        self._sent_here: set[int] = set()  # tickets seen waiting for this counter alone
        self._base_seq = -1
        self._snapshots = 0  # snapshots taken: a count from one includes what it saw
        self._snapshots_at_press = 0
        self._ticket_shown_at = -1e9
        self._resync_queued = False
        self._resync_again = False
        self._config_due = False  # the next reload also fetches the configuration
        self.stale = False  # a reload failed: retried once the feed is back
        # Other lines' outlooks asked for by the transfer dialog: the answer, an error,
        # or None while the question is on its way.
        self.lines: dict[int, wire.LineOutlook | ApiError | None] = {}
        # Ask before a no-show (config); the officer may turn it off until they log out.
        self.confirm_no_show = self.config.confirm_no_show

    # --- who is logged in -----------------------------------------------------------

    @property
    def agency(self) -> wire.UserAgency | None:
        return self.user.get("agency") if self.user else None

    @property
    def agency_code(self) -> str:
        return str(self.agency["code"]) if self.agency else ""

    @property
    def room(self) -> str:
        return events.agency_room(self.agency_code)

    def _set_message(
        self, key: str | None = None, *, error: bool = False, **params: object
    ) -> None:
        self.message = Message(tr(key, self.language, **params), error) if key else None

    def say(self, text: str, *, error: bool = False) -> None:
        """A message only the screen can word (what the compact strip cannot show)."""
        self.message = Message(text, error)
        self._changed()

    def _error(self, exc: ApiError, action: str | None = None) -> None:
        self.message = Message(error_text(exc.code, self.language, action), True)

    def _changed(self) -> None:
        self.on_change()

    def set_device(self, presence: Presence) -> None:
        self.device = presence
        self._changed()

    def set_language(self, language: str) -> None:
        self.language = language
        self._changed()

    # --- login and logout -------------------------------------------------------------

    def login(self, username: str, password: str) -> bool:
        if self.logging_in:
            return False
        if not username.strip() or not password:
            self._set_message("login.empty", error=True)
            self._changed()
            return False
        self.logging_in = True
        self._set_message(None)
        self._dispatch(Job("login", jobs.login_call(username.strip(), password), self._generation))
        self._changed()
        return True

    def _logged_in(self, outcome: Outcome) -> None:
        self.logging_in = False
        if outcome.error is not None:
            self._login_refused(outcome.error)
            return
        answer: jobs.LoginAnswer = outcome.result
        body, config = answer
        user = body["user"]
        agency = user.get("agency")
        if not agency:
            # An admin has no agency room to follow; counters are run by officers.
            self._dispatch(Job("logout", jobs.logout_call(None), self._generation))
            self._set_message("login.no_agency", error=True)
            return
        self._generation += 1
        self._clear()
        self.user = user
        self.expires_at = parse_time(body.get("expires_at"))
        self.line.agency_id = int(agency["id"])
        self._take_config(config)
        self.phase = Phase.PICK
        self._set_message(None)
        self._feed.start(str(body["token"]))
        if self.config.counter_id is not None:
            self.choose_counter(self.config.counter_id)

    def _login_refused(self, exc: ApiError) -> None:
        if exc.code == ErrorCode.TOO_MANY_ATTEMPTS:
            seconds = exc.details.get("retry_after")
            if isinstance(seconds, int | float) and seconds > 0:
                wait = wait_text(seconds, self.language)
                self._set_message("login.locked", error=True, wait=wait)
                return
        if exc.retryable:
            self._set_message("error.login_unreachable", error=True)
            return
        self.message = Message(error_text(exc.code, self.language, "login"), True)

    def logout(self) -> bool:
        if self.phase is Phase.LOGIN:
            return False
        if self.ticket is not None:
            self._set_message("refused.logout_busy", error=True)
            self._changed()
            return False
        closing = None
        if self.counter is not None and self.counter.get("state") != "closed":
            closing = int(self.counter["id"])
        self._dispatch(Job("logout", jobs.logout_call(closing), self._generation))
        self._end_session("session.logged_out", error=False)
        return True

    def _end_session(self, key: str, *, error: bool) -> None:
        """Back to the login form: the feed stops, answers for this login are dropped."""
        self._generation += 1
        self._feed.stop()
        self.phase = Phase.LOGIN
        self.busy = None
        self.online = False
        self._clear()
        self._set_message(key, error=error)
        self._changed()

    def tick(self) -> None:
        """Called every second by the window: token expiry, and a reload that failed."""
        if self.phase is Phase.LOGIN:
            return
        if self.expires_at is not None and self.clock.now() >= self.expires_at:
            self._end_session("session.expired", error=True)
            return
        if self.stale and self.online and not self._resync_queued:
            self.resync()

    # --- the counter ------------------------------------------------------------------

    def choose_counter(self, counter_id: int) -> bool:
        if self.phase is not Phase.PICK or self.busy is not None:
            return False
        job = Job(
            "open",
            jobs.open_call(counter_id, self.agency_code),
            self._generation,
            action=Action.OPEN,
            counter_id=counter_id,
        )
        self.busy = job
        self._set_message(None)
        self._dispatch(job)
        self._changed()
        return True

    def picker_counters(self) -> list[wire.Counter]:
        """The agency's counters with their live state (who has them open)."""
        agency_id = self.agency["id"] if self.agency else None
        return [self._live(counter) for counter in self.hall.counters_of(agency_id)]

    def _live(self, counter: wire.Counter) -> wire.Counter:
        seen = self.live_counters.get(int(counter["id"]))
        return {**counter, **seen} if seen else counter

    def counter_label(self, counter_id: int | None = None) -> str:
        if counter_id is not None:
            cid: int | None = counter_id
        else:
            cid = self.counter.get("id") if self.counter else None
        found = self.hall.counters.get(int(cid or 0)) or self.counter
        return str(found.get("label", "")) if found else ""

    def allowed(self) -> frozenset[Action]:
        if self.phase is not Phase.WORK:
            return frozenset()
        return allowed_actions(
            self.counter,
            self.ticket,
            calls_needed=self.hall.calls_before_no_show,
            has_waiting=bool(self.line.waiting()),
            has_no_shows=bool(self.no_shows()),
        )

    def waiting(self) -> list[wire.Ticket]:
        return self.line.waiting()

    def calling_order(self) -> list[tuple[wire.Ticket, Reason]]:
        """Who "next" calls, in turn, and why each is where it is; the counter's priority
        turn as the server counts it (``calls_since_priority``, 0 from an older server)."""
        return self.line.in_calling_order(
            now=self.clock.now(),
            priority_every_n=self.hall.priority_every_n,
            calls_since_priority=int(
                (self.counter.get("calls_since_priority") if self.counter else None) or 0
            ),
        )

    def transferred_here(self, ticket_id: int) -> bool:
        """Whether the ticket was sent to this very counter (its call clears the mark)."""
        return ticket_id in self._sent_here

    def _note_sent_here(self, ticket: wire.Ticket) -> None:
        if self.counter is not None and ticket.get("target_counter_id") == self.counter["id"]:
            self._sent_here.add(int(ticket["id"]))

    def no_shows(self) -> list[wire.Ticket]:
        return self.line.no_shows(self.hall.today)

    # --- the officer's commands -------------------------------------------------------

    def check(self, action: Action, *, ticket_id: int | None = None) -> bool:
        """Whether ``press`` would send ``action`` now; if not, the message says why. The
        window asks before opening a dialog (transfer, no-show) that would only end in a
        refusal."""
        refusal = self._refusal(action, ticket_id)
        if refusal is not None:
            self.message = Message(refusal, error=True)
            self._changed()
        return refusal is None

    def press(
        self,
        action: Action,
        *,
        ticket_id: int | None = None,
        transfer: TransferBody | None = None,
        about: int | None = None,
    ) -> bool:
        """One button or key. Refused (with a message) when offline, busy, not allowed now,
        or when it would end a number that appeared a moment ago; otherwise sent once.

        ``about``: the ticket a dialog asked about (a no-show confirmed, a transfer chosen);
        refused when the counter holds another one by now."""
        if about is not None and (self.ticket.get("id") if self.ticket else None) != about:
            self.message = Message(error_text(ErrorCode.CONFLICT, self.language), True)
            self._changed()
            return False
        if not self.check(action, ticket_id=ticket_id):
            return False
        assert self.counter is not None
        counter_id = int(self.counter["id"])
        call: Callable[[jobs.CounterApi], object]
        if action is Action.REQUEUE:
            assert ticket_id is not None
            call = jobs.requeue_call(ticket_id)
        else:
            body = self._body(action, ticket_id, transfer)
            call = jobs.counter_call(counter_id, action, body)
        job = Job(
            action.value,
            call,
            self._generation,
            action=action,
            counter_id=counter_id,
            ticket=self.ticket if action is not Action.REQUEUE else self.line.get(ticket_id or 0),
            note=self.transfer_target_name(transfer) if transfer else "",
        )
        self.busy = job
        self._snapshots_at_press = self._snapshots
        self._set_message(None)
        self._dispatch(job)
        self._changed()
        return True

    def asks_before(self, action: Action) -> bool:
        """Whether this press waits for the officer's confirmation first."""
        return action is Action.NO_SHOW and self.confirm_no_show

    def stop_asking_no_show(self) -> None:
        """The officer ticked "do not ask again": until they log out."""
        self.confirm_no_show = False

    def _refusal(self, action: Action, ticket_id: int | None) -> str | None:
        """Why a press is not sent now, in the officer's words (None: send it)."""
        lang = self.language
        name = tr(f"action.{action.value}", lang)
        if self.phase is not Phase.WORK:
            return tr("refused.not_allowed", lang, action=name)
        if not self.online:
            return tr("refused.offline", lang, action=name)
        if self.busy is not None:
            return tr("refused.busy", lang)
        if action in (Action.CALL, Action.REQUEUE) and ticket_id is None:
            return tr("refused.choose", lang)
        if action not in self.allowed():
            if action is Action.NO_SHOW and self.ticket and self.ticket.get("state") == "called":
                return error_text(ErrorCode.NOT_CALLED_ENOUGH, lang)
            return tr("refused.not_allowed", lang, action=name)
        settling = self._monotonic() - self._ticket_shown_at < self.settle_seconds
        if action in ENDS_CURRENT and self.ticket is not None and settling:
            return tr("refused.settle", lang, number=self.ticket.get("number", ""))
        return None

    def _body(
        self, action: Action, ticket_id: int | None, transfer: TransferBody | None
    ) -> dict[str, object] | None:
        body: dict[str, object] = {}
        if action is Action.CALL:
            body["ticket_id"] = ticket_id
        if action is Action.TRANSFER and transfer:
            body.update({k: v for k, v in transfer.items() if v is not None})
        if SEND_EXPECTED_TICKET and action in ABOUT_CURRENT:
            body["expect_ticket_id"] = self.ticket["id"] if self.ticket else None
        return body or None

    # --- answers from the worker ------------------------------------------------------

    def complete(self, outcome: Outcome) -> None:
        job = outcome.job
        if job.name == "login":
            self._logged_in(outcome)
        elif job.generation != self._generation:
            return  # an answer for a login that has ended
        elif job.name == "logout":
            return
        elif job.name == "resync":
            self._resynced(outcome)
        elif job.name == "line" and job.service_id is not None:
            self.lines[job.service_id] = outcome.error or outcome.result
        elif job.name == "open":
            self._opened(outcome)
        elif job.name == "check_in":
            self._checked_in(outcome)
        else:
            self._acted(outcome)
        self._changed()

    def _opened(self, outcome: Outcome) -> None:
        self.busy = None
        if outcome.error is not None:
            self._fail(outcome.error, "open")
            return
        answer: jobs.OpenAnswer = outcome.result
        opened, snapshot = answer
        self._set_counter(opened["counter"], opened.get("ticket"))
        self.phase = Phase.WORK
        self._take_snapshot(snapshot)
        if self.phase is Phase.WORK:
            self._set_message("done.open", counter=self.counter_label())

    def _acted(self, outcome: Outcome) -> None:
        job = outcome.job
        self.busy = None
        if outcome.error is not None:
            self._fail(outcome.error, job.name)
            return
        number = job.ticket.get("number", "") if job.ticket else ""
        if job.action is Action.REQUEUE:
            requeued: jobs.RequeueAnswer = outcome.result
            if self.line.apply(requeued["ticket"]):
                self.resync()
            self._set_message("done.requeue", number=requeued["ticket"]["number"])
            return
        result: jobs.CommandAnswer = outcome.result
        if self.phase is Phase.WORK:
            self._set_counter(result["counter"], result.get("ticket"))
        if job.action is Action.CLOSE:
            self._leave_counter("done.close", error=False)
        elif job.action in (Action.NEXT, Action.CALL):
            called = result.get("ticket")
            if called is None:
                self._set_message("done.next_nobody")
            else:
                self._set_message("done.next", number=called["number"])
        elif job.action is Action.TRANSFER:
            self._set_message("done.transfer", number=number, target=job.note)
        elif job.action is not None:
            self._set_message(f"done.{job.action.value}", number=number)
        ends_visit = job.action in (Action.NEXT, Action.CALL, Action.FINISH)
        if job.ticket is not None and ends_visit and self._snapshots == self._snapshots_at_press:
            # Counted here as well as from its event: a push lost in a reconnect must not
            # drop a served visitor from the day's count (the tally counts each id once).
            # After a snapshot taken meanwhile, not: its figures may include the visitor
            # already, and if not, the visitor's event comes after it.
            self.tally.add({**job.ticket, "finished_at": self.clock.now().isoformat()})
        if job.ticket is not None and job.action is Action.NO_SHOW:
            self.line.apply({**job.ticket, "state": TicketState.NO_SHOW})

    # --- a booked visitor at the desk ---------------------------------------------------

    def check_in(self, typed: str) -> bool:
        """Check a booking in by the code the visitor shows (typed or scanned into the
        field): its ticket joins the line like any other. False when nothing was sent."""
        code = read_code(typed)
        if code is None:
            self._set_message("check_in.bad_code", error=True)
            self._changed()
            return False
        if self.phase is Phase.LOGIN:
            return False
        job = Job("check_in", jobs.check_in_call(code), self._generation, note=shown(code))
        self._dispatch(job)
        return True

    def _checked_in(self, outcome: Outcome) -> None:
        code = outcome.job.note
        if outcome.error is not None:
            error = outcome.error
            if error.code == ErrorCode.OUTSIDE_CHECK_IN_WINDOW:
                details = error.details
                reason = "late" if details.get("reason") == "late" else "early"
                self._set_message(
                    f"check_in.{reason}",
                    error=True,
                    code=code,
                    time=str(details.get("time", "")).replace(":", "."),
                    date=date_text(str(details.get("date", "")), self.language),
                )
            else:
                self._fail(error, "check_in")
            return
        answer: jobs.CheckInAnswer = outcome.result
        ticket: wire.Ticket = answer.ticket
        if self.line.apply(ticket):
            self.resync()
        key = "check_in.already" if answer.already_checked_in else "check_in.done"
        self._set_message(key, code=code, number=ticket["number"])

    def forget_lines(self) -> None:
        """A new transfer dialog asks afresh: lines open and close during the day."""
        self.lines.clear()

    def look_up_line(self, service_id: int) -> None:
        """Ask the server how another line stands (the transfer dialog's warning), once
        per dialog. Not a command: it never makes the window busy."""
        if service_id in self.lines:
            return
        self.lines[service_id] = None
        job = Job("line", jobs.line_call(service_id), self._generation, service_id=service_id)
        self._dispatch(job)

    def transfer_target_name(self, transfer: TransferBody) -> str:
        """Where a visitor was sent, e.g. ``Loket 4 (Samsat)``, for the officer's message."""
        if transfer.get("counter_id"):
            counter = self.hall.counters.get(int(transfer["counter_id"]))
            where = counter.get("label", "") if counter else ""
            agency = self.hall.agency_name(counter.get("agency_id") if counter else None)
        else:
            service = self.hall.services.get(int(transfer.get("service_id") or 0))
            where = service.get("name", "") if service else ""
            agency = self.hall.agency_name(service.get("agency_id") if service else None)
        return f"{where} ({agency})" if agency else str(where)

    def _fail(self, exc: ApiError, action: str) -> None:
        if exc.code == ErrorCode.UNAUTHENTICATED:
            self._end_session("session.expired", error=True)
            return
        if exc.retryable:
            # Nothing to check when a counter did not open; a command may have gone through.
            opening = action == Action.OPEN.value
            key = "error.login_unreachable" if opening else "error.unreachable"
            self._set_message(key, error=True)
            self.stale = True
            return
        if exc.code == ErrorCode.COUNTER_TAKEN and self.phase is Phase.WORK:
            # Only the user holding a counter drives it: the server says it is no longer
            # this officer's (taken over, its push missed). Leave it now rather than wait
            # for a reload to show whose it is; the reload only refreshes the list.
            self._leave_counter("counter.taken_over", error=True)
            self.resync()
            return
        self._error(exc, action)
        if self.phase is Phase.WORK:
            self.resync()  # the server says the view is wrong somehow: take its view

    # --- live state -------------------------------------------------------------------

    def set_online(self, online: bool) -> None:
        if not online and self.phase is not Phase.LOGIN:
            self._config_due = True  # a config.updated may be lost with the connection
        self.online = online
        self._changed()

    def resync(self) -> None:
        """Reload the agency's snapshot (after a (re)connect, a gap, or a refusal)."""
        if self.phase is Phase.LOGIN:
            return
        if self._resync_queued:
            self._resync_again = True
            return
        self._resync_queued = True
        # Cleared now, not on the answer: a config.updated that comes meanwhile asks again.
        with_config, self._config_due = self._config_due, False
        call = jobs.snapshot_call(self.agency_code, with_config=with_config)
        self._dispatch(Job("resync", call, self._generation))

    def _resynced(self, outcome: Outcome) -> None:
        self._resync_queued = False
        if outcome.error is not None:
            if outcome.error.code == ErrorCode.UNAUTHENTICATED:
                self._end_session("session.expired", error=True)
            else:
                self.stale = True
                self._config_due = True  # whether it was asked for or not: ask again
            return
        answer: jobs.ResyncAnswer = outcome.result
        snapshot, config = answer
        if config is not None:
            self._take_config(config)
        self._take_snapshot(snapshot)
        if self._resync_again:
            self._resync_again = False
            self.resync()

    def _take_config(self, config: wire.Config) -> None:
        self.hall = Hall.from_config(config)
        self.clock.sync(self.hall.server_time)

    def _take_snapshot(self, snapshot: wire.AgencySnapshot) -> None:
        self.stale = False
        self._snapshots += 1
        self._base_seq = int(snapshot.get("seq", 0))
        self._feed.reset(self.room, self._base_seq)
        counters = {int(c["id"]): c for c in snapshot.get("counters", [])}
        self.live_counters = {cid: counter for cid, counter in counters.items()}
        self.line.load(snapshot.get("waiting", []), snapshot.get("no_shows") or [])
        for ticket in snapshot.get("waiting", []):
            self._note_sent_here(ticket)
        if self.phase is not Phase.WORK or self.counter is None:
            return
        mine = counters.get(int(self.counter["id"]))
        if mine is None:
            self._leave_counter("counter.closed_elsewhere", error=True)
            return
        self.tally.reset(mine.get("today"), self._base_seq)
        self._check_counter(mine, mine.get("ticket"))

    def apply_event(self, name: str, payload: Payload) -> None:
        """One pushed event, in ``seq`` order (the feed resyncs on gaps)."""
        if self.phase is Phase.LOGIN:
            return
        ours = payload.get("room") == self.room
        seq = payload.get("seq")
        if ours and (seq if isinstance(seq, int) else 0) <= self._base_seq:
            return  # already in the snapshot
        # The event's fields as ``shared.wire`` types them for its name (the agency room
        # gets the staff payloads); read defensively below, a server may be older.
        if name in (events.TICKET_ISSUED, events.TICKET_UPDATED, events.TICKET_CALLED):
            ticket = read_event(payload, wire.TicketEvent).get("ticket")
            if ticket:
                seq_here = seq if ours and isinstance(seq, int) else None
                self._ticket_event(ticket, issued=name == events.TICKET_ISSUED, seq=seq_here)
        elif name == events.COUNTER_UPDATED:
            counter = read_event(payload, wire.CounterEvent).get("counter")
            if counter:
                self._counter_event(counter)
        elif name == events.CONFIG_UPDATED:
            self._config_due = True
            self.resync()
        self._changed()

    def _ticket_event(self, ticket: wire.Ticket, *, issued: bool, seq: int | None = None) -> None:
        if "id" not in ticket:
            return
        self._note_sent_here(ticket)
        at = ticket.get("counter")
        mine = self.counter is not None and at is not None and at.get("id") == self.counter["id"]
        if mine:
            self._recent[int(ticket["id"])] = ticket
            if ticket.get("state") == "done":
                self.tally.add(ticket, seq)
        if self.ticket is not None and ticket["id"] == self.ticket["id"]:
            self.ticket = ticket if ticket.get("state") in ("called", "serving") else None
        if self.line.apply(ticket, issued=issued):
            self.resync()

    def _counter_event(self, counter: wire.Counter) -> None:
        if "id" not in counter:
            return
        cid = int(counter["id"])
        known = self.live_counters.get(cid)
        self.live_counters[cid] = {**known, **counter} if known else counter
        if self.phase is not Phase.WORK or self.counter is None or cid != self.counter["id"]:
            return
        current = counter.get("current_ticket_id")
        ticket = self._recent.get(current) if current is not None else None
        if current is not None and ticket is None:
            self.resync()  # called from somewhere this client did not hear about
            return
        self._check_counter(counter, ticket)

    def _check_counter(self, counter: wire.Counter, ticket: wire.Ticket | None) -> None:
        """Take the server's view of this counter, unless it is no longer ours."""
        assert self.user is not None
        closing = self.busy is not None and self.busy.action is Action.CLOSE
        if counter.get("state") == "closed" and not closing:
            self._leave_counter("counter.closed_elsewhere", error=True)
        elif counter.get("state") != "closed" and counter.get("officer_id") != self.user["id"]:
            self._leave_counter("counter.taken_over", error=True)
        elif not closing:
            self._set_counter(counter, ticket)

    def _set_counter(self, counter: wire.Counter, ticket: wire.Ticket | None) -> None:
        self.counter = _counter_only(counter)
        self.line.set_counter(self.counter)
        before = self.ticket["id"] if self.ticket else None
        self.ticket = ticket.copy() if ticket else None
        if self.ticket is not None:
            self._recent[int(self.ticket["id"])] = self.ticket
            if self.ticket["id"] != before:
                self._ticket_shown_at = self._monotonic()

    def _leave_counter(self, key: str, *, error: bool) -> None:
        label = self.counter_label()
        self.phase = Phase.PICK
        self.counter = None
        self.ticket = None
        self.line.set_counter(None)
        self._set_message(key, error=error, counter=label)


def _counter_only(view: wire.Counter) -> wire.Counter:
    """A counter's own fields, without what a snapshot entry adds (its agency, ticket and
    today's figures), so the shift never reads a ticket the counter view no longer holds.
    Read with ``get``: a field an older server leaves out stays empty, as before."""
    return wire.Counter(
        id=view.get("id"),
        label=view.get("label"),
        agency_id=view.get("agency_id"),
        zone=view.get("zone"),
        state=view.get("state"),
        officer_id=view.get("officer_id"),
        current_ticket_id=view.get("current_ticket_id"),
        service_ids=view.get("service_ids"),
        state_since=view.get("state_since"),
        calls_since_priority=view.get("calls_since_priority"),
    )
