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
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import requests
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
    id: int
    series_id: int = 0


def simulate(db: Database, month_start: dt.date, days: int, per_day: int, seed: int = 7) -> int:
    """Write ``days`` days of about ``per_day`` tickets each; returns the tickets written."""
    rng = random.Random(seed)
    with db.read() as session:
        rows = list(session.scalars(select(Agency).order_by(Agency.position)))
        agencies = [Line(a.id) for a in rows]
        services = {a.id: [Line(s.id, s.series_id) for s in a.services if s.active] for a in rows}
        counters = {a.id: [c.id for c in a.counters] for a in rows}
        prefixes = {s.id: s.prefix for s in session.scalars(select(Series))}
        officers = {u.agency_id: u.id for u in session.scalars(select(User)) if u.agency_id}
        typical = {s.id: s.typical_minutes for s in session.scalars(select(Service))}
    weights = [max(1, len(counters[a.id])) for a in agencies]
    written = 0
    for offset in range(days):
        day = month_start + dt.timedelta(days=offset)
        if day.weekday() == 6:
            continue
        tickets: list[dict[str, Any]] = []
        events: list[dict[str, Any]] = []
        counter_events: list[dict[str, Any]] = []
        sequences: dict[int, int] = {}
        by_agency: dict[int, list[tuple[dt.datetime, int]]] = {a.id: [] for a in agencies}
        for _ in range(int(per_day * rng.uniform(0.85, 1.1))):
            agency = rng.choices(agencies, weights)[0]
            if not services[agency.id]:
                continue
            service = rng.choice(services[agency.id])
            hour = rng.choices(range(7, 16), PROFILE)[0]
            moment = dt.datetime.combine(day, dt.time(hour), TZ) + dt.timedelta(
                seconds=rng.uniform(0, 3600)
            )
            by_agency[agency.id].append((moment.astimezone(dt.UTC), service.id))
        for agency in agencies:
            desks = counters[agency.id]
            if not desks:
                continue
            officer = officers.get(agency.id)
            opens = dt.datetime.combine(day, dt.time(7, 30), TZ).astimezone(dt.UTC)
            closes = dt.datetime.combine(day, dt.time(16, 30), TZ).astimezone(dt.UTC)
            free = [(opens, desk) for desk in desks]
            heapq.heapify(free)
            for desk in desks:
                counter_events.append(_counter_event(desk, opens, "opened", officer))
                lunch = dt.datetime.combine(day, dt.time(12), TZ).astimezone(dt.UTC)
                counter_events.append(_counter_event(desk, lunch, "paused", officer))
                counter_events.append(
                    _counter_event(desk, lunch + dt.timedelta(minutes=30), "resumed", officer)
                )
                counter_events.append(_counter_event(desk, closes, "closed", officer))
            for arrival, service_id in sorted(by_agency[agency.id]):
                series_id = next(s.series_id for s in services[agency.id] if s.id == service_id)
                sequences[series_id] = sequences.get(series_id, 0) + 1
                number = f"{prefixes[series_id]}-{sequences[series_id]:03d}"
                ticket_id = len(tickets)
                log: list[tuple[dt.datetime, str, str | None, str, int, int | None, dict[str, Any]]]
                log = [(arrival, "issued", None, "waiting", service_id, None, {"priority": "none"})]
                free_at, desk = heapq.heappop(free)
                call = max(arrival, free_at) + dt.timedelta(seconds=rng.uniform(5, 60))
                roll = rng.random()
                if call > closes:
                    # Still waiting when the day closed.
                    log.append(
                        (
                            closes + dt.timedelta(hours=8),
                            "expired",
                            "waiting",
                            "expired",
                            service_id,
                            None,
                            {},
                        )
                    )
                    state, done_at = "expired", free_at
                elif roll < 0.04 and call - arrival > dt.timedelta(minutes=10):
                    leave = arrival + (call - arrival) * rng.uniform(0.3, 0.9)
                    log.append(
                        (
                            leave,
                            "cancelled",
                            "waiting",
                            "cancelled",
                            service_id,
                            None,
                            {"reason": None},
                        )
                    )
                    state, done_at = "cancelled", free_at
                else:
                    log.append((call, "called", "waiting", "called", service_id, desk, {}))
                    if roll < 0.09:
                        for n in (2, 3):
                            call += dt.timedelta(minutes=1)
                            log.append(
                                (
                                    call,
                                    "recalled",
                                    "called",
                                    "called",
                                    service_id,
                                    desk,
                                    {"call_count": n},
                                )
                            )
                        done_at = call + dt.timedelta(minutes=1)
                        log.append(
                            (
                                done_at,
                                "no_show",
                                "called",
                                "no_show",
                                service_id,
                                desk,
                                {"call_count": 3},
                            )
                        )
                        state = "no_show"
                    else:
                        start = call + dt.timedelta(seconds=rng.uniform(20, 90))
                        log.append((start, "started", "called", "serving", service_id, desk, {}))
                        minutes = rng.expovariate(1 / max(1.0, typical[service_id]))
                        done_at = start + dt.timedelta(
                            minutes=min(minutes, 4 * typical[service_id])
                        )
                        others = [s.id for s in services[agency.id] if s.id != service_id]
                        if roll < 0.12 and others:
                            target = rng.choice(others)
                            log.append(
                                (
                                    done_at,
                                    "transferred",
                                    "serving",
                                    "waiting",
                                    service_id,
                                    desk,
                                    {
                                        "from_service_id": service_id,
                                        "to_service_id": target,
                                        "to_counter_id": None,
                                        "front": False,
                                    },
                                )
                            )
                            recall = done_at + dt.timedelta(minutes=rng.uniform(2, 20))
                            start2 = recall + dt.timedelta(seconds=40)
                            end2 = start2 + dt.timedelta(
                                minutes=rng.expovariate(1 / max(1.0, typical[target]))
                            )
                            log.append((recall, "called", "waiting", "called", target, desk, {}))
                            log.append((start2, "started", "called", "serving", target, desk, {}))
                            log.append((end2, "finished", "serving", "done", target, desk, {}))
                        else:
                            log.append(
                                (done_at, "finished", "serving", "done", service_id, desk, {})
                            )
                        state = "done"
                heapq.heappush(free, (max(free_at, done_at), desk))
                tickets.append(
                    {
                        "status_code": secrets.token_urlsafe(12),
                        "service_id": service_id,
                        "origin_service_id": service_id,
                        "series_id": series_id,
                        "service_date": day,
                        "sequence": sequences[series_id],
                        "number": number,
                        "priority": "none",
                        "source": "kiosk",
                        "state": state,
                        "queue_key": arrival.timestamp(),
                        "call_count": 0,
                        "issued_at": arrival,
                        "queued_at": arrival,
                    }
                )
                for at, kind, before, after, svc, cid, data in log:
                    events.append(
                        {
                            "ticket_id": ticket_id,
                            "at": at,
                            "kind": kind,
                            "from_state": before,
                            "to_state": after,
                            "service_id": svc,
                            "counter_id": cid,
                            "user_id": officer if cid is not None else None,
                            "data": data,
                        }
                    )
        with db.write() as session:
            ids = []
            for ticket in tickets:
                ids.append(
                    session.execute(insert(Ticket).returning(Ticket.id), [ticket]).scalar_one()
                )
            for event in events:
                event["ticket_id"] = ids[event["ticket_id"]]
            session.execute(insert(TicketEvent), events)
            session.execute(insert(CounterEvent), counter_events)
        written += len(tickets)
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

    sys.path.insert(0, str(REPO))  # run as a script: the repository's tests package
    from tests.e2e.live import free_port, wait_until

    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANTRE_")}
    env.update(ANTRE_DATABASE_URL=database_url, ANTRE_SECRET_KEY=secrets.token_urlsafe(32))
    server = subprocess.Popen(
        [sys.executable, "-m", "server.entry", "run", "--port", str(port)],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"

    def answers() -> bool:
        try:
            requests.get(f"{url}/login", timeout=1)
        except requests.RequestException:
            return False
        return True

    try:
        wait_until(answers, 20, "the server")
        with sync_playwright() as playwright:
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
    finally:
        server.terminate()
        server.wait(timeout=10)


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
