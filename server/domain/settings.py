"""Site settings: typed, validated, with defaults; stored as key/value rows.

The site's logo is stored beside them (one row holding the image) so that every server
process, on every machine, serves the same one; the ``logo`` setting is its version and
changes only by uploading or removing the image.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import struct
from dataclasses import dataclass, fields
from typing import Any, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.models import Setting
from shared import wire
from shared.callout import DEFAULT_TEMPLATE_EN, DEFAULT_TEMPLATE_ID, check_template
from shared.errors import ErrorCode
from shared.numbering import NumberFormat
from shared.text import describe, refused_character

from .errors import DomainError

LANGUAGES = ("id", "en")


@dataclass(frozen=True)
class SiteSettings:
    """The hall's own settings, edited on the console and read by every command through
    ``Ctx``: names, time zone, numbering, calling and estimate rules, ticket text."""

    site_name: str = "Mal Pelayanan Publik"
    site_short_name: str = "MPP"
    timezone: str = "Asia/Jakarta"
    number_separator: str = "-"
    number_width: int = 3
    # 1: a waiting priority ticket is always called first; N > 1: every Nth call goes to
    # a priority ticket when one waits; 0: no preference, first come first served.
    priority_every_n: int = 1
    # Indonesian practice: a number is called up to three times before "no-show".
    no_show_after_calls: int = 3
    # A no-show who comes back is put this many places down from the front of the line.
    no_show_return_places: int = 3
    callout_template_id: str = DEFAULT_TEMPLATE_ID
    callout_template_en: str = DEFAULT_TEMPLATE_EN
    ticket_footer: str = "Terima kasih. Simpan tiket ini sampai nomor Anda dipanggil."
    # 1: the ticket says under its QR that the same code rates the service once served
    # (the ticket page offers the SKM survey then: docs/skm.md); 0: the line is left out.
    ticket_survey_line: int = 1
    # "N people ahead of you" is sent once to a subscribed waiting ticket when a call
    # leaves this many or fewer ahead of it; 0: not sent.
    notice_ahead_threshold: int = 5
    # ... or when the ticket's estimated wait (what its page shows) falls to this many
    # minutes, whichever comes first; 0: by the count only.
    notice_ahead_minutes: int = 10
    estimate_sample_size: int = 20
    estimate_min_samples: int = 5
    officer_token_hours: int = 12
    # The language pages and clients start in when nobody chose one ("id" or "en").
    default_language: str = "id"
    # Bookings: this many not kept (no-shows) within ``booking_block_days`` block a phone
    # number from booking until the last of them is that many days old; 0: never blocked.
    booking_no_show_limit: int = 0
    booking_block_days: int = 30
    # The uploaded logo's version ("" when there is none); set by ``store_logo`` only.
    logo: str = ""

    @property
    def number_format(self) -> NumberFormat:
        return NumberFormat(separator=self.number_separator, width=self.number_width)

    def to_dict(self) -> wire.Settings:
        # The same keys and types (tests/server/api/test_wire_types.py pins them).
        return cast("wire.Settings", dataclasses.asdict(self))


_LIMITS: dict[str, tuple[int, int]] = {
    "number_width": (1, 6),
    "priority_every_n": (0, 20),
    "no_show_after_calls": (1, 10),
    "no_show_return_places": (0, 50),
    "estimate_sample_size": (1, 500),
    "estimate_min_samples": (1, 500),
    "officer_token_hours": (1, 24 * 7),
    "booking_no_show_limit": (0, 20),
    "booking_block_days": (1, 365),
    "ticket_survey_line": (0, 1),
    "notice_ahead_threshold": (0, 50),
    "notice_ahead_minutes": (0, 120),
}
_MAX_TEXT = {"number_separator": 2, "ticket_footer": 300, "site_short_name": 40}
_CHOICES = {"default_language": LANGUAGES}
# The ticket's footer is printed as written, line breaks included; every other text is
# one line.
MULTILINE = frozenset({"ticket_footer"})
_NOT_EMPTY = ("site_name", "site_short_name", "callout_template_id", "callout_template_en")
# A call-out must say which number and where to go, whatever else an admin words.
_TEMPLATE_NEEDS = ("{number}", "{counter}")
# Settings no request may set directly.
MANAGED = frozenset({"logo"})
_TYPES = {f.name: f.type for f in fields(SiteSettings)}
INT_SETTINGS = frozenset(key for key, kind in _TYPES.items() if kind == "int")


def _invalid(key: str, message: str, rule: str, **details: Any) -> DomainError:
    """A refusal naming the field and the rule broken, so a page can word it itself."""
    return DomainError(ErrorCode.VALIDATION_ERROR, message, field=key, rule=rule, **details)


def _check(key: str, value: Any) -> Any:
    if key not in _TYPES:
        raise _invalid(key, f"unknown setting: {key}", "unknown")
    if _TYPES[key] == "int":
        if not isinstance(value, int) or isinstance(value, bool):
            raise _invalid(key, f"{key} must be a whole number", "whole_number")
        low, high = _LIMITS[key]
        if not low <= value <= high:
            raise _invalid(
                key, f"{key} must be between {low} and {high}", "range", low=low, high=high
            )
        return value
    if not isinstance(value, str):
        raise _invalid(key, f"{key} must be text", "text")
    limit = _MAX_TEXT.get(key, 200)
    if len(value) > limit:
        raise _invalid(
            key, f"{key} is too long (at most {limit} characters)", "too_long", max=limit
        )
    refused = refused_character(value, newlines=key in MULTILINE)
    if refused is not None:
        raise _invalid(
            key, f"{key} must not contain control characters ({describe(refused)})", "control"
        )
    if key in _NOT_EMPTY and not value.strip():
        raise _invalid(key, f"{key} must not be empty", "empty")
    if key in _CHOICES and value not in _CHOICES[key]:
        choices = list(_CHOICES[key])
        raise _invalid(key, f"{key} must be one of {choices}", "choice", choices=choices)
    if key == "timezone":
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise _invalid(key, f"unknown time zone: {value}", "timezone") from exc
    if key.startswith("callout_template"):
        try:
            check_template(value)
        except ValueError as exc:
            raise _invalid(key, str(exc), "template") from exc
        missing = [need for need in _TEMPLATE_NEEDS if need not in value]
        if missing:
            raise _invalid(
                key, f"the call-out must say {' and '.join(missing)}", "template_missing",
                missing=missing,
            )  # fmt: skip
    return value


# Only the settings' own rows: the logo's image row is read only when it is served.
_ALL_SETTINGS = select(Setting.key, Setting.value).where(Setting.key.in_(list(_TYPES)))


def load_settings(session: Session) -> SiteSettings:
    """The stored settings over the defaults; a stored value that no longer validates is
    ignored (the default wins) rather than breaking every request."""
    stored: dict[str, Any] = {}
    for key, value in session.execute(_ALL_SETTINGS):
        try:
            stored[key] = _check(key, value)
        except DomainError:
            continue
    return SiteSettings(**stored)


def _store(session: Session, key: str, value: Any) -> None:
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value


def check_settings(changes: dict[str, Any]) -> dict[str, Any]:
    """Every change validated, or the first refusal (a form checks before it stores)."""
    for key in changes:
        if key in MANAGED:
            raise _invalid(key, f"{key} is changed by uploading an image", "managed")
    return {key: _check(key, value) for key, value in changes.items()}


def update_settings(session: Session, changes: dict[str, Any]) -> SiteSettings:
    """Validate every change first, then store them all (all or nothing)."""
    for key, value in check_settings(changes).items():
        _store(session, key, value)
    session.flush()
    return load_settings(session)


# --- the logo -------------------------------------------------------------------------

LOGO_ROW = "logo.image"
# The server reads request bodies of at most 64 KiB; a logo for a ticket's 384-dot
# line and a page header fits well within this.
MAX_LOGO_BYTES = 60 * 1024
MAX_LOGO_SIDE = 2000
LOGO_TYPES = ("image/png", "image/jpeg")


@dataclass(frozen=True)
class Logo:
    """The hall's uploaded logo with its size, served to the pages at ``/site/logo``; its
    version changes the address, so no browser keeps showing the old one."""

    mime: str
    data: bytes
    width: int
    height: int
    version: str


def _png_size(data: bytes) -> tuple[int, int] | None:
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR" or len(data) < 24:
        return None
    width, height = struct.unpack(">II", data[16:24])
    return width, height


_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    """Walk the JPEG's marker segments to the frame header that holds its size."""
    if data[:2] != b"\xff\xd8":
        return None
    at = 2
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            return None
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            at += 2
            continue
        (length,) = struct.unpack(">H", data[at + 2 : at + 4])
        if length < 2:
            return None
        if marker in _SOF:
            if at + 9 > len(data):
                return None
            height, width = struct.unpack(">HH", data[at + 5 : at + 9])
            return width, height
        at += 2 + length
    return None


def sniff_image(data: bytes) -> tuple[str, int, int]:
    """The image's type and size from its own bytes (a file name or a browser's claimed
    type proves nothing), or a refusal naming what is wrong."""
    if not data:
        raise _invalid("logo", "choose an image file", "required")
    if len(data) > MAX_LOGO_BYTES:
        raise _invalid(
            "logo", f"the logo is larger than {MAX_LOGO_BYTES // 1024} KB", "image_size",
            max_kb=MAX_LOGO_BYTES // 1024,
        )  # fmt: skip
    for mime, size in (("image/png", _png_size(data)), ("image/jpeg", _jpeg_size(data))):
        if size is not None:
            width, height = size
            if not (0 < width <= MAX_LOGO_SIDE and 0 < height <= MAX_LOGO_SIDE):
                raise _invalid(
                    "logo", f"the logo may be at most {MAX_LOGO_SIDE} pixels on a side",
                    "image_dimensions", max_side=MAX_LOGO_SIDE,
                )  # fmt: skip
            return mime, width, height
    raise _invalid("logo", "the logo must be a PNG or JPEG image", "image_type")


def store_logo(session: Session, data: bytes) -> Logo:
    """Keep ``data`` as the site's logo after checking it is a PNG or JPEG of sane size."""
    mime, width, height = sniff_image(data)
    version = hashlib.sha256(data).hexdigest()[:16]
    encoded = base64.b64encode(data).decode("ascii")
    _store(session, LOGO_ROW, {"mime": mime, "width": width, "height": height, "data": encoded})
    _store(session, "logo", version)
    session.flush()
    return Logo(mime, data, width, height, version)


def remove_logo(session: Session) -> None:
    for key in (LOGO_ROW, "logo"):
        row = session.get(Setting, key)
        if row is not None:
            session.delete(row)
    session.flush()


def load_logo(session: Session) -> Logo | None:
    row = session.get(Setting, LOGO_ROW)
    version = session.get(Setting, "logo")
    if row is None or version is None or not isinstance(row.value, dict):
        return None
    value = row.value
    try:
        data = base64.b64decode(value["data"])
        return Logo(value["mime"], data, value["width"], value["height"], str(version.value))
    except (KeyError, TypeError, ValueError):
        return None
