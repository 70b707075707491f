"""The notice channel settings in effect: the server's configuration (defaults, TOML
file, ``ANTRE_*``) with the values an admin gave on the console laid over it.

A key the file or the environment set (``ServerConfig.set_keys``) wins: the console fills
only the others, so an operator who pinned a token in the file keeps it pinned. The
console's values live in ``notice_channel_settings`` (migration 0011); secrets there are
sealed with the hall's key (as NIKs are, with their own associated data), and a sealed
value this server's key cannot open counts as unset.

Every reader of a ``notify_*`` setting asks ``AppState.notice_config()``, which keeps
the overlay of this process and looks at the table's version (the sum of the rows'
revisions) at most every ``RECHECK_SECONDS``: the process that saves sees its change at
once (it drops its cache), the other servers and ``antre-server notify-worker`` within a
few seconds, with one small query. ``notify_in_server`` is not among the console's
keys: where the worker runs is a choice of how the hall deploys its processes, made
before they start.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from server.config import (
    ConfigError,
    ServerConfig,
    check_notify,
    check_setting,
    secret_settings,
)
from server.db import Database
from server.domain.identity import PersonalDataKey
from server.models import NoticeChannelSetting, User

log = logging.getLogger("antre.notify")

CONSOLE_KEYS: tuple[str, ...] = tuple(
    f.name
    for f in fields(ServerConfig)
    if f.name.startswith("notify_") and f.name != "notify_in_server"
)
SECRET_KEYS: frozenset[str] = secret_settings() & frozenset(CONSOLE_KEYS)
# The associated data of a sealed setting: a sealed NIK does not open as one, nor the reverse.
PURPOSE = b"antre-channel"
# What one setting may hold as typed (a token, a URL with its key, the SMS fixed fields).
MAX_VALUE = 1000
# How stale another process's change may be seen: one small query per this many seconds.
RECHECK_SECONDS = 3.0


@dataclass(frozen=True)
class Stored:
    """One console row as the page and the overlay read it: ``value`` is the text (opened
    when sealed), None when switched off on the console or when it cannot be opened
    (``unreadable``: sealed with another server key)."""

    key: str
    value: str | None
    unreadable: bool
    updated_at: dt.datetime
    updated_by: str | None


def as_text(name: str, value: Any) -> str:
    """A setting's value as the environment would write it (what a row stores)."""
    if name == "notify_whatsapp_templates":
        return ",".join(f"{kind}={template}" for kind, template in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def read_stored(session: Session, key: PersonalDataKey) -> dict[str, Stored]:
    rows = session.execute(
        select(NoticeChannelSetting, User.username).outerjoin(
            User, User.id == NoticeChannelSetting.updated_by
        )
    ).all()
    stored: dict[str, Stored] = {}
    for row, username in rows:
        value, unreadable = row.value, False
        if row.value is not None and row.sealed:
            value = key.decrypt(row.value, PURPOSE)
            unreadable = value is None
        stored[row.key] = Stored(row.key, value, unreadable, row.updated_at, username)
    return stored


def console_values(config: ServerConfig, stored: Mapping[str, Stored]) -> dict[str, Any]:
    """The console's checked values of the keys the file and environment left open. A row
    that no longer passes (the rules changed) is left out; its text is never logged."""
    values: dict[str, Any] = {}
    for key, row in stored.items():
        if key in config.set_keys or key not in CONSOLE_KEYS or row.value is None:
            continue
        try:
            values[key] = check_setting(key, row.value, key)
        except ConfigError:
            log.warning("notice settings: the console's %s is not valid; left out", key)
    return values


def overlay(config: ServerConfig, stored: Mapping[str, Stored]) -> ServerConfig:
    """``config`` with the console's values; ``config`` itself when together they break a
    rule across settings (a file changed under the console's values)."""
    values = console_values(config, stored)
    if not values:
        return config
    try:
        check_notify(merged(config, values))
    except ConfigError as exc:
        log.warning("notice settings: the console's values are left out: %s", exc)
        return config
    return replace(config, **values)


def merged(config: ServerConfig, values: Mapping[str, Any]) -> dict[str, Any]:
    """Every console key's value once ``values`` are laid over ``config``."""
    return {key: getattr(config, key) for key in CONSOLE_KEYS} | dict(values)


def version(session: Session) -> int:
    """What grows whenever a row changes: each change raises its row's ``revision`` (a
    switched-off row stays), so two processes saving different keys at once both move it."""
    total = session.execute(select(func.sum(NoticeChannelSetting.revision))).scalar()
    return int(total or 0)


def save(
    session: Session,
    changes: Mapping[str, str | None],
    key: PersonalDataKey,
    *,
    now: dt.datetime,
    user_id: int | None,
) -> int:
    """Store the console's new values (None: switched off); returns how many changed.
    The caller has checked them (``server.web.admin_notice_channels``)."""
    changed = 0
    for name, value in changes.items():
        if name not in CONSOLE_KEYS:
            raise ValueError(f"not a console notice setting: {name}")
        row = session.get(NoticeChannelSetting, name)
        if (row is None and value is None) or (row is not None and _opened(row, key) == value):
            continue
        if row is None:
            row = NoticeChannelSetting(key=name, revision=0)
            session.add(row)
        row.revision += 1
        sealed = name in SECRET_KEYS and value is not None
        row.value = key.encrypt(value, PURPOSE) if sealed and value is not None else value
        row.sealed = sealed
        row.updated_at = now
        row.updated_by = user_id
        changed += 1
    return changed


def _opened(row: NoticeChannelSetting, key: PersonalDataKey) -> str | None:
    if row.value is None or not row.sealed:
        return row.value
    return key.decrypt(row.value, PURPOSE)


class ChannelSettings:
    """One process's overlay, refreshed when the table's version moves (looked at no more
    than every ``recheck_seconds``) or when the base configuration object is another
    (a test, or a command-line option, replaced it)."""

    def __init__(
        self,
        db: Database,
        key: PersonalDataKey,
        *,
        recheck_seconds: float = RECHECK_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.db = db
        self.key = key
        self.recheck_seconds = recheck_seconds
        self.clock = clock
        self._lock = threading.Lock()
        self._checked_at: float | None = None
        self._version: int | None = None
        self._stored: dict[str, Stored] = {}
        self._base: ServerConfig | None = None
        self._current: ServerConfig | None = None

    def current(self, base: ServerConfig) -> ServerConfig:
        """``base`` with the console's values as last seen."""
        with self._lock:
            now = self.clock()
            if self._checked_at is None or now - self._checked_at >= self.recheck_seconds:
                self._checked_at = now
                if self._refresh():
                    self._current = None
            if self._current is None or base is not self._base:
                self._base, self._current = base, overlay(base, self._stored)
            return self._current

    def stored(self) -> dict[str, Stored]:
        """The rows as last read (the console page reads its own, fresh)."""
        with self._lock:
            return dict(self._stored)

    def forget(self) -> None:
        """Read the table again at the next ``current`` (this process just saved)."""
        with self._lock:
            self._checked_at = None

    def _refresh(self) -> bool:
        """Whether the rows changed since the last look; a database that does not answer
        keeps the last values (the caller's own query will fail or succeed on its own)."""
        try:
            with self.db.read() as session:
                seen = version(session)
                if seen == self._version:
                    return False
                self._stored = read_stored(session, self.key)
                self._version = seen
                return True
        except SQLAlchemyError as exc:
            log.warning(
                "notice settings: cannot read the console's values (%s)", type(exc).__name__
            )
            return False
