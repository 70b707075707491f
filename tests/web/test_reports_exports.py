"""The reports page, CSV and XLSX in-process: the files say what the page says, a
supervisor gets only their agency whatever the request, and bad input is a clear 4xx."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from flask import Flask
from openpyxl import load_workbook

from server.models import Service
from server.state import AppState
from tests.factories import Hall
from tests.server.domain.test_reports import seed_day
from tests.web.console_login import client_session

DAY = "period=day&date=2026-11-30"


@pytest.fixture
def seeded(app: Flask, hall: Hall) -> None:
    """The hand-counted day of tests/server/domain/test_reports.py in the app's database."""
    state: AppState = app.extensions["antre"]
    with state.db.write() as session:
        seed_day(session, hall)


def page_table(html: str, table_id: str = "report-table") -> list[list[str]]:
    """A table's rows as the page writes them (the report's: label, code, figures)."""
    body = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    rows = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body.split("<tbody>", 1)[1], re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        rows.append([re.sub(r"\s+", " ", c).strip() for c in cells])
    return rows


def number(cell: Any) -> float | None:
    """A figure from any of the three: "20,7" on the Indonesian page, "20.7" in the CSV,
    20.7 in the workbook; "—", "" and an empty cell are nothing measured."""
    if cell is None or cell in ("", "—"):
        return None
    if isinstance(cell, str):
        return float(cell.replace(".", "").replace(",", ".") if "," in cell else cell)
    return float(cell)


def figures_of(rows: list[list[Any]]) -> list[tuple[str, list[float | None]]]:
    return [(str(r[0]).replace("&amp;", "&"), [number(c) for c in r[2:]]) for r in rows]


def without_quiet(
    rows: list[tuple[str, list[float | None]]],
) -> list[tuple[str, list[float | None]]]:
    """The rows the page shows in its table: those with a figure, and the total (last)."""
    return [row for row in rows[:-1] if any(row[1])] + rows[-1:]


def folded_rows(html: str) -> list[str]:
    """The names of the rows the page folds away as without activity."""
    if 'id="quiet-rows"' not in html:
        return []
    folded = html.split('id="quiet-rows"', 1)[1].split("</details>", 1)[0]
    return re.findall(r'<span class="quiet-name">([^<]*)</span>', folded)


@pytest.mark.parametrize("group", ["service", "counter"])
def test_csv_and_xlsx_hold_the_page_s_figures(app: Flask, seeded: None, group: str) -> None:
    client = client_session(app, "admin")
    query = f"{DAY}&group={group}"

    page = client.get(f"/reports?{query}")
    csv_file = client.get(f"/reports.csv?{query}")
    xlsx_file = client.get(f"/reports.xlsx?{query}")

    assert page.status_code == csv_file.status_code == xlsx_file.status_code == 200
    html = page.get_data(as_text=True)
    # The page folds the rows without activity (Loket 4 did nothing); the files keep them.
    shown, folded = figures_of(page_table(html)), folded_rows(html)
    rows = list(csv.reader(io.StringIO(csv_file.get_data(as_text=True).lstrip("\ufeff"))))
    assert without_quiet(figures_of(rows[1:])) == shown
    assert [label for label, figures in figures_of(rows[1:]) if not any(figures)] == folded
    sheet = load_workbook(io.BytesIO(xlsx_file.get_data()))["Laporan"]
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    header_at = next(i for i, r in enumerate(values) if r[0] == rows[0][0])
    assert [str(v) for v in values[header_at]] == rows[0]
    assert figures_of(values[header_at + 1 :]) == figures_of(rows[1:])
    assert len(rows[1:]) == {"service": 4, "counter": 5}[group]  # the rows and the total
    assert folded == {"service": [], "counter": ["Loket 4"]}[group]
    assert (
        'attachment; filename="laporan-antrean-2026-11-30-'
        in csv_file.headers["Content-Disposition"]
    )


def test_the_page_shows_the_hand_count(app: Flask, seeded: None) -> None:
    client = client_session(app, "admin")

    rows = page_table(client.get(f"/reports?{DAY}&group=service").get_data(as_text=True))

    # label, code, issued, served, no-show, cancelled, transferred, expired, calls,
    # average / P90 / longest wait, average service, within target (%); the day had a
    # booked ticket (T8), so: from bookings, online share (%), wait booked / walk-in
    assert rows[0][2:] == [
        "4",
        "1",
        "0",
        "0",
        "2",
        "1",
        "3",
        "20,7",
        "29,0",
        "29,0",
        "14,0",
        "66,7",
        "0",
        "0,0",
        "—",
        "20,7",  # T1 10, T2 23, T6 29
    ]
    assert rows[-1][0] == "Total seluruh mal"
    assert rows[-1][2:] == [
        "10",
        "8",
        "1",
        "1",
        "2",
        "1",
        "11",
        "13,7",
        "28,0",
        "29,0",
        "11,1",
        "81,8",
        "1",
        "10,0",  # T8 of 10 issued
        "5,0",  # T8: called 09:05, booked for 09:00
        "14,6",  # the other ten calls: 146 minutes
    ]


def test_a_supervisor_gets_only_their_agency_also_in_the_files(app: Flask, seeded: None) -> None:
    client = client_session(app, "sup.dk")

    page = client.get(f"/reports?{DAY}&group=service").get_data(as_text=True)
    csv_text = client.get(f"/reports.csv?{DAY}&group=agency").get_data(as_text=True)
    other = client.get(f"/reports.csv?{DAY}&agency=SM", headers={"Accept": "application/json"})
    other_page = client.get(f"/reports?{DAY}&agency=SM")

    assert "Pajak kendaraan" not in page and "Perekaman KTP-el" in page
    assert "Samsat" not in csv_text and "Disdukcapil" in csv_text
    assert other.status_code == 403 and other.get_json()["error"]["code"] == "forbidden"
    assert other_page.status_code == 403


@pytest.mark.parametrize(
    "query",
    [
        "period=day&date=2026-02-30",
        "period=week",
        "period=range&from=2026-11-30&to=2026-11-01",
        "period=month&month=" + "9" * 500,
        "period=day&date=2026-11-30&group=zone",
        "period=day&date=2026-11-30&agency=XX",
        "period=range&from=1900-01-01&to=2026-11-01",
    ],
)
def test_bad_input_is_a_clear_4xx_never_a_500(app: Flask, query: str) -> None:
    client = client_session(app, "admin")

    page = client.get(f"/reports?{query}")
    export = client.get(f"/reports.xlsx?{query}", headers={"Accept": "application/json"})

    assert page.status_code == 422
    assert 'class="field-error"' in page.get_data(as_text=True)
    assert export.status_code == 422
    assert export.get_json()["error"]["code"] == "validation_error"


def test_reports_need_a_console_login(app: Flask) -> None:
    anonymous = app.test_client()
    assert anonymous.get("/reports.csv").status_code == 302
    assert "/login" in anonymous.get("/reports").headers["Location"]


def test_services_without_activity_are_folded_under_one_line(
    app: Flask, hall: Hall, seeded: None
) -> None:
    """A hall of 75 services lists mostly zeros on a given day: those fold away."""
    state: AppState = app.extensions["antre"]
    with state.db.write() as session:
        ktp = session.get(Service, hall.ktp)
        assert ktp is not None
        for code, name in (("DK-AKTA", "Akta kelahiran"), ("DK-KIA", "Kartu identitas anak")):
            session.add(
                Service(
                    agency_id=hall.dk,
                    series_id=ktp.series_id,
                    code=code,
                    name=name,
                    position=9,
                    hours={},
                )
            )
    client = client_session(app, "admin")

    html = client.get(f"/reports?{DAY}&group=service").get_data(as_text=True)

    assert [row[0] for row in page_table(html)] == [
        "Perekaman KTP-el",
        "Perubahan KK",
        "Pajak kendaraan tahunan",
        "Total seluruh mal",
    ]
    assert "<summary>2 layanan tanpa aktivitas</summary>" in html
    assert folded_rows(html) == ["Akta kelahiran", "Kartu identitas anak"]
    exported = client.get(f"/reports.csv?{DAY}&group=service").get_data(as_text=True)
    assert "Akta kelahiran" in exported and "Kartu identitas anak" in exported
    english = client.get(f"/reports?{DAY}&group=service&lang=en").get_data(as_text=True)
    assert "<summary>2 services without activity</summary>" in english


def test_a_report_where_every_row_worked_folds_nothing(app: Flask, seeded: None) -> None:
    client = client_session(app, "admin")
    html = client.get(f"/reports?{DAY}&group=agency").get_data(as_text=True)
    assert "quiet-rows" not in html
    assert len(page_table(html)) == 3
