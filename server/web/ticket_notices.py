"""The ticket page's opt-in to notices (docs/notifications.md#what-the-visitor-sees):
``POST /t/<code>/notices`` (a number with consent, for WhatsApp or SMS: the button
pressed says which) and ``POST /t/<code>/notices/stop``.

Offered only when the hall configured a channel; Telegram is a deep link to the bot
(``https://t.me/<bot>?start=<payload>``), bound when the bot hears ``/start``
(``server/hooks.py``). Plain forms with the page's CSRF secret, counted against the
address's budget of visitor pages like the survey; refusals are the visitor's pages.
"""

from __future__ import annotations

from typing import Any

from flask import g, redirect, request, url_for
from flask.typing import ResponseReturnValue

from server.commands import run_command
from server.domain.context import SYSTEM, Ctx
from server.domain.errors import DomainError
from server.domain.notices import opt_in
from server.domain.tickets import find_by_status_code
from server.models import OPEN_TICKET_STATES
from server.notify.channels import configured_channels
from server.state import app_state
from server.web import bp
from server.web.ticket_page import STATUS_CODE, ticket_response
from server.web.ticket_survey import refusal
from server.web.visitor_view import visitor_view
from shared.errors import ErrorCode

PHONE_MAX = 32


def _notice_refusal(exc: DomainError) -> ResponseReturnValue:
    """A form left open too long (CSRF) is said on the ticket page itself, 400 as every
    visitor form's; with an unknown or malformed code, the unknown code's page, alike."""
    code = request.view_args.get("status_code") if request.view_args else None
    if exc.details.get("reason") == "csrf":
        return ticket_response(
            code if isinstance(code, str) else "",
            notice_error="expired",
            status=400,
            missing_status=400,
        )
    return refusal(exc)


visitor_notice_form = visitor_view(_notice_refusal)


def _open_ticket(ctx: Ctx, status_code: str) -> Any:
    """The ticket, or None once its visit is over (a form left open: nothing to notify)."""
    if not STATUS_CODE.fullmatch(status_code):
        raise DomainError(ErrorCode.NOT_FOUND, "ticket not found")
    ticket = find_by_status_code(ctx.session, status_code)
    return ticket if ticket.state in OPEN_TICKET_STATES else None


def _back(status_code: str) -> ResponseReturnValue:
    return redirect(url_for("web.ticket_page", status_code=status_code) + "#notices", 303)


@bp.post("/t/<string:status_code>/notices")
@visitor_notice_form
def ticket_notices_subscribe(status_code: str) -> ResponseReturnValue:
    channel = request.form.get("channel", "whatsapp")
    if channel not in opt_in.PHONE_CHANNELS or channel not in configured_channels(
        app_state().notice_config()
    ):
        raise DomainError(ErrorCode.NOT_FOUND, "no such notices here")
    phone = request.form.get("phone", "")[:PHONE_MAX]
    if request.form.get("consent") != "yes":
        return ticket_response(status_code, notice_error="consent", notice_phone=phone, status=422)
    language = g.get("antre_lang", "id")

    def command(ctx: Ctx) -> None:
        ticket = _open_ticket(ctx, status_code)
        if ticket is not None:
            opt_in.subscribe_phone(ctx.session, ticket, channel, phone, language, ctx.now)

    try:
        run_command(SYSTEM, command)
    except DomainError as exc:
        if exc.code != ErrorCode.VALIDATION_ERROR:
            raise
        return ticket_response(status_code, notice_error="phone", notice_phone=phone, status=422)
    return _back(status_code)


@bp.post("/t/<string:status_code>/notices/stop")
@visitor_notice_form
def ticket_notices_stop(status_code: str) -> ResponseReturnValue:
    def command(ctx: Ctx) -> None:
        if not STATUS_CODE.fullmatch(status_code):
            raise DomainError(ErrorCode.NOT_FOUND, "ticket not found")
        ticket = find_by_status_code(ctx.session, status_code)
        opt_in.stop_ticket(ctx.session, ticket.id, ctx.now)

    run_command(SYSTEM, command)
    return _back(status_code)
