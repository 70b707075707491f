"""The survey's places over REST (docs/skm.md#where-visitors-answer).

The counter's tablet: what to ask now, and the visitor's answers. Only the tablet
registered at that counter, with its device token; it may answer only for the visit its
counter just finished (``responses.for_counter``), so an officer's PC, another counter's
tablet or a kiosk is refused, and so is an older visitor of its own.

The kiosk's survey page: a visitor who left without answering types the number printed
on their ticket; a kiosk's token only, a ticket done today only, once
(``responses.for_kiosk``).
"""

from __future__ import annotations

from flask import Response, jsonify

from server.api import bp
from server.api.validation import Field, json_body
from server.commands import run_command, run_query
from server.domain import access
from server.domain.context import Ctx
from server.domain.payloads import iso
from server.domain.skm import asking, responses
from server.domain.skm.questionnaire import questionnaire
from server.principal import current_principal
from shared import wire

ANSWER_SCHEMA = {
    "ticket_id": Field(
        "integer", required=True, minimum=1, description="the visit asked about (asking)"
    ),
    "answers": Field(
        "object", required=True, description="U1..U9: each 1 (worst) to 4 (best), all nine"
    ),
    "extra": Field("object", nullable=True, description="the unit's own questions, X<id>: 1..4"),
    "profile": Field(
        "object",
        nullable=True,
        description="optional: gender (l, p), age_group, education, occupation",
    ),
    "suggestion": Field(
        "string",
        nullable=True,
        max_length=responses.SUGGESTION_MAX,
        multiline=True,
        description="the visitor's saran/pengaduan, optional",
    ),
    "language": Field("string", choices=("id", "en"), description="the form's language"),
}


NUMBER = Field(
    "string", required=True, min_length=1, max_length=20, description="as printed, e.g. DK-012"
)
KIOSK_LOOKUP_SCHEMA = {"number": NUMBER}
KIOSK_ANSWER_SCHEMA = {
    "number": NUMBER,
    **{name: spec for name, spec in ANSWER_SCHEMA.items() if name != "ticket_id"},
}


@bp.get("/survey/counters/<int:counter_id>")
def counter_survey(counter_id: int) -> Response:
    who = current_principal()
    access.require_survey_tablet(who, counter_id)

    def query(ctx: Ctx) -> wire.CounterSurvey:
        version = asking.form_version(questionnaire(ctx.session))
        return asking.counter_survey(ctx.session, counter_id, ctx.now, version)

    response = jsonify(run_query(query))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/survey/counters/<int:counter_id>/answers")
def counter_survey_answer(counter_id: int) -> tuple[Response, int]:
    who = current_principal()
    access.require_survey_tablet(who, counter_id)
    body = json_body(ANSWER_SCHEMA)
    answers = asking.answers_from_json(body)

    def command(ctx: Ctx) -> wire.SurveyAnswered:
        ticket = responses.for_counter(ctx.session, counter_id, body["ticket_id"], ctx.now)
        stored = responses.submit(ctx, ticket, responses.Channel.COUNTER_TABLET, answers)
        return {"number": ticket.number, "answered_at": iso(stored.answered_at)}

    return jsonify(run_command(who.actor, command)), 201


@bp.post("/survey/kiosk/lookup")
def kiosk_survey_lookup() -> Response:
    who = current_principal()
    access.require_kiosk(who)
    number = json_body(KIOSK_LOOKUP_SCHEMA)["number"]

    def query(ctx: Ctx) -> wire.KioskSurveyVisit:
        ticket = responses.for_kiosk(ctx.session, number, ctx.today)
        return asking.kiosk_visit(ticket)

    return jsonify(run_query(query))


@bp.post("/survey/kiosk/answers")
def kiosk_survey_answer() -> tuple[Response, int]:
    who = current_principal()
    access.require_kiosk(who)
    body = json_body(KIOSK_ANSWER_SCHEMA)
    answers = asking.answers_from_json(body)

    def command(ctx: Ctx) -> wire.SurveyAnswered:
        ticket = responses.for_kiosk(ctx.session, body["number"], ctx.today)
        stored = responses.submit(ctx, ticket, responses.Channel.KIOSK, answers)
        return {"number": ticket.number, "answered_at": iso(stored.answered_at)}

    return jsonify(run_command(who.actor, command)), 201
