"""The visitor's booking pages over HTTP: agency, service, date, slot, the form, the
confirmation with its QR and calendar file, the status page, cancel and move. The test
hall opens round the clock; the clock is Monday 30 November 2026, 09.00 in Jakarta."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from xml.etree import ElementTree

import pytest
from flask import Flask
from flask.testing import FlaskClient

from server.domain.identity import PersonalDataKey
from server.models import Agency, Booking, BookingSettings, Holiday, Service
from server.public_limit import PAGE_BUDGET
from server.request_log import loggable_path
from server.state import AppState
from server.web.agency_styles import contrast, readable_ink, rgb_of, stylesheet
from server.web.booking_ics import CalendarEvent, calendar_file, fold
from tests.conftest import JAKARTA, FakeClock
from tests.factories import Hall

TUESDAY = "2026-12-01"


def state_of(app: Flask) -> AppState:
    return app.extensions["antre"]  # type: ignore[no-any-return]


@pytest.fixture
def kk(app: Flask, hall: Hall) -> int:
    """KK takes bookings: one-hour slots, two places each; its standard is written."""
    with state_of(app).db.write() as session:
        session.merge(
            BookingSettings(service_id=hall.kk, enabled=True, slot_minutes=60, capacity=2)
        )
        service = session.get(Service, hall.kk)
        assert service is not None
        service.requirements = ["KTP-el asli", "Kartu Keluarga lama"]
        service.fee = "Gratis"
        session.add(Holiday(date=dt.date(2026, 12, 3), name="Hari libur daerah"))
    return hall.kk


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def asks_for_the_nik(app: Flask, service_id: int) -> None:
    with state_of(app).db.write() as session:
        settings = session.get(BookingSettings, service_id)
        assert settings is not None
        settings.nik_required = True


def csrf(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


def book(
    client: FlaskClient, service_id: int, day: str = TUESDAY, hhmm: str = "1000", **fields: str
) -> Any:
    path = f"/booking/s/{service_id}/{day}/{hhmm}"
    form = client.get(path).get_data(as_text=True)
    data = {
        "csrf_token": csrf(form),
        "name": "Siti Rahmawati",
        "phone": "0812 3456 7890",
        "consent": "yes",
        **fields,
    }
    return client.post(path, data=data)


def test_a_visitor_walks_from_the_agency_to_a_slot(client: FlaskClient, kk: int) -> None:
    start = client.get("/booking").get_data(as_text=True)
    assert "Dinas Kependudukan dan Pencatatan Sipil" in start and "Samsat" not in start
    agency = client.get("/booking/DK").get_data(as_text=True)
    assert f'href="/booking/s/{kk}"' in agency and "KTP-el asli" in agency  # the standard
    days = client.get(f"/booking/s/{kk}").get_data(as_text=True)
    assert "Selasa, 1 Desember 2026" in days
    assert f'href="/booking/s/{kk}/{TUESDAY}"' in days
    assert "Libur" in days  # 3 December, a holiday, shown as such and not a link
    assert f'href="/booking/s/{kk}/2026-12-03"' not in days
    slots = client.get(f"/booking/s/{kk}/{TUESDAY}").get_data(as_text=True)
    assert f'href="/booking/s/{kk}/{TUESDAY}/1000"' in slots and "sisa 2" in slots


def test_english_is_one_switch_away_and_keeps_the_page(client: FlaskClient, kk: int) -> None:
    page = client.get(f"/booking/s/{kk}?lang=en").get_data(as_text=True)
    assert "Tuesday, 1 December 2026" in page and "Holiday" in page
    assert 'href="?lang=id"' in page  # the same page, its query kept


def test_booking_leads_to_the_confirmation_with_code_qr_calendar_and_manage_link(
    app: Flask, client: FlaskClient, kk: int
) -> None:
    booked = book(client, kk)
    assert booked.status_code == 303
    manage = booked.headers["Location"]
    assert re.fullmatch(r"/b/[0-9A-Z]{8}/manage\?s=[A-Za-z0-9_-]+&new=1", manage)
    page = client.get(manage).get_data(as_text=True)
    code = manage.split("/")[2]
    assert f"{code[:4]}-{code[4:]}" in page and "Booking berhasil" in page
    assert "KTP-el asli" in page and "10.00–11.00" in page
    assert "Zona A" in page  # the counter area of KK's counters
    assert "Siti" not in page and "812" not in page  # nothing personal, even here

    qr = client.get(f"/b/{code}/qr.svg")
    assert qr.mimetype == "image/svg+xml"
    assert ElementTree.fromstring(qr.data).tag.endswith("svg")

    ics = client.get(f"/b/{code}/booking.ics")
    assert ics.mimetype == "text/calendar"
    text = ics.get_data(as_text=True)
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")
    assert f"UID:{code}@localhost\r\n" in text
    assert "DTSTART:20261201T030000Z\r\n" in text and "DTEND:20261201T040000Z\r\n" in text
    with state_of(app).db.read() as session:
        stored = session.query(Booking).one()
        assert stored.phone == "+6281234567890" and stored.source == "web"


def test_the_form_says_what_is_wrong_beside_the_field(client: FlaskClient, kk: int) -> None:
    page = book(client, kk, phone="12345", consent="").get_data(as_text=True)
    assert "Nomor HP Indonesia" in page and "Centang persetujuan" in page
    assert 'value="Siti Rahmawati"' in page  # what was typed stays


def test_a_second_booking_of_the_same_phone_is_refused_in_words(
    client: FlaskClient, kk: int
) -> None:
    assert book(client, kk).status_code == 303
    again = book(client, kk, hhmm="1300")
    assert again.status_code == 200
    assert "sudah punya booking aktif" in again.get_data(as_text=True)


def test_the_consent_names_the_retention(app: Flask, client: FlaskClient, kk: int) -> None:
    page = client.get(f"/booking/s/{kk}/{TUESDAY}/1000").get_data(as_text=True)
    assert "disimpan sampai pengelola MPP menghapusnya" in page
    assert 'name="nik"' not in page  # KK does not ask for a NIK


def test_a_service_that_asks_for_the_nik_keeps_it_encrypted(
    app: Flask, client: FlaskClient, kk: int
) -> None:
    asks_for_the_nik(app, kk)
    assert 'name="nik"' in client.get(f"/booking/s/{kk}/{TUESDAY}/1000").get_data(as_text=True)
    assert "16 angka" in book(client, kk, nik="12").get_data(as_text=True)
    assert book(client, kk, nik="3603015204900007").status_code == 303
    with state_of(app).db.read() as session:
        stored = session.query(Booking).one()
        assert stored.nik_cipher is not None and "3603015204900007" not in stored.nik_cipher
        key: PersonalDataKey = state_of(app).personal_data_key
        assert key.decrypt(stored.nik_cipher) == "3603015204900007"


def test_the_status_page_shows_a_cancellation_by_the_visitor_and_by_the_hall(
    app: Flask, client: FlaskClient, kk: int
) -> None:
    manage = book(client, kk).headers["Location"]
    code, secret = manage.split("/")[2], manage.split("s=")[1].split("&")[0]
    status = client.get(f"/b/{code.lower()}").get_data(as_text=True)
    assert "Terdaftar" in status and "Siti" not in status
    page = client.get(manage).get_data(as_text=True)
    cancelled = client.post(f"/b/{code}/cancel", data={"csrf_token": csrf(page), "s": secret})
    assert cancelled.status_code == 303
    assert "Dibatalkan oleh pemesan" in client.get(f"/b/{code}").get_data(as_text=True)

    other = book(client, kk, hhmm="1400", phone="0813 2222 3333").headers["Location"].split("/")[2]
    with state_of(app).db.write() as session:
        row = session.query(Booking).filter_by(code=other).one()
        row.state, row.cancelled_by, row.cancel_reason = (
            row.state.CANCELLED,
            "closure",
            "Listrik padam",
        )
    assert "Dibatalkan oleh MPP: Listrik padam" in client.get(f"/b/{other}").get_data(as_text=True)


def test_a_booking_is_moved_from_its_manage_page(client: FlaskClient, kk: int) -> None:
    manage = book(client, kk).headers["Location"]
    code, secret = manage.split("/")[2], manage.split("s=")[1].split("&")[0]
    page = client.get(f"/b/{code}/manage?s={secret}&date=2026-12-02").get_data(as_text=True)
    assert 'value="2026-12-02T05:00:00+00:00"' in page  # 12.00 in Jakarta
    moved = client.post(
        f"/b/{code}/reschedule",
        data={"csrf_token": csrf(page), "s": secret, "slot": "2026-12-02T05:00:00+00:00"},
    )
    assert moved.status_code == 303
    assert "12.00–13.00" in client.get(f"/b/{code}").get_data(as_text=True)


def test_unknown_codes_malformed_codes_and_wrong_secrets_look_the_same(
    client: FlaskClient, kk: int
) -> None:
    manage = book(client, kk).headers["Location"]
    code = manage.split("/")[2]
    answers = [
        client.get("/b/ZZZZZZZZ"),
        client.get("/b/not-a-code!"),
        client.get(f"/b/{code}/manage?s=wrong"),
        client.get(f"/b/{code}/manage"),
    ]
    assert {a.status_code for a in answers} == {404}
    # The same words (only the language switch's links name the address asked for).
    assert len({a.get_data(as_text=True).split("<main>")[1] for a in answers}) == 1


def test_a_lost_code_is_found_with_the_phone_and_the_date(client: FlaskClient, kk: int) -> None:
    code = book(client, kk).headers["Location"].split("/")[2]
    form = client.get("/booking/cari").get_data(as_text=True)
    found = client.post(
        "/booking/cari",
        data={"csrf_token": csrf(form), "phone": "+62 812-3456-7890", "date": TUESDAY},
    ).get_data(as_text=True)
    assert f'href="/b/{code}"' in found and "manage" not in found


def test_an_address_over_its_budget_is_asked_to_wait(
    client: FlaskClient, kk: int, clock: FakeClock
) -> None:
    for _ in range(PAGE_BUDGET):
        assert client.get("/b/ZZZZZZZZ").status_code == 404
    refused = client.get("/b/ZZZZZZZZ")
    assert refused.status_code == 429 and "Retry-After" in refused.headers
    assert "Tunggu satu menit" in refused.get_data(as_text=True)
    clock.advance(seconds=61)
    assert client.get("/b/ZZZZZZZZ").status_code == 404


def test_the_log_keeps_two_characters_of_a_booking_code() -> None:
    assert loggable_path("/b/K7QM3XHD/manage") == "/b/K7…/manage"
    assert loggable_path("/api/v1/bookings/K7QM-3XHD/cancel") == "/api/v1/bookings/K7…/cancel"


def test_a_calendar_file_escapes_text_and_folds_long_lines() -> None:
    moment = dt.datetime(2026, 12, 1, 10, 0, tzinfo=JAKARTA)
    text = calendar_file(
        CalendarEvent(
            uid="K7QM3XHD@mpp.example",
            stamp=moment,
            start=moment,
            end=moment + dt.timedelta(hours=1),
            summary="Akta; kelahiran, anak\\kedua",
            location="MPP Kabupaten Tangerang",
            description="Baris satu\nBaris dua " + "é" * 60,
            url="https://mpp.example/b/K7QM3XHD",
        )
    )
    assert "SUMMARY:Akta\\; kelahiran\\, anak\\\\kedua\r\n" in text
    assert "DESCRIPTION:Baris satu\\nBaris dua" in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    assert "DTSTART:20261201T030000Z" in text
    unfolded = text.replace("\r\n ", "")
    assert "é" * 60 in unfolded
    assert fold("x" * 80).split("\r\n ") == ["x" * 75, "x" * 5]


def test_a_form_sent_after_its_session_ended_asks_to_start_again_on_a_booking_page(
    app: Flask, client: FlaskClient, kk: int
) -> None:
    path = f"/booking/s/{kk}/{TUESDAY}/1000"
    client.get(path)
    details = {"name": "Siti Rahmawati", "phone": "0812 3456 7890", "consent": "yes"}
    answers = [
        client.post(path, data=details),  # no token at all
        client.post(path, data={**details, "csrf_token": "from-a-session-long-gone"}),
        app.test_client().post(path, data={**details, "csrf_token": "x"}),  # no cookie left
    ]
    for answer in answers:
        page = answer.get_data(as_text=True)
        assert answer.status_code == 400
        assert 'class="booking-page"' in page and "terlalu lama terbuka" in page
        assert f'href="{path}" id="start-again"' in page
    assert f'href="{path}?lang=en"' in answers[0].get_data(as_text=True)
    with state_of(app).db.read() as session:
        assert session.query(Booking).count() == 0  # nothing booked
    english = client.post(f"{path}?lang=en", data=details).get_data(as_text=True)
    assert "This page was open too long" in english and "Start again" in english
    assert book(client, kk).status_code == 303  # starting again works


def test_a_cancel_sent_after_its_session_ended_goes_back_to_the_manage_page(
    app: Flask, client: FlaskClient, kk: int
) -> None:
    manage = book(client, kk).headers["Location"]
    code, secret = manage.split("/")[2], manage.split("s=")[1].split("&")[0]

    late = app.test_client().post(f"/b/{code}/cancel", data={"s": secret, "csrf_token": "old"})

    page = late.get_data(as_text=True)
    assert late.status_code == 400 and "terlalu lama terbuka" in page
    assert f'href="/b/{code}/manage?s={secret}"' in page
    assert f'href="/b/{code}/manage?s={secret}&amp;lang=en"' in page  # not a GET of /cancel
    assert "Terdaftar" in client.get(f"/b/{code}").get_data(as_text=True)  # still booked


def test_a_lost_code_is_found_with_the_niks_last_four_the_service_and_the_date(
    app: Flask, client: FlaskClient, kk: int
) -> None:
    asks_for_the_nik(app, kk)
    code = book(client, kk, nik="3603015204900007").headers["Location"].split("/")[2]
    form = client.get("/booking/cari").get_data(as_text=True)
    assert 'name="nik_last4"' in form and f'<option value="{kk}"' in form

    def look(**fields: str) -> Any:
        data = {"csrf_token": csrf(form), "by": "nik", "date": TUESDAY, "service": str(kk)}
        return client.post("/booking/cari", data={**data, **fields})

    found = look(nik_last4="0007").get_data(as_text=True)
    assert f'href="/b/{code}"' in found and "manage" not in found
    assert "3603015204900007" not in found and "Siti" not in found
    # Another person's digits, another day: the same words as the phone look-up's "none".
    misses = [look(nik_last4="1234"), look(nik_last4="0007", date="2026-12-02")]
    nobody = client.post(
        "/booking/cari",
        data={"csrf_token": csrf(form), "phone": "0813 9999 0000", "date": TUESDAY},
    )
    answers = {
        a.get_data(as_text=True).split('id="found"')[1].split("</section>")[0]
        for a in [*misses, nobody]
    }
    assert len(answers) == 1 and "Tidak ada booking aktif" in answers.pop()
    assert {a.status_code for a in [*misses, nobody]} == {200}
    assert "4 angka terakhir NIK" in look(nik_last4="7").get_data(as_text=True)


def test_the_nik_look_up_counts_against_the_same_budget(client: FlaskClient, kk: int) -> None:
    form = client.get("/booking/cari").get_data(as_text=True)
    data = {"csrf_token": csrf(form), "by": "nik", "date": TUESDAY, "service": str(kk)}
    answers = [
        client.post("/booking/cari", data={**data, "nik_last4": f"{n:04d}"})
        for n in range(PAGE_BUDGET)
    ]
    assert answers[-2].status_code == 200 and answers[-1].status_code == 429


def test_the_nik_look_up_is_offered_only_where_a_nik_was_asked(
    client: FlaskClient, kk: int
) -> None:
    assert 'name="nik_last4"' not in client.get("/booking/cari").get_data(as_text=True)


def test_each_agency_has_its_colour_from_a_stylesheet_not_an_inline_style(
    app: Flask, client: FlaskClient, kk: int, hall: Hall
) -> None:
    start = client.get("/booking")
    page = start.get_data(as_text=True)
    sheet_url = re.search(r'href="(/booking/agencies\.css\?v=\d+)"', page)
    assert sheet_url is not None
    assert f'class="choice agency-{hall.dk}"' in page and "style=" not in page
    assert "style-src 'self'" in start.headers["Content-Security-Policy"]
    sheet = client.get(sheet_url.group(1))
    assert sheet.mimetype == "text/css" and "immutable" in sheet.headers["Cache-Control"]
    with state_of(app).db.read() as session:
        colour = session.get(Agency, hall.dk).colour.upper()  # type: ignore[union-attr]
    assert f".agency-{hall.dk} {{ --agency: {colour};" in sheet.get_data(as_text=True)
    code = book(client, kk).headers["Location"].split("/")[2]
    assert f"booking-card agency-{hall.dk} " in client.get(f"/b/{code}").get_data(as_text=True)


def test_a_new_agency_colour_is_a_new_stylesheet_address(
    app: Flask, client: FlaskClient, kk: int, hall: Hall
) -> None:
    before = re.findall(r'href="(/booking/agencies\.css[^"]*)"', client.get("/booking").text)[0]
    with state_of(app).db.write() as session:
        session.get(Agency, hall.dk).colour = "#FFD23F"  # type: ignore[union-attr]
    after = re.findall(r'href="(/booking/agencies\.css[^"]*)"', client.get("/booking").text)[0]
    assert after != before
    sheet = client.get(after).get_data(as_text=True)
    # A yellow reads badly on white: the text takes a darker shade of it.
    assert f".agency-{hall.dk} {{ --agency: #FFD23F; --agency-ink: #" in sheet
    assert "no-cache" in client.get(before).headers["Cache-Control"]


def test_an_agency_colour_as_text_always_reads_on_white() -> None:
    for colour in ("#FFD23F", "#FFFFFF", "#1E5AA8", "#00FF00", "#B3267A"):
        assert contrast(rgb_of(readable_ink(colour)), (255, 255, 255)) >= 4.5
    assert readable_ink("#153F77") == "#153F77"  # dark enough already: unchanged
    assert stylesheet([(1, "red; } body { x"), (2, "#1e5aa8")]).count("--agency:") == 1
