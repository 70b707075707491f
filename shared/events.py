"""Push event and room names: the one place both the server and the clients take them from
(what each event carries, and to which rooms: docs/design.md#push-protocol).

Every pushed payload carries ``room`` and ``seq``: ``seq`` increases by exactly one per
event within a room, so a client that sees a jump knows it missed something and reloads
the room's snapshot (whose ``seq`` tells which events the snapshot already contains).
"""

from __future__ import annotations

from typing import Final

TICKET_ISSUED: Final = "ticket.issued"
TICKET_CALLED: Final = "ticket.called"
TICKET_UPDATED: Final = "ticket.updated"
QUEUE_STATS: Final = "queue.stats"
COUNTER_UPDATED: Final = "counter.updated"
CONFIG_UPDATED: Final = "config.updated"

ALL_EVENTS: Final = (
    TICKET_ISSUED,
    TICKET_CALLED,
    TICKET_UPDATED,
    QUEUE_STATS,
    COUNTER_UPDATED,
    CONFIG_UPDATED,
)

# Client -> server socket messages (commands go over REST; these only manage rooms).
SUBSCRIBE: Final = "subscribe"

HALL_ROOM: Final = "hall"


def zone_room(zone_code: str) -> str:
    """Room of one display zone: what its boards show."""
    return f"zone:{zone_code}"


def agency_room(agency_code: str) -> str:
    """Room of one agency: its counters and supervisors."""
    return f"agency:{agency_code}"


def counter_room(counter_id: int) -> str:
    """Room of one counter."""
    return f"counter:{counter_id}"


def ticket_room(status_code: str) -> str:
    """Room of one ticket, joined by the visitor's phone through the QR code."""
    return f"ticket:{status_code}"


def line_room(service_id: int) -> str:
    """Room of one service's line: ``queue.stats`` only, counts and no personal data.

    A visitor's phone sits in the line its ticket waits in, so the calls of other
    tickets (which move its "people ahead") reach it without a push per waiting ticket.
    """
    return f"line:{service_id}"


def parse_room(room: str) -> tuple[str, str]:
    """Split a room name into (kind, key); ``("hall", "")`` for the hall room.

    Raises ValueError for anything that is not one of the room shapes above.
    """
    if room == HALL_ROOM:
        return HALL_ROOM, ""
    kind, sep, key = room.partition(":")
    if not sep or not key or kind not in ("zone", "agency", "counter", "ticket", "line"):
        raise ValueError(f"not a room: {room!r}")
    return kind, key
