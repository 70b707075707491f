"""Every change of a ticket goes through ``transition``: check, change, log. Nothing else
writes a ticket's state, so the event log is complete by construction."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert

from server.models import Ticket, TicketEvent, TicketState

from .context import Ctx
from .errors import invalid_transition
from .sql import run

# The ticket life (docs/design.md#ticket-life): (from, action) -> to.
TRANSITIONS: dict[tuple[TicketState | None, str], TicketState] = {
    (None, "issued"): TicketState.WAITING,
    (TicketState.WAITING, "called"): TicketState.CALLED,
    (TicketState.CALLED, "recalled"): TicketState.CALLED,
    (TicketState.CALLED, "started"): TicketState.SERVING,
    (TicketState.CALLED, "finished"): TicketState.DONE,
    (TicketState.SERVING, "finished"): TicketState.DONE,
    (TicketState.CALLED, "no_show"): TicketState.NO_SHOW,
    (TicketState.NO_SHOW, "requeued"): TicketState.WAITING,
    (TicketState.WAITING, "transferred"): TicketState.WAITING,
    # a counter closed while visitors waited for it alone: back to their service's line
    (TicketState.WAITING, "returned_to_line"): TicketState.WAITING,
    (TicketState.CALLED, "transferred"): TicketState.WAITING,
    (TicketState.SERVING, "transferred"): TicketState.WAITING,
    (TicketState.WAITING, "cancelled"): TicketState.CANCELLED,
    (TicketState.WAITING, "expired"): TicketState.EXPIRED,
    (TicketState.CALLED, "expired"): TicketState.EXPIRED,
    (TicketState.SERVING, "expired"): TicketState.EXPIRED,
}

_VERB = {
    "issued": "issue",
    "called": "call",
    "recalled": "recall",
    "started": "start",
    "finished": "finish",
    "no_show": "mark as no-show",
    "requeued": "put back in line",
    "transferred": "transfer",
    "returned_to_line": "return to its line",
    "cancelled": "cancel",
    "expired": "expire",
}


def transition(ctx: Ctx, ticket: Ticket, action: str, **data: Any) -> None:
    """Move ``ticket`` by ``action`` or raise ``invalid_transition``; log the change."""
    before = ticket.state
    key = (before, action)
    if key not in TRANSITIONS:
        raise invalid_transition("ticket", before.value, _VERB[action])
    ticket.state = TRANSITIONS[key]
    record(ctx, ticket, action, before, **data)


# A Core insert, built once: the log is only appended to, never read back while a
# command runs, so the ORM's unit of work would cost more than the row is worth.
_APPEND = insert(TicketEvent.__table__)  # type: ignore[arg-type]


def record(ctx: Ctx, ticket: Ticket, kind: str, before: TicketState | None, **data: Any) -> None:
    """Append one row to the ticket event log now (the ticket must be flushed: its id)."""
    run(
        ctx.session,
        _APPEND,
        {
            "ticket_id": ticket.id,
            "at": ctx.now,
            "kind": kind,
            "from_state": before.value if before else None,
            "to_state": ticket.state.value,
            "service_id": ticket.service_id,
            "counter_id": ticket.counter_id,
            "user_id": ctx.actor.user_id,
            "device_id": ctx.actor.device_id,
            "data": data,
        },
    )
