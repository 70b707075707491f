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
from typing import Any

from sqlalchemy import and_, or_, select

from server.domain.calling import line_forecast
from server.domain.context import Ctx
from server.models import Counter, NoticeSubscription, Ticket, TicketState

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
        found = ctx.session.execute(
            select(NoticeSubscription, Ticket)
            .join(Ticket, Ticket.id == NoticeSubscription.ticket_id)
            .where(
                NoticeSubscription.unsubscribed_at.is_(None),
                or_(
                    Ticket.id.in_(mine),
                    and_(
                        Ticket.service_id.in_(sorted(lines)),
                        Ticket.service_date == ticket.service_date,
                        Ticket.state == TicketState.WAITING,
                    ),
                ),
            )
            .order_by(NoticeSubscription.id)
        ).all()
        rows = [(s, t) for s, t in found]
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
    threshold = ctx.settings.notice_ahead_threshold
    if threshold <= 0:
        return
    told: dict[int, int] = {}
    for subscription, owner in waiting:
        if owner.id not in told:
            told[owner.id] = line_forecast(ctx, owner).ahead
        ahead = told[owner.id]
        if not 0 < ahead <= threshold:
            continue
        _queue(
            ctx,
            subscription,
            kind="ahead",
            deadline=ctx.now + AHEAD_DEADLINE,
            words=texts.ahead(owner.number, ahead, _link(ctx, owner)),
            key=f"ticket:{owner.id}:ahead",
        )


def ticket_transferred(ctx: Ctx, ticket: Ticket) -> None:
    """Sent to another service's line: which one, and that the number stays."""
    if ctx.notice_link_base is None:
        return
    for subscription in _subscriptions_of(ctx, ticket):
        _queue(
            ctx,
            subscription,
            kind="transferred",
            deadline=ctx.now + TRANSFERRED_DEADLINE,
            words=texts.transferred(ticket.number, ticket.service.name, _link(ctx, ticket)),
            key=f"ticket:{ticket.id}:transferred:{ticket.queued_at.timestamp():.6f}",
        )


def ticket_finished(ctx: Ctx, ticket: Ticket) -> None:
    """After service, the SKM survey link, where the hall offers the survey."""
    if ctx.notice_link_base is None or not ctx.settings.ticket_survey_line:
        return
    for subscription in _subscriptions_of(ctx, ticket):
        _survey(ctx, subscription, ticket)


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
