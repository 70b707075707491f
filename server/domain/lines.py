"""What an officer is told about another line before sending a visitor to it.

A transfer to a line that is closed now, or that no open counter serves, is allowed (a
counter may open after a break), but the officer must know it first and the visitor's
page must say it: a visitor told "you are next" by a line nobody calls waits in vain.
"""

from __future__ import annotations

from server.models import Service
from shared import wire
from shared.errors import ErrorCode

from .context import Ctx
from .errors import DomainError
from .estimates import line_stats_now
from .schedule import ensure_open


def open_now(ctx: Ctx, service: Service) -> bool:
    """Whether the service takes tickets now (hours, holidays), as issuing decides it."""
    try:
        ensure_open(ctx, service)
    except DomainError as error:
        if error.code != ErrorCode.SERVICE_CLOSED:
            raise
        return False
    return True


def line_outlook(ctx: Ctx, service: Service) -> wire.LineOutlook:
    stats = line_stats_now(ctx, service)
    return {
        "service_id": service.id,
        "open_now": open_now(ctx, service),
        "staffed": ctx.catalog.area_of_service(ctx.session, service.id) is not None,
        "open_counters": stats["open_counters"],
        "paused_counters": stats["paused_counters"],
        "waiting": stats["waiting"],
        "estimated_wait_minutes": stats["estimated_wait_minutes"],
    }
