"""Calls to announce, and the queue that says them one at a time, in order, all of them.

A hall board is often asked to call faster than it can speak: two counters press
"next" within a second. Every call must still be heard, in the order it was made, and
never over another one. A recall is a new call (it is counted, and the visitor may have
missed the first), so it is announced again; the same call reaching the board twice
(the live event and a snapshot after a reconnect) is announced once.

A call is known by its number and the server's time of the call: the same in a
``ticket.called`` push (``ticket.called_at``) and in a snapshot's ``last_calls``
(``at``), since both are the time of the one transaction that made the call.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field

from shared import wire
from shared.callout import DEFAULT_TEMPLATE_EN, DEFAULT_TEMPLATE_ID, CallOut
from shared.timestamps import parse_time

HISTORY = 500
# Calls remembered to recognise one heard twice: far more than a day of one zone.
REMEMBERED_CALLS = 10_000

_TRAILING_DIGITS = re.compile(r"(\d+)$")


def call_key(number: str, at: object) -> str:
    """One call of one number: a recall, or a new call after a transfer, has another time."""
    moment = parse_time(at)
    return f"{number}@{moment.astimezone(dt.UTC).isoformat() if moment else at}"


def split_number(number: str, separator: str = "-") -> tuple[str, int]:
    """``"DK-012"`` -> ``("DK", 12)``, for calls an older server's snapshot lists by
    number only."""
    digits = _TRAILING_DIGITS.search(number)
    if digits is None:
        raise ValueError(f"no sequence in ticket number {number!r}")
    prefix = number[: digits.start()]
    if separator and prefix.endswith(separator):
        prefix = prefix[: -len(separator)]
    return prefix, int(digits.group(1))


class RecentKeys:
    """A set that forgets its oldest members past ``limit`` (a board runs for weeks)."""

    def __init__(self, limit: int = REMEMBERED_CALLS) -> None:
        self._keys: set[str] = set()
        self._order: deque[str] = deque()
        self._limit = limit

    def __contains__(self, key: object) -> bool:
        return key in self._keys

    def add(self, key: str) -> bool:
        """Remember ``key``; False when it was already known."""
        if key in self._keys:
            return False
        self._keys.add(key)
        self._order.append(key)
        if len(self._order) > self._limit:
            self._keys.discard(self._order.popleft())
        return True


@dataclass(frozen=True)
class Announcement:
    """What the board shows highlighted and says for one call."""

    key: str
    number: str
    counter_id: int | None
    counter_label: str
    agency_code: str
    agency_name: str
    colour: str
    callout: CallOut
    at: dt.datetime | None = None  # the server's time of the call: the queue's order
    recall: bool = False
    # The sentence per language as the server worded it with the site's templates.
    texts: Mapping[str, str] = field(default_factory=dict)

    def text(self, language: str, template: str = "") -> str:
        """The sentence to speak: the board's own template if it has one, else the site's."""
        if not template and language in self.texts:
            return self.texts[language]
        if language == "en":
            return self.callout.text_en(template or DEFAULT_TEMPLATE_EN)
        return self.callout.text_id(template or DEFAULT_TEMPLATE_ID)


def announcement_from_called(payload: wire.TicketCalledEvent) -> Announcement:
    """From a ``ticket.called`` push: the server already worded it in both languages."""
    ticket = payload["ticket"]
    counter = payload.get("counter") or ticket.get("counter") or {}
    agency = ticket.get("agency") or {}
    label = str(counter.get("label", ""))
    announce = payload.get("announce") or {}
    return Announcement(
        key=call_key(str(ticket["number"]), ticket.get("called_at")),
        number=str(ticket["number"]),
        counter_id=counter.get("id"),
        counter_label=label,
        agency_code=str(agency.get("code", "")),
        agency_name=str(agency.get("short_name", "")),
        colour=str(agency.get("colour") or ""),
        callout=CallOut(
            prefix=str(ticket["prefix"]),
            sequence=int(ticket["sequence"]),
            counter_label=label,
            agency_name=str(agency.get("short_name", "")),
        ),
        at=parse_time(ticket.get("called_at")),
        recall=bool(payload.get("recall", False)),
        texts={k: str(v) for k, v in announce.items() if isinstance(v, str)},
    )


def announcement_from_last_call(
    call: wire.LastCall, templates: Mapping[str, str], separator: str = "-"
) -> Announcement:
    """From a snapshot's ``last_calls`` entry (a call the board did not hear live),
    worded here with the site's templates, as the server would have."""
    number = str(call["number"])
    if isinstance(call.get("prefix"), str) and isinstance(call.get("sequence"), int):
        prefix, sequence = call["prefix"], call["sequence"]
    else:  # a server from before last_calls carried them
        prefix, sequence = split_number(number, separator)
    agency = call.get("agency") or {}
    label = str(call.get("counter") or "")
    callout = CallOut(prefix, sequence, label, str(agency.get("short_name", "")))
    return Announcement(
        key=call_key(number, call.get("at")),
        number=number,
        counter_id=call.get("counter_id"),
        counter_label=label,
        agency_code=str(agency.get("code", "")),
        agency_name=str(agency.get("short_name", "")),
        colour=str(agency.get("colour") or ""),
        callout=callout,
        at=parse_time(call.get("at")),
        recall=bool(call.get("recall", False)),
        texts={
            "id": callout.text_id(templates.get("id") or DEFAULT_TEMPLATE_ID),
            "en": callout.text_en(templates.get("en") or DEFAULT_TEMPLATE_EN),
        },
    )


@dataclass(frozen=True)
class Heard:
    """How one announcement went: which back-ends spoke, or why it was only shown."""

    announcement: Announcement
    spoken_by: tuple[str, ...]
    problems: tuple[str, ...] = ()


class AnnouncementQueue:
    """Calls waiting to be announced, in the order they were made; at most one
    announcement in progress; nothing dropped.

    A call the board learns of late (from a snapshot, after a missed push) takes its
    place among the waiting calls by the time it was made, not by when it was learnt.
    """

    def __init__(self) -> None:
        self._pending: list[Announcement] = []
        self._keys = RecentKeys()
        self.current: Announcement | None = None
        self.queued: deque[Announcement] = deque(maxlen=HISTORY)
        self.heard: deque[Heard] = deque(maxlen=HISTORY)

    def push(self, announcement: Announcement) -> bool:
        """Queue a call; False when this very call is already queued or was heard."""
        if not self._keys.add(announcement.key):
            return False
        place = len(self._pending)
        if announcement.at is not None:
            while place > 0 and _later(self._pending[place - 1], announcement.at):
                place -= 1
        self._pending.insert(place, announcement)
        self.queued.append(announcement)
        return True

    def start_next(self) -> Announcement | None:
        """The next call to announce, or None while one is still in progress or none waits."""
        if self.current is not None or not self._pending:
            return None
        self.current = self._pending.pop(0)
        return self.current

    def finish(self, heard: Heard) -> None:
        if heard.announcement is not self.current:
            raise ValueError("finishing an announcement that is not the current one")
        self.heard.append(heard)
        self.current = None

    @property
    def pending(self) -> tuple[Announcement, ...]:
        return tuple(self._pending)

    @property
    def idle(self) -> bool:
        return self.current is None and not self._pending


def _later(waiting: Announcement, than: dt.datetime) -> bool:
    return waiting.at is not None and waiting.at > than
