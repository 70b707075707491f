"""The console's bookings pages in a real browser against a real server: a supervisor sets
a service's bookings, sees the day's booking with the phone masked and cancels it with a
reason (the page's confirm dialog accepted), with no script error or CSP refusal. Against
a server whose clock is set to a Monday morning (``MORNING``), not the wall clock's time
of day: the booking is taken by that clock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from server.db import Database
from server.domain import bookings
from server.domain.context import Ctx
from server.domain.identity import PersonalDataKey
from server.domain.settings import load_settings
from server.models import Service
from tests.e2e.live import LiveServer, running_server
from tests.web.conftest import NewPage, log_in

# When the server's clock starts: a Monday morning in the hall, whatever the wall clock
# says (by it, late in the evening the first open slot was tomorrow's).
MORNING = dt.datetime(2026, 11, 30, 10, 10, tzinfo=ZoneInfo("Asia/Jakarta"))


@pytest.fixture
def web_server(tmp_path: Path) -> Iterator[LiveServer]:
    """``antre-server run`` over the small test hall, its clock set to ``MORNING``."""
    with running_server(tmp_path, clock_start=MORNING) as live:
        yield live


def book_the_next_slot(server: LiveServer, code: str) -> tuple[str, dt.date]:
    """A booking of the first slot ``code`` offers by the server's clock (the test hall is
    open round the clock), as the booking page would make it."""
    db = Database(server.database_url)
    try:
        with db.write() as session:
            ctx = Ctx(session, server.now(), load_settings(session))
            service = session.scalars(select(Service).where(Service.code == code)).one()
            slots = [o.slot for o in bookings.offer(ctx, service, ctx.today).slots if o.open]
            assert slots, "the morning offers slots"
            request = bookings.BookingRequest(
                service_id=service.id,
                slot_start=slots[0].start,
                name="Siti Rahmawati",
                phone="0812-3456-7890",
            )
            key = PersonalDataKey.from_secret(server.secret_key)
            made = bookings.book(ctx, request, key)
            return made.booking.code, ctx.today
    finally:
        db.dispose()


def test_a_supervisor_enables_bookings_then_cancels_one_with_a_reason(
    web_server: LiveServer, new_page: NewPage
) -> None:
    page = new_page()
    log_in(page, web_server, "sup.dk")
    page.click("nav >> text=Pemesanan")
    page.click("#booking-others summary")
    page.click("#booking-others a >> text=DK-KK")
    expect(page.locator("h1")).to_contain_text("DK-KK")
    page.check("#f-enabled")
    page.fill("#f-online_share", "100")
    page.click("button[type=submit].primary")
    expect(page.locator(".flash.success")).to_contain_text("DK-KK")
    expect(page.locator("#booking-services")).to_contain_text("DK-KK")

    code, day = book_the_next_slot(web_server, "DK-KK")
    page.goto(f"{web_server.url}/admin/bookings?day={day.isoformat()}")
    row = page.locator(f"tr[data-code='{code}']")
    expect(row).to_contain_text("+62 812-****-7890")
    expect(row).to_contain_text("Dipesan")
    row.locator("input[name=reason]").fill("Alat perekaman rusak")
    page.once("dialog", lambda dialog: dialog.accept())
    row.locator("button[type=submit]").click()
    expect(page.locator(".flash.success")).to_contain_text(code)
    row = page.locator(f"tr[data-code='{code}']")
    expect(row).to_contain_text("Dibatalkan")
    expect(row).to_contain_text("Alat perekaman rusak")
