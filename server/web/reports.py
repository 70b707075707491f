"""The reports page (figures, charts, definitions) and its CSV and XLSX exports.

The figures come from ``server.domain.reports``; this module only reads the form, keeps a
supervisor to their own agency, and renders. The page and both files show the same
table (``server.web.exports.table``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from flask import Response, g, render_template, request
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from server.api.commands import run_query
from server.domain import access
from server.domain.access import Principal
from server.domain.context import Ctx
from server.domain.errors import DomainError
from server.domain.reports import (
    Grouping,
    Period,
    PeriodKind,
    Report,
    compute_report,
    parse_grouping,
    parse_period,
)
from server.models import Agency
from server.web import bp
from server.web.charts import Series, bar_chart, line_chart
from server.web.exports import (
    COLUMNS,
    columns_for,
    csv_bytes,
    definitions,
    file_name,
    table,
    xlsx_bytes,
)
from server.web.i18n import tr
from server.web.session import staff_page
from shared.errors import ErrorCode

MAX_PARAM = 32
ARRIVALS_COLOUR = "#1e5aa8"
SERVED_COLOUR = "#f0a030"
DEFAULT_HOURS = range(7, 18)


@dataclass(frozen=True)
class ReportRequest:
    period: Period
    grouping: Grouping
    agency_id: int | None


def _arg(args: MultiDict[str, str], name: str) -> str | None:
    value = args.get(name)
    if value is None:
        return None
    return value.strip()[:MAX_PARAM]


def read_request(args: MultiDict[str, str], who: Principal, today: dt.date) -> ReportRequest:
    """The report asked for in the query string, or a ``validation_error`` naming the
    field; a supervisor's report is always their agency's (another one is refused)."""
    kind = _arg(args, "period") or PeriodKind.DAY.value
    period = parse_period(
        kind,
        date=_arg(args, "date") or today.isoformat(),
        month=_arg(args, "month") or today.strftime("%Y-%m"),
        first=_arg(args, "from") or today.replace(day=1).isoformat(),
        last=_arg(args, "to") or today.isoformat(),
    )
    grouping = parse_grouping(_arg(args, "group") or Grouping.SERVICE.value)
    wanted = _arg(args, "agency") or None
    if not who.is_admin:
        if wanted is not None and wanted != who.agency_code:
            raise access.forbidden(
                tr(
                    "Supervisor hanya melihat laporan instansinya sendiri.",
                    "A supervisor sees only their own agency's reports.",
                )
            )
        return ReportRequest(period, grouping, who.agency_id)
    if wanted is None:
        return ReportRequest(period, grouping, None)
    agency_id = run_query(
        lambda ctx: ctx.session.scalar(select(Agency.id).where(Agency.code == wanted))
    )
    if agency_id is None:
        raise DomainError(
            ErrorCode.VALIDATION_ERROR,
            tr("Instansi tidak dikenal.", "Unknown agency."),
            field="agency",
        )
    return ReportRequest(period, grouping, agency_id)


def _today() -> dt.date:
    return run_query(lambda ctx: ctx.today)


def _compute(wanted: ReportRequest) -> Report:
    return run_query(
        lambda ctx: compute_report(ctx, wanted.period, wanted.grouping, wanted.agency_id)
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
        tr("Kedatangan dan dilayani per jam", "Arrivals and served by hour"),
        [f"{h:02d}" for h in shown],
        [
            Series(
                tr("Kedatangan", "Arrivals"),
                [report.arrivals_by_hour[h] for h in shown],
                ARRIVALS_COLOUR,
            ),
            Series(
                tr("Dilayani", "Served"),
                [report.served_by_hour[h] for h in shown],
                SERVED_COLOUR,
                dashed=True,
            ),
        ],
    )
    by_day = None
    if len(report.issued_by_day) > 1:
        by_day = line_chart(
            tr("Tiket diambil dan dilayani per hari", "Tickets issued and served by day"),
            [f"{d.day}" for d, _ in report.issued_by_day],
            [
                Series(
                    tr("Diambil", "Issued"), [n for _, n in report.issued_by_day], ARRIVALS_COLOUR
                ),
                Series(
                    tr("Dilayani", "Served"),
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
    today = _today()
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
        report = _compute(wanted)
    form = {
        "period": _arg(args, "period") or "day",
        "date": _arg(args, "date") or today.isoformat(),
        "month": _arg(args, "month") or today.strftime("%Y-%m"),
        "from": _arg(args, "from") or today.replace(day=1).isoformat(),
        "to": _arg(args, "to") or today.isoformat(),
        "group": _arg(args, "group") or "service",
        "agency": _arg(args, "agency") or "",
    }
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
        headers, rows = table(report)
        context.update(
            headers=headers,
            rows=rows,
            columns=columns_for(report),
            charts=charts(report),
            period_label=period_label(report),
            kpis=kpis(report),
        )
    body = render_template("reports/index.html", **context)
    return (body, 422) if errors else body


def kpis(report: Report) -> list[tuple[str, str, str]]:
    """The hall's (or agency's) headline figures, rounded as in the table."""
    total = report.total
    values = {c.key: c.value(total) for c in COLUMNS}
    share = fmt(values["service_level"])
    return [
        ("issued", fmt(total.issued), tr("Tiket diambil", "Tickets issued")),
        ("served", fmt(total.served), tr("Dilayani", "Served")),
        ("avg_wait", fmt(values["avg_wait"]), tr("Rata-rata tunggu (menit)", "Average wait (min)")),
        ("p90_wait", fmt(values["p90_wait"]), tr("Tunggu P90 (menit)", "90th pct. wait (min)")),
        (
            "service_level",
            share + ("%" if values["service_level"] is not None else ""),
            tr(
                f"Dalam target ({fmt(total.within_target)} dari {fmt(total.calls)} panggilan)",
                f"Within target ({fmt(total.within_target)} of {fmt(total.calls)} calls)",
            ),
        ),
    ]


def period_label(report: Report) -> str:
    period = report.period
    if period.kind == PeriodKind.MONTH:
        return tr("Bulan ", "Month ") + period.first.strftime("%Y-%m")
    if period.first == period.last:
        return tr("Tanggal ", "Date ") + period.first.isoformat()
    return f"{period.first.isoformat()} – {period.last.isoformat()}"


def _export_report() -> Report:
    who: Principal = g.antre_user
    return _compute(read_request(request.args, who, _today()))


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


def _download(body: bytes, mimetype: str, name: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response
