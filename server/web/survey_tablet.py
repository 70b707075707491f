"""The counter's survey tablet: ``/survey/counter/<id>``, full screen beside the counter,
and the kiosk's survey page, ``/survey/kiosk`` (docs/skm.md#where-visitors-answer).

Idle it thanks the visitor in the hall's name; when its counter finishes a visit it asks
that visit's survey by itself, and goes back to idle after the answer, after two minutes
without a touch, or when the counter calls somebody else. The page carries no secret, as
the browser board: the tablet's device token reaches it in the URL fragment (``#token=…``,
never sent to a server) or is typed once, and is kept in localStorage; the page sends it
as a bearer token to ``/api/v1/survey/counters/<id>`` and in the socket's auth, which
puts the tablet in its counter's room (a finish there is ``ticket.updated``, done).

The kiosk's page is the same page without a counter: a visitor who left the counter
without answering types the number printed on their ticket (a kiosk's token; a ticket
done today; ``responses.for_kiosk``), answers, and the page waits for the next.

The questionnaire is rendered here in both languages (one template with the ticket
page's survey, ``survey/_questions.html``); the tablet switches language without a
reload, and back to Indonesian for the next visitor.
"""

from __future__ import annotations

from typing import Any

from flask import make_response, render_template, request

from server.commands import run_query
from server.domain.context import Ctx
from server.domain.errors import DomainError
from server.domain.skm import asking
from server.domain.skm.questionnaire import PROFILE, questionnaire
from server.domain.skm.responses import SUGGESTION_MAX
from server.models import Counter
from server.web import bp
from shared.errors import ErrorCode

# Back to idle after this long without a touch: the visitor walked away mid-survey. A
# hall may choose another (``?idle_seconds=N`` in the tablet's address).
IDLE_AFTER_SECONDS = 120
IDLE_BOUNDS = (5, 600)
# How long the thank-you stays after an answer.
THANKS_SECONDS = 6


def survey_page_context(ctx: Ctx) -> dict[str, Any]:
    """What every survey form renders: the questions as worded now, the profile, the
    suggestion's bound and the wording's fingerprint."""
    questions = questionnaire(ctx.session)
    return {
        "questions": questions,
        "profile": PROFILE,
        "suggestion_max": SUGGESTION_MAX,
        "form_version": asking.form_version(questions),
    }


def _idle_seconds() -> int:
    raw = request.args.get("idle_seconds", str(IDLE_AFTER_SECONDS))
    low, high = IDLE_BOUNDS
    if not (raw.isascii() and raw.isdigit()) or not low <= int(raw) <= high:
        raise DomainError(ErrorCode.VALIDATION_ERROR, f"idle_seconds must be from {low} to {high}")
    return int(raw)


@bp.get("/survey/counter/<int:counter_id>")
def survey_tablet(counter_id: int) -> Any:
    def query(ctx: Ctx) -> dict[str, Any] | None:
        counter = ctx.session.get(Counter, counter_id)
        if counter is None or not counter.active:
            return None
        return {"counter_label": counter.label, **survey_page_context(ctx)}

    found = run_query(query)
    if found is None:
        raise DomainError(ErrorCode.NOT_FOUND, "counter not found")
    return _survey_page(mode="counter", counter_id=counter_id, **found)


@bp.get("/survey/kiosk")
def survey_kiosk() -> Any:
    form = run_query(survey_page_context)
    return _survey_page(mode="kiosk", counter_id="", counter_label="", **form)


def _survey_page(**context: Any) -> Any:
    page = render_template(
        "survey/tablet.html",
        idle_after=_idle_seconds(),
        thanks_seconds=THANKS_SECONDS,
        **context,
    )
    response = make_response(page)
    response.headers["Cache-Control"] = "no-store"
    return response
