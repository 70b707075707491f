"""Site settings: typed, validated, with defaults; stored as key/value rows."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, fields
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.models import Setting
from shared.callout import DEFAULT_TEMPLATE_EN, DEFAULT_TEMPLATE_ID, check_template
from shared.errors import ErrorCode
from shared.numbering import NumberFormat

from .errors import DomainError


@dataclass(frozen=True)
class SiteSettings:
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
    estimate_sample_size: int = 20
    estimate_min_samples: int = 5
    officer_token_hours: int = 12

    @property
    def number_format(self) -> NumberFormat:
        return NumberFormat(separator=self.number_separator, width=self.number_width)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


_LIMITS: dict[str, tuple[int, int]] = {
    "number_width": (1, 6),
    "priority_every_n": (0, 20),
    "no_show_after_calls": (1, 10),
    "no_show_return_places": (0, 50),
    "estimate_sample_size": (1, 500),
    "estimate_min_samples": (1, 500),
    "officer_token_hours": (1, 24 * 7),
}
_MAX_TEXT = {"number_separator": 2, "ticket_footer": 300}


def _check(key: str, value: Any) -> Any:
    types = {f.name: f.type for f in fields(SiteSettings)}
    if key not in types:
        raise DomainError(ErrorCode.VALIDATION_ERROR, f"unknown setting: {key}", field=key)
    want_int = types[key] == "int"
    if want_int:
        if not isinstance(value, int) or isinstance(value, bool):
            raise DomainError(
                ErrorCode.VALIDATION_ERROR, f"{key} must be a whole number", field=key
            )
        low, high = _LIMITS[key]
        if not low <= value <= high:
            raise DomainError(
                ErrorCode.VALIDATION_ERROR, f"{key} must be between {low} and {high}", field=key
            )
        return value
    if not isinstance(value, str):
        raise DomainError(ErrorCode.VALIDATION_ERROR, f"{key} must be text", field=key)
    if len(value) > _MAX_TEXT.get(key, 200):
        raise DomainError(ErrorCode.VALIDATION_ERROR, f"{key} is too long", field=key)
    if key == "timezone":
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise DomainError(
                ErrorCode.VALIDATION_ERROR, f"unknown time zone: {value}", field=key
            ) from exc
    if key.startswith("callout_template"):
        try:
            check_template(value)
        except ValueError as exc:
            raise DomainError(ErrorCode.VALIDATION_ERROR, str(exc), field=key) from exc
    if key in ("site_name", "site_short_name") and not value.strip():
        raise DomainError(ErrorCode.VALIDATION_ERROR, f"{key} must not be empty", field=key)
    return value


_ALL_SETTINGS = select(Setting.key, Setting.value)


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


def update_settings(session: Session, changes: dict[str, Any]) -> SiteSettings:
    """Validate every change first, then store them all (all or nothing)."""
    checked = {key: _check(key, value) for key, value in changes.items()}
    for key, value in checked.items():
        row = session.get(Setting, key)
        if row is None:
            session.add(Setting(key=key, value=value))
        else:
            row.value = value
    session.flush()
    return load_settings(session)
