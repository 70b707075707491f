"""A history of visits in the demo hall: opening days drawn at random, each ticket's
life written straight into the event log in the shapes the domain writes (issued, called,
recalled, started, finished, no_show, transferred, cancelled, expired; counters opened,
paused, resumed, closed), so the queue reports show what the simulated days did.

``scripts/demo`` seeds the past month with it (``server.demo.seed``), and the reports'
screenshot tool a busy month (tools/web_reports_screens.py).
"""

from __future__ import annotations

import datetime as dt
import heapq
import random
import secrets
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple, cast
from zoneinfo import ZoneInfo

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from server.models import (
    Agency,
    CounterEvent,
    Series,
    SeriesDay,
    Service,
    Ticket,
    TicketEvent,
    User,
)

TZ = ZoneInfo("Asia/Jakarta")
# The tables written with Core inserts (see ``SimulatedDay.write``).
TICKETS = cast(Table, Ticket.__table__)
TICKET_EVENTS = cast(Table, TicketEvent.__table__)
COUNTER_EVENTS = cast(Table, CounterEvent.__table__)
SERIES_DAYS = cast(Table, SeriesDay.__table__)
# Share of a day's arrivals per hour from 07:00 (about 40 % between 08.00 and 11.00).
PROFILE = [0.05, 0.14, 0.15, 0.13, 0.11, 0.09, 0.11, 0.12, 0.10]


@dataclass(frozen=True)
class Line:
    """An agency or a service of the demo hall as the simulation draws them (a service
    with its ticket series)."""

    id: int
    series_id: int = 0


class Busy(NamedTuple):
    """An agency busier than its counters: ``visitors`` times the visitors its counters
    would draw, served at only ``desks`` of them."""

    visitors: float
    desks: int


NOT_BUSY = Busy(1.0, 0)


@dataclass(frozen=True)
class Hall:
    """The seeded demo hall as the simulation needs it, read once before the first day."""

    agencies: list[Line]
    services: dict[int, list[Line]]  # by agency: its active services
    counters: dict[int, list[int]]  # by agency
    prefixes: dict[int, str]  # by series
    officers: dict[int, int]  # by agency: the officer its simulated events name
    typical: dict[int, float]  # by service: its typical minutes
    busy: dict[int, Busy] = field(default_factory=dict)  # by agency

    @classmethod
    def read(cls, session: Session, busy: Mapping[str, Busy] | None = None) -> Hall:
        """The hall; ``busy`` (by agency code): where the waits grow long."""
        rows = list(session.scalars(select(Agency).order_by(Agency.position)))
        return cls(
            busy={a.id: (busy or {})[a.code] for a in rows if a.code in (busy or {})},
            agencies=[Line(a.id) for a in rows],
            services={
                a.id: [Line(s.id, s.series_id) for s in a.services if s.active] for a in rows
            },
            counters={a.id: [c.id for c in a.counters] for a in rows},
            prefixes={s.id: s.prefix for s in session.scalars(select(Series))},
            officers={u.agency_id: u.id for u in session.scalars(select(User)) if u.agency_id},
            typical={s.id: s.typical_minutes for s in session.scalars(select(Service))},
        )


class Step(NamedTuple):
    """One line of a ticket's event log, in the shape the domain writes it."""

    at: dt.datetime
    kind: str
    before: str | None
    after: str
    service_id: int
    counter_id: int | None
    data: dict[str, Any]


@dataclass
class SimulatedDay:
    """One opening day of the demo hall drawn from ``rng``: visitors arrive, each agency's
    counters serve them in turn, and the rows pile up to be written in one transaction.

    Every draw from ``rng`` happens in the order the steps run, so a seed always gives
    the same month.
    """

    rng: random.Random
    hall: Hall
    day: dt.date
    tickets: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    counter_events: list[dict[str, Any]] = field(default_factory=list)
    sequences: dict[int, int] = field(default_factory=dict)  # by series: the last number

    def at(self, hour: int, minute: int = 0) -> dt.datetime:
        """The hall's local time of day on this day, as a UTC instant."""
        return dt.datetime.combine(self.day, dt.time(hour, minute), TZ).astimezone(dt.UTC)

    def run(self, per_day: int) -> None:
        arrivals = self.arrivals(per_day)
        for agency in self.hall.agencies:
            if self.hall.counters[agency.id]:
                self.serve_agency(agency.id, sorted(arrivals[agency.id]))

    def arrivals(self, per_day: int) -> dict[int, list[tuple[dt.datetime, int]]]:
        """About ``per_day`` visitors, by agency: (arrival, service), spread over the day
        by ``PROFILE`` and over the agencies by their number of counters (times their
        ``busy`` factor)."""
        weights = [
            max(1, len(self.hall.counters[a.id])) * self.hall.busy.get(a.id, NOT_BUSY).visitors
            for a in self.hall.agencies
        ]
        by_agency: dict[int, list[tuple[dt.datetime, int]]] = {a.id: [] for a in self.hall.agencies}
        for _ in range(int(per_day * self.rng.uniform(0.85, 1.1))):
            agency = self.rng.choices(self.hall.agencies, weights)[0]
            if not self.hall.services[agency.id]:
                continue
            service = self.rng.choice(self.hall.services[agency.id])
            hour = self.rng.choices(range(7, 16), PROFILE)[0]
            moment = self.at(hour) + dt.timedelta(seconds=self.rng.uniform(0, 3600))
            by_agency[agency.id].append((moment, service.id))
        return by_agency

    def open_counters(self, desks: list[int], officer: int | None) -> None:
        """Every counter opens at 07:30, pauses for lunch at 12:00 and closes at 16:30."""
        lunch = self.at(12)
        for desk in desks:
            self.counter_events += [
                _counter_event(desk, self.at(7, 30), "opened", officer),
                _counter_event(desk, lunch, "paused", officer),
                _counter_event(desk, lunch + dt.timedelta(minutes=30), "resumed", officer),
                _counter_event(desk, self.at(16, 30), "closed", officer),
            ]

    def serve_agency(self, agency_id: int, arrivals: list[tuple[dt.datetime, int]]) -> None:
        """The agency's visitors in order of arrival, each to the counter free first."""
        desks = self.hall.counters[agency_id]
        if agency_id in self.hall.busy:
            desks = desks[: max(1, self.hall.busy[agency_id].desks)]
        officer = self.hall.officers.get(agency_id)
        self.open_counters(desks, officer)
        free = [(self.at(7, 30), desk) for desk in desks]
        heapq.heapify(free)
        for arrival, service_id in arrivals:
            free_at, desk = heapq.heappop(free)
            log, state, done_at = self.ticket_life(agency_id, arrival, service_id, free_at, desk)
            heapq.heappush(free, (max(free_at, done_at), desk))
            self.record(agency_id, arrival, service_id, log, state, officer)

    def ticket_life(
        self, agency_id: int, arrival: dt.datetime, service_id: int, free_at: dt.datetime, desk: int
    ) -> tuple[list[Step], str, dt.datetime]:
        """One visitor's ticket from issue to its end, the state it ends in, and when the
        counter is done with it."""
        issued = Step(arrival, "issued", None, "waiting", service_id, None, {"priority": "none"})
        call = max(arrival, free_at) + dt.timedelta(seconds=self.rng.uniform(5, 60))
        roll = self.rng.random()
        closes = self.at(16, 30)
        if call > closes:
            # Still waiting when the day closed.
            at = closes + dt.timedelta(hours=8)
            expired = Step(at, "expired", "waiting", "expired", service_id, None, {})
            return [issued, expired], "expired", free_at
        if roll < 0.04 and call - arrival > dt.timedelta(minutes=10):
            # Tired of waiting: left before the call.
            leave = arrival + (call - arrival) * self.rng.uniform(0.3, 0.9)
            data = {"reason": None}
            gave_up = Step(leave, "cancelled", "waiting", "cancelled", service_id, None, data)
            return [issued, gave_up], "cancelled", free_at
        called = Step(call, "called", "waiting", "called", service_id, desk, {})
        if roll < 0.09:
            steps, done_at = self.no_show(call, service_id, desk)
            return [issued, called, *steps], "no_show", done_at
        steps, done_at = self.served(agency_id, call, service_id, desk, transfer=roll < 0.12)
        return [issued, called, *steps], "done", done_at

    def no_show(
        self, call: dt.datetime, service_id: int, desk: int
    ) -> tuple[list[Step], dt.datetime]:
        """Called twice more a minute apart, then marked no-show a minute later."""
        steps = []
        for n in (2, 3):
            call += dt.timedelta(minutes=1)
            steps.append(
                Step(call, "recalled", "called", "called", service_id, desk, {"call_count": n})
            )
        done_at = call + dt.timedelta(minutes=1)
        steps.append(
            Step(done_at, "no_show", "called", "no_show", service_id, desk, {"call_count": 3})
        )
        return steps, done_at

    def served(
        self, agency_id: int, call: dt.datetime, service_id: int, desk: int, *, transfer: bool
    ) -> tuple[list[Step], dt.datetime]:
        """Served for about the service's typical minutes; when ``transfer`` (and the
        agency has another service) sent on to another line and served there too."""
        typical = self.hall.typical
        start = call + dt.timedelta(seconds=self.rng.uniform(20, 90))
        minutes = self.rng.expovariate(1 / max(1.0, typical[service_id]))
        done_at = start + dt.timedelta(minutes=min(minutes, 4 * typical[service_id]))
        steps = [Step(start, "started", "called", "serving", service_id, desk, {})]
        others = [s.id for s in self.hall.services[agency_id] if s.id != service_id]
        if not (transfer and others):
            steps.append(Step(done_at, "finished", "serving", "done", service_id, desk, {}))
            return steps, done_at
        target = self.rng.choice(others)
        moved = {
            "from_service_id": service_id,
            "to_service_id": target,
            "to_counter_id": None,
            "front": False,
        }
        recall = done_at + dt.timedelta(minutes=self.rng.uniform(2, 20))
        start2 = recall + dt.timedelta(seconds=40)
        end2 = start2 + dt.timedelta(minutes=self.rng.expovariate(1 / max(1.0, typical[target])))
        steps += [
            Step(done_at, "transferred", "serving", "waiting", service_id, desk, moved),
            Step(recall, "called", "waiting", "called", target, desk, {}),
            Step(start2, "started", "called", "serving", target, desk, {}),
            Step(end2, "finished", "serving", "done", target, desk, {}),
        ]
        return steps, done_at

    def record(
        self,
        agency_id: int,
        arrival: dt.datetime,
        service_id: int,
        log: list[Step],
        state: str,
        officer: int | None,
    ) -> None:
        """The ticket's row and its event log's rows; the log points at the ticket by its
        place in ``tickets`` until ``write`` knows the ids."""
        series_id = next(s.series_id for s in self.hall.services[agency_id] if s.id == service_id)
        self.sequences[series_id] = self.sequences.get(series_id, 0) + 1
        sequence = self.sequences[series_id]
        ticket_id = len(self.tickets)
        self.tickets.append(
            {
                **_ticket_ends(log, officer),
                "status_code": secrets.token_urlsafe(12),
                "origin_service_id": service_id,
                "series_id": series_id,
                "service_date": self.day,
                "sequence": sequence,
                "number": f"{self.hall.prefixes[series_id]}-{sequence:03d}",
                "priority": "none",
                "source": "kiosk",
                "state": state,
                "queue_key": arrival.timestamp(),
                "call_count": 0,
                "issued_at": arrival,
            }
        )
        for step in log:
            self.events.append(
                {
                    "ticket_id": ticket_id,
                    "at": step.at,
                    "kind": step.kind,
                    "from_state": step.before,
                    "to_state": step.after,
                    "service_id": step.service_id,
                    "counter_id": step.counter_id,
                    "user_id": officer if step.counter_id is not None else None,
                    "data": step.data,
                }
            )

    def write(self, session: Session) -> None:
        """The day's rows, the event log pointed at the tickets' ids."""
        if self.tickets:
            # One executemany, then the ids by the unique status codes: RETURNING for
            # many rows runs row by row on SQLite, three times slower.
            # Core inserts: the ORM's bulk path sent these one row at a time.
            connection = session.connection()
            connection.execute(insert(TICKETS), self.tickets)
            found = session.execute(
                select(Ticket.status_code, Ticket.id).where(Ticket.service_date == self.day)
            )
            by_code = {code: ticket_id for code, ticket_id in found}
            ids = [by_code[ticket["status_code"]] for ticket in self.tickets]
            for event in self.events:
                event["ticket_id"] = ids[event["ticket_id"]]
            connection.execute(insert(TICKET_EVENTS), self.events)
        if self.counter_events:
            session.connection().execute(insert(COUNTER_EVENTS), self.counter_events)
        if self.sequences:
            # The numbering's lock rows: a ticket issued later on this day (a test's clock
            # turned back) takes the number after the history's, not one of them.
            session.connection().execute(
                insert(SERIES_DAYS),
                [
                    {"series_id": series, "service_date": self.day, "last_number": last}
                    for series, last in self.sequences.items()
                ],
            )


def simulate(
    session: Session,
    first: dt.date,
    days: int,
    per_day: int,
    seed: int = 7,
    closed: Collection[dt.date] = (),
    busy: Mapping[str, Busy] | None = None,
) -> int:
    """Write ``days`` days from ``first`` of about ``per_day`` tickets each (none on
    Sundays and ``closed`` days, more at the ``busy`` agencies); returns the tickets
    written."""
    rng = random.Random(seed)
    hall = Hall.read(session, busy)
    written = 0
    for offset in range(days):
        day = SimulatedDay(rng, hall, first + dt.timedelta(days=offset))
        if day.day.weekday() == 6 or day.day in closed:  # the hall is closed on Sundays
            continue
        day.run(per_day)
        day.write(session)
        written += len(day.tickets)
    return written


_CALLS = ("called", "recalled")


def _ticket_ends(log: list[Step], officer: int | None) -> dict[str, Any]:
    """The ticket row's columns its log decides: the line it ended in and when it entered
    it, its last call, start and finish, the counter and officer who had it."""
    last = log[-1]
    entered = max((s.at for s in log if s.kind in ("issued", "transferred")), default=log[0].at)
    calls = [s for s in log if s.kind in _CALLS and s.at >= entered]
    desk = next((s.counter_id for s in reversed(log) if s.counter_id is not None), None)
    started = [s.at for s in log if s.kind == "started" and s.at >= entered]
    return {
        "service_id": last.service_id,
        "queued_at": entered,
        "called_at": calls[-1].at if calls else None,
        "call_count": len(calls),
        "started_at": started[-1] if started else None,
        "finished_at": last.at if last.kind == "finished" else None,
        "counter_id": desk if calls else None,
        "officer_id": officer if calls and desk is not None else None,
    }


def _counter_event(counter_id: int, at: dt.datetime, kind: str, user: int | None) -> dict[str, Any]:
    return {"counter_id": counter_id, "at": at, "kind": kind, "user_id": user}
