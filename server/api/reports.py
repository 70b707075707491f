"""``GET /api/v1/reports``: the reports page's figures as JSON, for programs (an agency's
own dashboard, the monthly KemenPAN-RB return).

The query string is read by ``server.report_requests``, as for the page and its files
(``server.web.reports``), so the three accept and refuse the same things. The figures are
the domain's, unrounded: times in seconds, shares from 0 to 1; the page rounds them for
people.
"""

from __future__ import annotations

import dataclasses
from typing import cast

from flask import Response, jsonify, request

from server.api import bp
from server.domain import access
from server.domain.reports import (
    BookingFigures,
    Figures,
    Report,
)
from server.principal import current_principal
from server.report_requests import (
    DEFINITIONS,
    REPORT_ROLES,
    compute_requested,
    hall_today,
    read_report_request,
)
from shared import wire

# --- the endpoint --------------------------------------------------------------------


def _figures(figures: Figures) -> wire.ReportFigures:
    # The same keys and types (tests/server/api/test_wire_types.py pins them).
    return cast("wire.ReportFigures", dataclasses.asdict(figures))


def booking_figures(figures: BookingFigures) -> wire.BookingReportFigures:
    return {
        "made": figures.made,
        "checked_in": figures.checked_in,
        "no_show": figures.no_show,
        "cancelled": figures.cancelled,
        "late": figures.late,
        "no_show_share": figures.no_show_share,
        "avg_minutes_before_slot": figures.avg_minutes_before_slot,
        "on_time_share": figures.on_time_share,
    }


def _agency(report: Report, agency_code: str | None) -> wire.ReportAgency | None:
    """The one agency reported (it always has a code and a name); None: the whole hall."""
    if report.agency_id is None or agency_code is None or report.agency_name is None:
        return None
    return {"code": agency_code, "short_name": report.agency_name}


def report_json(report: Report, agency_code: str | None) -> wire.Report:
    period = report.period
    return {
        "period": {
            "kind": period.kind.value,
            "first": period.first.isoformat(),
            "last": period.last.isoformat(),
        },
        "group": report.grouping.value,
        "agency": _agency(report, agency_code),
        "timezone": report.timezone,
        "rows_count_issued": report.shows_issued,
        "rows": [
            {
                "id": row.key,
                "label": row.label,
                "detail": row.detail,
                "figures": _figures(row.figures),
            }
            for row in report.rows
        ],
        "total": _figures(report.total),
        "by_hour": [
            {"hour": hour, "arrivals": arrivals, "served": served}
            for hour, (arrivals, served) in enumerate(
                zip(report.arrivals_by_hour, report.served_by_hour, strict=True)
            )
        ],
        "by_day": [
            {"date": day.isoformat(), "issued": issued, "served": served}
            for (day, issued), (_, served) in zip(
                report.issued_by_day, report.served_by_day, strict=True
            )
        ],
        "bookings": [
            {
                "service_id": row.service_id,
                "code": row.code,
                "name": row.name,
                "date": row.day.isoformat(),
                "figures": booking_figures(row.figures),
            }
            for row in report.bookings
        ],
        "bookings_total": booking_figures(report.bookings_total or BookingFigures()),
        "definitions": {
            "id": [indonesian for indonesian, _ in DEFINITIONS],
            "en": [english for _, english in DEFINITIONS],
        },
    }


@bp.get("/reports")
def reports() -> Response:
    who = current_principal()
    if who.kind != "user" or who.role not in REPORT_ROLES:
        raise access.forbidden("only admins and supervisors read reports")
    wanted = read_report_request(request.args, who, hall_today())
    return jsonify(report_json(compute_requested(wanted), wanted.agency_code))
