"""Issuing tickets and the changes staff make to a waiting or no-show ticket."""

from __future__ import annotations

from flask import Response, jsonify, request

from server import public_limit
from server.api import bp
from server.api.validation import Field, invalid, json_body
from server.commands import run_command, run_query
from server.domain import access
from server.domain.areas import area_now
from server.domain.context import Ctx
from server.domain.errors import DomainError
from server.domain.outbox import current_seq
from server.domain.payloads import public_ticket_payload, ticket_payload
from server.domain.tickets import (
    cancel_ticket,
    find_by_status_code,
    issue_as,
    lock_ticket,
    report_printing,
    request_for,
    requeue_no_show,
    ticket_with_estimate,
)
from server.models import Priority, TicketSource
from server.principal import current_principal
from shared import events, wire
from shared.errors import ErrorCode

IDEMPOTENCY_HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 128

ISSUE_SCHEMA = {
    "service_id": Field("integer", required=True, minimum=1),
    "priority": Field("string", choices=tuple(p.value for p in Priority)),
    "printed": Field("boolean", nullable=True, description="whether the kiosk printed it"),
    "source": Field(
        "string",
        choices=tuple(s.value for s in TicketSource),
        description="staff only; a kiosk's tickets are always 'kiosk'",
    ),
    "booked_for": Field(
        "datetime",
        nullable=True,
        description="staff only: the booked slot of an online booking; it must fall on the "
        "service date (today in the hall's time zone), else 422 validation_error",
    ),
}
PRINTED_SCHEMA = {"printed": Field("boolean", required=True)}
CANCEL_SCHEMA = {"reason": Field("string", max_length=200, nullable=True)}
REQUEUE_SCHEMA = {"places": Field("integer", minimum=0, maximum=50)}


def _idempotency_key() -> str | None:
    key = request.headers.get(IDEMPOTENCY_HEADER)
    if key is None:
        return None
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise invalid(IDEMPOTENCY_HEADER, f"must be 1 to {MAX_KEY_LENGTH} printable characters")
    return key


@bp.post("/tickets")
def issue() -> tuple[Response, int]:
    who = current_principal()
    access.require_issuer(who)
    body = json_body(ISSUE_SCHEMA)
    key = _idempotency_key()
    req = request_for(who, body)

    def command(ctx: Ctx) -> tuple[wire.Issued, bool]:
        issued = issue_as(ctx, who, req, key)
        area = area_now(ctx, issued.ticket)
        view: wire.Issued = {
            # The status code (the QR's secret) goes to the issuer alone, never to a room.
            "ticket": {
                **ticket_payload(issued.ticket),
                "status_code": issued.ticket.status_code,
                # Where to wait, as the kiosk's screen and the printed ticket say it.
                "area": area.to_dict() if area is not None else None,
            },
            **issued.estimate.to_dict(),
        }
        return view, issued.replayed

    view, replayed = run_command(who.actor, command, on_driver=who.kind == "device")
    response = jsonify(view)
    if replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response, 201


@bp.get("/tickets/<string:status_code>")
def public_status(status_code: str) -> Response:
    """The visitor's page: the unguessable code from the QR is the only key needed.

    An open ticket page polls this, so only the codes that miss count against the
    address (``server/public_limit.py``); over that budget every code is refused alike."""
    public_limit.check("misses", count=False)

    def query(ctx: Ctx) -> wire.TicketStatus:
        if len(status_code) > 32:
            raise DomainError(ErrorCode.NOT_FOUND, "ticket not found")
        ticket = find_by_status_code(ctx.session, status_code)
        return {
            "ticket": public_ticket_payload(ticket, area_now(ctx, ticket)),
            **ticket_with_estimate(ctx, ticket),
            "seq": current_seq(ctx.session, events.ticket_room(status_code)),
        }

    try:
        return jsonify(run_query(query))
    except DomainError as exc:
        if exc.code == ErrorCode.NOT_FOUND:
            public_limit.count_miss()
        raise


@bp.post("/tickets/<int:ticket_id>/printed")
def report_printed(ticket_id: int) -> Response:
    """The kiosk that issued a ticket reports whether it printed (or was only shown)."""
    who = current_principal()
    body = json_body(PRINTED_SCHEMA)

    def command(ctx: Ctx) -> wire.TicketChanged:
        return {"ticket": ticket_payload(report_printing(ctx, who, ticket_id, body["printed"]))}

    return jsonify(run_command(who.actor, command))


@bp.post("/tickets/<int:ticket_id>/cancel")
def cancel(ticket_id: int) -> Response:
    who = current_principal()
    body = json_body(CANCEL_SCHEMA)

    def command(ctx: Ctx) -> wire.TicketChanged:
        ticket = lock_ticket(ctx.session, ticket_id)
        access.require_agency_staff(who, ticket.service.agency_id)
        cancel_ticket(ctx, ticket, body.get("reason"))
        return {"ticket": ticket_payload(ticket)}

    return jsonify(run_command(who.actor, command))


@bp.post("/tickets/<int:ticket_id>/requeue")
def requeue(ticket_id: int) -> Response:
    """A no-show visitor came back: put them back in line a few places down."""
    who = current_principal()
    body = json_body(REQUEUE_SCHEMA)

    def command(ctx: Ctx) -> wire.Requeued:
        ticket = lock_ticket(ctx.session, ticket_id)
        access.require_agency_staff(who, ticket.service.agency_id)
        requeue_no_show(ctx, ticket, body.get("places"))
        return {"ticket": ticket_payload(ticket), **ticket_with_estimate(ctx, ticket)}

    return jsonify(run_command(who.actor, command))
