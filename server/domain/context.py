"""What every domain command runs with: the session, the time, the settings, who acts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from server.domain.catalog import CatalogSnapshot
from server.domain.outbox import Outbox
from server.domain.settings import SiteSettings


@dataclass(frozen=True)
class Actor:
    """Who caused a change, for the event log: an officer/admin, a device, or the system."""

    user_id: int | None = None
    device_id: int | None = None

    @property
    def owner_key(self) -> str:
        """The namespace of this actor's idempotency keys."""
        if self.device_id is not None:
            return f"device:{self.device_id}"
        if self.user_id is not None:
            return f"user:{self.user_id}"
        return "system"


SYSTEM = Actor()


@dataclass
class Ctx:
    """One transaction's working set, passed to every domain command so none reaches for
    a global: session, clock, settings, who acts, and the pushes to send after commit."""

    session: Session
    now: dt.datetime
    settings: SiteSettings
    actor: Actor = SYSTEM
    outbox: Outbox = field(default_factory=Outbox)
    # The configuration this transaction reads through (server.domain.catalog); a bare
    # Ctx reads it once for itself.
    catalog: CatalogSnapshot = field(default_factory=CatalogSnapshot)
    # Services a ticket was finished in by this transaction: their average service time
    # moved, so it is computed afresh here and not kept for others before the commit.
    finished_services: set[int] = field(default_factory=set)
    # Where the visitor's status links in notices start (``https://hall.example``), or
    # None when the hall configured no notice channel: then no trigger reads or queues
    # anything (server.domain.notices.triggers).
    notice_link_base: str | None = None
    # The Cloud API's approved template of each notice kind (``[notify]
    # whatsapp_templates`` over ``texts.TEMPLATE_NAMES``) when WhatsApp goes through
    # Meta's Cloud API, which takes only templates outside its 24-hour window; None:
    # WhatsApp notices are plain text (Fonnte).
    whatsapp_templates: Mapping[str, str] | None = None
    # How many notices this transaction queued (the worker is woken after the commit).
    notices_queued: int = 0

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.settings.timezone)

    @property
    def local_now(self) -> dt.datetime:
        return self.now.astimezone(self.tz)

    @property
    def today(self) -> dt.date:
        """The service date: the day in the site's time zone, not the server's or UTC."""
        return self.local_now.date()
