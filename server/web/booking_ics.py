"""A booking as an "add to calendar" file (iCalendar, RFC 5545), written by hand: one
event, a dozen properties, no library needed.

What the RFC asks and phones' calendars check: CRLF line ends, lines folded at 75 octets
(a continuation starts with a space, and a UTF-8 character is never cut), text values
escaped (backslash, semicolon, comma, new line), times in UTC with a ``Z``, a UID that
stays the same when the file is opened twice (the booking's code and the server's host:
the calendar updates the event instead of adding a second one). No personal data: the
file is opened with the code alone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

FOLD_OCTETS = 75


@dataclass(frozen=True)
class CalendarEvent:
    """One event, its times aware (written in UTC), its texts unescaped."""

    uid: str
    stamp: dt.datetime
    start: dt.datetime
    end: dt.datetime
    summary: str
    location: str
    description: str
    url: str


def escape_text(value: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma and line ends escaped."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


def utc_stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def fold(line: str) -> str:
    """Split a content line into lines of at most 75 octets (RFC 5545 3.1)."""
    parts: list[str] = []
    current, size = "", 0
    limit = FOLD_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append(current)
            current, size = "", 0
            limit = FOLD_OCTETS - 1  # continuation lines begin with one space
        current += char
        size += width
    parts.append(current)
    return "\r\n ".join(parts)


def calendar_file(event: CalendarEvent) -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Antre//Booking//ID",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{event.uid}",
        f"DTSTAMP:{utc_stamp(event.stamp)}",
        f"DTSTART:{utc_stamp(event.start)}",
        f"DTEND:{utc_stamp(event.end)}",
        f"SUMMARY:{escape_text(event.summary)}",
        f"LOCATION:{escape_text(event.location)}",
        f"DESCRIPTION:{escape_text(event.description)}",
        f"URL:{event.url}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "".join(fold(line) + "\r\n" for line in lines)
