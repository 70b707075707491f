"""The reports page (figures, charts, definitions) and its CSV and XLSX exports.

The figures come from ``server.domain.reports``; this module only reads the form, keeps a
supervisor to their own agency, and renders. The page and both files show the same
table (``server.web.exports.table``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Response, g, render_template, request
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from server.commands import run_query
from server.domain import form_wording as wording
from server.domain.access import Principal
from server.domain.context import Ctx
from server.domain.errors import DomainError
from server.domain.reports import (
    Grouping,
    PeriodKind,
    Report,
)
from server.models import Agency
from server.report_requests import (
    ReportForm,
    ReportRequest,
    compute_requested,
    hall_today,
    read_report_request,
)
from server.web import bp
from server.web.charts import Series, bar_chart, line_chart
from server.web.console_auth import staff_page
from server.web.exports import (
    COLUMNS,
    TableRow,
    booking_cells,
    booking_headers,
    booking_table,
    columns_for,
    csv_bytes,
    definitions,
    file_name,
    table,
    xlsx_bytes,
)
from server.web.forms import worded
from server.web.i18n import id_en
from shared.errors import ErrorCode

ARRIVALS_COLOUR = "#1e5aa8"
SERVED_COLOUR = "#f0a030"
DEFAULT_HOURS = range(7, 18)


def read_request(args: MultiDict[str, str], who: Principal, today: dt.date) -> ReportRequest:
    """The report asked for in the query string (read as the API reads it), with the
    refusals in the page's language."""
    return read_report_request(
        args,
        who,
        today,
        other_agency=worded(wording.OTHER_AGENCYS_REPORT),
        unknown_agency=worded(wording.UNKNOWN_AGENCY),
    )


def _agencies(who: Principal) -> list[tuple[str, str]]:
    if not who.is_admin:
        return []

    def query(ctx: Ctx) -> list[tuple[str, str]]:
        rows = ctx.session.execute(
            select(Agency.code, Agency.short_name).order_by(Agency.position, Agency.code)
        )
        return [(code, name) for code, name in rows]

    return run_query(query)


def fmt(value: Any, unit: str = "") -> str:
    """A figure as the page writes it: "—" where nothing was measured, a decimal comma in
    Indonesian."""
    if value is None:
        return "—"
    if isinstance(value, float):
        text = f"{value:.1f}"
        return text.replace(".", ",") if g.get("antre_lang", "id") == "id" else text
    return f"{value:,}".replace(",", "." if g.get("antre_lang", "id") == "id" else ",")


def charts(report: Report) -> dict[str, Any]:
    hours = [h for h in range(24) if report.arrivals_by_hour[h] or report.served_by_hour[h]]
    shown = (
        range(min(hours[0], DEFAULT_HOURS.start), max(hours[-1] + 1, DEFAULT_HOURS.stop))
        if hours
        else DEFAULT_HOURS
    )
    by_hour = bar_chart(
        id_en("Kedatangan dan dilayani per jam", "Arrivals and served by hour"),
        [f"{h:02d}" for h in shown],
        [
            Series(
                id_en("Kedatangan", "Arrivals"),
                [report.arrivals_by_hour[h] for h in shown],
                ARRIVALS_COLOUR,
            ),
            Series(
                id_en("Dilayani", "Served"),
                [report.served_by_hour[h] for h in shown],
                SERVED_COLOUR,
                dashed=True,
            ),
        ],
    )
    by_day = None
    if len(report.issued_by_day) > 1:
        by_day = line_chart(
            id_en("Tiket diambil dan dilayani per hari", "Tickets issued and served by day"),
            [f"{d.day}" for d, _ in report.issued_by_day],
            [
                Series(
                    id_en("Diambil", "Issued"),
                    [n for _, n in report.issued_by_day],
                    ARRIVALS_COLOUR,
                ),
                Series(
                    id_en("Dilayani", "Served"),
                    [n for _, n in report.served_by_day],
                    SERVED_COLOUR,
                    dashed=True,
                ),
            ],
        )
    return {"by_hour": by_hour, "by_day": by_day}


@bp.get("/reports")
@staff_page()
def reports() -> Any:
    who: Principal = g.antre_user
    today = hall_today()
    args = request.args
    errors: dict[str, str] = {}
    report = None
    try:
        wanted = read_request(args, who, today)
    except DomainError as exc:
        if exc.code != ErrorCode.VALIDATION_ERROR:
            raise
        errors[str((exc.details or {}).get("field", "period"))] = exc.message
    else:
        report = compute_requested(wanted)
    form = ReportForm.read(args, today)
    context: dict[str, Any] = {
        "form": form,
        "errors": errors,
        "report": report,
        "agencies": _agencies(who),
        "fmt": fmt,
        "definitions": definitions(),
        "query": request.query_string.decode("ascii", "replace"),
    }
    if report is not None:
        headers, all_rows = table(report)
        rows, quiet = fold_quiet(all_rows)
        context.update(
            headers=headers,
            rows=rows,
            quiet=quiet,
            quiet_label=quiet_label(report.grouping, len(quiet)),
            columns=columns_for(report),
            charts=charts(report),
            period_label=period_label(report),
            kpis=kpis(report),
            booking_headers=booking_headers(),
            booking_rows=booking_table(report),
            booking_total=booking_cells(report.bookings_total)
            if report.bookings_total is not None
            else [],
        )
    body = render_template("reports/index.html", **context)
    return (body, 422) if errors else body


def fold_quiet(rows: list[TableRow]) -> tuple[list[TableRow], list[TableRow]]:
    """The rows with any figure (and the total), and the quiet ones: a hall of 75 services
    has many with nothing on a given day, and a table of zeros hid the few that worked.
    The page folds the quiet ones away; the CSV and XLSX keep every row."""
    shown = [row for row in rows if row.total or any(row.values)]
    quiet = [row for row in rows if not row.total and not any(row.values)]
    return shown, quiet


QUIET_NOUNS = {
    Grouping.AGENCY: ("instansi", "agencies"),
    Grouping.SERVICE: ("layanan", "services"),
    Grouping.COUNTER: ("loket", "counters"),
    Grouping.OFFICER: ("petugas", "officers"),
}


def quiet_label(grouping: Grouping, count: int) -> str:
    """ "12 layanan tanpa aktivitas": the folded rows' summary line."""
    indonesian, english = QUIET_NOUNS[grouping]
    return id_en(f"{count} {indonesian} tanpa aktivitas", f"{count} {english} without activity")


def kpis(report: Report) -> list[tuple[str, str, str]]:
    """The hall's (or agency's) headline figures, rounded as in the table."""
    total = report.total
    values = {c.key: c.value(total) for c in COLUMNS}
    share = fmt(values["service_level"])
    return [
        ("issued", fmt(total.issued), id_en("Tiket diambil", "Tickets issued")),
        ("served", fmt(total.served), id_en("Dilayani", "Served")),
        (
            "avg_wait",
            fmt(values["avg_wait"]),
            id_en("Rata-rata tunggu (menit)", "Average wait (min)"),
        ),
        ("p90_wait", fmt(values["p90_wait"]), id_en("Tunggu P90 (menit)", "90th pct. wait (min)")),
        (
            "service_level",
            share + ("%" if values["service_level"] is not None else ""),
            id_en(
                f"Dalam target ({fmt(total.within_target)} dari {fmt(total.calls)} panggilan)",
                f"Within target ({fmt(total.within_target)} of {fmt(total.calls)} calls)",
            ),
        ),
    ]


def period_label(report: Report) -> str:
    period = report.period
    if period.kind == PeriodKind.MONTH:
        return id_en("Bulan ", "Month ") + period.first.strftime("%Y-%m")
    if period.first == period.last:
        return id_en("Tanggal ", "Date ") + period.first.isoformat()
    return f"{period.first.isoformat()} – {period.last.isoformat()}"


def _export_report() -> Report:
    who: Principal = g.antre_user
    return compute_requested(read_request(request.args, who, hall_today()))


@bp.get("/reports.csv")
@staff_page()
def reports_csv() -> Response:
    report = _export_report()
    return _download(csv_bytes(report), "text/csv; charset=utf-8", file_name(report, "csv"))


@bp.get("/reports.xlsx")
@staff_page()
def reports_xlsx() -> Response:
    report = _export_report()
    site, local = run_query(lambda ctx: (ctx.settings.site_name, ctx.local_now))
    body = xlsx_bytes(report, site, local.replace(tzinfo=None))
    kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return _download(body, kind, file_name(report, "xlsx"))


def _download(body: bytes, content_type: str, name: str) -> Response:
    # The whole header as given: as a ``mimetype``, werkzeug appends its own charset
    # to a text type and a CSV would say ``charset=utf-8`` twice.
    response = Response(body, content_type=content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response
