"""When a service takes tickets: the one rule the server and the kiosk both follow.

A service has one span per weekday (``{"mon": ["07:30", "16:00"], ...}``; a missing
weekday is closed), the whole hall closes on a holiday, and a *buka khusus* (special
opening) opens the services of its scope (the whole hall, or one agency) on its date
with its hours. The server decides (``409 service_closed``); the kiosk greys a closed
service out beforehand and says when it opens next. Both call these functions, so they
cannot disagree about a Saturday or a holiday.

What wins when a date is both a holiday and a special opening: the special opening. It
is the explicit, later decision for that one date (the holiday list is typed in once a
year from the government's decree; a special opening is made for the day). A special
opening only ever opens: on a holiday its hours are the day's only hours; on an ordinary
day a service takes tickets in its own hours *and* in the special opening's.

Times are written the way people write them: ``07.30`` (the Indonesian way) or
``07:30``, one- or two-digit hours; ``24.00`` / ``24:00`` closes at midnight. They are
stored in one form, ``07:30`` (``clock_text``), and shown as ``07.30`` (``clock_label``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# The end of the day: "24:00" closes at midnight (the last instant of the day).
END_OF_DAY = dt.time.max
DAY_SECONDS = 24 * 3600
_CLOCK = re.compile(r"^(\d{1,2})[.:](\d{2})$")

Hours = Mapping[str, Sequence[str]]
Span = tuple[dt.time, dt.time]


def parse_clock(text: str) -> dt.time:
    """``"07.30"``, ``"07:30"`` or ``"7.30"`` as 07:30; ``"24.00"`` / ``"24:00"`` as the
    end of the day (``END_OF_DAY``). Anything else is a ``ValueError``."""
    found = _CLOCK.match(text.strip()) if isinstance(text, str) else None
    if found is None:
        raise ValueError(f"not a time of day like 07.30: {text!r}")
    hour, minute = int(found.group(1)), int(found.group(2))
    if (hour, minute) == (24, 0):
        return END_OF_DAY
    if hour > 23 or minute > 59:
        raise ValueError(f"not a time of day (00.00-24.00): {text!r}")
    return dt.time(hour, minute)


def clock_text(moment: dt.time) -> str:
    """The stored form, ``"07:30"`` (``"24:00"`` for the end of the day)."""
    return "24:00" if moment == END_OF_DAY else f"{moment.hour:02d}:{moment.minute:02d}"


def clock_label(text: str) -> str:
    """A stored time as the hall writes it: ``"07:30"`` -> ``"07.30"``."""
    return text.replace(":", ".")


def _seconds(moment: dt.time) -> float:
    if moment == END_OF_DAY:
        return DAY_SECONDS
    return moment.hour * 3600 + moment.minute * 60 + moment.second + moment.microsecond / 1e6


@dataclass(frozen=True)
class SpecialDay:
    """A special opening (*buka khusus*): ``date`` from ``opens`` to ``closes`` for the
    services of one agency (``agency_id``) or of the whole hall (``agency_id`` None)."""

    date: dt.date
    opens: dt.time
    closes: dt.time
    agency_id: int | None = None
    name: str = ""

    def covers(self, agency_id: int | None) -> bool:
        """Whether it opens a service of ``agency_id`` (None: a service of no known agency,
        which only a whole-hall opening covers)."""
        return self.agency_id is None or self.agency_id == agency_id


def weekday_span(hours: Hours | None, day: dt.date) -> Span | None:
    """The service's own span on ``day``'s weekday, or None (closed that weekday, or an
    entry that cannot be read: closed is the safe answer)."""
    span = (hours or {}).get(WEEKDAYS[day.weekday()])
    if not span or isinstance(span, str) or len(span) != 2:
        return None
    try:
        opens, closes = parse_clock(span[0]), parse_clock(span[1])
    except ValueError:
        return None
    return (opens, closes) if _seconds(opens) < _seconds(closes) else None


def spans_on(
    hours: Hours | None,
    holidays: Collection[dt.date],
    special_days: Iterable[SpecialDay],
    day: dt.date,
    agency_id: int | None,
) -> list[Span]:
    """Every span in which the service takes tickets on ``day``, by opening time: its own
    weekday span unless the day is a holiday, and the special openings that cover it. A
    service with no weekly hours at all is closed on purpose: no special opening opens it."""
    if not hours:
        return []
    spans = [(s.opens, s.closes) for s in special_days if s.date == day and s.covers(agency_id)]
    own = None if day in holidays else weekday_span(hours, day)
    if own is not None:
        spans.append(own)
    return sorted(spans, key=lambda span: _seconds(span[0]))


def _within(span: Span, moment: dt.time) -> bool:
    return _seconds(span[0]) <= _seconds(moment) < _seconds(span[1])


def open_within(spans: Iterable[Span], moment: dt.time) -> bool:
    """Whether ``moment`` (a time of day, no zone) falls in one of a day's ``spans``."""
    return any(_within(span, moment) for span in spans)


def open_at(
    hours: Hours | None,
    holidays: Collection[dt.date],
    special_days: Iterable[SpecialDay],
    local_now: dt.datetime,
    agency_id: int | None,
) -> bool:
    """Whether the service takes tickets at ``local_now`` (a time in the hall's zone)."""
    now = local_now.time().replace(tzinfo=None)
    return open_within(spans_on(hours, holidays, special_days, local_now.date(), agency_id), now)


def next_opening(
    hours: Hours | None,
    holidays: Collection[dt.date],
    special_days: Iterable[SpecialDay],
    local_now: dt.datetime,
    agency_id: int | None,
    *,
    horizon_days: int = 14,
) -> dt.datetime | None:
    """The first moment from ``local_now`` on at which the service takes tickets: ``local_now``
    itself while it is open, else the next opening time (holidays skipped, special openings
    honoured) on today or one of the next ``horizon_days`` days; None if there is none.
    The answer is in ``local_now``'s time zone."""
    specials = tuple(special_days)
    today = local_now.date()
    now = local_now.time().replace(tzinfo=None)
    for offset in range(horizon_days + 1):
        day = today + dt.timedelta(days=offset)
        for span in spans_on(hours, holidays, specials, day, agency_id):
            if offset == 0 and _within(span, now):
                return local_now
            if offset > 0 or _seconds(span[0]) > _seconds(now):
                return dt.datetime.combine(day, span[0], local_now.tzinfo)
    return None
