"""What a counter's officer sees of the lines they call: the waiting tickets in the order
"next" takes them, each with the reason for its place, and the lines' figures.

The same calling order (``shared.calling_order``) decides the next claim, so the list
an officer reads is the list their next press walks down.
"""

from __future__ import annotations

from server.models import Counter, Service
from shared import wire

from . import access
from .access import Principal
from .calling import waiting_in_calling_order
from .context import Ctx
from .counters import service_ids
from .errors import not_found
from .estimates import line_stats_now
from .payloads import counter_payload, ticket_payload

# A counter client shows this many; a line longer than that is summed in its figures.
QUEUE_LIMIT = 200


def readable_counter(ctx: Ctx, who: Principal, counter_id: int) -> Counter:
    """The counter, if ``who`` may read it; otherwise the same not-found as for a
    counter that does not exist (another agency's counters are not listed)."""
    counter = ctx.session.get(Counter, counter_id)
    if counter is None or not counter.active or not access.can_read_counter(who, counter):
        raise not_found("counter")
    return counter


def counter_queue(
    ctx: Ctx, who: Principal, counter_id: int, limit: int = QUEUE_LIMIT
) -> wire.CounterWaiting:
    counter = readable_counter(ctx, who, counter_id)
    ids = service_ids(counter)
    waiting = waiting_in_calling_order(ctx, counter, ids, limit)
    services = [ctx.session.get(Service, sid) for sid in ids]
    return {
        "counter": counter_payload(counter),
        "tickets": [{**ticket_payload(t), "reason": placed.reason} for t, placed in waiting],
        "lines": [line_stats_now(ctx, s) for s in services if s],
    }
