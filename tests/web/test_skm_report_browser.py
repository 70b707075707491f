"""The survey report in real headless Chromium against a real server: the hand-counted
IKM of a seeded day, the period's own field only, a suggestion answered through its
folded form (escaped, never run), and the publication with its print button; no
JavaScript error and nothing the Content-Security-Policy refused."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from server.demo.history import simulate
from server.domain.context import SYSTEM, Ctx
from server.domain.settings import load_settings
from server.domain.skm.responses import Answers, Channel, submit
from server.models import Service, Ticket, TicketState
from tests.e2e.live import LiveServer, running_server
from tests.factories import Hall
from tests.web.conftest import NewPage, log_in

DAY = dt.date.today() - dt.timedelta(days=3)
SUGGESTION = "<img src=x onerror=alert(1)> Kursi tunggu kurang"


def answer_day(session: Session, hall: Hall) -> None:
    """A day of visits, and three Disdukcapil visitors answering all 4s, all 3s and all
    2s: every element (4 + 3 + 2) ÷ 3 = 3.00, × 25 = 75.00, C."""
    simulate(session, DAY, 1, 40, seed=3)
    done = session.scalars(
        select(Ticket)
        .join(Service, Service.id == Ticket.service_id)
        .where(Ticket.state == TicketState.DONE, Service.agency_id == hall.dk)
        .order_by(Ticket.id)
        .limit(3)
    ).all()
    assert len(done) == 3
    now = dt.datetime.now(dt.UTC)
    ctx = Ctx(session, now, load_settings(session), SYSTEM)
    for ticket, value in zip(done, (4, 3, 2), strict=True):
        elements = {f"U{i}": value for i in range(1, 10)}
        text = SUGGESTION if value == 2 else None
        submit(ctx, ticket, Channel.COUNTER_TABLET, Answers(elements=elements, suggestion=text))


@pytest.fixture
def skm_server(tmp_path: Path) -> Iterator[LiveServer]:
    with running_server(tmp_path, prepare=answer_day) as live:
        yield live


def test_the_report_shows_the_hand_count_and_a_suggestion_is_answered(
    skm_server: LiveServer, new_page: NewPage
) -> None:
    page = new_page()
    log_in(page, skm_server, "admin")
    page.click("nav >> text=SKM")
    page.select_option("#skm-period", "day")
    expect(page.locator("input[name=month]")).to_be_hidden()
    page.fill("input[name=date]", DAY.isoformat())
    page.click("#skm-form button[type=submit]")

    expect(page.locator("[data-kpi=ikm]")).to_have_text("75,00")
    expect(page.locator("[data-kpi=grade]")).to_have_text("C")
    expect(page.locator("[data-kpi=respondents]")).to_have_text("3")
    expect(page.locator("#element-table [data-col=nrr]")).to_have_text(["3,0000"] * 9)
    suggestion = page.locator("article.suggestion")
    expect(suggestion.locator(".suggestion-text")).to_have_text(SUGGESTION)
    suggestion.locator("summary").click()
    suggestion.locator("textarea[name=reply]").fill("Kursi ditambah <b>20</b>")
    suggestion.locator("button[type=submit]").click()

    expect(page.locator(".flash.success")).to_be_visible()
    page.locator("#handled-suggestions summary").click()
    expect(page.locator("#handled-suggestions .reply")).to_have_text(
        "Balasan: Kursi ditambah <b>20</b>"
    )
    with page.expect_download() as download:
        page.click("#export-csv")
    assert download.value.suggested_filename.startswith("laporan-skm-day-")


def test_the_publication_prints_on_one_a4_page(skm_server: LiveServer, new_page: NewPage) -> None:
    page = new_page()
    log_in(page, skm_server, "sup.dk")
    page.goto(f"{skm_server.url}/reports/skm/publikasi?period=day&date={DAY.isoformat()}")

    expect(page.locator("[data-pub=ikm]")).to_have_text("75,00")
    expect(page.locator("#publication-elements tbody tr")).to_have_count(11)
    expect(page.locator("#print-publication")).to_be_visible()
    assert "Disdukcapil" in page.locator(".unit").inner_text()
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) == 1
