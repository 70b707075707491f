"""The words for a ticket's and a counter's state, priority and source, a user's role and a
device's kind.

They are stored in the database, sent on the wire and read by every client, so they are
defined here, beside the payloads (``shared.wire``), and the server's models take them
from here rather than the clients copying the server's.
"""

from __future__ import annotations

import enum


class TicketState(enum.StrEnum):
    """Where a ticket is in its life (docs/design.md#ticket-life)."""

    WAITING = "waiting"
    CALLED = "called"
    SERVING = "serving"
    DONE = "done"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


class Priority(enum.StrEnum):
    """The priority group a visitor said they belong to at the kiosk (none: the regular
    line); the calling order serves them first or every Nth (shared.calling_order)."""

    NONE = "none"
    ELDERLY = "elderly"
    DISABLED = "disabled"
    PREGNANT = "pregnant"
    CHILD = "child"


class TicketSource(enum.StrEnum):
    """How a ticket came to be: at a kiosk, from a booking, or issued by staff."""

    KIOSK = "kiosk"
    BOOKING = "booking"
    COUNTER = "counter"
    WEB = "web"


class CounterState(enum.StrEnum):
    """Whether a counter calls visitors now: closed, open, or paused for a break."""

    CLOSED = "closed"
    OPEN = "open"
    PAUSED = "paused"


class Role(enum.StrEnum):
    """What a staff account may do: an admin runs the whole hall; a supervisor oversees
    one agency (and may take over its counters); an officer serves at its counters."""

    ADMIN = "admin"
    SUPERVISOR = "supervisor"
    OFFICER = "officer"


class DeviceKind(enum.StrEnum):
    """What a registered device is, which decides what its token may do: a kiosk issues,
    a display shows, a counter calls, a portal (another app: a regency portal, the
    national MPP app) books for its users through the booking API, a survey tablet asks
    the visitors of its one counter the satisfaction survey (docs/skm.md)."""

    KIOSK = "kiosk"
    DISPLAY = "display"
    COUNTER = "counter"
    PORTAL = "portal"
    SURVEY = "survey"


class BookingState(enum.StrEnum):
    """Where a booking (*antrean online*) is: booked for its slot, checked in at the hall
    (it then has a ticket, whose own state says served or not), cancelled (by the
    visitor, staff or a closure), or a no-show (not checked in by the end of its window)."""

    BOOKED = "booked"
    CHECKED_IN = "checked_in"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"


class BookingQueueRule(enum.StrEnum):
    """Where a checked-in booking's ticket stands in its line (docs/booking.md#queue-rule):

    - ``slot_time`` (the default, "fair queuing"): as if the visitor had arrived at the
      slot's start; walk-ins who came earlier stay ahead, later ones behind;
    - ``reservation``: a booking reserves a place in the day only; check-in gives a
      ticket at the back of the line, like a walk-in;
    - ``due_first``: once its slot has come, before every walk-in (the calling order's
      rule 2).
    """

    SLOT_TIME = "slot_time"
    RESERVATION = "reservation"
    DUE_FIRST = "due_first"


class LateCheckIn(enum.StrEnum):
    """What a visitor who comes after the check-in window gets: a walk-in ticket at the
    back of the line, or a refusal with the reason."""

    WALK_IN = "walk_in"
    REFUSE = "refuse"
