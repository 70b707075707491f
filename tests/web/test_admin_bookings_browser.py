"""The console's bookings pages in a real browser against a real server: a supervisor sets
a service's bookings, sees the day's booking with the phone masked and cancels it with a
reason (the page's confirm dialog accepted), with no script error or CSP refusal."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import expect
from sqlalchemy import select

from server.db import Database
from server.domain import bookings
from server.domain.context import Ctx
from server.domain.identity import PersonalDataKey
from server.domain.settings import load_settings
from server.models import Service
from tests.e2e.live import LiveServer
from tests.web.conftest import NewPage, log_in


def book_the_next_slot(server: LiveServer, code: str) -> tuple[str, dt.date]:
    """A booking of the first slot ``code`` offers now (the test hall is open round the
    clock), as the booking page would make it."""
    db = Database(server.database_url)
    try:
        with db.write() as session:
            ctx = Ctx(session, dt.datetime.now(dt.UTC), load_settings(session))
            service = session.scalars(select(Service).where(Service.code == code)).one()
            for day in (ctx.today, ctx.today + dt.timedelta(days=1)):
                slots = [o.slot for o in bookings.offer(ctx, service, day).slots if o.open]
                if slots:
                    request = bookings.BookingRequest(
                        service_id=service.id,
                        slot_start=slots[0].start,
                        name="Siti Rahmawati",
                        phone="0812-3456-7890",
                    )
                    key = PersonalDataKey.from_secret(server.secret_key)
                    made = bookings.book(ctx, request, key)
                    return made.booking.code, day
    finally:
        db.dispose()
    raise AssertionError("no open slot today or tomorrow")


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
