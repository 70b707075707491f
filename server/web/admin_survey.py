"""Console page (admin only): the survey's questionnaire. The admin rewords the nine
elements' questions and their four levels in both languages, goes back to the
regulation's wording, and adds or retires the unit's own questions.

Wording only: an element's code, place and weight in the IKM are the domain's
(``server.domain.skm.questionnaire``) and no form here reaches them; the unit's own
questions are reported apart and never enter the IKM.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import flash, g, redirect, render_template, request, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from server.commands import run_command, run_query
from server.domain.context import Ctx
from server.domain.errors import DomainError
from server.domain.skm import questionnaire as survey
from server.domain.skm.questionnaire import ELEMENTS, LEVEL_MAX, QUESTION_MAX, Wording
from server.models import Role, SurveyExtraQuestion, SurveyWording
from server.web import bp
from server.web.console_auth import staff_page
from server.web.forms import field_message
from server.web.i18n import id_en
from shared.errors import ErrorCode


@dataclass(frozen=True)
class ExtraRow:
    """One of the unit's own questions as the page lists it."""

    id: int
    question_id: str
    question_en: str
    levels_id: tuple[str, ...]
    required: bool
    active: bool


def _page(ctx: Ctx) -> dict[str, Any]:
    own = set(ctx.session.scalars(select(SurveyWording.element)))
    asked = survey.questionnaire(ctx.session)
    # Plain values: the page is rendered after the read transaction has closed.
    extras = [
        ExtraRow(x.id, x.question_id, x.question_en, tuple(x.levels_id), x.required, x.active)
        for x in ctx.session.scalars(
            select(SurveyExtraQuestion).order_by(
                SurveyExtraQuestion.active.desc(), SurveyExtraQuestion.position
            )
        )
    ]
    return {
        "elements": [(q, q.key in own) for q in asked if q.element is not None],
        "extras": extras,
        "question_max": QUESTION_MAX,
        "level_max": LEVEL_MAX,
    }


@bp.get("/admin/survey")
@staff_page(Role.ADMIN)
def admin_survey() -> str:
    return render_template("admin/survey.html", **run_query(_page))


def _wording(language: str) -> Wording:
    """The posted question and four levels of one language, as typed (the domain checks)."""
    levels = [request.form.get(f"level_{language}_{i}", "")[: LEVEL_MAX + 1] for i in range(4)]
    question = request.form.get(f"question_{language}", "")[: QUESTION_MAX + 1]
    return Wording(question, (levels[0], levels[1], levels[2], levels[3]))


def _element_anchor(code: str) -> str:
    """Where the page goes back to after a wording form: that element, or the top for a
    code that is none (the domain refuses it; the address is the caller's, and a newline
    in it must not reach the Location header)."""
    return code if code in {element.code for element in ELEMENTS} else ""


def _done(work: Any, message: tuple[str, str], anchor: str) -> Response:
    """Run one command; say what happened; back to the page at the part it touched."""
    try:
        run_command(g.antre_user.actor, work)
    except DomainError as exc:
        if exc.code == ErrorCode.FORBIDDEN:
            raise
        field = exc.details.get("field", "")
        flash(f"{anchor} {field}: {field_message(exc)}".strip(), "error")
    else:
        flash(id_en(*message), "success")
    return redirect(url_for("web.admin_survey") + (f"#{anchor}" if anchor else ""))


@bp.post("/admin/survey/<code>")
@staff_page(Role.ADMIN)
def admin_survey_wording(code: str) -> Response:
    id_, en = _wording("id"), _wording("en")
    return _done(
        lambda ctx: survey.set_wording(ctx, code[:4], id_, en),
        ("Kata-kata pertanyaan disimpan.", "Wording saved."),
        _element_anchor(code),
    )


@bp.post("/admin/survey/<code>/reset")
@staff_page(Role.ADMIN)
def admin_survey_reset(code: str) -> Response:
    return _done(
        lambda ctx: survey.reset_wording(ctx, code[:4]),
        ("Kembali ke kata-kata peraturan.", "Back to the regulation's wording."),
        _element_anchor(code),
    )


@bp.post("/admin/survey/extra")
@staff_page(Role.ADMIN)
def admin_survey_extra() -> Response:
    id_, en = _wording("id"), _wording("en")
    required = request.form.get("required") == "on"
    return _done(
        lambda ctx: survey.add_extra_question(ctx, id_, en, required=required),
        ("Pertanyaan tambahan ditambahkan.", "Question added."),
        "extra",
    )


@bp.post("/admin/survey/extra/<int:question_id>/retire")
@staff_page(Role.ADMIN)
def admin_survey_retire(question_id: int) -> Response:
    return _done(
        lambda ctx: survey.retire_extra_question(ctx, question_id),
        (
            "Pertanyaan tidak ditanyakan lagi; jawabannya tetap di laporan.",
            "No longer asked; its answers stay in the report.",
        ),
        "extra",
    )
