"""A busy month in the demo hall, the report's computing time, and screenshots of the
reports page into docs/ (by hand).

    .venv/bin/python tools/web_reports_screens.py docs/ [--days 30] [--per-day 1500] [--pdf F]

It seeds the demo hall (MPP Kabupaten Tangerang) in a throwaway SQLite file, writes a
month of ticket history straight into the event log (the shapes the domain writes:
issued, called, recalled, started, finished, no_show, transferred, cancelled, expired,
and counters opened, paused, resumed, closed), times ``compute_report`` for the month by
each grouping, then starts a real server and photographs the page with Debian's
Chromium: docs/web-reports.png (screen), docs/web-reports-quiet-day.png (a quiet Saturday
by service: the services without activity folded) and docs/web-reports-print.png (print
view).
"""

from __future__ import annotations

import argparse
import datetime as dt
import heapq
import os
import random
import secrets
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from screen_server import serving  # beside this script
from sqlalchemy import delete, insert, select

from server.db import Database, make_engine
from server.demo.seed import ADMIN_PASSWORD, ADMIN_USER, seed_demo
from server.domain.context import Ctx
from server.domain.reports import Grouping, compute_report, parse_period
from server.domain.settings import load_settings
from server.migrate import upgrade
from server.models import (
    Agency,
    CounterEvent,
    Holiday,
    Series,
    Service,
    Ticket,
    TicketEvent,
    User,
)

TZ = ZoneInfo("Asia/Jakarta")
REPO = Path(__file__).resolve().parents[1]
# A Saturday after the month with a few dozen visitors (a special opening's morning):
# most of the 75 services see nobody, which the page folds away.
QUIET_DAY = dt.date(2026, 11, 7)
QUIET_DAY_TICKETS = 40
# Share of a day's arrivals per hour from 07:00 (about 40 % between 08.00 and 11.00).
PROFILE = [0.05, 0.14, 0.15, 0.13, 0.11, 0.09, 0.11, 0.12, 0.10]


@dataclass(frozen=True)
class Line:
    """An agency or a service of the demo hall as the simulation draws them (a service
    with its ticket series)."""

    id: int
    series_id: int = 0


@dataclass(frozen=True)
class Hall:
    """The seeded demo hall as the simulation needs it, read once before the first day."""

    agencies: list[Line]
    services: dict[int, list[Line]]  # by agency: its active services
    counters: dict[int, list[int]]  # by agency
    prefixes: dict[int, str]  # by series
    officers: dict[int, int]  # by agency: the officer its simulated events name
    typical: dict[int, float]  # by service: its typical minutes

    @classmethod
    def read(cls, db: Database) -> Hall:
        with db.read() as session:
            rows = list(session.scalars(select(Agency).order_by(Agency.position)))
            return cls(
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
        by ``PROFILE`` and over the agencies by their number of counters."""
        weights = [max(1, len(self.hall.counters[a.id])) for a in self.hall.agencies]
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
                "status_code": secrets.token_urlsafe(12),
                "service_id": service_id,
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
                "queued_at": arrival,
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

    def write(self, db: Database) -> None:
        """The day's rows in one transaction, the event log pointed at the tickets' ids."""
        with db.write() as session:
            ids = [
                session.execute(insert(Ticket).returning(Ticket.id), [ticket]).scalar_one()
                for ticket in self.tickets
            ]
            for event in self.events:
                event["ticket_id"] = ids[event["ticket_id"]]
            session.execute(insert(TicketEvent), self.events)
            session.execute(insert(CounterEvent), self.counter_events)


def simulate(db: Database, month_start: dt.date, days: int, per_day: int, seed: int = 7) -> int:
    """Write ``days`` days of about ``per_day`` tickets each; returns the tickets written."""
    rng = random.Random(seed)
    hall = Hall.read(db)
    written = 0
    for offset in range(days):
        day = SimulatedDay(rng, hall, month_start + dt.timedelta(days=offset))
        if day.day.weekday() == 6:  # the hall is closed on Sundays
            continue
        day.run(per_day)
        day.write(db)
        written += len(day.tickets)
    return written


def _counter_event(counter_id: int, at: dt.datetime, kind: str, user: int | None) -> dict[str, Any]:
    return {"counter_id": counter_id, "at": at, "kind": kind, "user_id": user}


def time_reports(db: Database, month: str) -> list[str]:
    lines = []
    for grouping in Grouping:
        with db.read() as session:
            ctx = Ctx(session, dt.datetime.now(dt.UTC), load_settings(session))
            began = time.perf_counter()
            report = compute_report(ctx, parse_period("month", month=month), grouping)
            took = time.perf_counter() - began
        lines.append(
            f"month {month} by {grouping.value}: {took:.2f} s "
            f"({report.total.issued} tickets, {report.total.calls} calls, {len(report.rows)} rows)"
        )
    return lines


# How far the report table sticks out of the printable width (0 when it fits).
PRINT_OVERFLOW = """() => {
  const table = document.querySelector('#report-table');
  return Math.max(0, Math.ceil(table.getBoundingClientRect().right) - window.innerWidth,
                  document.documentElement.scrollWidth - window.innerWidth);
}"""


def screenshots(database_url: str, out: Path, month: str, pdf: Path | None = None) -> None:
    from playwright.sync_api import sync_playwright

    with serving(database_url, "/login") as url, sync_playwright() as playwright:
        # Chromium's own controls (the month field) in Indonesian: LANGUAGE=id with
        # Debian's chromium-l10n; the page's dates and numbers by the locale.
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu"],
            env={**os.environ, "LANGUAGE": "id"},
        )
        page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="id-ID")
        page.goto(f"{url}/login")
        page.fill("input[name=username]", ADMIN_USER)
        page.fill("input[name=password]", ADMIN_PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_load_state()
        page.goto(f"{url}/reports?period=month&month={month}&group=agency")
        page.screenshot(path=str(out / "web-reports.png"), full_page=True)
        # A quiet Saturday by service: the few services that worked, the rest folded.
        page.goto(f"{url}/reports?period=day&date={QUIET_DAY.isoformat()}&group=service")
        page.screenshot(path=str(out / "web-reports-quiet-day.png"), full_page=True)
        page.goto(f"{url}/reports?period=month&month={month}&group=service&agency=DK")
        page.emulate_media(media="print")
        # A4 landscape less the stylesheet's 10 mm margins, at 96 dpi: 277 x 190 mm.
        page.set_viewport_size({"width": 1047, "height": 718})
        overflow = page.evaluate(PRINT_OVERFLOW)
        if overflow > 0:
            print(f"warning: the printed table is {overflow} px wider than the page")
        page.screenshot(path=str(out / "web-reports-print.png"), full_page=True)
        if pdf is not None:
            # The whole hall by service runs over several pages: the header row repeats.
            page.goto(f"{url}/reports?period=month&month={month}&group=service")
            page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--per-day", type=int, default=1500)
    parser.add_argument("--month", default="2026-10")
    parser.add_argument("--no-screens", action="store_true")
    parser.add_argument("--pdf", type=Path, help="also print the whole hall's report to this PDF")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/reports.sqlite3"
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        db = Database(url)
        with db.write() as session:
            seed_demo(session, dt.datetime.now(dt.UTC))
            session.execute(delete(Holiday))
        began = time.perf_counter()
        first = dt.date.fromisoformat(args.month + "-01")
        written = simulate(db, first, args.days, args.per_day)
        written += simulate(db, QUIET_DAY, 1, QUIET_DAY_TICKETS, seed=11)
        print(f"wrote {written} tickets in {time.perf_counter() - began:.1f} s")
        for line in time_reports(db, args.month):
            print(line)
        db.dispose()
        if not args.no_screens:
            screenshots(url, args.out, args.month, args.pdf)


if __name__ == "__main__":
    main()
