"""Which push events a change produces, and to which rooms (see ``shared.events``)."""

from __future__ import annotations

from sqlalchemy import select

from server.models import Agency, Counter, Service, Ticket, Zone
from shared import events, wire
from shared.callout import CallOut

from .areas import area_now
from .context import Ctx
from .estimates import line_stats_now
from .payloads import counter_payload, public_ticket_payload, ticket_payload


def _ticket_rooms(ticket: Ticket) -> list[str]:
    """The staff and board rooms of a ticket; its own room (the phone) gets less, apart."""
    rooms = [events.HALL_ROOM, events.agency_room(ticket.service.agency.code)]
    if ticket.counter is not None:
        rooms.append(events.counter_room(ticket.counter.id))
        rooms.append(events.zone_room(ticket.counter.zone.code))
    return rooms


def _line_rooms(ctx: Ctx, service: Service) -> list[str]:
    """Staff and boards, plus the line's own room where the waiting visitors' phones
    listen: one more room per event, however many tickets wait."""
    zones = ctx.catalog.zones_of_service(ctx.session, service.id)
    return [
        events.HALL_ROOM,
        events.agency_room(service.agency.code),
        *(events.zone_room(code) for code in zones),
        events.line_room(service.id),
    ]


def _to_phone(ctx: Ctx, name: str, ticket: Ticket) -> None:
    """The visitor's phone hears its ticket as its public page shows it: no ids, no staff."""
    payload: wire.PhoneTicketEvent = {
        "ticket": public_ticket_payload(ticket, area_now(ctx, ticket))
    }
    ctx.outbox.add(name, [events.ticket_room(ticket.status_code)], payload)


def ticket_updated(ctx: Ctx, ticket: Ticket, *, also_rooms: tuple[str, ...] = ()) -> None:
    payload: wire.TicketEvent = {"ticket": ticket_payload(ticket)}
    ctx.outbox.add(events.TICKET_UPDATED, [*_ticket_rooms(ticket), *also_rooms], payload)
    _to_phone(ctx, events.TICKET_UPDATED, ticket)


def ticket_issued(ctx: Ctx, ticket: Ticket) -> None:
    # Not to the ticket's own room: nobody can be in it before the issue response is out.
    # Built when the outbox numbers it (nothing changes a new ticket after this), and
    # only when a socket may hear it.
    def payload() -> wire.TicketEvent:
        return {"ticket": ticket_payload(ticket)}

    ctx.outbox.add(events.TICKET_ISSUED, _ticket_rooms(ticket), payload)


def ticket_called(ctx: Ctx, ticket: Ticket, counter: Counter, *, recall: bool) -> None:
    """The call the boards show and speak, with the words ready in both languages."""
    callout = CallOut(
        prefix=ticket.series.prefix,
        sequence=ticket.sequence,
        counter_label=counter.label,
        agency_name=ticket.service.agency.short_name,
    )
    payload: wire.TicketCalledEvent = {
        "ticket": ticket_payload(ticket),
        "counter": {"id": counter.id, "label": counter.label, "zone": counter.zone.code},
        "recall": recall,
        "call_count": ticket.call_count,
        "announce": {
            "id": callout.text_id(ctx.settings.callout_template_id),
            "en": callout.text_en(ctx.settings.callout_template_en),
        },
    }
    ctx.outbox.add(events.TICKET_CALLED, _ticket_rooms(ticket), payload)
    _to_phone(ctx, events.TICKET_CALLED, ticket)


def counter_updated(ctx: Ctx, counter: Counter) -> None:
    rooms = [
        events.HALL_ROOM,
        events.agency_room(counter.agency.code),
        events.counter_room(counter.id),
        events.zone_room(counter.zone.code),
    ]
    payload: wire.CounterEvent = {"counter": counter_payload(counter)}
    ctx.outbox.add(events.COUNTER_UPDATED, rooms, payload)


def line_changed(ctx: Ctx, service: Service) -> None:
    """``queue.stats`` for one service's line: waiting count and estimated wait.

    Computed when the outbox numbers the event (see ``Outbox.add``), not now.
    """

    def payload() -> wire.QueueStatsEvent:
        return {"line": line_stats_now(ctx, service)}

    ctx.outbox.add(events.QUEUE_STATS, _line_rooms(ctx, service), payload)


def config_changed(ctx: Ctx, what: str) -> None:
    """``config.updated`` to every room a long-lived client sits in."""
    zones = ctx.session.scalars(select(Zone.code)).all()
    agencies = ctx.session.scalars(select(Agency.code)).all()
    rooms = [
        events.HALL_ROOM,
        *(events.zone_room(z) for z in zones),
        *(events.agency_room(a) for a in agencies),
    ]
    payload: wire.ConfigEvent = {"what": what}
    ctx.outbox.add(events.CONFIG_UPDATED, rooms, payload)
