"""The JSON shapes of tickets, counters and lines, as REST answers and push payloads use them
(typed once in ``shared.wire``, which the clients read them as)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, overload

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


def loaded(entity: object, names: frozenset[str]) -> Mapping[str, Any]:
    """``entity``'s attributes ``names``, read from the values it holds when all of them
    are loaded (as the ORM itself returns a loaded attribute), else read one by one (an
    expired or lazy one is loaded then). A payload reads a dozen or two attributes, and
    the ORM's attribute access is a Python call each: 79 of them ran for a kiosk's issue,
    24 in its ticket's payload (docs/benchmarks.md, the twelfth pass)."""
    values: dict[str, Any] = entity.__dict__
    if names <= values.keys():
        return values
    return {name: getattr(entity, name) for name in names}


_AGENCY_BRIEF = frozenset(("id", "code", "short_name", "colour"))


def agency_brief(agency: Agency) -> wire.AgencyBrief:
    a = loaded(agency, _AGENCY_BRIEF)
    return {"id": a["id"], "code": a["code"], "short_name": a["short_name"], "colour": a["colour"]}


_SERVICE_BRIEF = frozenset(("id", "code", "name", "agency"))
_TICKET = frozenset(
    (
        "id",
        "number",
        "series",
        "sequence",
        "service",
        "counter",
        "priority",
        "source",
        "state",
        "service_date",
        "issued_at",
        "queued_at",
        "called_at",
        "started_at",
        "finished_at",
        "call_count",
        "target_counter_id",
        "booked_for",
        "printed",
    )
)


def ticket_payload(ticket: Ticket) -> wire.Ticket:
    """Everything staff clients need about one ticket. No personal data exists to leak."""
    t = loaded(ticket, _TICKET)
    service = loaded(t["service"], _SERVICE_BRIEF)
    counter = t["counter"]
    return {
        "id": t["id"],
        "number": t["number"],
        "prefix": t["series"].prefix,
        "sequence": t["sequence"],
        "service": {"id": service["id"], "code": service["code"], "name": service["name"]},
        "agency": agency_brief(service["agency"]),
        "priority": t["priority"],
        "source": t["source"],
        "state": t["state"],
        "service_date": iso(t["service_date"]),
        "issued_at": iso(t["issued_at"]),
        "queued_at": iso(t["queued_at"]),
        "called_at": iso(t["called_at"]),
        "started_at": iso(t["started_at"]),
        "finished_at": iso(t["finished_at"]),
        "call_count": t["call_count"],
        "counter": {"id": counter.id, "label": counter.label} if counter is not None else None,
        "target_counter_id": t["target_counter_id"],
        "booked_for": iso(t["booked_for"]),
        "printed": t["printed"],
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
