"""Checking a booking in at the kiosk, without any widget: the code typed on the keypad or
sent by a USB scanner, and what the server's answer means for the visitor.

A USB barcode/QR scanner is a keyboard: it types what it read, fast, and presses Enter.
The kiosk has no keyboard otherwise, so keys reach it only from a scanner (or from a
person at a keyboard an installer plugged in); ``ScannerReader`` keeps the characters a
scanner sends, drops a run that stalls (a person pausing between keys), and hands over
what came before Enter. The QR on a booking's confirmation holds its status link
(``…/b/K7QM3XHD``); ``shared.booking_code.read_code`` takes the code out of it, and a
typed code alike, so one reader serves the keypad, a scanned code and a scanned link.

The server decides everything else (``POST /bookings/{code}/check-in``): the flow only
turns its refusals into a ``CheckInNote`` the result screen words.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from shared.api_client import ApiError
from shared.booking_code import ALPHABET, LENGTH
from shared.errors import ErrorCode

# The keypad's keys: the code alphabet (no I, L, O, U: they read as digits or spell words).
KEYPAD_KEYS = ALPHABET
# A scanner sends its characters a few milliseconds apart; a pause this long means a
# person (or nothing) is typing, and what came before is dropped.
SCANNER_GAP_SECONDS = 0.3
# What a scan may hold: a code with its dash, or a status link (letters of any case, the
# URL's punctuation). Anything else (a control key, a letter of another keyboard layout)
# ends the run as not a scan.
_LINK_CHARACTERS = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:/?#=&%~+"
)
SCAN_MAX = 300  # shared.booking_code.read_code reads no longer text


@dataclass(frozen=True)
class CheckInJob:
    """One check-in, as the worker carries it out."""

    code: str
    language: str


@dataclass(frozen=True)
class CheckInNote:
    """What the result screen tells a visitor whose check-in gave no new ticket.

    ``kind``: ``already`` (checked in before: ``number`` is their ticket), ``early``
    (``date`` and ``time`` when check-in opens), ``late`` (``time`` it closed),
    ``cancelled``, ``no_show``, ``not_found``, or ``refused`` (the line's own refusal,
    ``code`` from ``shared.errors``: closed, quota used up, no counter).
    """

    kind: str
    number: str = ""
    date: dt.date | None = None
    time: str = ""
    code: str = ""


def note_for_refusal(error: ApiError) -> CheckInNote:
    """The note for a refused check-in (the caller handles ``unavailable`` itself)."""
    details = error.details
    if error.code == ErrorCode.OUTSIDE_CHECK_IN_WINDOW:
        reason = "late" if details.get("reason") == "late" else "early"
        return CheckInNote(
            reason, date=_date(details.get("date")), time=str(details.get("time", ""))
        )
    if error.code == ErrorCode.BOOKING_NOT_ACTIVE:
        state = details.get("state")
        return CheckInNote("no_show" if state == "no_show" else "cancelled")
    if error.code in (ErrorCode.NOT_FOUND, ErrorCode.VALIDATION_ERROR):
        return CheckInNote("not_found")
    return CheckInNote("refused", code=error.code)


def _date(text: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(text))
    except ValueError:
        return None


def typed_code(current: str, key: str) -> str:
    """The keypad's code after one more key (at most a code long; other keys ignored)."""
    if key not in KEYPAD_KEYS or len(current) >= LENGTH:
        return current
    return current + key


def shown_code(typed: str) -> str:
    """What the keypad shows: the typed part in two groups, the rest as blanks."""
    padded = typed.ljust(LENGTH, "_")
    half = LENGTH // 2
    return f"{padded[:half]}-{padded[half:]}"


class ScannerReader:
    """Collects a scanner's keys; ``enter`` gives what it sent (None: nothing to read)."""

    def __init__(self, gap_seconds: float = SCANNER_GAP_SECONDS) -> None:
        self.gap = gap_seconds
        self._text = ""
        self._last = float("-inf")

    def key(self, text: str, now: float) -> None:
        """A key with the characters it types ("" for a key that types none)."""
        if now - self._last > self.gap:
            self._text = ""
        self._last = now
        if len(text) != 1 or text not in _LINK_CHARACTERS:
            self._text = ""
            return
        if len(self._text) < SCAN_MAX:
            self._text += text

    def enter(self, now: float) -> str | None:
        """Enter: the run of characters just before it, if it came fast enough."""
        text, fresh = self._text, now - self._last <= self.gap
        self._text = ""
        return text if text and fresh else None


__all__ = [
    "KEYPAD_KEYS",
    "CheckInJob",
    "CheckInNote",
    "ScannerReader",
    "note_for_refusal",
    "shown_code",
    "typed_code",
]
