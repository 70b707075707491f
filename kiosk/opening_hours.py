"""Whether a service takes tickets at a moment of the hall's day, as the server will decide,
and when a closed one opens next, in words for the screen.

The rule itself is ``shared.opening_hours`` (the server's ``ensure_open`` uses the same
functions); this module reads what it needs out of ``GET /api/v1/config`` and words the
next opening. The kiosk greys out a closed service before the visitor taps it; the
server still has the last word (``409 service_closed``), so a kiosk whose clock is a
little off only shows a service as open a minute too long, never issues outside the
hours.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import TypeVar

from shared import opening_hours, wire
from shared.opening_hours import WEEKDAYS, SpecialDay, clock_text, parse_clock

__all__ = [
    "WEEKDAYS",
    "SpecialDay",
    "holiday_dates",
    "next_opening",
    "next_opening_text",
    "open_at",
    "special_days",
]

Entry = TypeVar("Entry")
# Within this many days the weekday names the day ("Buka Senin 07.30"); further on, the date.
WEEKDAY_RANGE_DAYS = 6
DAY_NAMES = {
    "id": ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
MONTH_NAMES = {
    "id": ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}
PHRASES = {
    "id": {
        "today": "Buka pukul {time}",
        "tomorrow": "Buka besok {time}",
        "day": "Buka {day} {time}",
    },
    "en": {
        "today": "Opens at {time}",
        "tomorrow": "Opens tomorrow {time}",
        "day": "Opens {day} {time}",
    },
}


def open_at(
    hours: Mapping[str, Sequence[str]] | None,
    holidays: Collection[dt.date],
    local_now: dt.datetime,
    special: Iterable[SpecialDay] = (),
    agency_id: int | None = None,
) -> bool:
    """``hours`` is the service's ``{"mon": ["07:30", "16:00"], ...}``; a missing weekday
    or a holiday is closed unless a special opening of the hall (or of ``agency_id``)
    opens it. ``local_now`` is in the site's time zone."""
    return opening_hours.open_at(hours, holidays, special, local_now, agency_id)


def next_opening(
    hours: Mapping[str, Sequence[str]] | None,
    holidays: Collection[dt.date],
    local_now: dt.datetime,
    special: Iterable[SpecialDay] = (),
    agency_id: int | None = None,
) -> dt.datetime | None:
    """When the service next takes tickets (``local_now`` while open; None: not within
    two weeks)."""
    return opening_hours.next_opening(hours, holidays, special, local_now, agency_id)


def holiday_dates(config: wire.Config) -> frozenset[dt.date]:
    """The holidays of ``GET /api/v1/config`` as dates (unreadable entries are skipped)."""
    dates = set()
    for entry in _listed(config.get("holidays")):
        try:
            dates.add(dt.date.fromisoformat(entry["date"]))
        except (KeyError, TypeError, ValueError):
            continue
    return frozenset(dates)


def special_days(config: wire.Config) -> tuple[SpecialDay, ...]:
    """The special openings (*buka khusus*) of ``GET /api/v1/config`` (unreadable entries
    are skipped: the kiosk then shows the service closed and the server decides)."""
    days = []
    for entry in _listed(config.get("special_openings")):
        try:
            agency = entry.get("agency_id")
            days.append(
                SpecialDay(
                    date=dt.date.fromisoformat(entry["date"]),
                    opens=parse_clock(entry["opens"]),
                    closes=parse_clock(entry["closes"]),
                    agency_id=agency if isinstance(agency, int) else None,
                    name=str(entry.get("name", "")),
                )
            )
        except (AttributeError, KeyError, TypeError, ValueError):
            continue
    return tuple(days)


def _listed(entries: list[Entry] | None) -> list[Entry]:
    """The configuration's list, or none when an older server leaves it out (or sends
    something else: the entries are read one by one, each skipped when unreadable)."""
    return entries if isinstance(entries, list) else []


def next_opening_text(next: dt.datetime | None, now: dt.datetime, language: str) -> str:
    """ "Buka pukul 13.00" (later today), "Buka besok 07.30", "Buka Senin 07.30" (within a
    week), "Buka 2 Jan 07.30" (further on); English likewise ("Opens Monday 07.30").
    Empty when ``next`` is None (nothing within the horizon: the screen says "Tutup")."""
    if next is None:
        return ""
    lang = language if language in PHRASES else "id"
    phrases = PHRASES[lang]
    time = clock_text(next.time().replace(second=0, microsecond=0)).replace(":", ".")
    days = (next.date() - now.date()).days
    if days <= 0:
        return phrases["today"].format(time=time)
    if days == 1:
        return phrases["tomorrow"].format(time=time)
    if days <= WEEKDAY_RANGE_DAYS:
        return phrases["day"].format(day=DAY_NAMES[lang][next.weekday()], time=time)
    date = f"{next.day} {MONTH_NAMES[lang][next.month - 1]}"
    return phrases["day"].format(day=date, time=time)
