"""A busy month in the demo hall, the report's computing time, and screenshots of the
reports pages into docs/ (by hand).

    .venv/bin/python tools/web_reports_screens.py docs/ [--days 30] [--per-day 1500] [--pdf F]
    .venv/bin/python tools/web_reports_screens.py docs/ --skm

It seeds the demo hall (MPP Kabupaten Tangerang) in a throwaway SQLite file, writes a
month of ticket history straight into the event log (``server.demo.history``), times
``compute_report`` for the month by each grouping, then starts a real server and
photographs the page with Debian's Chromium: docs/web-reports.png (screen),
docs/web-reports-quiet-day.png (a quiet Saturday by service: the services without
activity folded) and docs/web-reports-print.png (print view).

With ``--skm``: the demo hall as ``scripts/demo`` seeds it on 1 December 2026 (November's
visits and survey answers), photographed as the survey report (docs/web-skm-report.png
and docs/web-skm-report-queue.png), its publication printed to PDF by Chromium
(docs/web-skm-publication.pdf) and that PDF's page turned into
docs/web-skm-publication.png (pdftoppm, Debian's poppler-utils), and the questionnaire's
admin page (docs/web-admin-survey.png).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from screen_server import serving  # beside this script
from sqlalchemy import delete

from server.db import Database, make_engine
from server.demo.history import simulate
from server.demo.seed import ADMIN_PASSWORD, ADMIN_USER, seed_demo
from server.domain.context import Ctx
from server.domain.reports import Grouping, compute_report, parse_period
from server.domain.settings import load_settings
from server.migrate import upgrade
from server.models import Holiday

REPO = Path(__file__).resolve().parents[1]
# A Saturday after the month with a few dozen visitors (a special opening's morning):
# most of the 75 services see nobody, which the page folds away.
QUIET_DAY = dt.date(2026, 11, 7)
QUIET_DAY_TICKETS = 40


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


# 08.00 in Jakarta on 1 December 2026: the demo's past month is November.
SKM_NOW = dt.datetime(2026, 12, 1, 1, 0, tzinfo=dt.UTC)
SKM_MONTH = "2026-11"


def _browser(playwright: Any) -> Any:
    return playwright.chromium.launch(
        executable_path="/usr/bin/chromium",
        args=["--no-sandbox", "--disable-gpu"],
        env={**os.environ, "LANGUAGE": "id"},
    )


def _log_in(page: Any, url: str) -> None:
    page.goto(f"{url}/login")
    page.fill("input[name=username]", ADMIN_USER)
    page.fill("input[name=password]", ADMIN_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def skm_screenshots(out: Path) -> None:
    """The survey report, its printed publication and the questionnaire's admin page."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/skm.sqlite3"
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        db = Database(url)
        began = time.perf_counter()
        with db.write() as session:
            seed_demo(session, SKM_NOW)
        print(f"seeded the demo with its month in {time.perf_counter() - began:.1f} s")
        db.dispose()
        pdf = out / "web-skm-publication.pdf"
        with serving(url, "/login") as base, sync_playwright() as playwright:
            browser = _browser(playwright)
            page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="id-ID")
            _log_in(page, base)
            query = f"period=month&month={SKM_MONTH}"
            page.goto(f"{base}/reports/skm?{query}&group=agency")
            # The head (IKM, grade, what to improve, per element), then what only the
            # queue knows (the trend, waits over the target, by hour): the whole page
            # with a month of suggestions is too long to read as one picture.
            page.screenshot(
                path=str(out / "web-skm-report.png"),
                clip={"x": 0, "y": 0, "width": 1366, "height": 1330},
                full_page=True,
            )
            top = page.locator("section.charts").bounding_box()
            bottom = page.locator("section.skm-grid").bounding_box()
            assert top is not None and bottom is not None
            height = bottom["y"] + bottom["height"] - top["y"] + 16
            page.screenshot(
                path=str(out / "web-skm-report-queue.png"),
                clip={"x": 0, "y": top["y"] - 8, "width": 1366, "height": min(height, 1500)},
                full_page=True,
            )
            page.goto(f"{base}/admin/survey")
            page.click("#U3 summary")  # one element open: its wording in both languages
            page.screenshot(path=str(out / "web-admin-survey.png"), full_page=True)
            page.goto(f"{base}/reports/skm/publikasi?{query}")
            page.emulate_media(media="print")
            page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
            browser.close()
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
        pages = next(line for line in info.stdout.splitlines() if line.startswith("Pages"))
        if pages.split()[-1] != "1":
            print(f"warning: the publication does not fit one A4 page ({pages})")
        target = out / "web-skm-publication"
        subprocess.run(
            ["pdftoppm", "-png", "-r", "90", "-f", "1", "-l", "1", "-singlefile", str(pdf), target],
            check=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--per-day", type=int, default=1500)
    parser.add_argument("--month", default="2026-10")
    parser.add_argument("--no-screens", action="store_true")
    parser.add_argument("--pdf", type=Path, help="also print the whole hall's report to this PDF")
    parser.add_argument("--skm", action="store_true", help="the survey report's pictures only")
    args = parser.parse_args()
    if args.skm:
        skm_screenshots(args.out)
        return
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/reports.sqlite3"
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        db = Database(url)
        with db.write() as session:
            seed_demo(session, dt.datetime.now(dt.UTC), past_month=False)
            session.execute(delete(Holiday))
        began = time.perf_counter()
        first = dt.date.fromisoformat(args.month + "-01")
        with db.write() as session:
            written = simulate(session, first, args.days, args.per_day)
            written += simulate(session, QUIET_DAY, 1, QUIET_DAY_TICKETS, seed=11)
        print(f"wrote {written} tickets in {time.perf_counter() - began:.1f} s")
        for line in time_reports(db, args.month):
            print(line)
        db.dispose()
        if not args.no_screens:
            screenshots(url, args.out, args.month, args.pdf)


if __name__ == "__main__":
    main()
