"""The visitor's own survey on the ticket page: ``/t/<status code>/survey``
(docs/skm.md#where-visitors-answer).

The ticket page offers it once the visit is done (``survey_offer``); the status code is
the only key, as for the page itself, so a phone answers only for its own ticket
(``responses.for_ticket_page``), once, for 7 days. A plain form: it works without
JavaScript, on any phone. Counted against the address's budget of visitor pages
(``server/public_limit.py``), the answer too; an unknown or malformed code gets the
ticket page's own "not found", whichever it is.
"""

from __future__ import annotations

from typing import Any

from flask import Response, make_response, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from server.commands import run_command, run_query
from server.domain.context import SYSTEM, Ctx
from server.domain.errors import DomainError
from server.domain.skm import asking, responses
from server.domain.skm.questionnaire import questionnaire
from server.web import bp
from server.web.i18n import id_en
from server.web.survey_tablet import survey_page_context
from server.web.ticket_page import STATUS_CODE
from server.web.visitor_view import visitor_view
from shared.errors import ErrorCode


def _page(template: str, status: int = 200, **context: Any) -> Response:
    response = make_response(render_template(template, **context), status)
    # The link is the ticket's key: never cached by a proxy, never indexed.
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _notice(kind: str, status: int, code: str | None = None) -> Response:
    return _page("survey/notice.html", status, kind=kind, code=code)


def refusal(exc: DomainError) -> Response:
    """A refusal as the visitor's page says it, in words: never a traceback, never the
    API's JSON."""
    code = request.view_args.get("status_code") if request.view_args else None
    code = code if isinstance(code, str) and STATUS_CODE.fullmatch(code) else None
    if exc.details.get("reason") == "csrf":
        return _notice("expired", 400, code)
    if exc.code == ErrorCode.NOT_FOUND or _malformed_address(exc):
        return _page("ticket/not_found.html", 404)
    if exc.code == ErrorCode.TOO_MANY_ATTEMPTS:
        response = _page("ticket/busy.html", 429)
        response.headers["Retry-After"] = str(exc.details.get("retry_after", 60))
        return response
    if exc.code == ErrorCode.ALREADY_ANSWERED:
        return _notice("answered", 200 if request.method == "GET" else 409, code)
    if exc.code == ErrorCode.SURVEY_CLOSED:
        return _notice("closed", 200 if request.method == "GET" else 409, code)
    return _notice("failed", 400, code)


def _malformed_address(exc: DomainError) -> bool:
    """A NUL in the address (``/t/%00/survey``) is refused before the view runs
    (``check_request_text``): it is a malformed code, and gets the page of an unknown one."""
    return exc.code == ErrorCode.VALIDATION_ERROR and exc.details.get("field") == "path"


visitor_survey_page = visitor_view(refusal)


def _checked_code(status_code: str) -> str:
    if not STATUS_CODE.fullmatch(status_code):
        raise DomainError(ErrorCode.NOT_FOUND, "ticket not found")
    return status_code


def _form_page(status_code: str, chosen: dict[str, str], error: str | None = None) -> Response:
    def query(ctx: Ctx) -> dict[str, Any]:
        ticket = responses.for_ticket_page(ctx.session, status_code, ctx.now)
        return {
            "number": ticket.number,
            "service": ticket.service.name,
            **survey_page_context(ctx),
        }

    found = run_query(query)
    return _page(
        "survey/phone.html",
        422 if error else 200,
        code=status_code,
        chosen=chosen,
        error=error,
        **found,
    )


@bp.get("/t/<string:status_code>/survey")
@visitor_survey_page
def ticket_survey(status_code: str) -> ResponseReturnValue:
    return _form_page(_checked_code(status_code), {})


@bp.post("/t/<string:status_code>/survey")
@visitor_survey_page
def ticket_survey_answer(status_code: str) -> ResponseReturnValue:
    code = _checked_code(status_code)
    chosen = {key: value for key, value in request.form.items() if key != "csrf_token"}

    def command(ctx: Ctx) -> None:
        ticket = responses.for_ticket_page(ctx.session, code, ctx.now)
        answers = asking.answers_from_form(request.form, questionnaire(ctx.session))
        responses.submit(ctx, ticket, responses.Channel.TICKET_PAGE, answers)

    try:
        run_command(SYSTEM, command)
    except DomainError as exc:
        if exc.code != ErrorCode.VALIDATION_ERROR:
            raise
        return _form_page(code, chosen, _field_text(str(exc.details.get("field", ""))))
    return redirect(url_for("web.ticket_page", status_code=code) + "#survey-offer", 303)


def _field_text(field: str) -> str:
    """Which answer to look at again, in the visitor's words."""
    if field.startswith(("U", "X")):
        return id_en(
            "Ada pertanyaan yang belum dijawab: pilih satu jawaban di setiap pertanyaan.",
            "A question is not answered yet: choose one answer for each question.",
        )
    if field == "suggestion":
        return id_en(
            f"Saran paling banyak {responses.SUGGESTION_MAX} huruf, tanpa karakter kendali.",
            f"A suggestion is at most {responses.SUGGESTION_MAX} characters, no control "
            "characters.",
        )
    return id_en("Periksa pilihan Anda lalu kirim lagi.", "Check your choices and send again.")
