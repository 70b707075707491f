"""The hall monitor: what MPP staff watch to see where the hall is in trouble right now.

Every counter with its state, officer and current ticket; every line with its waiting
people, longest wait and estimated wait against the service's target; every device that
went silent or whose printer failed; every account that failed logins locked ("akun
terkunci", from the login throttle's rows while the lock holds); every notice channel
whose messages stopped going out (``notices.health``). One read, one
consistent picture; a supervisor sees only their agency (of the locks: their agency's
accounts, and how many addresses are locked, since those lock their officers out too).

A device that has never reached the server is not in trouble: it was registered (by an
admin, or by the demo) and nobody has started it yet. It is counted apart, as not yet
connected, so a fresh hall does not open on a red tile for machines still in their
boxes. Once seen, a device that falls silent is in trouble like any other, except a
partner app (``portal``): it calls only when somebody books, so a quiet night is not a
fault. A counter's survey tablet idles most of the day, but its page keeps a socket open
(marked seen every minute) and asks the server what to show every minute: an idle
tablet is seen like a board, and one that is silent has its page closed or its network
cut, which is worth a look.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from server.models import Agency, Counter, Device, DeviceKind, Service, Ticket, User, Zone
from shared import printer_health

from .context import Ctx
from .estimates import line_stats_now
from .login_throttle import locks_now
from .notices.health import channel_alerts
from .payloads import TICKET_FOR_PAYLOAD, agency_brief, iso

# A device that has not reached the server for this long is shown as silent. Connected
# sockets are touched every minute (server.realtime), kiosks report their printer and
# every REST call counts, so five minutes without contact means it is off or cut off.
SILENT_AFTER = dt.timedelta(minutes=5)


def hall_monitor(ctx: Ctx, agency_id: int | None = None) -> dict[str, Any]:
    """The monitor's picture of the hall (``agency_id``: only that agency's part)."""
    counters = _counters(ctx, agency_id)
    lines = _lines(ctx, agency_id)
    devices = _devices(ctx, agency_id)
    logins = _logins(ctx, agency_id)
    # Hall-wide: a supervisor's visitors use the same channels.
    notices = [alert.to_dict() for alert in channel_alerts(ctx.session, ctx.now)]
    return {
        "now": ctx.now.isoformat(),
        "today": ctx.today.isoformat(),
        "timezone": ctx.settings.timezone,
        "silent_after_minutes": int(SILENT_AFTER.total_seconds() // 60),
        "counters": counters,
        "lines": lines,
        "devices": devices,
        "logins": logins,
        "notices": notices,
        "summary": {
            "counters_open": sum(1 for c in counters if c["state"] == "open"),
            "counters": len(counters),
            "waiting": sum(line["waiting"] for line in lines),
            "lines_over_target": sum(1 for line in lines if line["over_target"]),
            "devices_in_trouble": sum(1 for d in devices if d["silent"] or d["printer_fault"]),
            "devices_never_seen": sum(1 for d in devices if d["never_seen"]),
            "accounts_locked": len(logins["locked_accounts"]),
            "notice_channels_failing": len(notices),
        },
    }


def _counters(ctx: Ctx, agency_id: int | None) -> list[dict[str, Any]]:
    query = (
        select(Counter, Agency, Zone)
        .join(Agency, Agency.id == Counter.agency_id)
        .join(Zone, Zone.id == Counter.zone_id)
        .where(Counter.active.is_(True))
        .order_by(Agency.position, Agency.id, Counter.position, Counter.id)
    )
    if agency_id is not None:
        query = query.where(Counter.agency_id == agency_id)
    rows = ctx.session.execute(query).all()
    officer_ids = {c.officer_id for c, _, _ in rows if c.officer_id is not None}
    officers: dict[int, str] = {}
    if officer_ids:
        names = select(User.id, User.display_name).where(User.id.in_(officer_ids))
        officers = {user_id: name for user_id, name in ctx.session.execute(names)}
    ticket_ids = [c.current_ticket_id for c, _, _ in rows if c.current_ticket_id is not None]
    tickets = (
        {
            t.id: t
            for t in ctx.session.scalars(
                select(Ticket).options(*TICKET_FOR_PAYLOAD).where(Ticket.id.in_(ticket_ids))
            )
        }
        if ticket_ids
        else {}
    )
    out = []
    for counter, agency, zone in rows:
        ticket = tickets.get(counter.current_ticket_id or -1)
        out.append(
            {
                "id": counter.id,
                "label": counter.label,
                "agency": agency_brief(agency),
                "zone": zone.name,
                "state": counter.state.value,
                "state_since": iso(counter.state_since),
                "officer": officers.get(counter.officer_id) if counter.officer_id else None,
                "ticket": _ticket(ticket) if ticket is not None else None,
            }
        )
    return out


def _ticket(ticket: Ticket) -> dict[str, Any]:
    # "For how long": since serving started, or since the (last) call while still called.
    since = ticket.started_at if ticket.started_at is not None else ticket.called_at
    return {
        "number": ticket.number,
        "state": ticket.state.value,
        "service": ticket.service.name,
        "call_count": ticket.call_count,
        "since": iso(since),
    }


def _lines(ctx: Ctx, agency_id: int | None) -> list[dict[str, Any]]:
    query = (
        select(Service, Agency)
        .join(Agency, Agency.id == Service.agency_id)
        .where(Service.active.is_(True), Agency.active.is_(True))
        .order_by(Agency.position, Agency.id, Service.position, Service.id)
    )
    if agency_id is not None:
        query = query.where(Service.agency_id == agency_id)
    out = []
    for service, agency in ctx.session.execute(query).all():
        stats = line_stats_now(ctx, service)
        target = service.target_wait_minutes
        longest_over = stats["longest_wait_seconds"] > target * 60
        estimate_over = stats["waiting"] > 0 and stats["estimated_wait_minutes"] > target
        out.append(
            {
                **stats,
                "service": service.name,
                "agency": agency_brief(agency),
                "target_wait_minutes": target,
                "longest_over_target": longest_over,
                "estimate_over_target": estimate_over,
                "over_target": longest_over or estimate_over,
                # People wait while no counter serves them: as urgent as a long wait.
                "unserved": stats["waiting"] > 0 and stats["open_counters"] == 0,
                # ... because its counters are on a break (lunch), not closed.
                "on_break": stats["waiting"] > 0
                and stats["open_counters"] == 0
                and stats["paused_counters"] > 0,
            }
        )
    return out


def _devices(ctx: Ctx, agency_id: int | None) -> list[dict[str, Any]]:
    query = select(Device).where(Device.active.is_(True)).order_by(Device.kind, Device.name)
    if agency_id is not None:
        # Kiosks and boards belong to the hall (the MPP's staff look after them); a
        # supervisor sees the terminals of their own agency's counters.
        query = query.where(Device.agency_id == agency_id)
    out = []
    for device in ctx.session.scalars(query):
        health = device.health or {}
        printer = health.get("printer") if isinstance(health.get("printer"), str) else None
        seen = device.last_seen_at
        out.append(
            {
                "id": device.id,
                "name": device.name,
                "kind": device.kind.value,
                "zone": device.zone.name if device.zone is not None else None,
                "last_seen_at": iso(seen),
                # Registered, never started: not silent (see the module's docstring).
                "never_seen": seen is None,
                "silent": device.kind != DeviceKind.PORTAL
                and seen is not None
                and ctx.now - seen > SILENT_AFTER,
                "printer": printer,
                "printer_message": health.get("message"),
                "printer_fault": printer in printer_health.FAULTS,
                "printer_warning": printer in printer_health.WARNINGS,
            }
        )
    return out


def _logins(ctx: Ctx, agency_id: int | None) -> dict[str, Any]:
    """Locked accounts by name (staff, not visitors) and locked addresses counted; a
    locked name no account has is only counted, for the admin (it is a guesser's text)."""
    locks = locks_now(ctx.session, ctx.now)
    accounts = [a for a in locks.accounts if agency_id is None or a.agency_id == agency_id]
    return {
        "locked_accounts": [
            {
                "username": account.username,
                "display_name": account.display_name,
                "role": account.role,
                "locked_until": iso(account.locked_until),
            }
            for account in accounts
        ],
        "locked_unknown_names": locks.unknown_names if agency_id is None else 0,
        "locked_addresses": locks.addresses,
    }
