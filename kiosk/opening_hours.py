"""Whether a service takes tickets at a moment of the hall's day, as the server will decide.

The kiosk greys out a closed service before the visitor taps it; the server still has the
last word (``409 service_closed``), so a kiosk whose clock is a little off only shows a
service as open a minute too long, never issues outside the hours.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _time(text: str) -> dt.time:
    return dt.time.max if text == "24:00" else dt.time.fromisoformat(text)


def open_at(
    hours: Mapping[str, Sequence[str]] | None,
    holidays: Collection[dt.date],
    local_now: dt.datetime,
) -> bool:
    """``hours`` is the service's ``{"mon": ["07:30", "16:00"], ...}``; a missing weekday
    or a holiday is closed. ``local_now`` is in the site's time zone."""
    day = local_now.date()
    if day in holidays or not hours:
        return False
    span = hours.get(WEEKDAYS[day.weekday()])
    if not span or len(span) != 2:
        return False
    try:
        opens, closes = _time(span[0]), _time(span[1])
    except ValueError:
        return False
    now = local_now.time().replace(tzinfo=None)
    return opens <= now < closes or (closes == dt.time.max and now >= opens)


def holiday_dates(config: Mapping[str, object]) -> frozenset[dt.date]:
    """The holidays of ``GET /api/v1/config`` as dates (unreadable entries are skipped)."""
    dates = set()
    for entry in config.get("holidays", []) or []:  # type: ignore[attr-defined]
        try:
            dates.add(dt.date.fromisoformat(entry["date"]))
        except (KeyError, TypeError, ValueError):
            continue
    return frozenset(dates)
