"""A report's table as the page shows it, and as CSV and XLSX files.

The columns are defined once here and used by the page, the CSV and the workbook, so a
file always says what the page says: the same rows, the same rounding (minutes and
percentages to one decimal).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from server.domain.reports import BookingFigures, Figures, Grouping, Report
from server.report_requests import DEFINITIONS
from server.web.i18n import id_en
from shared.text import without_controls

Value = int | float | None


@dataclass(frozen=True)
class Column:
    """One figure column of the report table, said once for the page, the CSV and the
    XLSX file: its titles in both languages, its unit and where it applies."""

    key: str
    indonesian: str
    english: str
    value: Callable[[Figures], Value]
    unit: str = ""  # "min" or "%": how the page formats it
    counters_only: bool = False
    lines_only: bool = False  # issued and cancelled: nobody called them
    bookings_only: bool = False  # shown when the period had bookings or booked tickets

    @property
    def title(self) -> str:
        return id_en(self.indonesian, self.english)


def _minutes(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 60.0, 1)


def _percent(share: float | None) -> float | None:
    return None if share is None else round(share * 100.0, 1)


COLUMNS: tuple[Column, ...] = (
    Column("issued", "Diambil", "Issued", lambda f: f.issued, lines_only=True),
    Column("served", "Dilayani", "Served", lambda f: f.served),
    Column("no_show", "Tidak hadir", "No-show", lambda f: f.no_show),
    Column("cancelled", "Batal", "Cancelled", lambda f: f.cancelled, lines_only=True),
    Column("transferred", "Dialihkan", "Transferred", lambda f: f.transferred),
    Column("expired", "Kedaluwarsa", "Expired", lambda f: f.expired),
    Column("calls", "Panggilan", "Calls", lambda f: f.calls),
    Column("avg_wait", "Rata-rata tunggu", "Average wait", lambda f: _minutes(f.avg_wait), "min"),
    Column("p90_wait", "Tunggu P90", "90th pct. wait", lambda f: _minutes(f.p90_wait), "min"),
    Column("max_wait", "Tunggu terlama", "Longest wait", lambda f: _minutes(f.max_wait), "min"),
    Column(
        "avg_service",
        "Rata-rata layanan",
        "Average service",
        lambda f: _minutes(f.avg_service),
        "min",
    ),
    Column(
        "service_level",
        "Dalam target",
        "Within target",
        lambda f: _percent(f.service_level),
        "%",
    ),
    Column(
        "booked",
        "Dari pemesanan",
        "From bookings",
        lambda f: f.booked,
        lines_only=True,
        bookings_only=True,
    ),
    Column(
        "online_share",
        "Bagian online",
        "Online share",
        lambda f: _percent(f.online_share),
        "%",
        lines_only=True,
        bookings_only=True,
    ),
    Column(
        "avg_wait_booked",
        "Tunggu (pesan)",
        "Wait (booked)",
        lambda f: _minutes(f.avg_wait_booked),
        "min",
        bookings_only=True,
    ),
    Column(
        "avg_wait_walk_in",
        "Tunggu (langsung)",
        "Wait (walk-in)",
        lambda f: _minutes(f.avg_wait_walk_in),
        "min",
        bookings_only=True,
    ),
    Column(
        "open_hours",
        "Jam buka",
        "Open hours",
        lambda f: None if f.open_seconds is None else round(f.open_seconds / 3600.0, 1),
        "h",
        counters_only=True,
    ),
    Column(
        "utilisation",
        "Utilisasi",
        "Utilisation",
        lambda f: _percent(f.utilisation),
        "%",
        counters_only=True,
    ),
)

GROUP_TITLES = {
    Grouping.AGENCY: ("Instansi", "Agency"),
    Grouping.SERVICE: ("Layanan", "Service"),
    Grouping.COUNTER: ("Loket", "Counter"),
    Grouping.OFFICER: ("Petugas", "Officer"),
}


def columns_for(report: Report) -> list[Column]:
    """The columns a report shows: a hall that takes no bookings sees no booking columns."""
    booked = bool(report.total.booked or report.bookings)
    return [
        column
        for column in COLUMNS
        if (not column.counters_only or report.grouping == Grouping.COUNTER)
        and (not column.lines_only or report.shows_issued)
        and (not column.bookings_only or booked)
    ]


@dataclass(frozen=True)
class TableRow:
    """One row of the report table as every output shows it (the total row last)."""

    label: str
    detail: str
    values: list[Value]
    total: bool = False


def table(report: Report) -> tuple[list[str], list[TableRow]]:
    """Headers and rows (the total last) exactly as every output shows them."""
    cols = columns_for(report)
    group = id_en(*GROUP_TITLES[report.grouping])
    headers = [group, id_en("Kode", "Code"), *(c.title + _unit(c.unit) for c in cols)]
    rows = [
        TableRow(row.label, row.detail, [c.value(row.figures) for c in cols]) for row in report.rows
    ]
    total_label = (
        id_en("Total", "Total") + f" · {report.agency_name}"
        if report.agency_name
        else id_en("Total seluruh mal", "Whole hall total")
    )
    totals = [c.value(report.total) for c in cols]
    if report.grouping == Grouping.COUNTER:
        # The whole hall's open time is not the sum of what its rows show; leave it blank.
        totals = [None if c.counters_only else v for c, v in zip(cols, totals, strict=True)]
    rows.append(TableRow(total_label, "", totals, total=True))
    return headers, rows


def _unit(unit: str) -> str:
    return {"min": id_en(" (menit)", " (min)"), "%": " (%)", "h": id_en(" (jam)", " (h)")}.get(
        unit, ""
    )


def file_name(report: Report, extension: str) -> str:
    scope = f"-{report.agency_name}" if report.agency_name else ""
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in scope)
    return f"laporan-antrean-{report.period.key}-{report.grouping.value}{safe}.{extension}"


# A cell starting with one of these is a formula to Excel and LibreOffice.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def as_text(name: str) -> str:
    """A name typed by staff as a spreadsheet cell: text, never a formula. Anyone who
    may name a service, counter or officer (a supervisor) would otherwise put a formula
    (``=HYPERLINK(...)``) into the admin's Excel; a leading apostrophe keeps it text."""
    name = cell_text(name)
    return "'" + name if name.startswith(FORMULA_START) else name


def cell_text(name: str) -> str:
    """A stored name without control characters: names are checked when typed
    (``shared.text``), but a row from before that check may hold one, and openpyxl
    refuses to write it (``IllegalCharacterError``: the whole export would fail)."""
    return without_controls(name)


def csv_bytes(report: Report) -> bytes:
    """UTF-8 with a byte-order mark (so Excel reads the names right), comma separated,
    a dot for decimals, empty where nothing was measured."""
    headers, rows = table(report)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        values = ("" if v is None else v for v in row.values)
        writer.writerow([as_text(row.label), as_text(row.detail), *values])
    if report.bookings:
        # The page's second table, below the first after an empty row and its title, as
        # the page shows it: a spreadsheet opens one file, and the API has them apart.
        writer.writerow([])
        writer.writerow([bookings_title()])
        writer.writerow(booking_headers())
        for cells in [*booking_table(report), booking_total_row(report)]:
            writer.writerow(_csv_cell(value) for value in cells)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _csv_cell(value: dt.date | str | int | float | None) -> str | int | float:
    if value is None:
        return ""
    if isinstance(value, str):
        return as_text(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def xlsx_bytes(report: Report, site_name: str, generated: dt.datetime) -> bytes:
    """A workbook: the table (numbers as numbers) with the period and definitions above
    it, and sheets of arrivals and served per hour and per day."""
    headers, rows = table(report)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = id_en("Laporan", "Report")
    bold = Font(bold=True)
    sheet.append([cell_text(site_name)])
    sheet["A1"].data_type = "s"  # a string cell, never a formula (see as_text)
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([id_en("Periode", "Period"), period_text(report)])
    sheet.append([id_en("Dibuat", "Generated"), generated.strftime("%Y-%m-%d %H:%M")])
    for line in definitions():
        sheet.append([line])
    sheet.append([])
    header_row = sheet.max_row + 1
    sheet.append(headers)
    fill = PatternFill("solid", fgColor="DDE6F2")
    for cell in sheet[header_row]:
        cell.font = bold
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        sheet.append([cell_text(row.label), cell_text(row.detail), *row.values])
        for cell in sheet[sheet.max_row][:2]:
            cell.data_type = "s"  # names stay text in Excel, whatever they start with
        if row.total:
            for cell in sheet[sheet.max_row]:
                cell.font = bold
    sheet.column_dimensions["A"].width = 34
    sheet.column_dimensions["B"].width = 18
    for index in range(3, len(headers) + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 13
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=3)

    hours = book.create_sheet(id_en("Per jam", "By hour"))
    hours.append(
        [id_en("Jam", "Hour"), id_en("Kedatangan", "Arrivals"), id_en("Dilayani", "Served")]
    )
    for hour in range(24):
        hours.append([f"{hour:02d}:00", report.arrivals_by_hour[hour], report.served_by_hour[hour]])
    days = book.create_sheet(id_en("Per hari", "By day"))
    days.append([id_en("Tanggal", "Date"), id_en("Diambil", "Issued"), id_en("Dilayani", "Served")])
    for (day, issued), (_, served) in zip(report.issued_by_day, report.served_by_day, strict=True):
        days.append([day, issued, served])
        days.cell(row=days.max_row, column=1).number_format = "yyyy-mm-dd"
    booked = _bookings_sheet(book, report)
    for extra in (hours, days, booked):
        for cell in extra[1]:
            cell.font = bold
        extra.column_dimensions["A"].width = 14
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _bookings_sheet(book: Workbook, report: Report) -> Worksheet:
    """The page's bookings table: its rows, then its total (bold)."""
    booked = book.create_sheet(id_en("Pemesanan", "Bookings"))
    booked.append(booking_headers())
    for booking_row in booking_table(report):
        booked.append(booking_row)
        booked.cell(row=booked.max_row, column=1).number_format = "yyyy-mm-dd"
        for cell in booked[booked.max_row][1:3]:
            cell.data_type = "s"
    if report.bookings:
        booked.append(booking_total_row(report))
        for cell in booked[booked.max_row]:
            cell.font = Font(bold=True)
    return booked


def booking_headers() -> list[str]:
    """The bookings table's headers in the page's language."""
    return [
        id_en("Tanggal", "Date"),
        id_en("Kode", "Code"),
        id_en("Layanan", "Service"),
        id_en("Dipesan", "Made"),
        id_en("Check-in", "Checked in"),
        id_en("Terlambat", "Late"),
        id_en("Tidak hadir", "No-show"),
        id_en("Batal", "Cancelled"),
        id_en("Tidak hadir (%)", "No-show (%)"),
        id_en("Menit sebelum slot", "Minutes before slot"),
        id_en("Tepat waktu (%)", "By the slot (%)"),
    ]


BookingCells = list[dt.date | str | int | float | None]


def booking_cells(figures: BookingFigures) -> list[int | float | None]:
    avg = figures.avg_minutes_before_slot
    return [
        figures.made,
        figures.checked_in,
        figures.late,
        figures.no_show,
        figures.cancelled,
        _percent(figures.no_show_share),
        None if avg is None else round(avg, 1),
        _percent(figures.on_time_share),
    ]


def booking_table(report: Report) -> list[BookingCells]:
    """The bookings per service and day as every output shows them (no total row: the
    page shows it apart)."""
    return [
        [row.day, cell_text(row.code), cell_text(row.name), *booking_cells(row.figures)]
        for row in report.bookings
    ]


def booking_total_row(report: Report) -> BookingCells:
    """The bookings table's total row as the files write it (the page spans the date,
    code and service cells with "Total")."""
    total = report.bookings_total or BookingFigures()
    return [id_en("Total", "Total"), "", "", *booking_cells(total)]


def bookings_title() -> str:
    """The bookings table's title, as the page heads it."""
    return id_en("Pemesanan per layanan dan hari", "Bookings per service and day")


def period_text(report: Report) -> str:
    period = report.period
    if period.first == period.last:
        return period.first.isoformat()
    return f"{period.first.isoformat()} – {period.last.isoformat()}"


def definitions() -> list[str]:
    """How every figure is computed, in the page's language (also printed on the page and
    given by the API)."""
    return [id_en(indonesian, english) for indonesian, english in DEFINITIONS]
