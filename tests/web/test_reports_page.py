"""The reports page in real headless Chromium against a real server: a seeded day's
figures equal the hand count, the charts are drawn, the files download, and a supervisor
sees only their agency."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy.orm import Session

from tests.e2e.live import LiveServer, running_server
from tests.factories import Hall
from tests.server.domain.test_reports import seed_day
from tests.web.conftest import NewPage, log_in

# A past day (the live server runs on the real clock), seeded before it starts.
DAY = dt.date.today() - dt.timedelta(days=3)


@pytest.fixture
def reports_server(tmp_path: Path) -> Iterator[LiveServer]:
    def prepare(session: Session, hall: Hall) -> None:
        seed_day(session, hall, DAY)

    with running_server(tmp_path, prepare=prepare) as live:
        yield live


def test_the_page_shows_the_seeded_day_s_hand_count_with_charts(
    reports_server: LiveServer, new_page: NewPage
) -> None:
    page = new_page()
    log_in(page, reports_server, "admin")
    page.click("nav >> text=Laporan")
    page.fill("input[name=date]", DAY.isoformat())
    page.select_option("select[name=group]", "agency")
    page.click("#report-form button[type=submit]")

    expect(page.locator("[data-kpi=issued]")).to_have_text("10")
    expect(page.locator("[data-kpi=served]")).to_have_text("8")
    expect(page.locator("[data-kpi=p90_wait]")).to_have_text("28,0")
    rows = page.locator("#report-table tbody tr")
    expect(rows).to_have_count(3)  # Disdukcapil, Samsat, the total
    dk = rows.nth(0).locator("td.num")
    # issued, served, no-show, cancelled, transferred, expired, calls, avg, P90, max, service,
    # %; from bookings (T8), online share, wait booked (T8: 5) and walk-in (96 min / 6 calls)
    expect(dk).to_have_text(
        [
            *("8", "5", "0", "1", "2", "1", "7", "14,4", "29,0", "29,0", "10,2", "85,7"),
            *("1", "12,5", "5,0", "16,0"),
        ]
    )
    chart = page.locator("figure.chart-box svg")
    expect(chart).to_have_count(1)  # one day: the hours chart only
    assert chart.locator("rect").count() > 20
    with page.expect_download() as download:
        page.click("#export-xlsx")
    assert download.value.suggested_filename.endswith("-agency.xlsx")


def test_a_supervisor_sees_only_their_agency(reports_server: LiveServer, new_page: NewPage) -> None:
    page = new_page()
    log_in(page, reports_server, "sup.dk")
    page.goto(f"{reports_server.url}/reports?period=day&date={DAY.isoformat()}&group=agency")

    expect(page.locator("#report-table tbody tr")).to_have_count(2)  # Disdukcapil, total
    expect(page.locator("select[name=agency]")).to_have_count(0)
    expect(page.locator("[data-kpi=issued]")).to_have_text("8")


def test_counters_without_activity_fold_away_and_open_on_a_click(
    reports_server: LiveServer, new_page: NewPage
) -> None:
    page = new_page()
    log_in(page, reports_server, "admin")
    page.goto(f"{reports_server.url}/reports?period=day&date={DAY.isoformat()}&group=counter")

    expect(page.locator("#report-table tbody tr")).to_have_count(4)  # Loket 1-3, the total
    quiet = page.locator("#quiet-rows")
    expect(quiet.locator("summary")).to_have_text("1 loket tanpa aktivitas")
    loket_4 = quiet.locator(".quiet-name", has_text="Loket 4")
    expect(loket_4).to_be_hidden()
    quiet.locator("summary").click()
    expect(loket_4).to_be_visible()
