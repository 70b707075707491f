"""The hall's people as the simulation plays them: kiosks issuing for arriving visitors,
officers at their counters, visitors who give up and leave. Each is a thread that acts
only through the public REST API, at the times the plan gives, on the simulated clock.

What they do is booked in ``Day`` (the runner's shared state): the tally the reports are
compared with, the latencies, the calls the boards and phones must hear.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections import Counter as Count
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Any

from server.simulation.clock import SimClock
from server.simulation.hall import Hall
from server.simulation.listeners import Boards, Phones
from server.simulation.measures import Deliveries, Latencies
from server.simulation.plan import MINUTE, Break, CounterShape, DayPlan, Visit
from server.simulation.tally import DayTally
from server.simulation.tickets import CALLED, GONE, SERVING, WAITING, SimTicket, TicketBook
from shared.api_client import ApiClient, ApiError

log = logging.getLogger("antre.simulation")

RECALL_AFTER = 1.0 * MINUTE  # simulated: how long an officer waits before calling again
# Simulated: an officer with nobody waiting presses "next" again when their screen shows
# someone waiting, or after this long at the latest (a ticket the simulation did not
# issue would not show); pressing it blindly every few seconds would load the server
# with empty calls no officer makes.
IDLE_POLL = 5.0 * MINUTE
RECENT_SERVICES = 10  # the naive estimate's "recent mean service time": this many visits


@dataclass(frozen=True)
class Call:
    """One call or recall as sent: what the boards and the phone should hear, and when
    the command was sent (for the push latencies)."""

    kind: str  # "next" or "recall"
    sent: float
    zone: str
    board_key: tuple[str, int]
    phone: str | None
    phone_key: tuple[str, int]


@dataclass
class Day:
    """What every actor of one run shares."""

    url: str
    hall: Hall
    plan: DayPlan
    clock: SimClock
    book: TicketBook = field(default_factory=TicketBook)
    tally: DayTally = field(default_factory=DayTally)
    latencies: Latencies = field(default_factory=Latencies)
    deliveries: Deliveries = field(default_factory=Deliveries)
    boards: Boards | None = None
    phones: Phones | None = None
    calls: list[Call] = field(default_factory=list)
    calls_lock: threading.Lock = field(default_factory=threading.Lock)
    refused: Count[str] = field(default_factory=Count)
    errors: Count[str] = field(default_factory=Count)
    foreign: int = 0
    issuing_done: bool = False
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    recent: dict[int, deque[float]] = field(default_factory=lambda: defaultdict(deque))
    finished: Count[int] = field(default_factory=Count)  # services finished, per line
    no_show_after: int = 3
    # With a fault schedule (``faults.FaultPlayer``): how long (real seconds) kiosks and
    # officers retry a request the server could not answer, and how often they did.
    faults: Any = None
    retry_for: float = 0.0
    retries: Count[str] = field(default_factory=Count)

    def timed(
        self, name: str, client: ApiClient, path: str, body: Any = None
    ) -> tuple[dict[str, Any], float, float]:
        """POST ``path``; returns the body, when it was sent, and the round trip's midpoint
        (what the tally takes as the moment it happened). While a fault lasts, a request
        the server could not answer is sent again (``retry_for``): counter commands carry
        ``expect_ticket_id``, so a retry never acts twice."""
        first = time.time()
        while True:
            sent = time.time()
            try:
                data = client.post(path, body)
                break
            except ApiError as exc:
                if not self.retrying(exc, first):
                    raise
                self.retries[name] += 1
        back = time.time()
        self.latencies.add(name, back - first)
        return data, sent, (sent + back) / 2

    def retrying(self, exc: ApiError, first: float) -> bool:
        """Whether to try ``exc``'s request again (after a pause): the server is away and
        the fault schedule's retry time is not over."""
        if not exc.retryable or time.time() - first > self.retry_for or self.clock.stop.is_set():
            return False
        time.sleep(0.25)
        return True

    def mean_service(self, service_id: int) -> float:
        """Simulated seconds: the mean of the line's last services as seen so far, or the
        service's typical minutes before any."""
        recent = list(self.recent[service_id])
        if recent:
            return sum(recent) / len(recent)
        return self.hall.shape.service(service_id).typical_minutes * MINUTE

    def has_history(self, service_id: int) -> bool:
        """Every line of the counters that may call the service's visitors has the
        server's minimum of finished services: the server's estimate then uses no typical
        minutes (which a sped-up day does not speed up), neither for this line nor for
        those ahead of it on shared counters, nor for what a counter serves now."""
        lines = {
            line
            for counter in self.hall.shape.counters
            if service_id in counter.service_ids
            for line in counter.service_ids
        }
        return all(self.finished[line] >= self.hall.estimate_min_samples for line in lines)

    def remember_service(self, service_id: int, simulated_seconds: float) -> None:
        self.finished[service_id] += 1
        line = self.recent[service_id]
        line.append(simulated_seconds)
        if len(line) > RECENT_SERVICES:
            line.popleft()


# --- kiosks ---------------------------------------------------------------------------


def run_kiosk(day: Day, token: str, visits: list[Visit]) -> None:
    """Issue a ticket for each visitor as they arrive; a refusal (closed, quota) is
    counted, the visitor goes home."""
    client = ApiClient(day.url, token)
    try:
        for visit in visits:
            if not day.clock.wait_until(visit.arrival):
                return
            _issue(day, client, visit)
    finally:
        client.close()


def _issue(day: Day, client: ApiClient, visit: Visit) -> None:
    # Real seconds behind the plan: a server (or a simulator) too slow for the speed.
    day.latencies.add(
        "behind plan", day.clock.real_seconds(max(0.0, day.clock.now() - visit.arrival))
    )
    key = f"sim-{day.run_id}-{visit.index}"
    cut = day.faults is not None and day.faults.cut_issue(client.token, visit, key)
    first = time.time()
    while True:
        sent = time.time()
        try:
            issued = client.issue_ticket(visit.service_id, visit.priority, key=key)
            break
        except ApiError as exc:
            if day.retrying(exc, first):
                day.retries["issue"] += 1
                continue
            day.refused[exc.code] += 1
            if cut:
                day.faults.after_cut(visit, None, None)
            return
    back = time.time()
    day.latencies.add("issue", back - first)
    if cut:
        day.faults.after_cut(visit, str(issued.ticket["number"]), issued.replayed)
    ahead, counters = issued.people_ahead, max(issued.open_counters, 1)
    ticket = SimTicket(
        id=int(issued.ticket["id"]),
        number=str(issued.ticket["number"]),
        status_code=str(issued.ticket["status_code"]),
        visit=visit,
        service_id=visit.service_id,
        entered=(sent + back) / 2,
        issued_sim=day.clock.now(),
        promised_minutes=(
            issued.estimated_wait_minutes
            if issued.estimated_wait_seconds is None
            else issued.estimated_wait_seconds / 60
        ),
        naive_minutes=ahead / counters * day.mean_service(visit.service_id) / MINUTE,
        with_history=day.has_history(visit.service_id),
    )
    day.tally.count(visit.service_id, "issued")
    day.book.add(ticket)
    if visit.has_phone and day.phones is not None:
        day.phones.follow(ticket)


# --- officers -------------------------------------------------------------------------


class Officer:
    """One officer at one counter for the whole day: open, call, recall, serve, transfer,
    mark no-shows, take a break, and close once the lines are empty after the day."""

    def __init__(self, day: Day, counter: CounterShape, client: ApiClient, breaks: list[Break]):
        self.day = day
        self.counter = counter
        self.client = client
        self.breaks = sorted(breaks, key=lambda b: b.start)
        self.current: SimTicket | None = None
        self.path = f"/counters/{counter.id}"

    def open(self) -> None:
        """Open the counter before the day's clock starts (officers are at their desks
        before the first visitor), so 77 counters opening together is not the morning's
        first latency."""
        self._command("open", {})

    def run(self) -> None:
        day = self.day
        while not day.clock.stop.is_set():
            if self.breaks and day.clock.now() >= self.breaks[0].start:
                self._take_break(self.breaks.pop(0))
                continue
            if self._day_over():
                break
            called = self._call_next()
            if called is None:
                self._idle()
                continue
            self._serve(called)
        self._finish()
        self._command("close", {})

    def _idle(self) -> None:
        day = self.day
        day.book.wait_for_waiting(self.counter.service_ids, day.clock.real_seconds(IDLE_POLL))

    def _day_over(self) -> bool:
        """The window is over, nobody waits in this counter's lines and nobody is still
        to be transferred into them: the officer closes."""
        day, lines = self.day, self.counter.service_ids
        return (
            day.issuing_done
            and day.clock.now() >= day.plan.options.end
            and day.book.waiting(lines) == 0
            and not day.book.transfers_pending(lines)
        )

    def _command(self, action: str, body: dict[str, Any]) -> dict[str, Any] | None:
        try:
            return self.day.timed(action, self.client, f"{self.path}/{action}", body)[0]
        except ApiError as exc:
            self.day.errors[f"{action}: {exc.code}"] += 1
            log.warning("%s %s refused: %s", self.counter.label, action, exc.message)
            return None

    def _expect(self) -> dict[str, Any]:
        return {"expect_ticket_id": self.current.id if self.current is not None else None}

    def _take_break(self, pause: Break) -> None:
        self._finish()
        self._command("pause", {})
        self.day.clock.sleep(pause.length)
        self._command("resume", {})

    def _finish(self) -> None:
        if self.current is None:
            return
        try:
            _, _, at = self.day.timed("finish", self.client, f"{self.path}/finish", self._expect())
        except ApiError as exc:
            self.day.errors[f"finish: {exc.code}"] += 1
            return
        self._served(at)

    def _served(self, at: float) -> None:
        ticket, self.current = self.current, None
        assert ticket is not None and ticket.last_call is not None
        # As the reports count it: from "start", or from the last call when the run was
        # stopped before the officer pressed start.
        began = ticket.started if ticket.started is not None else ticket.last_call
        day = self.day
        self._count_wait(ticket)
        day.tally.served_for(ticket.service_id, at - began)
        day.remember_service(ticket.service_id, day.clock.simulated_seconds(at - began))
        self._gone(ticket)

    def _gone(self, ticket: SimTicket) -> None:
        self.day.book.move(ticket, GONE)
        if ticket.phone is not None and self.day.phones is not None:
            self.day.phones.leave(ticket)

    def _call_next(self) -> SimTicket | None:
        day = self.day
        try:
            data, sent, at = day.timed("next", self.client, f"{self.path}/next", self._expect())
        except ApiError as exc:
            day.errors[f"next: {exc.code}"] += 1
            day.clock.sleep(RECALL_AFTER)
            return None
        if self.current is not None:
            self._served(at)
        view = data.get("ticket")
        if view is None:
            return None
        ticket = day.book.get(int(view["id"]))
        if ticket is None:
            # Not ours (left from before the run): served at once so the line moves on.
            day.foreign += 1
            self._command("finish", {"expect_ticket_id": int(view["id"])})
            return None
        day.book.move(ticket, CALLED)
        self._called(ticket, view, "next", sent, at)
        return ticket

    def _called(
        self, ticket: SimTicket, view: dict[str, Any], kind: str, sent: float, at: float
    ) -> None:
        ticket.last_call = at
        if ticket.leg == 1 and ticket.first_wait is None:
            ticket.first_wait = at - ticket.entered
        phone = ticket.phone
        if phone is not None and (ticket.phone_since is None or ticket.phone_since > sent):
            phone = None  # the page opened after this call: it loads the state instead
        call = Call(
            kind=kind,
            sent=sent,
            zone=self.counter.zone,
            board_key=(str(view.get("called_at")), ticket.id),
            phone=phone,
            phone_key=(str(view.get("called_at")), 0),
        )
        day = self.day
        for board in day.boards.by_zone.get(call.zone, []) if day.boards else []:
            day.deliveries.expect(board, call.board_key)
        if call.phone is not None:
            day.deliveries.expect(call.phone, call.phone_key)
        with day.calls_lock:  # read by the progress thread
            day.calls.append(call)

    def _serve(self, ticket: SimTicket) -> None:
        """The called visitor: recalled until they come (or three calls, then no-show),
        served for their time, then transferred or left for the next "next" to finish."""
        self.current = ticket
        answers, calls = ticket.answers_on_call, 1
        while (answers is None or calls < answers) and calls < self.day.no_show_after:
            if not self.day.clock.sleep(RECALL_AFTER):
                return
            if not self._recall(ticket):
                return
            calls += 1
        if answers is None or answers > calls:
            self._period_ended(ticket, "no_show")
            return
        started = self._command("start", self._expect())
        if started is None:
            return
        ticket.started = time.time()
        self.day.book.move(ticket, SERVING)
        if not self.day.clock.sleep(ticket.service_seconds):
            return
        if ticket.leg == 1 and ticket.visit.transfer_to is not None:
            self._transfer(ticket, ticket.visit.transfer_to)

    def _recall(self, ticket: SimTicket) -> bool:
        day = self.day
        try:
            data, sent, at = day.timed("recall", self.client, f"{self.path}/recall", self._expect())
        except ApiError as exc:
            day.errors[f"recall: {exc.code}"] += 1
            return False
        self._called(ticket, data["ticket"], "recall", sent, at)
        return True

    def _period_ended(self, ticket: SimTicket, outcome: str) -> None:
        """No-show: the waiting period ends, its wait counts, the visitor is gone."""
        day = self.day
        try:
            day.timed("no-show", self.client, f"{self.path}/no-show", self._expect())
        except ApiError as exc:
            day.errors[f"no-show: {exc.code}"] += 1
            return
        self.current = None
        self._count_wait(ticket)
        day.tally.count(ticket.service_id, outcome)
        self._gone(ticket)

    def _count_wait(self, ticket: SimTicket) -> None:
        assert ticket.last_call is not None
        self.day.tally.waited(ticket.service_id, ticket.last_call - ticket.entered)

    def _transfer(self, ticket: SimTicket, target: int) -> None:
        day = self.day
        body = {"service_id": target, **self._expect()}
        try:
            _, _, at = day.timed("transfer", self.client, f"{self.path}/transfer", body)
        except ApiError as exc:
            day.errors[f"transfer: {exc.code}"] += 1
            return
        self.current = None
        self._count_wait(ticket)
        day.tally.count(ticket.service_id, "transferred")
        ticket.leg, ticket.service_id, ticket.entered = 2, target, at
        ticket.last_call, ticket.started = None, None
        day.book.move(ticket, WAITING)


# --- visitors who leave ---------------------------------------------------------------


def run_leavers(day: Day, officers: dict[str, ApiClient]) -> None:
    """At each leaver's limit of patience, if still waiting, they tell the desk and the
    agency's officer cancels the ticket; one already called stays (409 from the server)."""
    leavers = sorted(
        (v.arrival + v.leaves_after, v) for v in day.plan.visits if v.leaves_after is not None
    )
    for at, visit in leavers:
        if not day.clock.wait_until(at):
            return
        ticket = day.book.of_visit(visit.index)
        if ticket is None or ticket.leg != 1 or day.book.state_of(ticket) != WAITING:
            continue
        client = officers.get(day.hall.shape.service(ticket.service_id).agency_code)
        if client is None:
            continue
        try:
            day.timed("cancel", client, f"/tickets/{ticket.id}/cancel", {"reason": "pulang"})
        except ApiError as exc:
            if exc.status != 409:
                day.errors[f"cancel: {exc.code}"] += 1
            continue
        day.tally.count(ticket.service_id, "cancelled")
        day.book.move(ticket, GONE)
        if ticket.phone is not None and day.phones is not None:
            day.phones.leave(ticket)
