"""``GET /api/v1/reports/skm``: the satisfaction survey's figures as JSON (docs/skm.md),
for admins and, limited to their own agency, supervisors. Aggregates only: never one
visitor's answers, and not the suggestions' text (personal data a visitor may have typed;
the survey report page shows it to staff).

Averages are given to 4 decimals and the IKM to 2, rounded half up, as the regulation's
intervals are read (``server.domain.skm.index``); the grade is the one computed on them.
"""

from __future__ import annotations

from fractions import Fraction

from flask import Response, jsonify, request

from server.api import bp
from server.domain import access
from server.domain.skm.figures import ANONYMITY_FLOOR, ElementScore, SkmReport, SkmRow
from server.domain.skm.index import Index, nrr_grade, rounded
from server.domain.skm.questionnaire import ELEMENTS
from server.principal import current_principal
from server.report_requests import (
    REPORT_ROLES,
    SkmRequest,
    compute_skm,
    hall_today,
    read_skm_request,
)
from shared import wire

REGULATION = "PermenPANRB No. 14 Tahun 2017"


def _four(value: Fraction) -> float:
    return float(rounded(value, 4))


def _element(score: ElementScore) -> wire.SkmElementScore:
    return {
        "code": score.element.code,
        "name_id": score.element.name_id,
        "name_en": score.element.name_en,
        "nrr": _four(score.nrr),
        "grade": nrr_grade(score.nrr).value,
    }


def _index(index: Index | None) -> wire.SkmIndex | None:
    if index is None:
        return None
    return {
        "elements": [
            _element(ElementScore(e, v)) for e, v in zip(ELEMENTS, index.nrr, strict=True)
        ],
        "weighted": _four(index.weighted),
        "ikm": float(index.unit_rounded),
        "grade": index.grade.value,
        "grade_id": index.grade.label_id,
        "grade_en": index.grade.label_en,
    }


def _row(row: SkmRow) -> wire.SkmRow:
    return {
        "id": row.key,
        "label": row.name,
        "respondents": row.respondents,
        "population": row.population,
        "minimum_sample": row.minimum_sample,
        "below_sample": row.below_sample,
        "suppressed": row.suppressed,
        "index": _index(row.index),
    }


def skm_json(report: SkmReport, wanted: SkmRequest) -> wire.SkmReport:
    period = report.period
    agency: wire.ReportAgency | None = None
    if wanted.agency_code is not None and report.agency_name is not None:
        agency = {"code": wanted.agency_code, "short_name": report.agency_name}
    return {
        "regulation": REGULATION,
        "period": {
            "kind": wanted.kind,
            "first": period.first.isoformat(),
            "last": period.last.isoformat(),
        },
        "group": report.grouping.value,
        "agency": agency,
        "anonymity_floor": ANONYMITY_FLOOR,
        "rows": [_row(r) for r in report.rows],
        "total": _row(report.total),
        "lowest": [_element(s) for s in report.lowest],
        "profile": {
            name: [{"value": c.value, "count": c.count} for c in counts]
            for name, counts in report.profile.items()
        },
        "by_hour": [_row(r) for r in report.by_hour],
        "over_target": _row(report.over_target),
        "within_target": _row(report.within_target),
        "extra": [
            {
                "question_id": e.question_id,
                "question": e.question,
                "answers": e.answers,
                "average": None if e.average is None else _four(e.average),
            }
            for e in report.extra
        ],
        "suggestions": report.suggestions,
    }


@bp.get("/reports/skm")
def skm_reports() -> Response:
    who = current_principal()
    if who.kind != "user" or who.role not in REPORT_ROLES:
        raise access.forbidden("only admins and supervisors read reports")
    wanted = read_skm_request(request.args, who, hall_today())
    return jsonify(skm_json(compute_skm(wanted), wanted))
