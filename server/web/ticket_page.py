"""The visitor's ticket page, opened from the QR on the ticket: ``/t/<status code>``.

No login and no personal data: the unguessable status code is the only key, exactly as
for ``GET /api/v1/tickets/<code>``, whose answer the page embeds and then reloads. The
page's socket sits in the ticket's own room and in its line's room (``queue.stats``:
counts only); it reloads that answer on every event of either, on a reconnect or gap,
and polls only while the socket is down.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Response, g, make_response, render_template

from server import public_limit
from server.commands import run_query
from server.domain.areas import area_now
from server.domain.context import Ctx
from server.domain.errors import DomainError
from server.domain.outbox import current_seq
from server.domain.payloads import public_ticket_payload, service_payload
from server.domain.skm.asking import ticket_page_offer
from server.domain.tickets import find_by_status_code, ticket_with_estimate
from server.state import app_state
from server.web import bp
from server.web.notice_offer import notice_offer
from shared import events, wire

# token_urlsafe's alphabet; anything else cannot be a status code and is not looked up.
STATUS_CODE = re.compile(r"[A-Za-z0-9_-]{8,32}")
# While its socket is down a waiting ticket's page polls its status this often (the
# script's ``data-refresh``); connected, the line's pushes keep it current.
REFRESH_SECONDS = 15


def service_standard(ctx: Ctx, status_code: str) -> wire.ServiceStandard | None:
    """The standar pelayanan of the ticket's service, when the hall wrote one: shown under
    the number so a visitor checks their papers while waiting, as the kiosk's Persyaratan
    button showed it before the ticket was taken."""
    try:
        ticket = find_by_status_code(ctx.session, status_code)
    except DomainError:
        return None
    standard = service_payload(ticket.service)["standard"]
    if not (standard["requirements"] or standard["fee"] or standard["completion"]):
        return None
    return standard


def ticket_status(ctx: Ctx, status_code: str) -> dict[str, Any] | None:
    """The public status of one ticket (the API's answer), or None for an unknown code."""
    try:
        ticket = find_by_status_code(ctx.session, status_code)
    except DomainError:
        return None
    return {
        "ticket": public_ticket_payload(ticket, area_now(ctx, ticket)),
        **ticket_with_estimate(ctx, ticket),
        "seq": current_seq(ctx.session, events.ticket_room(status_code)),
        "timezone": ctx.settings.timezone,
    }


@bp.get("/t/<path:status_code>")
def ticket_page(status_code: str) -> Any:
    """Counted against the address's budget of visitor pages: a phone opens this once or
    twice a visit (its refreshes call the status API), a scanner of codes many times."""
    try:
        public_limit.check("page")
    except DomainError as exc:
        response = make_response(render_template("ticket/busy.html"), 429)
        response.headers["Retry-After"] = str(exc.details.get("retry_after", 60))
        return _private(response)
    return ticket_response(status_code)


def ticket_response(
    status_code: str,
    *,
    notice_error: str | None = None,
    notice_phone: str = "",
    status: int = 200,
    missing_status: int = 404,
) -> Response:
    """The page itself; the notices form answers with it too when it refuses an entry
    (``notice_error``: ``phone``, ``consent`` or ``expired``; ``notice_phone``: what the
    visitor typed, given back to correct)."""
    config = app_state().notice_config()
    language = g.get("antre_lang", "id")
    found, standard, offer, notices = None, None, None, None
    if STATUS_CODE.fullmatch(status_code):
        found, standard, offer, notices = run_query(
            lambda ctx: (
                ticket_status(ctx, status_code),
                service_standard(ctx, status_code),
                ticket_page_offer(ctx.session, status_code, ctx.now),
                notice_offer(ctx, config, status_code, language),
            )
        )
    if found is None:
        # The same page for a malformed and an unknown code: no hint which codes exist.
        response = make_response(render_template("ticket/not_found.html"), missing_status)
    else:
        body = render_template(
            "ticket/ticket.html",
            code=status_code,
            status=found,
            standard=standard,
            survey_offer=offer,
            notices=notices,
            notice_error=notice_error,
            notice_phone=notice_phone,
            refresh_seconds=REFRESH_SECONDS,
        )
        response = make_response(body, status)
    return _private(response)


def _refused_before_the_page(exc: DomainError) -> Response:
    """A request refused before the view runs (a NUL in the address, ``/t/%00``:
    ``check_request_text``) is a malformed code: the same page as an unknown one."""
    return _private(make_response(render_template("ticket/not_found.html"), 404))


ticket_page.visitor_refusal = _refused_before_the_page  # type: ignore[attr-defined]


def _private(response: Response) -> Response:
    # The link is the ticket's key: never cached by a proxy, never indexed.
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response
