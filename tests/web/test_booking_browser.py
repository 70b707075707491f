"""A visitor books from a phone in headless Chromium: a real server, the real pages, at
phone size; books a slot (with WhatsApp notices: the confirmation reaches a fake Fonnte),
opens the calendar file, cancels and books again."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from server.models import BookingSettings, Service
from tests.e2e.live import LiveServer, running_server
from tests.factories import Hall
from tests.server.notify.fake_provider import FakeProvider, fonnte_ok, wait_for
from tests.web.conftest import PHONE, NewPage


def bookings_for_kk(session: Session, hall: Hall) -> None:
    session.add(BookingSettings(service_id=hall.kk, enabled=True, slot_minutes=60, capacity=2))
    service = session.get(Service, hall.kk)
    assert service is not None
    service.requirements = ["KTP-el asli", "Kartu Keluarga lama"]


@pytest.fixture
def fonnte() -> Iterator[FakeProvider]:
    provider = FakeProvider(fonnte_ok)
    yield provider
    provider.close()


@pytest.fixture
def booking_server(tmp_path: Path, fonnte: FakeProvider) -> Iterator[LiveServer]:
    """Bookings for KK, and a WhatsApp channel (a fake Fonnte on 127.0.0.1)."""
    env = {"ANTRE_NOTIFY_FONNTE_TOKEN": "fonnte-SECRET", "ANTRE_NOTIFY_FONNTE_URL": fonnte.url}
    with running_server(tmp_path, prepare=bookings_for_kk, env=env) as live:
        yield live


def choose_first_slot(page: Page, server: LiveServer) -> str:
    """Agency, service, first open day, first open slot: the form's address."""
    page.goto(f"{server.url}/booking")
    page.click("a.choice >> nth=0")
    page.click(".service-choice a.choice >> nth=0")
    expect(page.locator("details.standard")).to_contain_text("KTP-el asli")
    page.click("a.day.open >> nth=0")
    page.click("a.slot.open >> nth=0")
    expect(page.locator("input[name=name]")).to_be_visible()
    return page.url


def fill_and_book(page: Page, *, notices: bool = False) -> None:
    page.fill("input[name=name]", "Siti Rahmawati")
    page.fill("input[name=phone]", "0812 3456 7890")
    page.check("input[name=consent]")
    if notices:
        page.check("#notice-box")
    page.click("button.primary")


def test_a_visitor_books_opens_the_calendar_cancels_and_books_again(
    booking_server: LiveServer, new_page: NewPage, fonnte: FakeProvider
) -> None:
    page = new_page(viewport=PHONE)
    form = choose_first_slot(page, booking_server)
    expect(page.locator("label.notice-box")).to_contain_text(
        "Kirim konfirmasi dan pengingat ke WhatsApp nomor ini"
    )
    fill_and_book(page, notices=True)
    expect(page.locator("text=Booking berhasil")).to_be_visible()
    expect(page.locator("#notices .masked")).to_have_text("+62 812-****-7890")
    code = page.locator("#booking-code").inner_text()
    # The confirmation reaches the (fake) WhatsApp gateway with the status link.
    assert wait_for(lambda: len(fonnte.received) == 1, timeout=3)
    message = fonnte.received[0].fields["message"]
    assert f"Booking {code} tercatat" in message
    assert message.endswith(f"{booking_server.url}/b/{code.replace('-', '')}")
    assert len(code) == 9 and code[4] == "-"
    qr = page.locator("img.qr")
    expect(qr).to_be_visible()
    # The QR the kiosk scans holds the booking's status link.
    scanned = zxingcpp.read_barcodes(Image.open(io.BytesIO(qr.screenshot())))
    assert [found.text for found in scanned] == [f"{booking_server.url}/b/{code.replace('-', '')}"]
    # Nothing is wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    with page.expect_download() as caught:
        page.click("#add-to-calendar")
    calendar: Any = Path(caught.value.path()).read_bytes()
    assert calendar.startswith(b"BEGIN:VCALENDAR\r\n")
    assert f"UID:{code.replace('-', '')}@".encode() in calendar

    page.click("#cancel-booking")
    expect(page.locator(".badge.bad")).to_have_text("Dibatalkan")
    status = new_page(viewport=PHONE)
    status.goto(f"{booking_server.url}/b/{code}")
    expect(status.locator(".cancelled")).to_contain_text("Dibatalkan oleh pemesan")

    # The same phone may book the same slot again once the first booking is cancelled.
    page.goto(form)
    fill_and_book(page)
    expect(page.locator("text=Booking berhasil")).to_be_visible()
    assert page.locator("#booking-code").inner_text() != code


def test_the_english_switch_keeps_the_manage_link_working(
    booking_server: LiveServer, new_page: NewPage
) -> None:
    page = new_page(viewport=PHONE)
    choose_first_slot(page, booking_server)
    fill_and_book(page)
    page.click(".langswitch a:text('EN')")
    expect(page.locator("#cancel-booking")).to_have_text("Cancel my booking")


def test_the_agency_colour_is_painted_under_the_pages_csp(
    booking_server: LiveServer, new_page: NewPage
) -> None:
    page = new_page(viewport=PHONE)
    refused: list[str] = []
    page.on("console", lambda message: refused.append(message.text))
    page.goto(f"{booking_server.url}/booking")
    disdukcapil = "rgb(11, 83, 148)"  # #0B5394, the test hall's colour
    # Waited for: the colours come in a stylesheet of their own, which may still be on
    # its way when the element is already there.
    expect(page.locator("a.choice >> nth=0")).to_have_css("border-left-color", disdukcapil)
    choose_first_slot(page, booking_server)
    fill_and_book(page)
    expect(page.locator(".booking-card")).to_have_css("border-top-color", disdukcapil)
    assert not [text for text in refused if "Content Security Policy" in text]


def test_a_cancel_sent_after_the_session_ended_starts_again_on_the_manage_page(
    booking_server: LiveServer, new_page: NewPage
) -> None:
    page = new_page(viewport=PHONE)
    choose_first_slot(page, booking_server)
    fill_and_book(page)
    manage = page.url.replace("&new=1", "")
    page.context.clear_cookies(name="antre_session")  # the phone's browser dropped it

    page.click("#cancel-booking")

    expect(page.locator("h1")).to_have_text("Halaman ini terlalu lama terbuka")
    page.click("#start-again")
    assert page.url == manage
    expect(page.locator(".badge.ok")).to_have_text("Terdaftar")  # nothing was cancelled
    page.click("#cancel-booking")  # and now it works
    expect(page.locator(".badge.bad")).to_have_text("Dibatalkan")
