"""The survey report page (*Laporan SKM*), its CSV and XLSX files, the printable
publication (*publikasi hasil SKM*) and marking a suggestion handled.

The figures come from ``server.domain.skm.figures`` for the period asked (read as
``GET /api/v1/reports/skm`` reads it, with the queue reports' agency rule: admins see
every agency, a supervisor only their own; officers have no console). Only aggregates
and the suggestions' text reach the page (docs/skm.md#what-staff-see-aggregates-only).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from flask import Response, flash, g, redirect, render_template, request, url_for
from markupsafe import Markup
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from server.commands import run_command, run_query
from server.domain.access import Principal, forbidden
from server.domain.context import Ctx
from server.domain.errors import DomainError
from server.domain.skm import figures
from server.domain.skm.figures import SkmReport, SkmRow, Suggestion
from server.domain.skm.index import UNIT_FLOORS, Grade, nrr_grade
from server.domain.skm.questionnaire import ELEMENTS, PROFILE
from server.domain.skm.responses import REPLY_MAX, mark_handled
from server.models import SurveyResponse
from server.report_requests import (
    SkmRequest,
    hall_today,
    read_skm_request,
    semester_of,
)
from server.web import bp
from server.web.charts import Band, Scale, Series, bar_chart, line_chart
from server.web.console_auth import staff_page
from server.web.exports import definitions as queue_definitions
from server.web.forms import field_message
from server.web.i18n import id_en
from server.web.reports import _agencies, _download
from server.web.skm_exports import (
    REGULATION,
    csv_bytes,
    element_lines,
    file_name,
    grade_label,
    line,
    nrr4,
    period_label,
    survey_table,
    xlsx_bytes,
)
from shared.errors import ErrorCode

IKM_COLOUR = "#1e5aa8"
TREND_STEP = {"year": "month", "semester": "month", "month": "day"}
MAX_PARAM = 32

# How the IKM is computed, said once for the page, the workbook and the publication.
SKM_DEFINITIONS: tuple[tuple[str, str], ...] = (
    (
        "NRR per unsur = jumlah nilai jawaban (1–4) ÷ jumlah responden yang menjawab unsur itu.",
        "NRR per element = the sum of the answers' values (1–4) ÷ the respondents who answered it.",
    ),
    (
        "NRR tertimbang = NRR × 1/9 (bobot tiap unsur; peraturan menulisnya 0,111); IKM = "
        "jumlah NRR tertimbang (1–4); IKM unit pelayanan = IKM × 25 (25–100), dibulatkan 2 "
        "desimal.",
        "Weighted NRR = NRR × 1/9 (each element's weight; the regulation writes 0.111); IKM = "
        "the sum of the weighted NRR (1–4); the unit's IKM = IKM × 25 (25–100), rounded to 2 "
        "decimals.",
    ),
    (
        "Mutu: 88,31–100 A (Sangat Baik), 76,61–88,30 B (Baik), 65,00–76,60 C (Kurang Baik), "
        "25,00–64,99 D (Tidak Baik); NRR satu unsur: 3,5324–4 A, 3,0644–3,532 B, 2,60–3,064 "
        "C, 1–2,5996 D.",
        "Grade: 88.31–100 A (Very good), 76.61–88.30 B (Good), 65.00–76.60 C (Not good "
        "enough), 25.00–64.99 D (Poor); one element's NRR: 3.5324–4 A, 3.0644–3.532 B, "
        "2.60–3.064 C, 1–2.5996 D.",
    ),
    (
        "Sampel minimum = tabel Krejcie–Morgan untuk jumlah pengunjung yang dilayani (tiket "
        "selesai) pada periode itu; periode dengan responden lebih sedikit ditandai.",
        "Minimum sample = the Krejcie–Morgan table for the visitors served (tickets done) in "
        "the period; a period with fewer respondents is flagged.",
    ),
    (
        "Anonimitas: baris loket, petugas, jam atau kelompok waktu tunggu dengan kurang dari "
        "3 responden hanya menampilkan jumlahnya, dan bila perlu baris terkecil lainnya juga "
        "disembunyikan agar jawaban yang disembunyikan tidak dapat dihitung dari total; staf "
        "tidak pernah melihat jawaban perorangan.",
        "Anonymity: a counter, officer, hour or wait row with fewer than 3 respondents shows "
        "only its count, and when needed the next smallest rows are withheld too so that the "
        "withheld answers cannot be worked out from the total; staff never see one "
        "visitor's answers.",
    ),
    (
        "Menunggu lebih dari target = waktu tunggu tiket (dihitung seperti laporan antrean) > "
        "target tunggu layanannya. Pertanyaan tambahan unit tidak masuk IKM.",
        "Waited over the target = the ticket's wait (as the queue report counts it) > its "
        "service's target wait. The unit's own questions are not part of the IKM.",
    ),
)


def skm_definitions() -> list[str]:
    return [id_en(indonesian, english) for indonesian, english in SKM_DEFINITIONS]


@dataclass(frozen=True)
class SkmForm:
    """The query string's values with today's defaults, as the form shows them."""

    period: str
    date: str
    month: str
    semester: str
    year: str
    group: str
    agency: str

    @classmethod
    def read(cls, args: MultiDict[str, str], today: dt.date) -> SkmForm:
        def arg(name: str) -> str:
            return (args.get(name) or "").strip()[:MAX_PARAM]

        return cls(
            period=arg("period") or "month",
            date=arg("date") or today.isoformat(),
            month=arg("month") or today.strftime("%Y-%m"),
            semester=arg("semester") or semester_of(today),
            year=arg("year") or str(today.year),
            group=arg("group") or "agency",
            agency=arg("agency"),
        )

    def query(self) -> str:
        """The request's query string, rebuilt from the checked form (for links)."""
        field = {"day": "date"}.get(self.period, self.period)
        values = {"period": self.period, field: getattr(self, field, ""), "group": self.group}
        if self.agency:
            values["agency"] = self.agency
        return urlencode(values)


FIELD_MESSAGES = {
    "period": (
        "Periode tidak dikenal: pilih hari, bulan (TTTT-BB), semester (TTTT-S1/S2) atau tahun.",
        "Unknown period: choose a day, month (YYYY-MM), semester (YYYY-S1/S2) or year.",
    ),
    "group": ("Pengelompokan tidak dikenal.", "Unknown grouping."),
    "agency": ("Kode instansi tidak dikenal.", "Unknown agency code."),
}


@dataclass
class Computed:
    """What one request computes: the figures, the trend and the suggestions."""

    wanted: SkmRequest
    report: SkmReport
    trend: list[SkmRow]
    suggestions: list[Suggestion]


def _compute(wanted: SkmRequest) -> Computed:
    """The figures, trend and suggestions read in one snapshot, so they agree."""
    step = TREND_STEP.get(wanted.kind)
    agency = wanted.agency_id

    def query(ctx: Ctx) -> Computed:
        session = ctx.session
        return Computed(
            wanted,
            figures.skm_report(session, wanted.period, wanted.grouping, agency_id=agency),
            figures.skm_trend(session, wanted.period, step, agency_id=agency) if step else [],
            figures.suggestions(session, wanted.period, agency_id=agency),
        )

    return run_query(query)


def _ikm_text(row: SkmRow) -> str:
    return "" if row.index is None else decimal_text(row.index.unit_rounded)


def decimal_text(value: Any) -> str:
    """A decimal as the page writes it: a comma in Indonesian."""
    if value is None:
        return "—"
    text = str(value)
    return text.replace(".", ",") if g.get("antre_lang", "id") == "id" else text


def count_text(value: int) -> str:
    """A count with the page's thousands separator: 6.678 in Indonesian, 6,678 in English."""
    return f"{value:,}".replace(",", "." if g.get("antre_lang", "id") == "id" else ",")


# The IKM charts start at 50 when no value is below 55: the grades C, B and A and a
# stretch of D stay in sight, and a month hovering around 78 is drawn twice as tall.
ZOOM_BOTTOM, ZOOM_WHEN_ALL_FROM = 50, 55


def ikm_scale(values: Sequence[float]) -> Scale:
    """The axis of the IKM charts: on the index's own scale, never from 0 (no IKM is below
    25, and from 0 every month was the same flat line at 78): its whole range 25 to 100,
    or 50 to 100 when every value is 55 or more, the axis then titled so. The grade
    borders are drawn across it so a day or an hour reads as A, B, C or D at a glance."""
    bands = [Band(25, Grade.D.value)]
    bands += [Band(float(floor), grade.value) for floor, grade in UNIT_FLOORS]
    if values and min(values) >= ZOOM_WHEN_ALL_FROM:
        title = id_en("IKM (sumbu 50–100)", "IKM (axis 50–100)")
        return Scale(ZOOM_BOTTOM, 100, 10, title, bands, decimals=2)
    title = id_en("IKM (skala 25–100)", "IKM (scale 25–100)")
    return Scale(25, 100, 25, title, bands, decimals=2)


def charts(computed: Computed) -> dict[str, Markup | None]:
    trend = [float(r.index.unit_rounded) for r in computed.trend if r.index is not None]
    by_hour = [r for r in computed.report.by_hour if r.index is not None]
    hourly = [float(r.index.unit_rounded) for r in by_hour if r.index is not None]
    result: dict[str, Markup | None] = {"trend": None, "by_hour": None}
    if len(trend) > 1:
        result["trend"] = line_chart(
            id_en("IKM per periode", "IKM by period"),
            [_short(r.name) for r in computed.trend if r.index is not None],
            [Series("IKM", trend, IKM_COLOUR)],
            ikm_scale(trend),
        )
    if by_hour:
        result["by_hour"] = bar_chart(
            id_en("IKM menurut jam selesai dilayani", "IKM by the hour the visit ended"),
            [r.name[:2] for r in by_hour],
            [Series("IKM", hourly, IKM_COLOUR)],
            ikm_scale(hourly),
        )
    return result


def _short(label: str) -> str:
    """A trend bucket's axis label: the day of a month, the month of a year."""
    if len(label) == 10:
        return str(int(label[8:]))
    return label


def profile_tables(report: SkmReport) -> list[dict[str, Any]]:
    tables = []
    respondents = report.total.respondents
    for spec in PROFILE:
        labels = {value: id_en(lid, len_) for value, lid, len_ in spec.options}
        rows = []
        for count in report.profile[spec.name]:
            name = labels[count.value] if count.value else id_en("Tidak diisi", "Not given")
            share = round(100 * count.count / respondents, 1) if respondents else None
            rows.append((name, count.count, share))
        tables.append({"title": id_en(spec.label_id, spec.label_en), "rows": rows})
    return tables


def _context(computed: Computed, form: SkmForm) -> dict[str, Any]:
    report = computed.report
    headers, rows = survey_table(report)
    return {
        "report": report,
        "headers": headers,
        "rows": rows,
        "elements": element_lines(report.total.index, report.lowest),
        "element_names": {e.code: id_en(e.name_id, e.name_en) for e in ELEMENTS},
        "improve": [
            (
                s.element.code,
                id_en(s.element.name_id, s.element.name_en),
                nrr4(s.nrr),
                nrr_grade(s.nrr).value,
            )
            for s in report.lowest
        ],
        "weighted": nrr4(report.total.index.weighted) if report.total.index else None,
        "extra": [
            (e.question, e.answers, None if e.average is None else nrr4(e.average))
            for e in report.extra
        ],
        "total": line(report.total),
        "trend": [line(r) for r in computed.trend],
        "by_hour": [line(r) for r in report.by_hour],
        "bands": [
            (id_en("Menunggu lebih dari target", "Waited over the target"), report.over_target),
            (id_en("Menunggu dalam target", "Waited within the target"), report.within_target),
        ],
        "profile": profile_tables(report),
        "suggestions": computed.suggestions,
        "charts": charts(computed),
        "period_label": period_label(computed.wanted.kind, report.period.first, report.period.last),
        "grade_label": grade_label,
        "dec": decimal_text,
        "num": count_text,
        "ikm_text": _ikm_text,
        "query": form.query(),
        "regulation": REGULATION,
        "reply_max": REPLY_MAX,
    }


@bp.get("/reports/skm")
@staff_page()
def skm_report() -> Any:
    who: Principal = g.antre_user
    today = hall_today()
    form = SkmForm.read(request.args, today)
    errors: dict[str, str] = {}
    context: dict[str, Any] = {"report": None}
    try:
        wanted = read_skm_request(request.args, who, today)
    except DomainError as exc:
        if exc.code != ErrorCode.VALIDATION_ERROR:
            raise
        name = str((exc.details or {}).get("field", "period"))
        errors[name] = id_en(*FIELD_MESSAGES.get(name, (exc.message, exc.message)))
    else:
        context = _context(_compute(wanted), form)
    context.update(
        form=form,
        errors=errors,
        agencies=_agencies(who),
        definitions=skm_definitions(),
        queue_definitions=queue_definitions()[:1],
    )
    body = render_template("reports/skm.html", **context)
    return (body, 422) if errors else body


def _requested() -> tuple[Computed, SkmForm]:
    today = hall_today()
    wanted = read_skm_request(request.args, g.antre_user, today)
    return _compute(wanted), SkmForm.read(request.args, today)


@bp.get("/reports/skm/publikasi")
@staff_page()
def skm_publication() -> Any:
    """The page a unit prints and pins up: *publikasi hasil SKM* (A4 portrait)."""
    computed, form = _requested()
    context = _context(computed, form)
    site_name = run_query(lambda ctx: ctx.settings.site_name)
    context.update(site_name=site_name, definitions=skm_definitions())
    return render_template("reports/skm_publication.html", **context)


@bp.get("/reports/skm.csv")
@staff_page()
def skm_csv() -> Response:
    computed, form = _requested()
    name = file_name(computed.report, form.period, _key(form), "csv")
    return _download(csv_bytes(computed.report), "text/csv; charset=utf-8", name)


@bp.get("/reports/skm.xlsx")
@staff_page()
def skm_xlsx() -> Response:
    computed, form = _requested()
    report = computed.report
    site, local = run_query(lambda ctx: (ctx.settings.site_name, ctx.local_now))
    body = xlsx_bytes(
        report,
        site + (f" · {report.agency_name}" if report.agency_name else ""),
        period_label(form.period, report.period.first, report.period.last),
        local.replace(tzinfo=None),
        computed.trend,
        skm_definitions(),
    )
    kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return _download(body, kind, file_name(report, form.period, _key(form), "xlsx"))


def _key(form: SkmForm) -> str:
    field = {"day": "date"}.get(form.period, form.period)
    return str(getattr(form, field, ""))


@bp.post("/reports/skm/suggestions/<int:suggestion_id>/handled")
@staff_page()
def skm_suggestion_handled(suggestion_id: int) -> Any:
    """Mark a suggestion handled with the reply given; a supervisor only their agency's."""
    who: Principal = g.antre_user
    reply = request.form.get("reply", "")[: REPLY_MAX + 1]

    def command(ctx: Ctx) -> None:
        agency = ctx.session.scalar(
            select(SurveyResponse.agency_id).where(SurveyResponse.id == suggestion_id)
        )
        if agency is not None and not who.is_admin and agency != who.agency_id:
            raise forbidden(id_en("Saran ini milik instansi lain.", "This is another agency's."))
        if not reply.strip():
            raise DomainError(
                ErrorCode.VALIDATION_ERROR,
                id_en("Tulis balasan sebelum menandai.", "Write a reply before marking it."),
                field="reply",
            )
        mark_handled(ctx, suggestion_id, reply)

    try:
        run_command(who.actor, command)
    except DomainError as exc:
        if exc.code == ErrorCode.FORBIDDEN:
            raise
        flash(field_message(exc), "error")
    else:
        flash(id_en("Saran ditandai sudah ditangani.", "Suggestion marked handled."), "success")
    back = (request.form.get("back") or "")[:200].replace("\r", "").replace("\n", "")
    return redirect(url_for("web.skm_report") + ("?" + back if back else "") + "#suggestions")
