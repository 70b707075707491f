"""The booking figures of a report in its CSV and XLSX files: the hand-counted morning of
tests/server/domain/test_reports_bookings.py (five bookings of KK and PKB, three
check-ins, one no-show, one cancelled) gives the same numbers in the files as on the page
and in the API.

By hand, rounded as the page rounds (minutes and percentages to one decimal):

    KK   made 4, checked in 2 (A 20 min before its slot, B 5 after), late 0, no-show 1
         (C), cancelled 1 (D); no-show 1 of 3 = 33.3 %; (20 − 5) / 2 = 7.5 min before;
         by the slot 1 of 2 = 50.0 %
    PKB  made 1, checked in 1 late (E, 20 min after): −20.0 min, by the slot 0.0 %
    all  made 5, checked in 3, late 1, no-show 1, cancelled 1; 1 of 4 = 25.0 %;
         (20 − 5 − 20) / 3 = −1.7 min; 1 of 3 = 33.3 %
    tickets: 4 issued, 3 from bookings (A, B, E) = 75.0 % online; booked wait A 15 and
         B 5 = 10.0 min beside the walk-in W's 25.0 min
"""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from flask import Flask
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from server.domain.context import SYSTEM, Actor, Ctx
from server.domain.settings import load_settings
from server.state import AppState
from tests.conftest import Api, FakeClock
from tests.factories import Hall
from tests.server.domain.conftest import Desk
from tests.server.domain.test_reports_bookings import run_the_morning
from tests.web.console_login import client_session
from tests.web.test_reports_exports import number, page_table

QUERY = "period=day&date=2026-11-30&group=service"

# date, code, service, made, checked in, late, no-show, cancelled, no-show %, minutes
# before the slot, by the slot %
BY_HAND = [
    ["2026-11-30", "DK-KK", "Perubahan KK", 4, 2, 0, 1, 1, 33.3, 7.5, 50.0],
    ["2026-11-30", "SM-PKB", "Pajak kendaraan tahunan", 1, 1, 1, 0, 0, 0.0, -20.0, 0.0],
]
TOTAL_BY_HAND = [5, 3, 1, 1, 1, 25.0, -1.7, 33.3]
# The report table's total row: from bookings, online share %, wait booked, wait walk-in
TICKETS_BY_HAND = [3, 75.0, 10.0, 25.0]


@pytest.fixture
def morning(app: Flask, hall: Hall, clock: FakeClock) -> None:
    state: AppState = app.extensions["antre"]

    def make(session: Session, user: str | None = "petugas.dk") -> Ctx:
        actor = SYSTEM if user is None else Actor(user_id=hall.users[user])
        return Ctx(session, clock(), load_settings(session), actor)

    with state.db.write() as session:
        run_the_morning(Desk(session, clock, hall, make))


def cells(row: list[Any]) -> list[Any]:
    """A bookings row with its figures read as numbers (date, code and name as text)."""
    return [str(row[0])[:10], *row[1:3], *(number(c) for c in row[3:])]


def csv_sections(text: str) -> list[list[list[str]]]:
    """The CSV's tables, split at the empty row between them."""
    sections: list[list[list[str]]] = [[]]
    for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))):
        if not row:
            sections.append([])
        else:
            sections[-1].append(row)
    return sections


def test_the_csv_holds_the_bookings_table_as_counted_by_hand(app: Flask, morning: None) -> None:
    client = client_session(app, "admin")

    answer = client.get(f"/reports.csv?{QUERY}")

    assert answer.status_code == 200
    report, bookings = csv_sections(answer.get_data(as_text=True))
    assert report[0][-4:] == [
        "Dari pemesanan",
        "Bagian online (%)",
        "Tunggu (pesan) (menit)",
        "Tunggu (langsung) (menit)",
    ]
    assert [number(c) for c in report[-1][-4:]] == TICKETS_BY_HAND
    assert bookings[0] == ["Pemesanan per layanan dan hari"]
    assert bookings[1][:4] == ["Tanggal", "Kode", "Layanan", "Dipesan"]
    assert [cells(row) for row in bookings[2:-1]] == BY_HAND
    assert bookings[-1][:3] == ["Total", "", ""]
    assert [number(c) for c in bookings[-1][3:]] == TOTAL_BY_HAND


def test_the_workbook_s_bookings_sheet_has_the_same_rows_and_the_total(
    app: Flask, morning: None
) -> None:
    client = client_session(app, "admin")

    book = load_workbook(io.BytesIO(client.get(f"/reports.xlsx?{QUERY}").get_data()))

    rows = [list(r) for r in book["Pemesanan"].iter_rows(values_only=True)]
    assert [cells(row) for row in rows[1:-1]] == BY_HAND
    assert rows[-1][:3] == ["Total", None, None]
    assert [number(c) for c in rows[-1][3:]] == TOTAL_BY_HAND
    report = [list(r) for r in book["Laporan"].iter_rows(values_only=True)]
    assert [number(c) for c in report[-1][-4:]] == TICKETS_BY_HAND


def test_the_files_say_what_the_page_and_the_api_say(app: Flask, morning: None, api: Api) -> None:
    client = client_session(app, "admin")
    html = client.get(f"/reports?{QUERY}").get_data(as_text=True)
    exported = csv_sections(client.get(f"/reports.csv?{QUERY}").get_data(as_text=True))
    english = csv_sections(client.get(f"/reports.csv?{QUERY}&lang=en").get_data(as_text=True))
    body = api.as_user("admin").get(f"/api/v1/reports?{QUERY}").get_json()

    page = page_table(html, "booking-table")
    assert [cells(row) for row in page[:-1]] == [cells(row) for row in exported[1][2:-1]]
    assert [number(c) for c in page[-1][1:]] == TOTAL_BY_HAND  # "Total" spans three cells
    assert [number(c) for c in page_table(html)[-1][-4:]] == TICKETS_BY_HAND
    from_api = [
        [
            row["date"],
            row["code"],
            row["name"],
            row["figures"]["made"],
            row["figures"]["checked_in"],
            row["figures"]["late"],
            row["figures"]["no_show"],
            row["figures"]["cancelled"],
            round(row["figures"]["no_show_share"] * 100, 1),
            round(row["figures"]["avg_minutes_before_slot"], 1),
            round(row["figures"]["on_time_share"] * 100, 1),
        ]
        for row in body["bookings"]
    ]
    assert from_api == BY_HAND
    assert body["bookings_total"]["made"] == 5 and body["total"]["booked"] == 3
    assert english[1][0] == ["Bookings per service and day"]
    assert english[1][1][:4] == ["Date", "Code", "Service", "Made"]
