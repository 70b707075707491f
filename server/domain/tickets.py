"""Issuing tickets, and the changes of a ticket that no counter holds.

Counter-side changes (call, recall, start, finish, no-show, transfer) are in
``server.domain.counters``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, insert, select
from sqlalchemy.orm import Session, joinedload, make_transient_to_detached

from server.models import (
    OPEN_TICKET_STATES,
    Counter,
    IdempotencyKey,
    Priority,
    Service,
    Ticket,
    TicketSource,
    TicketState,
)
from shared import wire
from shared.errors import ErrorCode

from . import access, announce
from .access import Principal
from .areas import ensure_staffed
from .context import Ctx
from .errors import DomainError, not_found
from .estimates import TicketEstimate, estimate_now
from .notices import triggers
from .numbering import take_next_number
from .schedule import ensure_open, ensure_quota
from .sql import run
from .ticket_log import record, transition

STATUS_CODE_BYTES = 12  # 96 random bits: the QR link cannot be guessed or walked


# What json.dumps(..., sort_keys=True) builds anew on every call: the same text.
_FINGERPRINT_JSON = json.JSONEncoder(sort_keys=True)


@dataclass(frozen=True)
class IssueRequest:
    """A checked request for one ticket, made by a kiosk or staff; its fingerprint lets
    an idempotent retry be told from a different request under the same key."""

    service_id: int
    priority: Priority = Priority.NONE
    source: TicketSource = TicketSource.KIOSK
    printed: bool | None = None
    booked_for: dt.datetime | None = None
    # Its place in line as if it had come at this time (a checked-in booking under the
    # slot-time rule: docs/booking.md#queue-rule); None: now, or the booked slot.
    queue_at: dt.datetime | None = None

    def fingerprint(self) -> str:
        """What an idempotent retry must repeat exactly (``printed`` may differ on retry)."""
        body = {
            "service_id": self.service_id,
            "priority": self.priority.value,
            "source": self.source.value,
            "booked_for": self.booked_for.isoformat() if self.booked_for else None,
        }
        return hashlib.sha256(_FINGERPRINT_JSON.encode(body).encode()).hexdigest()


def request_for(who: Principal, fields: Mapping[str, Any]) -> IssueRequest:
    """The issue request ``who`` may make from the checked fields of an issue call.

    A kiosk's tickets are always ``kiosk`` tickets with no booked slot: a kiosk that
    could claim a booking (and its slot) would let a walk-in jump the line. Staff issue
    ``counter`` tickets unless they say otherwise, and only a booking has a booked slot.
    """
    if who.kind == "device":
        if "source" in fields or "booked_for" in fields:
            raise access.forbidden("a kiosk cannot set source or booked_for")
        source = TicketSource.KIOSK
    else:
        source = TicketSource(fields.get("source", TicketSource.COUNTER.value))
        if fields.get("booked_for") is not None and source != TicketSource.BOOKING:
            raise DomainError(
                ErrorCode.VALIDATION_ERROR,
                "booked_for: only a booking has a booked slot",
                field="booked_for",
            )
    return IssueRequest(
        service_id=fields["service_id"],
        priority=Priority(fields.get("priority", Priority.NONE.value)),
        source=source,
        printed=fields.get("printed"),
        booked_for=fields.get("booked_for"),
    )


def check_booked_slot(ctx: Ctx, booked_for: dt.datetime | None) -> None:
    """A booked slot must fall on the service date, in the hall's time zone.

    The ticket is for today's line and waits from its slot (``queue_key``): a slot on
    another day would put it before everyone who came today (year 1 is called first) or
    behind everyone for good, and one beyond the calendar overflowed the server.
    """
    if booked_for is None:
        return
    try:
        day = booked_for.astimezone(ctx.tz).date()
    except OverflowError:
        day = None
    if day != ctx.today:
        raise DomainError(
            ErrorCode.VALIDATION_ERROR,
            f"booked_for: the booked slot must be on the service date {ctx.today.isoformat()}"
            f" ({ctx.settings.timezone})",
            field="booked_for",
            rule="service_date",
        )


@dataclass(frozen=True)
class Issued:
    """The ticket an issue call gave, with the wait to tell the visitor; ``replayed``
    when an idempotent retry got the ticket issued the first time."""

    ticket: Ticket
    estimate: TicketEstimate
    replayed: bool


# Built once: ``Session.get`` with loader options builds and keys a new statement at
# every call, which costs more than the query.
_EVERY_SERVICE = select(Service).options(joinedload(Service.agency), joinedload(Service.series))
_SERVICE = _EVERY_SERVICE.where(Service.id == bindparam("service_id"))


def load_every_service(session: Session) -> Sequence[Service]:
    """Every service with its agency and series, in one statement (``Catalog``'s copies)."""
    return session.scalars(_EVERY_SERVICE).all()


def load_service(session: Session, service_id: int) -> Service:
    """The service with its agency and series (every issue and view needs them)."""
    service = session.scalars(_SERVICE, {"service_id": service_id}).one_or_none()
    if service is None:
        raise not_found("service")
    return service


def load_ticket(session: Session, ticket_id: int) -> Ticket:
    ticket = session.get(Ticket, ticket_id)
    if ticket is None:
        raise not_found("ticket")
    return ticket


def lock_ticket(session: Session, ticket_id: int) -> Ticket:
    """The ticket row locked until commit: a counter calling it meanwhile waits or skips it,
    so a cancel can never overwrite a call (or the other way round)."""
    ticket = session.scalars(
        select(Ticket)
        .where(Ticket.id == ticket_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if ticket is None:
        raise not_found("ticket")
    return ticket


def find_by_status_code(session: Session, status_code: str) -> Ticket:
    ticket = session.scalar(select(Ticket).where(Ticket.status_code == status_code))
    if ticket is None:
        raise not_found("ticket")
    return ticket


def queue_key_for(moment: dt.datetime) -> float:
    """A line position from a time: earlier entry, earlier call."""
    return moment.timestamp()


def issue_ticket(ctx: Ctx, request: IssueRequest, idempotency_key: str | None = None) -> Issued:
    """Give the visitor the next number of the service's series, or refuse clearly.

    With an ``idempotency_key``, a retry of the same request by the same caller returns
    the ticket of the first attempt (a kiosk whose response got lost on the network must
    not print two tickets), even when the service has closed or its quota ran out since;
    the same key with a different request is refused.
    """
    session = ctx.session
    if idempotency_key is not None:
        # Looked up first, also on a first attempt: skipping it (and letting the key's
        # unique constraint catch a repeat) saved no measurable time (docs/benchmarks.md).
        earlier = _replay(ctx, request, idempotency_key)
        if earlier is not None:
            return earlier
    check_booked_slot(ctx, request.booked_for)
    service = ctx.catalog.service(session, request.service_id, load_service)
    if request.priority != Priority.NONE and not service.priority_offered:
        raise DomainError(
            ErrorCode.PRIORITY_NOT_OFFERED, "this service does not offer priority tickets"
        )
    ensure_open(ctx, service)
    ensure_staffed(ctx, service.id)
    day = ctx.today
    sequence = take_next_number(session, service.series_id, day)
    ensure_quota(session, service, day)  # under the series lock: no race for the last one
    queued = request.booked_for or request.queue_at or ctx.now
    ticket = _insert_ticket(
        session,
        service,
        status_code=secrets.token_urlsafe(STATUS_CODE_BYTES),
        service_id=service.id,
        origin_service_id=service.id,
        series_id=service.series_id,
        service_date=day,
        sequence=sequence,
        number=ctx.settings.number_format.format(service.series.prefix, sequence),
        priority=request.priority,
        source=request.source,
        state=TicketState.WAITING,
        queue_key=queue_key_for(queued),
        target_counter_id=None,
        counter_id=None,
        officer_id=None,
        booked_for=request.booked_for,
        call_count=0,
        printed=request.printed,
        issued_at=ctx.now,
        queued_at=ctx.now,
        called_at=None,
        started_at=None,
        finished_at=None,
        issued_by_device_id=ctx.actor.device_id,
    )
    record(ctx, ticket, "issued", None, priority=request.priority.value)
    if idempotency_key is not None:
        run(
            session,
            _STORE_KEY,
            {
                "owner": ctx.actor.owner_key,
                "key": idempotency_key,
                "request_hash": request.fingerprint(),
                "ticket_id": ticket.id,
                "created_at": ctx.now,
            },
        )
    announce.ticket_issued(ctx, ticket)
    announce.line_changed(ctx, service)
    return Issued(ticket, estimate_now(ctx, ticket), replayed=False)


# Core statements, built once: the ORM's unit of work costs more than the row is worth
# for rows nothing reads back in the same transaction.
_INSERT_TICKET = insert(Ticket.__table__).returning(Ticket.__table__.c.id)  # type: ignore[arg-type]
_STORE_KEY = insert(IdempotencyKey.__table__)  # type: ignore[arg-type]
_TICKET_MANAGER = Ticket.__mapper__.class_manager
_FIND_KEY = select(IdempotencyKey.request_hash, IdempotencyKey.ticket_id).where(
    IdempotencyKey.owner == bindparam("owner"), IdempotencyKey.key == bindparam("key")
)


def _insert_ticket(session: Session, service: Service, **columns: Any) -> Ticket:
    """Insert the new ticket with one prebuilt Core statement and put it in the session
    as a loaded, persistent object: the ORM's unit of work for one row (a flush, its
    attribute history and mapper events) cost more than the insert itself. ``columns``
    names every column but the id, so no attribute is left to be loaded again; its
    service, series and (no) counter are set as loaded too, not looked up when first
    read."""
    ticket_id = run(session, _INSERT_TICKET, columns).scalar_one()
    # Filled as a loaded row is (its values straight into the instance's dict), not by
    # the constructor: each attribute set through it fires the ORM's events and records
    # a change that make_transient_to_detached then commits away.
    # Its service, series and (no) counter too, as a joined load fills them: committed
    # with the columns below, not looked up when first read.
    ticket: Ticket = _TICKET_MANAGER.new_instance()
    ticket.__dict__.update(
        columns, id=ticket_id, service=service, series=service.series, counter=None
    )
    make_transient_to_detached(ticket)
    session.add(ticket)
    return ticket


def issue_as(ctx: Ctx, who: Principal, request: IssueRequest, key: str | None = None) -> Issued:
    """Issue for ``who``: staff at their own agency's services (an admin anywhere)."""
    if who.kind == "user":
        access.require_agency_staff(who, load_service(ctx.session, request.service_id).agency_id)
    return issue_ticket(ctx, request, key)


def _replay(ctx: Ctx, request: IssueRequest, key: str) -> Issued | None:
    row = run(ctx.session, _FIND_KEY, {"owner": ctx.actor.owner_key, "key": key}).first()
    if row is None:
        return None
    request_hash, ticket_id = row
    if request_hash != request.fingerprint():
        raise DomainError(
            ErrorCode.IDEMPOTENCY_KEY_REUSED,
            "this Idempotency-Key was used for a different request",
        )
    ticket = load_ticket(ctx.session, ticket_id)
    return Issued(ticket, estimate_now(ctx, ticket), replayed=True)


def set_printed(ctx: Ctx, ticket: Ticket, printed: bool) -> None:
    """The kiosk tells whether the ticket came out of the printer or was only shown."""
    ticket.printed = printed
    record(ctx, ticket, "print_reported", ticket.state, printed=printed)
    announce.ticket_updated(ctx, ticket)


def report_printing(ctx: Ctx, who: Principal, ticket_id: int, printed: bool) -> Ticket:
    """The issuing kiosk (or an admin) reports whether its ticket printed.

    Another kiosk must not mark a ticket as unprinted (the hall monitor counts printer
    faults from these reports). The ticket is not locked first: counters claim with
    SKIP LOCKED, and a ticket held locked by a print report would be skipped by "next";
    the UPDATE alone keeps that window tiny.
    """
    ticket = ctx.session.get(Ticket, ticket_id)
    if ticket is None:
        raise not_found("ticket")
    issuer = who.kind == "device" and ticket.issued_by_device_id == who.id
    if not (who.is_admin or issuer):
        raise access.forbidden("only the kiosk that issued a ticket reports its printing")
    set_printed(ctx, ticket, printed)
    return ticket


def cancel_ticket(ctx: Ctx, ticket: Ticket, reason: str | None = None) -> None:
    """A waiting visitor leaves (or staff removes a mistaken ticket)."""
    transition(ctx, ticket, "cancelled", reason=reason)
    ticket.target_counter_id = None
    announce.ticket_updated(ctx, ticket)
    announce.line_changed(ctx, ticket.service)
    # Everyone behind it moved up a place, without a call.
    triggers.line_moved(ctx, ticket.service_date, [ticket.service_id])


def requeue_no_show(ctx: Ctx, ticket: Ticket, places: int | None = None) -> None:
    """A no-show who comes back goes into the line a few places down from the front."""
    if ticket.service_date != ctx.today:
        raise DomainError(ErrorCode.INVALID_TRANSITION, "the ticket is from another day")
    places = ctx.settings.no_show_return_places if places is None else places
    transition(ctx, ticket, "requeued", places=places)
    ticket.counter_id = None
    ticket.target_counter_id = None
    ticket.queued_at = ctx.now
    ticket.queue_key = key_after_places(
        ctx.session, ticket.service_id, places, exclude=ticket.id, now=ctx.now
    )
    announce.ticket_updated(ctx, ticket)
    announce.line_changed(ctx, ticket.service)


def key_after_places(
    session: Session, service_id: int, places: int, *, exclude: int, now: dt.datetime
) -> float:
    """A queue key that puts a ticket behind the first ``places`` waiting tickets of a line."""
    keys = session.scalars(
        select(Ticket.queue_key)
        .where(
            Ticket.service_id == service_id,
            Ticket.state == TicketState.WAITING,
            Ticket.target_counter_id.is_(None),
            Ticket.id != exclude,
        )
        .order_by(Ticket.queue_key)
        .limit(places + 1)
    ).all()
    if not keys:
        return queue_key_for(now)
    if places == 0:
        return keys[0] - 1.0
    if len(keys) <= places:
        return keys[-1] + 0.001
    return (keys[places - 1] + keys[places]) / 2


def front_key(session: Session, *, service_id: int | None, counter_id: int | None) -> float | None:
    """A key before every waiting ticket of a line (or of one counter's transfers)."""
    query = select(Ticket.queue_key).where(Ticket.state == TicketState.WAITING)
    if counter_id is not None:
        query = query.where(Ticket.target_counter_id == counter_id)
    else:
        query = query.where(Ticket.service_id == service_id, Ticket.target_counter_id.is_(None))
    first = session.scalar(query.order_by(Ticket.queue_key).limit(1))
    return None if first is None else first - 1.0


def expire_open_tickets(ctx: Ctx, before: dt.date) -> int:
    """Close the day: every ticket of an earlier service date still open becomes expired.

    Safe to run from several processes at once, and beside counter commands: it locks the
    counters holding such tickets first, then the tickets, the same order a counter
    command takes (counter, then its ticket), so the two never deadlock.
    """
    session = ctx.session
    is_stale = (Ticket.service_date < before) & Ticket.state.in_(OPEN_TICKET_STATES)
    holders = {
        counter.id: counter
        for counter in session.scalars(
            select(Counter)
            .join(Ticket, Ticket.id == Counter.current_ticket_id)
            .where(is_stale)
            .order_by(Counter.id)
            .with_for_update(of=Counter)
            .execution_options(populate_existing=True)
        )
    }
    stale = session.scalars(
        select(Ticket)
        .where(is_stale)
        .order_by(Ticket.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).all()
    services: dict[int, Service] = {}
    freed: dict[int, Counter] = {}
    for ticket in stale:
        transition(ctx, ticket, "expired")
        ticket.target_counter_id = None
        services[ticket.service_id] = ticket.service
        counter = holders.get(ticket.counter_id or 0)
        if counter is not None and counter.current_ticket_id == ticket.id:
            counter.current_ticket_id = None
            freed[counter.id] = counter
    session.flush()
    for ticket in stale:
        announce.ticket_updated(ctx, ticket)
    for counter in freed.values():
        announce.counter_updated(ctx, counter)
    for service in services.values():
        announce.line_changed(ctx, service)
    return len(stale)


def ticket_with_estimate(ctx: Ctx, ticket: Ticket) -> wire.WaitEstimate:
    return estimate_now(ctx, ticket).to_dict()
