"""The officer's commands at a counter, and the counter's view of its lines."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, jsonify

from server.api import bp
from server.api.validation import Field, json_body
from server.commands import run_command, run_query
from server.domain import access
from server.domain import counters as counter_ops
from server.domain.context import Ctx
from server.domain.counter_queue import counter_queue as queue_view
from server.domain.counter_queue import readable_counter
from server.domain.errors import not_found
from server.domain.outbox import current_seq
from server.domain.payloads import counter_payload, ticket_payload
from server.domain.tickets import load_service
from server.models import Counter, Ticket
from server.principal import current_principal
from shared import events, wire

EMPTY: dict[str, Field] = {}
# Sent by a counter client with the id of the ticket its officer sees (null: none), so a
# double press or a retry after a lost response cannot act on a visitor nobody saw called.
EXPECT = {
    "expect_ticket_id": Field(
        "integer",
        nullable=True,
        minimum=1,
        description="the counter's current ticket as the caller sees it (null: none); "
        "a different one is refused with 409 conflict",
    )
}
CALL_SCHEMA = {"ticket_id": Field("integer", required=True, minimum=1), **EXPECT}
OPEN_SCHEMA = {
    "takeover": Field(
        "boolean",
        description="an admin, or the supervisor of the counter's agency: take over a "
        "counter open under another user (logged as taken_over); ignored for anyone else",
    )
}
TRANSFER_SCHEMA = {
    "service_id": Field("integer", minimum=1, description="the line to send the visitor to"),
    "counter_id": Field("integer", minimum=1, description="or one counter to send them to"),
    "position": Field("string", choices=("front", "back"), description="default: back"),
    **EXPECT,
}


def _state(ctx: Ctx, counter: Counter, known: Ticket | None = None) -> wire.CounterAndTicket:
    """The counter and its current ticket; ``known``: a ticket the command already holds
    (a session does not keep loaded objects alive, so it would be read again)."""
    current = None
    if counter.current_ticket_id is not None:
        if known is not None and known.id == counter.current_ticket_id:
            current = known
        else:
            current = ctx.session.get(Ticket, counter.current_ticket_id)
    return {
        "counter": counter_payload(counter),
        "ticket": ticket_payload(current) if current is not None else None,
    }


def _counter_command(
    counter_id: int,
    schema: dict[str, Field],
    action: Callable[[Ctx, Counter, dict[str, Any]], Ticket | None],
    *,
    held: bool = True,
) -> Response:
    """Run one command on a counter. ``held``: only its holder may (every command but
    ``open``, which checks who holds it itself: it may take the counter over)."""
    who = current_principal()
    body = json_body(schema)

    def command(ctx: Ctx) -> wire.CounterAndTicket:
        counter = counter_ops.lock_counter(ctx.session, counter_id)
        access.require_counter_operator(who, counter)
        if held:
            counter_ops.require_holder(ctx, counter)
        if "expect_ticket_id" in body:
            counter_ops.expect_current(counter, body["expect_ticket_id"])
        ticket = action(ctx, counter, body)
        return _state(ctx, counter, ticket)

    return jsonify(run_command(who.actor, command))


@bp.post("/counters/<int:counter_id>/open")
def open_counter(counter_id: int) -> Response:
    who = current_principal()

    def action(ctx: Ctx, counter: Counter, body: dict[str, Any]) -> None:
        takeover = bool(body.get("takeover")) and counter_ops.may_take_over(who, counter)
        counter_ops.open_counter(ctx, counter, takeover=takeover)

    return _counter_command(counter_id, OPEN_SCHEMA, action, held=False)


@bp.post("/counters/<int:counter_id>/pause")
def pause_counter(counter_id: int) -> Response:
    return _counter_command(counter_id, EMPTY, lambda ctx, c, _: counter_ops.pause_counter(ctx, c))


@bp.post("/counters/<int:counter_id>/resume")
def resume_counter(counter_id: int) -> Response:
    return _counter_command(counter_id, EMPTY, lambda ctx, c, _: counter_ops.resume_counter(ctx, c))


@bp.post("/counters/<int:counter_id>/close")
def close_counter(counter_id: int) -> Response:
    return _counter_command(counter_id, EMPTY, lambda ctx, c, _: counter_ops.close_counter(ctx, c))


@bp.post("/counters/<int:counter_id>/next")
def call_next(counter_id: int) -> Response:
    """Finish the current ticket and call the next; ``ticket`` is null when nobody waits."""
    return _counter_command(counter_id, EXPECT, lambda ctx, c, _: counter_ops.call_next(ctx, c))


@bp.post("/counters/<int:counter_id>/call")
def call_ticket(counter_id: int) -> Response:
    return _counter_command(
        counter_id,
        CALL_SCHEMA,
        lambda ctx, c, b: counter_ops.call_ticket(ctx, c, b["ticket_id"]),
    )


@bp.post("/counters/<int:counter_id>/recall")
def recall(counter_id: int) -> Response:
    return _counter_command(counter_id, EXPECT, lambda ctx, c, _: counter_ops.recall(ctx, c))


@bp.post("/counters/<int:counter_id>/start")
def start(counter_id: int) -> Response:
    return _counter_command(counter_id, EXPECT, lambda ctx, c, _: counter_ops.start(ctx, c))


@bp.post("/counters/<int:counter_id>/finish")
def finish(counter_id: int) -> Response:
    return _counter_command(counter_id, EXPECT, lambda ctx, c, _: counter_ops.finish(ctx, c))


@bp.post("/counters/<int:counter_id>/no-show")
def no_show(counter_id: int) -> Response:
    return _counter_command(counter_id, EXPECT, lambda ctx, c, _: counter_ops.no_show(ctx, c))


@bp.post("/counters/<int:counter_id>/transfer")
def transfer(counter_id: int) -> Response:
    """Send the current visitor to another service (any agency) or to one counter."""

    def action(ctx: Ctx, counter: Counter, body: dict[str, Any]) -> Ticket:
        to_service = load_service(ctx.session, body["service_id"]) if "service_id" in body else None
        to_counter = None
        if "counter_id" in body:
            to_counter = ctx.session.get(Counter, body["counter_id"])
            if to_counter is None or not to_counter.active:
                raise not_found("counter")
        return counter_ops.transfer(
            ctx,
            counter,
            to_service=to_service,
            to_counter=to_counter,
            front=body.get("position", "back") == "front",
        )

    return _counter_command(counter_id, TRANSFER_SCHEMA, action)


@bp.get("/counters/<int:counter_id>")
def counter_status(counter_id: int) -> Response:
    who = current_principal()

    def query(ctx: Ctx) -> wire.CounterStatus:
        counter = readable_counter(ctx, who, counter_id)
        return {
            **_state(ctx, counter),
            "seq": current_seq(ctx.session, events.counter_room(counter.id)),
        }

    return jsonify(run_query(query))


@bp.get("/counters/<int:counter_id>/queue")
def counter_queue(counter_id: int) -> Response:
    """Waiting tickets of the counter's lines in the order "next" takes them, each with
    the reason for its place (shared.calling_order), and the lines' stats."""
    who = current_principal()

    def query(ctx: Ctx) -> wire.CounterQueue:
        view = queue_view(ctx, who, counter_id)
        return {**view, "seq": current_seq(ctx.session, events.counter_room(counter_id))}

    return jsonify(run_query(query))
