"""Snapshots a client reloads on connect or after a gap in ``seq``: the whole state of a
room, read in one consistent transaction together with the room's current seq."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Float, cast, func, select
from sqlalchemy.orm import Session

from server.models import (
    Agency,
    Counter,
    CounterService,
    Service,
    Ticket,
    TicketEvent,
    TicketState,
    Zone,
)
from shared import events, wire

from .context import Ctx
from .errors import not_found
from .estimates import line_stats_now
from .outbox import current_seq
from .payloads import (
    TICKET_FOR_PAYLOAD,
    agency_brief,
    counter_payload,
    ticket_payload,
    zone_payload,
)

# Tickets in a board's "previous calls" (each once, by its newest call): boards keep as
# many live as the snapshot lists (``last_calls_limit``), so a board that heard every call
# and one that just reloaded show the same.
LAST_CALLS = 10
# Enough for an officer to find a visitor who came back; older ones rarely return.
NO_SHOWS = 50


def _times_called(event: TicketEvent, ticket: Ticket) -> int:
    """How many times the ticket has been called at the counter of its newest call."""
    least = 2 if event.kind == "recalled" else 1
    here = ticket.call_count if ticket.counter_id == event.counter_id else 0
    return max(least, here)


def _call_counter(event: TicketEvent) -> int:
    """A call is always made at a counter (the query takes calls at the zone's)."""
    assert event.counter_id is not None
    return event.counter_id


def _seconds_between(session: Session, begin: Any, end: Any) -> ColumnElement[Any]:
    """``end - begin`` in seconds, in the database: the two backends subtract times apart."""
    if session.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", end - begin)
    # SQLite keeps times as ISO text; julianday() reads it, as fractional days.
    return (func.julianday(end) - func.julianday(begin)) * cast(86400.0, Float)


def counters_today(ctx: Ctx, counter_ids: list[int]) -> dict[int, wire.CounterToday]:
    """Per counter, today's served count and average service time (finish - start), in
    one aggregate query: the figures an officer sees survive a restart of the window."""
    figures: dict[int, wire.CounterToday] = {
        cid: {"served": 0, "average_service_seconds": None} for cid in counter_ids
    }
    if not counter_ids:
        return figures
    seconds = _seconds_between(ctx.session, Ticket.started_at, Ticket.finished_at)
    rows = ctx.session.execute(
        select(Ticket.counter_id, func.count(), func.avg(seconds))
        .where(
            Ticket.service_date == ctx.today,
            Ticket.state == TicketState.DONE,
            Ticket.counter_id.in_(counter_ids),
        )
        .group_by(Ticket.counter_id)
    ).all()
    for counter_id, served, average in rows:
        figures[counter_id] = {
            "served": int(served),
            "average_service_seconds": None if average is None else round(float(average), 1),
        }
    return figures


def no_shows_today(ctx: Ctx, service_ids: list[int]) -> list[Ticket]:
    """Today's no-shows of these services, most recently marked first (capped): the ones
    an officer may put back in line when they come back."""
    if not service_ids:
        return []
    marked = (
        select(func.max(TicketEvent.id))
        .where(TicketEvent.ticket_id == Ticket.id, TicketEvent.kind == "no_show")
        .scalar_subquery()
    )
    return list(
        ctx.session.scalars(
            select(Ticket)
            .options(*TICKET_FOR_PAYLOAD)
            .where(
                Ticket.state == TicketState.NO_SHOW,
                Ticket.service_date == ctx.today,
                Ticket.service_id.in_(service_ids),
            )
            .order_by(marked.desc(), Ticket.id.desc())
            .limit(NO_SHOWS)
        )
    )


def _counters_with_tickets(ctx: Ctx, counters: list[Counter]) -> list[wire.CounterOnBoard]:
    out: list[wire.CounterOnBoard] = []
    for counter in counters:
        ticket = (
            ctx.session.get(Ticket, counter.current_ticket_id)
            if counter.current_ticket_id
            else None
        )
        out.append(
            {
                **counter_payload(counter),
                "agency": agency_brief(counter.agency),
                "ticket": ticket_payload(ticket) if ticket is not None else None,
            }
        )
    return out


def _lines(ctx: Ctx, services: list[Service]) -> list[wire.LineStats]:
    return [line_stats_now(ctx, s) for s in services]


def zone_snapshot(ctx: Ctx, zone_code: str) -> wire.ZoneSnapshot:
    """What a display board of one zone shows: its counters, last calls, waiting lines."""
    session = ctx.session
    zone = session.scalar(select(Zone).where(Zone.code == zone_code))
    if zone is None:
        raise not_found("zone")
    seq = current_seq(session, events.zone_room(zone_code))
    counters = list(
        session.scalars(
            select(Counter)
            .where(Counter.zone_id == zone.id, Counter.active.is_(True))
            .order_by(Counter.agency_id, Counter.position)
        )
    )
    ids = [c.id for c in counters]
    # One entry per ticket, its newest call: a recall moves it to the top rather than
    # pushing other numbers off the list.
    newest = (
        select(func.max(TicketEvent.id))
        .join(Ticket, Ticket.id == TicketEvent.ticket_id)
        .where(
            TicketEvent.kind.in_(("called", "recalled")),
            TicketEvent.counter_id.in_(ids),
            Ticket.service_date == ctx.today,
        )
        .group_by(TicketEvent.ticket_id)
        .order_by(func.max(TicketEvent.id).desc())
        .limit(LAST_CALLS)
    )
    calls = session.execute(
        select(TicketEvent, Ticket)
        .join(Ticket, Ticket.id == TicketEvent.ticket_id)
        .options(*TICKET_FOR_PAYLOAD)
        .where(TicketEvent.id.in_(newest.scalar_subquery()))
        .order_by(TicketEvent.id.desc())
    ).all()
    by_id = {c.id: c for c in counters}
    services = list(
        session.scalars(
            select(Service)
            # Not DISTINCT over the rows: PostgreSQL cannot compare their JSON columns.
            .where(
                Service.id.in_(
                    select(CounterService.service_id).where(CounterService.counter_id.in_(ids))
                )
            )
            .order_by(Service.agency_id, Service.position)
        )
    )
    return {
        "zone": zone_payload(zone),
        "seq": seq,
        "today": ctx.today.isoformat(),
        "counters": _counters_with_tickets(ctx, counters),
        "last_calls": [
            {
                "number": ticket.number,
                "prefix": ticket.series.prefix,
                "sequence": ticket.sequence,
                "counter": by_id[event.counter_id].label if event.counter_id in by_id else None,
                "counter_id": _call_counter(event),
                "agency": agency_brief(ticket.service.agency),
                "at": event.at.isoformat(),
                "recall": event.kind == "recalled",
                "times": _times_called(event, ticket),
            }
            for event, ticket in calls
        ],
        "last_calls_limit": LAST_CALLS,
        "lines": _lines(ctx, services),
    }


def agency_snapshot(ctx: Ctx, agency: Agency) -> wire.AgencySnapshot:
    """What an agency's counters and supervisor need: counters (with today's figures),
    waiting tickets, today's no-shows, lines."""
    session = ctx.session
    seq = current_seq(session, events.agency_room(agency.code))
    services = list(agency.services)
    ids = [s.id for s in services]
    waiting = session.scalars(
        select(Ticket)
        .where(
            Ticket.state == TicketState.WAITING,
            Ticket.service_date == ctx.today,
            Ticket.service_id.in_(ids),
        )
        .order_by(Ticket.queue_key, Ticket.id)
        .limit(500)
    ).all()
    counters = _counters_with_tickets(ctx, [c for c in agency.counters if c.active])
    today = counters_today(ctx, [c["id"] for c in counters])
    return {
        "agency": agency_brief(agency),
        "seq": seq,
        "today": ctx.today.isoformat(),
        "counters": [{**c, "today": today[c["id"]]} for c in counters],
        "waiting": [ticket_payload(t) for t in waiting],
        "no_shows": [ticket_payload(t) for t in no_shows_today(ctx, ids)],
        "lines": _lines(ctx, services),
    }


def hall_snapshot(ctx: Ctx) -> wire.HallSnapshot:
    """Every line of the hall (kiosks show waiting counts; the monitor shows it all)."""
    session = ctx.session
    seq = current_seq(session, events.HALL_ROOM)
    services = list(session.scalars(select(Service).order_by(Service.agency_id, Service.position)))
    counters = list(
        session.scalars(select(Counter).where(Counter.active.is_(True)).order_by(Counter.id))
    )
    return {
        "seq": seq,
        "today": ctx.today.isoformat(),
        "lines": _lines(ctx, services),
        "counters": _counters_with_tickets(ctx, counters),
    }
