"""What happens at a counter: open, pause, close, and the ticket it calls and serves.

Every command first locks the counter's row, so a double press of "next" on one
counter runs twice in turn (the second finishes what the first called), never at once.

A counter open (or paused) is held by the user who opened it (``officer_id``): only they
drive it (``require_holder``), whatever their role, so what happens there is always
the doing of the person the board and the reports name. Nobody else opens it either, but
an admin or the supervisor of its agency may take it over (``may_take_over``): it is
then theirs, the log says from whom, and the first officer's commands are refused.
"""

from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, joinedload

from server.models import (
    Counter,
    CounterEvent,
    CounterState,
    Priority,
    Role,
    Service,
    Ticket,
    TicketState,
)
from shared.errors import ErrorCode

from . import announce
from .access import Principal
from .areas import ensure_staffed
from .calling import claim_next
from .context import Ctx
from .errors import DomainError, invalid_transition, not_found
from .notices import triggers
from .payloads import TICKET_FOR_PAYLOAD
from .ticket_log import transition
from .tickets import front_key, queue_key_for

# Built once; the counter comes with the zone and agency every announcement names, and
# only its own row is locked (FOR UPDATE OF counters).
_LOCK_COUNTER = (
    select(Counter)
    .options(joinedload(Counter.zone, innerjoin=True), joinedload(Counter.agency, innerjoin=True))
    .where(Counter.id == bindparam("counter_id"))
    .with_for_update(of=Counter)
    .execution_options(populate_existing=True)
)
_TICKET = select(Ticket).options(*TICKET_FOR_PAYLOAD).where(Ticket.id == bindparam("ticket_id"))


def lock_counter(session: Session, counter_id: int) -> Counter:
    """The counter row, locked until commit, as it is after any commit the lock waited for."""
    counter = session.scalars(_LOCK_COUNTER, {"counter_id": counter_id}).first()
    if counter is None or not counter.active:
        raise not_found("counter")
    return counter


def _log(ctx: Ctx, counter: Counter, kind: str, *, from_user_id: int | None = None) -> None:
    ctx.session.add(
        CounterEvent(
            counter_id=counter.id,
            at=ctx.now,
            kind=kind,
            user_id=ctx.actor.user_id,
            from_user_id=from_user_id,
        )
    )


def _set_state(
    ctx: Ctx, counter: Counter, state: CounterState, kind: str, *, from_user_id: int | None = None
) -> None:
    counter.state = state
    counter.state_since = ctx.now
    _log(ctx, counter, kind, from_user_id=from_user_id)
    ctx.session.flush()
    announce.counter_updated(ctx, counter)
    for link in counter.service_links:
        service = ctx.session.get(Service, link.service_id)
        if service is not None:
            announce.line_changed(ctx, service)


# --- who holds the counter ---------------------------------------------------------


def _held_by_another(counter: Counter, user_id: int | None) -> bool:
    return counter.state != CounterState.CLOSED and counter.officer_id not in (None, user_id)


def _taken() -> DomainError:
    return DomainError(
        ErrorCode.COUNTER_TAKEN,
        "this counter is open under another user: only they may operate it "
        "(an admin or the agency's supervisor may take it over)",
    )


def require_holder(ctx: Ctx, counter: Counter) -> None:
    """Refuse a command (all but ``open``) from anyone but the user holding the counter.

    The same user on another login is the holder (a new PC, a token renewed). A closed
    counter is nobody's: the command itself then says it is closed. One open with no
    holder recorded (no command leaves it so; a row edited by hand) is opened first, which
    takes it.
    """
    if _held_by_another(counter, ctx.actor.user_id):
        raise _taken()
    if counter.state != CounterState.CLOSED and counter.officer_id is None:
        raise DomainError(ErrorCode.COUNTER_CLOSED, "open the counter first")


def may_take_over(who: Principal, counter: Counter) -> bool:
    """An admin, or a supervisor of the counter's agency: those who answer for the hall or
    the agency may take a counter from an officer who left it open (or who is not there)."""
    if who.kind != "user":
        return False
    return who.is_admin or (who.role == Role.SUPERVISOR and who.agency_id == counter.agency_id)


# --- counter state -----------------------------------------------------------------


def open_counter(ctx: Ctx, counter: Counter, *, takeover: bool = False) -> None:
    """The caller opens the counter (or resumes it after a pause) and holds it from now on.

    A counter open under another user is refused with ``counter_taken`` unless
    ``takeover`` (the caller may take it over, ``may_take_over``): it is then theirs, open,
    with its current visitor, and a ``taken_over`` event records from whom.
    """
    user = ctx.actor.user_id
    holder = counter.officer_id
    taken = _held_by_another(counter, user)
    if taken and not takeover:
        raise _taken()
    if counter.state == CounterState.OPEN and holder == user:
        return
    kind = "resumed" if counter.state == CounterState.PAUSED else "opened"
    counter.officer_id = user
    if taken:
        _set_state(ctx, counter, CounterState.OPEN, "taken_over", from_user_id=holder)
    else:
        _set_state(ctx, counter, CounterState.OPEN, kind)


def pause_counter(ctx: Ctx, counter: Counter) -> None:
    if counter.state != CounterState.OPEN:
        raise invalid_transition("counter", counter.state.value, "pause")
    _set_state(ctx, counter, CounterState.PAUSED, "paused")


def resume_counter(ctx: Ctx, counter: Counter) -> None:
    if counter.state != CounterState.PAUSED:
        raise invalid_transition("counter", counter.state.value, "resume")
    _set_state(ctx, counter, CounterState.OPEN, "resumed")


def close_counter(ctx: Ctx, counter: Counter) -> None:
    """Close for the day or a long break; the counter must not hold a visitor.

    Visitors transferred to this very counter would wait for it forever: they go to the
    front of their service's line, in the order they had, where any counter of that line
    calls them next (they were already served once and waited twice).
    """
    if counter.state == CounterState.CLOSED:
        raise invalid_transition("counter", counter.state.value, "close")
    if counter.current_ticket_id is not None:
        raise DomainError(
            ErrorCode.COUNTER_BUSY, "finish or transfer the current ticket before closing"
        )
    stranded = ctx.session.scalars(
        select(Ticket)
        .where(Ticket.target_counter_id == counter.id, Ticket.state == TicketState.WAITING)
        .order_by(Ticket.queue_key.desc())
        .with_for_update()
    ).all()
    counter.officer_id = None
    _set_state(ctx, counter, CounterState.CLOSED, "closed")
    for ticket in stranded:  # last first: each goes in front of the one before
        key = front_key(ctx.session, service_id=ticket.service_id, counter_id=None)
        ticket.target_counter_id = None
        if key is not None:
            ticket.queue_key = key
        transition(ctx, ticket, "returned_to_line", from_counter_id=counter.id)
        ctx.session.flush()
        announce.ticket_updated(ctx, ticket)
    moved = {ticket.service_id: ticket.service for ticket in stranded}
    for service in moved.values():
        announce.line_changed(ctx, service)
    if moved:
        # Sent to the front of their lines: they (and nobody else) came nearer their turn.
        triggers.line_moved(ctx, ctx.today, moved.keys())


def expect_current(counter: Counter, expected: int | None) -> None:
    """Refuse a command meant for a ticket the counter no longer holds.

    A counter client sends the id of the ticket its officer sees. A second press of
    "next", or a retry after a lost response, would otherwise finish a visitor the
    officer never saw called.
    """
    if counter.current_ticket_id != expected:
        raise DomainError(
            ErrorCode.CONFLICT,
            "the counter's current ticket has changed; reload and try again",
            current_ticket_id=counter.current_ticket_id,
        )


# --- the ticket at the counter ------------------------------------------------------


def current_ticket(ctx: Ctx, counter: Counter) -> Ticket:
    if counter.current_ticket_id is None:
        raise DomainError(ErrorCode.COUNTER_IDLE, "this counter has no called ticket")
    ticket = ctx.session.scalars(_TICKET, {"ticket_id": counter.current_ticket_id}).first()
    assert ticket is not None  # a foreign key
    return ticket


def _require_open(counter: Counter) -> None:
    if counter.state == CounterState.CLOSED:
        raise DomainError(ErrorCode.COUNTER_CLOSED, "open the counter first")
    if counter.state == CounterState.PAUSED:
        raise DomainError(ErrorCode.COUNTER_PAUSED, "resume the counter first")


def _require_not_closed(counter: Counter) -> None:
    if counter.state == CounterState.CLOSED:
        raise DomainError(ErrorCode.COUNTER_CLOSED, "open the counter first")


def _release(ctx: Ctx, counter: Counter) -> None:
    counter.current_ticket_id = None
    ctx.session.flush()


def service_ids(counter: Counter) -> list[int]:
    return [link.service_id for link in counter.service_links]


def call_next(ctx: Ctx, counter: Counter) -> Ticket | None:
    """ "Next": finish the ticket at the counter, then call whoever is next in line."""
    _require_open(counter)
    finished = None
    if counter.current_ticket_id is not None:
        finished = _finish_current(ctx, counter)
    ticket = claim_next(ctx, counter, service_ids(counter))
    if ticket is None:
        announce.counter_updated(ctx, counter)
        if finished is not None:
            triggers.ticket_finished(ctx, finished)
        return None
    _call(ctx, counter, ticket, finished)
    return ticket


def call_ticket(ctx: Ctx, counter: Counter, ticket_id: int) -> Ticket:
    """Call one waiting ticket chosen from the list (after finishing the current one)."""
    _require_open(counter)
    ticket = ctx.session.scalars(
        select(Ticket)
        .where(Ticket.id == ticket_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if ticket is None:
        raise not_found("ticket")
    if ticket.state != TicketState.WAITING:
        raise invalid_transition("ticket", ticket.state.value, "call")
    if ticket.service_date != ctx.today:
        raise DomainError(ErrorCode.CONFLICT, "this ticket is from another day")
    here = ticket.target_counter_id == counter.id or (
        ticket.target_counter_id is None and ticket.service_id in service_ids(counter)
    )
    if not here:
        raise DomainError(
            ErrorCode.SERVICE_NOT_AT_COUNTER, "this ticket is not in this counter's lines"
        )
    finished = None
    if counter.current_ticket_id is not None:
        finished = _finish_current(ctx, counter)
    _call(ctx, counter, ticket, finished)
    return ticket


def _call(ctx: Ctx, counter: Counter, ticket: Ticket, finished: Ticket | None = None) -> None:
    """Call ``ticket`` (``finished``: the one served before it, for its notices)."""
    ticket.counter_id = counter.id
    ticket.officer_id = ctx.actor.user_id
    ticket.target_counter_id = None
    ticket.call_count = 1
    ticket.called_at = ctx.now
    transition(ctx, ticket, "called")
    counter.current_ticket_id = ticket.id
    if ticket.priority != Priority.NONE:
        counter.calls_since_priority = 0
    else:
        counter.calls_since_priority += 1
    ctx.session.flush()
    announce.ticket_called(ctx, ticket, counter, recall=False)
    triggers.ticket_called(ctx, ticket, counter, recall=False, finished=finished)
    announce.counter_updated(ctx, counter)
    announce.line_changed(ctx, ticket.service)


def _finish_current(ctx: Ctx, counter: Counter) -> Ticket:
    ticket = current_ticket(ctx, counter)
    if ticket.started_at is None:
        # Officers often serve without pressing "start": service time then runs from the call.
        ticket.started_at = ticket.called_at
    ticket.finished_at = ctx.now
    transition(ctx, ticket, "finished")
    # The line's average service time moved; the catalog drops the figure it kept.
    ctx.finished_services.add(ticket.service_id)
    ctx.catalog.forget_average(ticket.service_id)
    _release(ctx, counter)
    announce.ticket_updated(ctx, ticket)
    return ticket


def recall(ctx: Ctx, counter: Counter) -> Ticket:
    """Call the same number again (counted: no-show is allowed after enough calls)."""
    _require_not_closed(counter)
    ticket = current_ticket(ctx, counter)
    if ticket.state != TicketState.CALLED:
        raise invalid_transition("ticket", ticket.state.value, "recall")
    ticket.call_count += 1
    ticket.called_at = ctx.now
    transition(ctx, ticket, "recalled", call_count=ticket.call_count)
    ctx.session.flush()
    announce.ticket_called(ctx, ticket, counter, recall=True)
    triggers.ticket_called(ctx, ticket, counter, recall=True)
    return ticket


def start(ctx: Ctx, counter: Counter) -> Ticket:
    """The visitor sat down: service time starts."""
    _require_not_closed(counter)
    ticket = current_ticket(ctx, counter)
    if ticket.state == TicketState.CALLED:
        ticket.started_at = ctx.now
    transition(ctx, ticket, "started")
    announce.ticket_updated(ctx, ticket)
    announce.counter_updated(ctx, counter)
    return ticket


def finish(ctx: Ctx, counter: Counter) -> Ticket:
    _require_not_closed(counter)
    ticket = _finish_current(ctx, counter)
    triggers.ticket_finished(ctx, ticket, freed=counter)
    announce.counter_updated(ctx, counter)
    # A finished service moves the line's average service time, hence its estimated wait.
    announce.line_changed(ctx, ticket.service)
    return ticket


def no_show(ctx: Ctx, counter: Counter) -> Ticket:
    """The called visitor did not come, after the configured number of calls."""
    _require_not_closed(counter)
    ticket = current_ticket(ctx, counter)
    needed = ctx.settings.no_show_after_calls
    if ticket.state == TicketState.CALLED and ticket.call_count < needed:
        raise DomainError(
            ErrorCode.NOT_CALLED_ENOUGH,
            f"call the number {needed} times before marking it as no-show",
            calls=ticket.call_count,
            needed=needed,
        )
    transition(ctx, ticket, "no_show", call_count=ticket.call_count)
    _release(ctx, counter)
    announce.ticket_updated(ctx, ticket)
    triggers.counter_freed(ctx, counter)
    announce.counter_updated(ctx, counter)
    return ticket


def transfer(
    ctx: Ctx,
    counter: Counter,
    *,
    to_service: Service | None,
    to_counter: Counter | None,
    front: bool,
) -> Ticket:
    """Send the visitor at this counter to another service's line or to one counter."""
    _require_not_closed(counter)
    if (to_service is None) == (to_counter is None):
        raise DomainError(
            ErrorCode.VALIDATION_ERROR, "give either a service or a counter to transfer to"
        )
    ticket = current_ticket(ctx, counter)
    old_service = ticket.service
    if to_counter is not None and to_counter.id == counter.id:
        raise DomainError(ErrorCode.VALIDATION_ERROR, "cannot transfer to the same counter")
    if to_counter is not None and to_counter.state == CounterState.CLOSED:
        # Nobody would call the visitor: closing returns such tickets to their line, and
        # a closed counter must not collect new ones.
        raise DomainError(ErrorCode.COUNTER_CLOSED, "that counter is closed")
    if to_service is not None and not to_service.active:
        raise DomainError(ErrorCode.SERVICE_CLOSED, "that service is not offered")
    if to_service is not None:
        ensure_staffed(ctx, to_service.id)
    target_service = to_service or ticket.service
    if to_counter is not None and ticket.service_id not in service_ids(to_counter):
        # A counter of another line takes the ticket into that counter's first service.
        target_ids = service_ids(to_counter)
        if target_ids:
            found = ctx.session.get(Service, target_ids[0])
            assert found is not None
            target_service = found
    key = None
    if front:
        key = front_key(
            ctx.session,
            service_id=target_service.id,
            counter_id=to_counter.id if to_counter is not None else None,
        )
    transition(
        ctx,
        ticket,
        "transferred",
        from_service_id=old_service.id,
        to_service_id=target_service.id,
        to_counter_id=to_counter.id if to_counter is not None else None,
        front=front,
    )
    ticket.service_id = target_service.id
    ticket.service = target_service
    ticket.target_counter_id = to_counter.id if to_counter is not None else None
    ticket.counter_id = None
    ticket.counter = None
    ticket.called_at = None
    ticket.started_at = None
    ticket.call_count = 0
    ticket.queued_at = ctx.now
    ticket.queue_key = key if key is not None else queue_key_for(ctx.now)
    _release(ctx, counter)
    old_rooms: tuple[str, ...] = ()
    if old_service.agency_id != target_service.agency_id:
        from shared.events import agency_room

        old_rooms = (agency_room(old_service.agency.code),)
    announce.ticket_updated(ctx, ticket, also_rooms=old_rooms)
    triggers.ticket_transferred(ctx, ticket, freed=counter)
    announce.counter_updated(ctx, counter)
    announce.line_changed(ctx, target_service)
    if old_service.id != target_service.id:
        announce.line_changed(ctx, old_service)
    return ticket
