"""Delivery reports from the WhatsApp gateways (Fonnte, Wablas): a notice they accepted
(``sent``) becomes ``delivered`` when the visitor's phone got it, or ``failed`` when the
gateway gave it up after accepting it (docs/notifications.md#delivery-reports-from-the-gateways).

The Cloud API's reports name the message by the one id its send answered
(``delivery.record_delivery``). Fonnte's do not always: its status webhook names the
message by ``id`` and a ``stateid`` in one report, then WhatsApp's "delivered" and
"read" by the ``stateid`` alone; the first report stores it
(``Notice.provider_state_id``) so the later ones find their notice. A report about a
message that is no notice of ours (another system's on the same device, or one pruned)
changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, update
from sqlalchemy.orm import Session

from server.models import Notice, NoticeState


@dataclass(frozen=True)
class DeliveryReport:
    """One report of a gateway about a message it accepted: which one (by its id, its
    state id, or both), and what became of it. ``failure`` is a reason for the console,
    in English (``reasons`` words it in Indonesian), without a number in it."""

    message_id: str | None = None
    state_id: str | None = None
    delivered: bool = False
    failure: str | None = None


def _changed(result: Any) -> int:
    return int(result.rowcount or 0)


def _named(channel: str, report: DeliveryReport) -> ColumnElement[bool] | None:
    if report.message_id is not None:
        return (Notice.channel == channel) & (Notice.provider_message_id == report.message_id)
    if report.state_id is not None:
        return (Notice.channel == channel) & (Notice.provider_state_id == report.state_id)
    return None


def record_report(session: Session, channel: str, report: DeliveryReport, now: dt.datetime) -> bool:
    """Apply one report to the notice it names; False when it names none of ours or
    changes nothing (a repeat, "sent" again, "read" after "delivered")."""
    named = _named(channel, report)
    if named is None:
        return False
    changed = 0
    if report.message_id is not None and report.state_id is not None:
        changed += _changed(
            session.execute(
                update(Notice)
                .where(named, Notice.provider_state_id.is_(None))
                .values(provider_state_id=report.state_id)
            )
        )
    if report.delivered:
        changed += _changed(
            session.execute(
                update(Notice)
                .where(named, Notice.state == NoticeState.SENT)
                .values(state=NoticeState.DELIVERED, delivered_at=now)
            )
        )
    elif report.failure is not None:
        # Only a notice not yet delivered: a late "expired" after "delivered" is noise.
        changed += _changed(
            session.execute(
                update(Notice)
                .where(named, Notice.state == NoticeState.SENT)
                .values(state=NoticeState.FAILED, reason=report.failure[:200])
            )
        )
    return changed > 0
