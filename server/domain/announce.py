"""Which push events a change produces, and to which rooms (see ``shared.events``)."""

from __future__ import annotations

from sqlalchemy import bindparam, select

from server.models import Agency, Counter, CounterService, Service, Ticket, Zone
from shared import events
from shared.callout import CallOut

from .context import Ctx
from .estimates import LineStats, line_stats
from .views import counter_view, ticket_view


def _ticket_rooms(ticket: Ticket) -> list[str]:
    rooms = [events.HALL_ROOM, events.agency_room(ticket.service.agency.code)]
    rooms.append(events.ticket_room(ticket.status_code))
    if ticket.counter is not None:
        rooms.append(events.counter_room(ticket.counter.id))
        rooms.append(events.zone_room(ticket.counter.zone.code))
    return rooms


_ZONES_OF_SERVICE = (
    select(Zone.code)
    .join(Counter, Counter.zone_id == Zone.id)
    .join(CounterService, CounterService.counter_id == Counter.id)
    .where(CounterService.service_id == bindparam("service_id"))
    .distinct()
)


def _line_rooms(ctx: Ctx, service: Service) -> list[str]:
    zones = ctx.session.scalars(_ZONES_OF_SERVICE, {"service_id": service.id}).all()
    return [
        events.HALL_ROOM,
        events.agency_room(service.agency.code),
        *(events.zone_room(code) for code in sorted(zones)),
    ]


def ticket_updated(ctx: Ctx, ticket: Ticket, *, also_rooms: tuple[str, ...] = ()) -> None:
    ctx.outbox.add(
        events.TICKET_UPDATED,
        [*_ticket_rooms(ticket), *also_rooms],
        {"ticket": ticket_view(ticket)},
    )


def ticket_issued(ctx: Ctx, ticket: Ticket) -> None:
    ctx.outbox.add(events.TICKET_ISSUED, _ticket_rooms(ticket), {"ticket": ticket_view(ticket)})


def ticket_called(ctx: Ctx, ticket: Ticket, counter: Counter, *, recall: bool) -> None:
    """The call the boards show and speak, with the words ready in both languages."""
    callout = CallOut(
        prefix=ticket.series.prefix,
        sequence=ticket.sequence,
        counter_label=counter.label,
        agency_name=ticket.service.agency.short_name,
    )
    payload = {
        "ticket": ticket_view(ticket),
        "counter": {"id": counter.id, "label": counter.label, "zone": counter.zone.code},
        "recall": recall,
        "call_count": ticket.call_count,
        "announce": {
            "id": callout.text_id(ctx.settings.callout_template_id),
            "en": callout.text_en(ctx.settings.callout_template_en),
        },
    }
    ctx.outbox.add(events.TICKET_CALLED, _ticket_rooms(ticket), payload)


def counter_updated(ctx: Ctx, counter: Counter) -> None:
    rooms = [
        events.HALL_ROOM,
        events.agency_room(counter.agency.code),
        events.counter_room(counter.id),
        events.zone_room(counter.zone.code),
    ]
    ctx.outbox.add(events.COUNTER_UPDATED, rooms, {"counter": counter_view(counter)})


def line_changed(ctx: Ctx, service: Service) -> LineStats:
    """``queue.stats`` for one service's line: waiting count and estimated wait."""
    stats = line_stats(ctx.session, service, ctx.settings, ctx.now)
    ctx.outbox.add(events.QUEUE_STATS, _line_rooms(ctx, service), {"line": stats.to_dict()})
    return stats


def config_changed(ctx: Ctx, what: str) -> None:
    """``config.updated`` to every room a long-lived client sits in."""
    zones = ctx.session.scalars(select(Zone.code)).all()
    agencies = ctx.session.scalars(select(Agency.code)).all()
    rooms = [
        events.HALL_ROOM,
        *(events.zone_room(z) for z in zones),
        *(events.agency_room(a) for a in agencies),
    ]
    ctx.outbox.add(events.CONFIG_UPDATED, rooms, {"what": what})
