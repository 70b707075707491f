"""The survey report's figures as the page, the CSV, the workbook and the printed
publication show them: the rows rounded once here (NRR to 4 decimals, the IKM to 2, half
up, as ``GET /api/v1/reports/skm``), so every output says the same number.

Kept apart from ``server.web.exports`` (the queue report's table): the two reports share
the guard against formulas (``as_text``, ``cell_text``) and nothing else.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from server.domain.skm.figures import ElementScore, SkmReport, SkmRow
from server.domain.skm.index import Grade, Index, nrr_grade, rounded
from server.domain.skm.questionnaire import ELEMENTS, PROFILE
from server.web.exports import GROUP_TITLES, as_text, cell_text
from server.web.i18n import MONTH_NAMES, id_en

REGULATION = "Peraturan Menteri PANRB No. 14 Tahun 2017"


@dataclass(frozen=True)
class SkmLine:
    """One row of the survey table as every output shows it: ``ikm`` and ``nrr`` are None
    without respondents or when the row is under the anonymity floor (``suppressed``)."""

    label: str
    respondents: int
    population: int
    minimum_sample: int
    below_sample: bool
    suppressed: bool
    nrr: list[Decimal | None]
    ikm: Decimal | None
    grade: str | None
    total: bool = False


def nrr4(value: Fraction) -> Decimal:
    """An NRR or a weighted sum to 4 decimals, half up (the API's rounding)."""
    return rounded(value, 4)


def line(row: SkmRow, label: str | None = None, *, total: bool = False) -> SkmLine:
    index = row.index
    return SkmLine(
        label=row.name if label is None else label,
        respondents=row.respondents,
        population=row.population,
        minimum_sample=row.minimum_sample,
        below_sample=row.below_sample,
        suppressed=row.suppressed,
        nrr=[nrr4(v) for v in index.nrr] if index is not None else [None] * len(ELEMENTS),
        ikm=index.unit_rounded if index is not None else None,
        grade=index.grade.value if index is not None else None,
        total=total,
    )


def total_label(report: SkmReport) -> str:
    if report.agency_name:
        return id_en("Total", "Total") + f" · {report.agency_name}"
    return id_en("Total seluruh mal", "Whole hall total")


def survey_table(report: SkmReport) -> tuple[list[str], list[SkmLine]]:
    """Headers and rows (the total last) of the per-unit table."""
    headers = [
        id_en(*GROUP_TITLES[report.grouping]),
        id_en("Responden", "Respondents"),
        id_en("Dilayani", "Served"),
        id_en("Sampel minimum", "Minimum sample"),
        id_en("Di bawah sampel", "Below sample"),
        *(e.code for e in ELEMENTS),
        "IKM",
        id_en("Mutu", "Grade"),
    ]
    rows = [line(r) for r in report.rows]
    rows.append(line(report.total, total_label(report), total=True))
    return headers, rows


@dataclass(frozen=True)
class ElementLine:
    """One element of the whole period's index: the publication's table."""

    code: str
    name: str
    nrr: Decimal
    weighted: Decimal
    grade: str
    lowest: bool


def element_lines(index: Index | None, lowest: list[ElementScore]) -> list[ElementLine]:
    """The nine elements with their NRR, NRR × 1/9 and grade; the lowest marked."""
    if index is None:
        return []
    low = {s.element.code for s in lowest}
    return [
        ElementLine(
            e.code,
            id_en(e.name_id, e.name_en),
            nrr4(v),
            nrr4(v / 9),
            nrr_grade(v).value,
            e.code in low,
        )
        for e, v in zip(ELEMENTS, index.nrr, strict=True)
    ]


def grade_label(grade: str | None) -> str:
    if grade is None:
        return ""
    return id_en(Grade(grade).label_id, Grade(grade).label_en)


def period_label(kind: str, first: dt.date, last: dt.date) -> str:
    """The period as a unit names it on paper: "November 2026", "Semester II 2026"."""
    if kind == "day":
        return f"{first.day} {id_en(*MONTH_NAMES[first.month - 1])} {first.year}"
    if kind == "month":
        return f"{id_en(*MONTH_NAMES[first.month - 1])} {first.year}"
    if kind == "semester":
        half = "I" if first.month == 1 else "II"
        return id_en(f"Semester {half} {first.year}", f"Semester {half} {first.year}")
    return id_en(f"Tahun {first.year}", f"Year {first.year}")


def file_name(report: SkmReport, kind: str, key: str, extension: str) -> str:
    scope = f"-{report.agency_name}" if report.agency_name else ""
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in scope)
    return f"laporan-skm-{kind}-{key}-{report.grouping.value}{safe}.{extension}"


def _plain(value: Decimal | int | bool | str | None) -> str | int:
    if value is None:
        return ""
    if isinstance(value, bool):
        return id_en("ya", "yes") if value else ""
    if isinstance(value, Decimal):
        return str(value)
    return value


def csv_bytes(report: SkmReport) -> bytes:
    """UTF-8 with a byte-order mark, comma separated, a dot for decimals, empty where no
    index is given (nobody answered, or fewer than the anonymity floor)."""
    headers, rows = survey_table(report)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow(
            [
                as_text(row.label),
                row.respondents,
                row.population,
                row.minimum_sample,
                _plain(row.below_sample),
                *(_plain(v) for v in row.nrr),
                _plain(row.ikm),
                _plain(row.grade),
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


_BOLD = Font(bold=True)
_FILL = PatternFill("solid", fgColor="DDE6F2")


def _header(sheet: Worksheet, values: list[str]) -> None:
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        cell.font = _BOLD
        cell.fill = _FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def xlsx_bytes(
    report: SkmReport,
    site_name: str,
    period: str,
    generated: dt.datetime,
    trend: list[SkmRow],
    definitions: list[str],
) -> bytes:
    """A workbook: the per-unit table (numbers as numbers, NRR to 4 decimals and the IKM
    to 2) under the period and definitions; sheets for the elements, the trend, the
    profile, the hours, the wait bands and the unit's own questions."""
    headers, rows = survey_table(report)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "IKM"
    sheet.append([cell_text(site_name)])
    sheet["A1"].data_type = "s"
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([id_en("Periode", "Period"), period])
    sheet.append([id_en("Dasar", "Regulation"), REGULATION])
    sheet.append([id_en("Dibuat", "Generated"), generated.strftime("%Y-%m-%d %H:%M")])
    for text in definitions:
        sheet.append([text])
    sheet.append([])
    header_row = sheet.max_row + 1
    _header(sheet, headers)
    for row in rows:
        sheet.append(
            [
                cell_text(row.label),
                row.respondents,
                row.population,
                row.minimum_sample,
                _plain(row.below_sample),
                *(_number(v) for v in row.nrr),
                _number(row.ikm),
                row.grade,
            ]
        )
        cells = sheet[sheet.max_row]
        cells[0].data_type = "s"
        for cell in cells[5 : 5 + len(ELEMENTS)]:
            cell.number_format = "0.0000"
        cells[5 + len(ELEMENTS)].number_format = "0.00"
        if row.total:
            for cell in cells:
                cell.font = _BOLD
    sheet.column_dimensions["A"].width = 34
    for index in range(2, len(headers) + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 11
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=2)
    _elements_sheet(book, report)
    _rows_sheet(book, id_en("Tren", "Trend"), id_en("Periode", "Period"), trend)
    _profile_sheet(book, report)
    _rows_sheet(book, id_en("Per jam", "By hour"), id_en("Jam", "Hour"), report.by_hour)
    bands = [
        (id_en("Menunggu lebih dari target", "Waited over the target"), report.over_target),
        (id_en("Menunggu dalam target", "Waited within the target"), report.within_target),
    ]
    _rows_sheet(
        book,
        id_en("Waktu tunggu", "Waiting time"),
        id_en("Kelompok", "Group"),
        [r for _, r in bands],
        labels=[label for label, _ in bands],
    )
    _extra_sheet(book, report)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _elements_sheet(book: Workbook, report: SkmReport) -> None:
    sheet = book.create_sheet(id_en("Unsur", "Elements"))
    _header(
        sheet,
        [
            id_en("Kode", "Code"),
            id_en("Unsur pelayanan", "Element"),
            "NRR",
            id_en("NRR tertimbang", "Weighted NRR"),
            id_en("Mutu", "Grade"),
            id_en("Terendah", "Lowest"),
        ],
    )
    for e in element_lines(report.total.index, report.lowest):
        sheet.append([e.code, e.name, float(e.nrr), float(e.weighted), e.grade, _plain(e.lowest)])
        for cell in sheet[sheet.max_row][2:4]:
            cell.number_format = "0.0000"
    sheet.column_dimensions["B"].width = 42


def _rows_sheet(
    book: Workbook,
    title: str,
    first: str,
    rows: list[SkmRow],
    labels: list[str] | None = None,
) -> None:
    sheet = book.create_sheet(title)
    _header(sheet, [first, id_en("Responden", "Respondents"), "IKM", id_en("Mutu", "Grade")])
    for i, row in enumerate(rows):
        shown = line(row, labels[i] if labels else None)
        sheet.append([cell_text(shown.label), shown.respondents, _number(shown.ikm), shown.grade])
        sheet.cell(row=sheet.max_row, column=1).data_type = "s"
        sheet.cell(row=sheet.max_row, column=3).number_format = "0.00"
    sheet.column_dimensions["A"].width = 30


def _profile_sheet(book: Workbook, report: SkmReport) -> None:
    sheet = book.create_sheet(id_en("Profil responden", "Respondents"))
    for spec in PROFILE:
        _header(sheet, [id_en(spec.label_id, spec.label_en), id_en("Jumlah", "Count")])
        labels = {value: id_en(lid, len_) for value, lid, len_ in spec.options}
        for count in report.profile[spec.name]:
            name = labels[count.value] if count.value else id_en("Tidak diisi", "Not given")
            sheet.append([name, count.count])
        sheet.append([])
    sheet.column_dimensions["A"].width = 30


def _extra_sheet(book: Workbook, report: SkmReport) -> None:
    sheet = book.create_sheet(id_en("Pertanyaan tambahan", "Extra questions"))
    _header(
        sheet,
        [
            id_en("Pertanyaan (bukan bagian IKM)", "Question (not part of the IKM)"),
            id_en("Jawaban", "Answers"),
            id_en("Rata-rata (1–4)", "Mean (1–4)"),
        ],
    )
    for extra in report.extra:
        mean = None if extra.average is None else float(nrr4(extra.average))
        sheet.append([cell_text(extra.question), extra.answers, mean])
        sheet.cell(row=sheet.max_row, column=1).data_type = "s"
        sheet.cell(row=sheet.max_row, column=3).number_format = "0.0000"
    sheet.column_dimensions["A"].width = 60
