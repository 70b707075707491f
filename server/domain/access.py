"""Who may do what: devices, officers, supervisors and admins, each within their agency.

What each caller may *read* (a snapshot, a board's data, a Socket.IO room) is one rule
per place, ``can_read_hall``, ``can_read_zone`` and ``can_read_agency``, used alike by
the REST snapshots, the browser board and the socket's ``subscribe``, so that the three
never disagree. A rule checks the device's kind, not only what is stored on it: a kiosk
or display registered with an agency by an older CLI still never reads that agency.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.models import Counter, DeviceKind, Role, Zone
from shared import events
from shared.errors import ErrorCode

from .context import Actor
from .errors import DomainError


@dataclass(frozen=True)
class Principal:
    """An authenticated caller: a user (by login token) or a device (by its own token)."""

    kind: str  # "user" | "device" | "ticket"
    id: int
    role: Role | None = None
    device_kind: DeviceKind | None = None
    agency_id: int | None = None
    agency_code: str | None = None
    zone_code: str | None = None
    counter_id: int | None = None
    ticket_code: str | None = None
    ticket_service_id: int | None = None  # the line a visitor's ticket was in on connect
    expires_at: dt.datetime | None = None  # of an officer's login token

    @property
    def actor(self) -> Actor:
        if self.kind == "user":
            return Actor(user_id=self.id)
        if self.kind == "device":
            return Actor(device_id=self.id)
        return Actor()

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_staff(self) -> bool:
        return self.kind == "user"

    def label(self) -> str:
        """For logs: who, never with a token."""
        what = (
            self.role.value if self.role else (self.device_kind.value if self.device_kind else "")
        )
        return f"{self.kind}:{self.id}:{what}"


def forbidden(message: str) -> DomainError:
    return DomainError(ErrorCode.FORBIDDEN, message)


def require_admin(who: Principal) -> None:
    if not who.is_admin:
        raise forbidden("only an admin may do this")


def require_staff(who: Principal) -> None:
    if not who.is_staff:
        raise forbidden("only staff may do this")


def require_agency_staff(who: Principal, agency_id: int) -> None:
    """Admins everywhere; supervisors and officers only in their own agency."""
    if who.is_admin:
        return
    if who.kind != "user" or who.agency_id != agency_id:
        raise forbidden("this belongs to another agency")


def require_issuer(who: Principal) -> None:
    """Kiosks issue tickets; staff may issue at the counter; displays may only listen."""
    if who.kind == "device" and who.device_kind == DeviceKind.KIOSK:
        return
    if who.kind == "user":
        return
    raise forbidden("this device may not issue tickets")


def require_counter_operator(who: Principal, counter: Counter) -> None:
    """Only staff of the counter's own agency (or an admin) operate a counter."""
    if who.kind != "user":
        raise forbidden("a device cannot operate a counter; an officer must log in")
    require_agency_staff(who, counter.agency_id)


def can_read_counter(who: Principal, counter: Counter) -> bool:
    if who.is_admin:
        return True
    if who.kind == "user":
        return who.agency_id == counter.agency_id
    if who.kind == "device" and who.device_kind == DeviceKind.COUNTER:
        return who.counter_id == counter.id or who.agency_id == counter.agency_id
    return False


def require_survey_tablet(who: Principal, counter_id: int) -> None:
    """Only the survey tablet registered at ``counter_id`` asks that counter's visitors:
    not another counter's tablet, not a kiosk, not staff (an officer must not answer for
    the visitor they served)."""
    if who.kind != "device" or who.device_kind != DeviceKind.SURVEY:
        raise forbidden("only a counter's survey tablet asks its visitors")
    if who.counter_id != counter_id:
        raise forbidden("this tablet stands at another counter")


def require_kiosk(who: Principal) -> None:
    """The kiosk's survey page (a visitor who left the counter without answering) runs
    with a kiosk's token only."""
    if who.kind != "device" or who.device_kind != DeviceKind.KIOSK:
        raise forbidden("only a kiosk asks the survey by a ticket's number")


def can_see_lines(who: Principal) -> bool:
    """Any line's counts (before a transfer): staff of any agency and counter terminals;
    no tickets, no personal data."""
    return who.is_staff or (who.kind == "device" and who.device_kind == DeviceKind.COUNTER)


def can_read_hall(who: Principal) -> bool:
    """The whole hall (every line and counter): the admins' and the kiosks' view. A
    supervisor watches their agency and the zones it works in, not other agencies."""
    return who.is_admin or (who.kind == "device" and who.device_kind == DeviceKind.KIOSK)


def agency_zone_codes(session: Session, agency_id: int) -> set[str]:
    """The zones holding at least one active counter of the agency."""
    return set(
        session.scalars(
            select(Zone.code)
            .join(Counter, Counter.zone_id == Zone.id)
            .where(Counter.agency_id == agency_id, Counter.active.is_(True))
        )
    )


def can_read_zone(session: Session, who: Principal, zone_code: str) -> bool:
    """A zone's board: its displays, an admin, and the supervisor of an agency with a
    counter there (the board shows their calls, and other agencies' calls beside them,
    as any visitor in that zone sees them)."""
    if who.is_admin:
        return True
    if who.kind == "device":
        return who.device_kind == DeviceKind.DISPLAY and who.zone_code == zone_code
    if who.kind == "user" and who.role == Role.SUPERVISOR and who.agency_id is not None:
        return zone_code in agency_zone_codes(session, who.agency_id)
    return False


def require_zone_reader(session: Session, who: Principal, zone_code: str) -> None:
    if not can_read_zone(session, who, zone_code):
        raise forbidden("this zone is not one you watch")


def can_read_agency(who: Principal, agency_code: str) -> bool:
    """An agency's tickets (waiting numbers, no-shows): its staff and counter terminals.
    Kiosks and displays never, whatever agency an older registration stored on them."""
    if who.is_admin:
        return True
    if who.agency_code != agency_code:
        return False
    return who.kind == "user" or (who.kind == "device" and who.device_kind == DeviceKind.COUNTER)


def default_rooms(who: Principal) -> list[str]:
    """The rooms a socket joins on connect, by who it is."""
    if who.kind == "ticket" and who.ticket_code:
        rooms = [events.ticket_room(who.ticket_code)]
        if who.ticket_service_id is not None:
            rooms.append(events.line_room(who.ticket_service_id))
        return rooms
    if who.is_admin:
        return [events.HALL_ROOM]
    if who.kind == "user" and who.agency_code:
        return [events.agency_room(who.agency_code)]
    if who.device_kind == DeviceKind.KIOSK:
        return [events.HALL_ROOM]
    if who.device_kind == DeviceKind.DISPLAY and who.zone_code:
        return [events.zone_room(who.zone_code)]
    if who.device_kind == DeviceKind.SURVEY and who.counter_id is not None:
        # Its counter's room only: the finish of a visit (ticket.updated, done) is what
        # turns the tablet to that visit's survey, a call what ends it.
        return [events.counter_room(who.counter_id)]
    if who.device_kind == DeviceKind.COUNTER:
        rooms = []
        if who.agency_code:
            rooms.append(events.agency_room(who.agency_code))
        if who.counter_id is not None:
            rooms.append(events.counter_room(who.counter_id))
        return rooms
    return []


def may_join(
    session: Session,
    who: Principal,
    room: str,
    counter_agency: int | None = None,
    ticket_service: int | None = None,
) -> bool:
    """Whether ``who`` may listen to ``room``.

    ``counter_agency``: the agency of a counter room; ``ticket_service``: the service a
    visitor's ticket waits in now (after a transfer, no longer the one of the connect).
    """
    kind, key = events.parse_room(room)
    if who.is_admin:
        return True
    if kind == "ticket":
        return True  # the unguessable code is the capability
    if kind == "line":
        # Counts only, but a phone follows its own line, not the whole hall's; staff
        # hear every line of their agency in its room already.
        return who.kind == "ticket" and ticket_service is not None and key == str(ticket_service)
    if who.kind == "ticket":
        return False
    if kind == "hall":
        return can_read_hall(who)
    if kind == "zone":
        return can_read_zone(session, who, key)
    if kind == "agency":
        return can_read_agency(who, key)
    if kind == "counter":
        if who.kind == "device" and who.device_kind == DeviceKind.SURVEY:
            return str(who.counter_id) == key
        if who.kind == "device" and who.device_kind == DeviceKind.COUNTER:
            return str(who.counter_id) == key or who.agency_id == counter_agency
        return who.kind == "user" and who.agency_id == counter_agency
    return False
