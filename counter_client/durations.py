"""Durations and dates as an officer reads them at a glance: ``4:07``, ``Senin, 30 November``."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DAYS = {
    "id": ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
MONTHS = {
    "id": (
        "Januari", "Februari", "Maret", "April", "Mei", "Juni",
        "Juli", "Agustus", "September", "Oktober", "November", "Desember",
    ),
    "en": (
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ),
}  # fmt: skip


def clock_text(span: dt.timedelta | float | None) -> str:
    """Minutes and seconds (hours when there are any); a dash when unknown."""
    if span is None:
        return "—"
    seconds = span.total_seconds() if isinstance(span, dt.timedelta) else float(span)
    whole = max(0, int(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


UNITS = {
    "id": (("menit", "menit"), ("detik", "detik")),
    "en": (("minute", "minutes"), ("second", "seconds")),
}


def wait_text(seconds: float, language: str) -> str:
    """How long to wait, in words (``1 menit 30 detik``): a lock message an officer reads
    once, so words rather than the ``1:30`` of the ticking figures."""
    whole = max(1, round(seconds))
    minutes, secs = divmod(whole, 60)
    (minute, minutes_word), (second, seconds_word) = UNITS.get(language, UNITS["id"])
    parts = []
    if minutes:
        parts.append(f"{minutes} {minute if minutes == 1 else minutes_word}")
    if secs:
        parts.append(f"{secs} {second if secs == 1 else seconds_word}")
    return " ".join(parts)


def date_text(iso_date: str, language: str) -> str:
    """The service day in words (the site's date from the server, not the PC's)."""
    try:
        day = dt.date.fromisoformat(iso_date)
    except ValueError:
        return iso_date
    lang = language if language in DAYS else "id"
    weekday, month = DAYS[lang][day.weekday()], MONTHS[lang][day.month - 1]
    if lang == "en":
        return f"{weekday}, {month} {day.day}, {day.year}"
    return f"{weekday}, {day.day} {month} {day.year}"


def time_of_day(moment: dt.datetime, timezone: str, language: str) -> str:
    """A clock time in the hall's time zone: ``09.30`` in Indonesian, ``09:30`` in English."""
    try:
        local = moment.astimezone(ZoneInfo(timezone))
    except (ZoneInfoNotFoundError, ValueError):
        local = moment
    return local.strftime("%H:%M" if language == "en" else "%H.%M")
