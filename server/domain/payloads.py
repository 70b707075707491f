"""The JSON shapes of tickets, counters and lines, as REST answers and push payloads use them
(typed once in ``shared.wire``, which the clients read them as)."""

from __future__ import annotations

import datetime as dt
from typing import overload

from sqlalchemy.orm import joinedload

from server.models import Agency, Counter, Service, Ticket, Zone
from shared import wire

from .areas import WaitingArea

# Loader options for a ticket about to be shown or announced: its service, agency and
# series in the same statement, instead of three more as they are first touched.
TICKET_FOR_PAYLOAD = (
    joinedload(Ticket.service, innerjoin=True).joinedload(Service.agency, innerjoin=True),
    joinedload(Ticket.series, innerjoin=True),
)


@overload
def iso(value: dt.datetime | dt.date) -> str: ...
@overload
def iso(value: dt.datetime | dt.date | None) -> str | None: ...
def iso(value: dt.datetime | dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def agency_brief(agency: Agency) -> wire.AgencyBrief:
    return {
        "id": agency.id,
        "code": agency.code,
        "short_name": agency.short_name,
        "colour": agency.colour,
    }


def ticket_payload(ticket: Ticket) -> wire.Ticket:
    """Everything staff clients need about one ticket. No personal data exists to leak."""
    service = ticket.service
    counter = ticket.counter
    return {
        "id": ticket.id,
        "number": ticket.number,
        "prefix": ticket.series.prefix,
        "sequence": ticket.sequence,
        "service": {"id": service.id, "code": service.code, "name": service.name},
        "agency": agency_brief(service.agency),
        "priority": ticket.priority,
        "source": ticket.source,
        "state": ticket.state,
        "service_date": iso(ticket.service_date),
        "issued_at": iso(ticket.issued_at),
        "queued_at": iso(ticket.queued_at),
        "called_at": iso(ticket.called_at),
        "started_at": iso(ticket.started_at),
        "finished_at": iso(ticket.finished_at),
        "call_count": ticket.call_count,
        "counter": {"id": counter.id, "label": counter.label} if counter is not None else None,
        "target_counter_id": ticket.target_counter_id,
        "booked_for": iso(ticket.booked_for),
        "printed": ticket.printed,
    }


def public_ticket_payload(ticket: Ticket, area: WaitingArea | None) -> wire.PublicTicket:
    """What the visitor's phone sees through the QR code: no ids to walk, no staff data;
    ``area`` is where the visitor waits (``areas.area_now``)."""
    counter = ticket.counter
    return {
        "number": ticket.number,
        "service": ticket.service.name,
        "agency": agency_brief(ticket.service.agency),
        "priority": ticket.priority,
        "state": ticket.state,
        "service_date": iso(ticket.service_date),
        "issued_at": iso(ticket.issued_at),
        "called_at": iso(ticket.called_at),
        "counter": counter.label if counter is not None else None,
        "area": area.to_dict() if area is not None else None,
    }


def counter_payload(counter: Counter) -> wire.Counter:
    current = counter.current_ticket_id
    return {
        "id": counter.id,
        "label": counter.label,
        "agency_id": counter.agency_id,
        "zone": counter.zone.code,
        "state": counter.state,
        "officer_id": counter.officer_id,
        "current_ticket_id": current,
        "service_ids": [link.service_id for link in counter.service_links],
        "state_since": iso(counter.state_since),
        # For the calling order's priority turn (shared.calling_order), as clients show it.
        "calls_since_priority": counter.calls_since_priority,
    }


def service_payload(service: Service) -> wire.ServiceDefinition:
    return {
        "id": service.id,
        "code": service.code,
        "name": service.name,
        "agency_id": service.agency_id,
        "prefix": service.series.prefix,
        "position": service.position,
        "active": service.active,
        "daily_quota": service.daily_quota,
        "hours": service.hours,
        "priority_offered": service.priority_offered,
        "target_wait_minutes": service.target_wait_minutes,
        "typical_minutes": service.typical_minutes,
        "standard": {
            "requirements": list(service.requirements or []),
            "fee": service.fee or "",
            "completion": service.completion or "",
        },
    }


def agency_payload(agency: Agency) -> wire.Agency:
    return {
        "id": agency.id,
        "code": agency.code,
        "name": agency.name,
        "short_name": agency.short_name,
        "colour": agency.colour,
        "position": agency.position,
        "active": agency.active,
    }


def zone_payload(zone: Zone) -> wire.Zone:
    return {"id": zone.id, "code": zone.code, "name": zone.name}
