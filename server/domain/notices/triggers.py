"""Notices caused by queue events, queued in the event's own transaction.

Called from ``server.domain.counters`` beside the push events (``announce``): the call
and the recall ("go to Loket 7 now"), "N people ahead of you" when a call moves a line
to the hall's threshold, the transfer to another service, the survey link after
service. Each function reads the subscriptions it needs and queues through
``queueing.enqueue_notice``; nothing here talks to a provider, so a queue command never
waits for one.

``ctx.notice_link_base`` is None when the hall configured no channel: then nothing is
read and nothing is queued (the issue/next path costs no statement). Otherwise the
call path costs one statement more (the subscriptions of the called ticket, of the one
just served and of the waiting tickets of the counter's lines, together), and a
line's forecast only for each subscribed waiting ticket.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, exists, or_, select

from server.domain.calling import line_forecast
from server.domain.context import Ctx
from server.domain.estimates import estimate_now
from server.models import Counter, Notice, NoticeSubscription, Ticket, TicketState

from . import texts
from .queueing import enqueue_notice

# A call notice later than this is useless: the counter has moved on (about three
# recalls' time). The others may wait a little longer for a slow gateway.
CALLED_DEADLINE = dt.timedelta(minutes=3)
AHEAD_DEADLINE = dt.timedelta(minutes=10)
TRANSFERRED_DEADLINE = dt.timedelta(minutes=10)
SURVEY_DEADLINE = dt.timedelta(hours=6)


def _subscriptions_of(ctx: Ctx, ticket: Ticket) -> list[NoticeSubscription]:
    return list(
        ctx.session.scalars(
            select(NoticeSubscription)
            .where(
                NoticeSubscription.ticket_id == ticket.id,
                NoticeSubscription.unsubscribed_at.is_(None),
            )
            .order_by(NoticeSubscription.id)
        )
    )


def _link(ctx: Ctx, ticket: Ticket, tail: str = "") -> str:
    return f"{(ctx.notice_link_base or '').rstrip('/')}/t/{ticket.status_code}{tail}"


def _queue(
    ctx: Ctx,
    subscription: NoticeSubscription,
    *,
    key: str,
    kind: str,
    words: dict[str, object],
    **notice: Any,
) -> None:
    """Queue one notice; ``key`` names the event, and each subscription (a visitor may
    have WhatsApp and Telegram both) gets its own copy of it. ``words`` fill the kind's
    text as the console edited it, or, for WhatsApp through the Cloud API, the kind's
    approved template (``texts.template_parameters``)."""
    key = f"{key}:s{subscription.id}"
    if subscription.channel == "whatsapp" and ctx.whatsapp_templates is not None:
        notice["template"] = texts.template_name(kind, ctx.whatsapp_templates)
        notice["parameters"] = texts.template_parameters(kind, words)
    else:
        stored = ctx.catalog.notice_texts(ctx.session)
        notice["body"] = stored.render(kind, subscription.language, words)
    if enqueue_notice(
        ctx.session, subscription, now=ctx.now, idempotency_key=key, kind=kind, **notice
    ):
        ctx.notices_queued += 1


def _called_key(ticket: Ticket) -> str:
    # Distinct for each call and recall, and again after a transfer (queued_at moves);
    # the same when one command is run twice.
    return f"ticket:{ticket.id}:called:{ticket.queued_at.timestamp():.6f}:{ticket.call_count}"


def ticket_called(
    ctx: Ctx, ticket: Ticket, counter: Counter, *, recall: bool, finished: Ticket | None = None
) -> None:
    """The call or the recall: "go to Loket 7 now" to the ticket's subscriptions; at a
    first call also "N people ahead" to the line's subscribed waiting tickets, and the
    survey link to ``finished`` (served before it at this counter: "next" ends one
    service and calls the next in one command, read in one statement)."""
    if ctx.notice_link_base is None:
        return
    if recall:
        rows = [(s, ticket) for s in _subscriptions_of(ctx, ticket)]
    else:
        # One statement for the called ticket, the one just served and the line's
        # subscribed waiting tickets.
        mine = [ticket.id] if finished is None else [ticket.id, finished.id]
        # Every line this counter calls from moved forward, not only the called one's.
        lines = {ticket.service_id, *(link.service_id for link in counter.service_links)}
        rows = _subscribed(ctx, ticket.service_date, lines, mine)
    waiting: list[tuple[NoticeSubscription, Ticket]] = []
    for subscription, owner in rows:
        if finished is not None and owner.id == finished.id:
            _survey(ctx, subscription, finished)
            continue
        if owner.id != ticket.id:
            waiting.append((subscription, owner))
            continue
        _queue(
            ctx,
            subscription,
            kind="called",
            deadline=ctx.now + CALLED_DEADLINE,
            words=texts.called(ticket.number, counter.label, _link(ctx, ticket)),
            key=_called_key(ticket),
        )
    if waiting:
        _ahead(ctx, waiting)


def _ahead(ctx: Ctx, waiting: list[tuple[NoticeSubscription, Ticket]]) -> None:
    """ "N people ahead" (or "about M minutes"), once per ticket, to those of ``waiting``
    now near their turn by the hall's count or minutes, whichever they reached first."""
    if not _ahead_on(ctx):
        return
    near: dict[int, _Near | None] = {}
    for subscription, owner in waiting:
        if owner.id not in near:
            near[owner.id] = _near(ctx, owner)
        found = near[owner.id]
        if found is None:
            continue
        link = _link(ctx, owner)
        _queue(
            ctx,
            subscription,
            kind="ahead" if found.minutes is None else "ahead_minutes",
            deadline=ctx.now + AHEAD_DEADLINE,
            words=texts.ahead(owner.number, found.ahead, link)
            if found.minutes is None
            else texts.ahead_minutes(owner.number, found.minutes, found.ahead, link),
            key=f"ticket:{owner.id}:ahead",
        )


def _ahead_on(ctx: Ctx) -> bool:
    settings = ctx.settings
    return settings.notice_ahead_threshold > 0 or settings.notice_ahead_minutes > 0


@dataclass(frozen=True)
class _Near:
    """A waiting ticket near its turn: people ahead, and the estimated minutes when
    those (not the count) brought it within the hall's setting."""

    ahead: int
    minutes: int | None = None


def _near(ctx: Ctx, ticket: Ticket) -> _Near | None:
    """Whether ``ticket`` is near its turn, by the figures its page shows. Nobody ahead:
    not "near" (the ``called`` notice follows); no counter open: no minutes promised."""
    threshold = ctx.settings.notice_ahead_threshold
    minutes = ctx.settings.notice_ahead_minutes
    if minutes <= 0:
        ahead = line_forecast(ctx, ticket).ahead
        return _Near(ahead) if 0 < ahead <= threshold else None
    estimate = estimate_now(ctx, ticket)
    ahead = estimate.people_ahead
    if ahead <= 0:
        return None
    if ahead <= threshold:
        return _Near(ahead)
    if estimate.open_counters > 0 and estimate.estimated_wait_minutes <= minutes:
        return _Near(ahead, max(1, estimate.estimated_wait_minutes))
    return None


def _subscribed(
    ctx: Ctx, day: dt.date, lines: Iterable[int], mine: Iterable[int] = ()
) -> list[tuple[NoticeSubscription, Ticket]]:
    """In one statement: the active subscriptions of the tickets ``mine`` and of the
    waiting tickets of ``lines`` on ``day``."""
    found = ctx.session.execute(
        select(NoticeSubscription, Ticket)
        .join(Ticket, Ticket.id == NoticeSubscription.ticket_id)
        .where(
            NoticeSubscription.unsubscribed_at.is_(None),
            or_(
                Ticket.id.in_(sorted(mine)),
                and_(
                    Ticket.service_id.in_(sorted(lines)),
                    Ticket.service_date == day,
                    Ticket.state == TicketState.WAITING,
                ),
            ),
        )
        .order_by(NoticeSubscription.id)
    ).all()
    return [(s, t) for s, t in found]


def lines_of(ctx: Ctx, service_id: int) -> set[int]:
    """Every line whose waiting tickets have ``service_id``'s tickets in their calling
    order: the lines of the counters that serve it (and that line itself)."""
    lines = {service_id}
    for _, services in ctx.catalog.serving_counters(ctx.session, service_id):
        lines |= services
    return lines


def line_moved(ctx: Ctx, day: dt.date, services: Iterable[int]) -> None:
    """Lines moved forward without a call (a waiting ticket cancelled, visitors sent
    back from a closed counter to the front of theirs, a counter freed): the "ahead"
    check a call runs, for the subscribed waiting tickets of ``services``' lines and of
    every line called by the same counters. With a channel and the notice on, one
    statement (and a forecast per subscribed waiting ticket); none otherwise."""
    if ctx.notice_link_base is None or not _ahead_on(ctx):
        return
    lines: set[int] = set()
    for service_id in set(services):
        lines |= lines_of(ctx, service_id)
    if lines:
        _ahead(ctx, _subscribed(ctx, day, lines))


AHEAD_KINDS = ("ahead", "ahead_minutes")


def waits_shortened(ctx: Ctx) -> int:
    """The minutes check on a timer: an estimated wait also falls while nothing moves (a
    long service runs on; its counter is then expected free sooner), so the day-close
    loop runs this every round. Today's subscribed waiting tickets not yet told get the
    "ahead" notice when they are near their turn now, once (the trigger's key, so two
    servers running it at once queue one). One statement when nobody waits subscribed
    (or everyone was told); none with no channel or the minutes off. Returns how many
    notices it queued."""
    if ctx.notice_link_base is None or ctx.settings.notice_ahead_minutes <= 0:
        return 0
    told = exists().where(
        Notice.subscription_id == NoticeSubscription.id, Notice.kind.in_(AHEAD_KINDS)
    )
    rows = ctx.session.execute(
        select(NoticeSubscription, Ticket)
        .join(Ticket, Ticket.id == NoticeSubscription.ticket_id)
        .where(
            NoticeSubscription.unsubscribed_at.is_(None),
            Ticket.service_date == ctx.today,
            Ticket.state == TicketState.WAITING,
            ~told,
        )
        .order_by(NoticeSubscription.id)
    ).all()
    before = ctx.notices_queued
    if rows:
        _ahead(ctx, [(s, t) for s, t in rows])
    return ctx.notices_queued - before


def ticket_transferred(ctx: Ctx, ticket: Ticket, freed: Counter | None = None) -> None:
    """Sent to another service's line: which one, and that the number stays. ``freed``:
    the counter it left, whose lines' waits just shortened (``counter_freed``), read in
    the same statement."""
    if ctx.notice_link_base is None:
        return
    rows, waiting = _own_and_freed(ctx, ticket, freed)
    for subscription in rows:
        _queue(
            ctx,
            subscription,
            kind="transferred",
            deadline=ctx.now + TRANSFERRED_DEADLINE,
            words=texts.transferred(ticket.number, ticket.service.name, _link(ctx, ticket)),
            key=f"ticket:{ticket.id}:transferred:{ticket.queued_at.timestamp():.6f}",
        )
    if waiting:
        _ahead(ctx, waiting)


def ticket_finished(ctx: Ctx, ticket: Ticket, freed: Counter | None = None) -> None:
    """After service, the SKM survey link, where the hall offers the survey; ``freed``:
    the counter that served it (``counter_freed``), read in the same statement."""
    if ctx.notice_link_base is None:
        return
    survey = bool(ctx.settings.ticket_survey_line)
    if not survey and not _freed_lines(ctx, freed):
        return
    rows, waiting = _own_and_freed(ctx, ticket, freed, own=survey)
    for subscription in rows:
        _survey(ctx, subscription, ticket)
    if waiting:
        _ahead(ctx, waiting)


def counter_freed(ctx: Ctx, counter: Counter) -> None:
    """A counter let its visitor go without calling the next (no-show): nobody's place
    moved, but the waits of its lines shortened, so the minutes check runs for them
    (one statement with a channel and ``notice_ahead_minutes`` on; none otherwise)."""
    if ctx.notice_link_base is None:
        return
    lines = _freed_lines(ctx, counter)
    if lines:
        _ahead(ctx, _subscribed(ctx, ctx.today, lines))


def _freed_lines(ctx: Ctx, counter: Counter | None) -> set[int]:
    """The lines whose estimated wait a freed ``counter`` shortens, when the hall sends
    "ahead" by minutes (the count of people ahead did not change)."""
    if counter is None or ctx.settings.notice_ahead_minutes <= 0:
        return set()
    return {link.service_id for link in counter.service_links}


def _own_and_freed(
    ctx: Ctx, ticket: Ticket, freed: Counter | None, *, own: bool = True
) -> tuple[list[NoticeSubscription], list[tuple[NoticeSubscription, Ticket]]]:
    """``ticket``'s own subscriptions (when ``own``) and the subscribed waiting tickets of
    ``freed``'s lines, in one statement."""
    lines = _freed_lines(ctx, freed)
    if not lines:
        return (_subscriptions_of(ctx, ticket) if own else []), []
    rows = _subscribed(ctx, ticket.service_date, lines, [ticket.id] if own else [])
    mine = [s for s, owner in rows if owner.id == ticket.id]
    return mine, [(s, owner) for s, owner in rows if owner.id != ticket.id]


def _survey(ctx: Ctx, subscription: NoticeSubscription, ticket: Ticket) -> None:
    if not ctx.settings.ticket_survey_line:
        return
    _queue(
        ctx,
        subscription,
        kind="survey",
        deadline=ctx.now + SURVEY_DEADLINE,
        words=texts.survey(ticket.number, _link(ctx, ticket, "/survey")),
        key=f"ticket:{ticket.id}:survey",
    )
