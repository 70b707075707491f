"""The login throttle: how many wrong passwords one user name and one address may send.

The policy. Two keys count failed logins, in ``LoginThrottle`` rows shared by every
server process:

* ``user:<name>``, against guessing one account: 5 failures lock the name for 30 s,
  doubling with each further failure up to 15 minutes. The right password clears the
  name's count. An admin clears a locked name at once with ``antre-server unlock-user``.
* ``addr:<client address>``, against guessing across many names from one place. A hall's
  officers usually share one address (the LAN's NAT, a terminal server, the address
  nginx forwards), and about 80 of them log in around 07.30: so this key counts
  *failures only* and allows 50 of them before it locks (30 s, doubling up to 15 minutes,
  like a name). Even if a third of the hall mistyped once, that is under 30. A success
  never counts for or against the address: it adds nothing, does not move the address's
  last failure, and never sets, renews or lifts an address lock. (It cannot lift one:
  otherwise a guesser with one account of their own could reset their address between
  guesses.)

A key forgets its failures 15 minutes after its *last failure*; successes in between
change nothing. A guesser therefore gets 5 tries per name and about 55 per address in
half an hour, while a hall's honest typos stay far below the address's limit.

Each attempt is counted before its password is checked (``begin_attempt``), under the
rows' locks: a burst of guesses sent at once cannot slip past a limit while the first
ones are still being verified. The attempt that reaches a limit locks the key at once,
provisionally, so that the rest of the burst is refused. The outcome then settles the
reservation: a failure is confirmed (``attempt_failed``: the last failure moves to now,
and at the limit the lock is set and logged), a success takes it back completely
(``attempt_succeeded``: the count returns to what it was and a provisional lock the
attempt set is lifted). Lock events are logged as warnings, naming the account (staff,
not visitors) or the address, never a password; an unknown user name is not named, as
it may be a password typed into the wrong field. The monitor shows the locks that hold
(``locks_now``).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.models import LoginThrottle, User
from shared.errors import ErrorCode

from .errors import DomainError
from .sql import insert_if_missing

log = logging.getLogger("antre.login")

USER_KEY = "user:"
ADDRESS_KEY = "addr:"
MAX_FAILURES = 5  # per user name
MAX_FAILURES_PER_ADDRESS = 50  # a hall's officers share one address; see the docstring
LOCK_BASE_SECONDS = 30
LOCK_MAX_SECONDS = 15 * 60
FAILURE_WINDOW = dt.timedelta(minutes=15)


def login_keys(username: str, client: str) -> list[str]:
    """Throttle keys: per user name (guessing one account) and per client address."""
    return [f"{USER_KEY}{username.lower()}", f"{ADDRESS_KEY}{client}"]


def limit_of(key: str) -> int:
    return MAX_FAILURES_PER_ADDRESS if key.startswith(ADDRESS_KEY) else MAX_FAILURES


def lock_seconds(failures: int, limit: int) -> int:
    """30 s at the limit, doubling with each further failure, at most 15 minutes."""
    extra = max(0, failures - limit)
    return min(LOCK_MAX_SECONDS, LOCK_BASE_SECONDS * (1 << min(extra, 10)))


@dataclass(frozen=True)
class LoginAttempt:
    """One reserved attempt: its keys, and where it stood in each key's count."""

    keys: tuple[str, ...]
    ordinals: tuple[int, ...]

    def positions(self) -> dict[str, int]:
        return dict(zip(self.keys, self.ordinals, strict=True))


def _rows(session: Session, keys: tuple[str, ...] | list[str]) -> list[LoginThrottle]:
    """The throttle rows of ``keys``, created without racing a concurrent login."""
    rows = []
    for key in keys:
        insert_if_missing(session, LoginThrottle.__table__, {"key": key, "failures": 0})  # type: ignore[arg-type]
        row = session.get(LoginThrottle, key, with_for_update=True, populate_existing=True)
        assert row is not None
        rows.append(row)
    return rows


def _locked(row: LoginThrottle, now: dt.datetime) -> bool:
    return row.locked_until is not None and row.locked_until > now


def _refuse_if_locked(row: LoginThrottle, now: dt.datetime) -> None:
    if _locked(row, now):
        assert row.locked_until is not None
        wait = int((row.locked_until - now).total_seconds()) + 1
        raise DomainError(
            ErrorCode.TOO_MANY_ATTEMPTS,
            f"too many failed logins; try again in {wait} seconds",
            retry_after=wait,
        )


def begin_attempt(session: Session, keys: list[str], now: dt.datetime) -> LoginAttempt:
    """Refuse a locked key, else reserve this attempt in every key's count.

    The attempt that reaches a key's limit locks it provisionally, which holds back the
    rest of a burst; ``attempt_failed`` or ``attempt_succeeded`` settles it.
    """
    rows = _rows(session, keys)
    for row in rows:
        if row.last_failure_at is not None and now - row.last_failure_at > FAILURE_WINDOW:
            row.failures = 0
            row.locked_until = None  # a lock never outlasts the window (LOCK_MAX_SECONDS)
    for row in rows:
        _refuse_if_locked(row, now)
    ordinals = []
    for row in rows:
        row.failures += 1
        ordinals.append(row.failures)
        limit = limit_of(row.key)
        if row.failures >= limit:
            row.locked_until = now + dt.timedelta(seconds=lock_seconds(row.failures, limit))
    return LoginAttempt(tuple(keys), tuple(ordinals))


def attempt_failed(session: Session, attempt: LoginAttempt, now: dt.datetime) -> None:
    """The password was wrong: the reserved count stands and the key's last failure is now.

    At the limit the key is locked (and the lock logged). The failure's place in the
    count is the lower of where it was reserved and where the count stands now: attempts
    reserved before it that succeeded meanwhile took their counts back.
    """
    positions = attempt.positions()
    for row in _rows(session, attempt.keys):
        ordinal = positions[row.key]
        failures = max(1, min(ordinal, row.failures))
        row.failures = max(row.failures, 1)  # a success may have cleared the name meanwhile
        row.last_failure_at = now
        limit = limit_of(row.key)
        if failures >= limit:
            seconds = lock_seconds(failures, limit)
            until = now + dt.timedelta(seconds=seconds)
            if row.locked_until is None or row.locked_until < until:
                row.locked_until = until
            _log_lock(session, row.key, failures, seconds)
        elif ordinal >= limit:
            _lift_provisional_lock(row, now)


def attempt_succeeded(session: Session, attempt: LoginAttempt, now: dt.datetime) -> None:
    """The password was right: the user name's count is cleared; the address's reservation
    is taken back completely (the count as it was, a provisional lock this attempt set
    lifted, the last failure untouched). A success never sets or renews an address lock.
    """
    positions = attempt.positions()
    for row in _rows(session, attempt.keys):
        if row.key.startswith(USER_KEY):
            session.delete(row)
            continue
        row.failures = max(0, row.failures - 1)
        if positions[row.key] >= limit_of(row.key):
            _lift_provisional_lock(row, now)


def _lift_provisional_lock(row: LoginThrottle, now: dt.datetime) -> None:
    """Bring the key's lock down to what its confirmed failures hold (never later than
    it is): the lock ends ``lock_seconds`` after the last failure once at the limit."""
    limit = limit_of(row.key)
    held = None
    if row.failures >= limit and row.last_failure_at is not None:
        held = row.last_failure_at + dt.timedelta(seconds=lock_seconds(row.failures, limit))
    if held is not None and row.locked_until is not None:
        held = min(held, row.locked_until)
    row.locked_until = held if held is not None and held > now else None


def _log_lock(session: Session, key: str, failures: int, seconds: int) -> None:
    if key.startswith(ADDRESS_KEY):
        log.warning(
            "login locked for address %s: %d failed logins, %d s",
            key.removeprefix(ADDRESS_KEY),
            failures,
            seconds,
        )
        return
    name = key.removeprefix(USER_KEY)
    known = session.scalar(select(User.id).where(User.username == name)) is not None
    if known:
        log.warning(
            "login locked for account %s: %d failed logins, %d s (antre-server unlock-user "
            "%s lifts it)",
            name,
            failures,
            seconds,
            name,
        )
    else:
        # Not named: a "user name" nobody has may be a password typed in the wrong field.
        log.warning(
            "login locked for an unknown user name: %d failed logins, %d s", failures, seconds
        )


# --- what an admin sees and does --------------------------------------------------------


@dataclass(frozen=True)
class LockedAccount:
    """One account locked out by failed logins right now, with what the console's monitor
    needs to say whose it is and until when."""

    username: str
    display_name: str
    role: str
    agency_id: int | None
    locked_until: dt.datetime


@dataclass(frozen=True)
class LocksNow:
    """The locks that hold at one moment: accounts by name, the rest counted."""

    accounts: list[LockedAccount]
    unknown_names: int
    addresses: int


def locks_now(session: Session, now: dt.datetime) -> LocksNow:
    """Every lock that holds at ``now``: from the throttle's rows, nothing stored apart."""
    rows = session.execute(
        select(LoginThrottle.key, LoginThrottle.locked_until).where(
            LoginThrottle.locked_until > now
        )
    ).all()
    names: dict[str, dt.datetime] = {
        key.removeprefix(USER_KEY): until
        for key, until in rows
        if key.startswith(USER_KEY) and until is not None
    }
    users = session.scalars(select(User).where(User.username.in_(names))).all() if names else []
    accounts = sorted(
        (
            LockedAccount(
                username=user.username,
                display_name=user.display_name,
                role=user.role.value,
                agency_id=user.agency_id,
                locked_until=names[user.username],
            )
            for user in users
        ),
        key=lambda account: account.username,
    )
    return LocksNow(
        accounts=accounts,
        unknown_names=len(names) - len(accounts),
        addresses=sum(1 for key, _ in rows if key.startswith(ADDRESS_KEY)),
    )


def unlock_user(session: Session, username: str, now: dt.datetime) -> bool:
    """Clear the user name's failed logins and lock; whether a lock was holding.

    Raises ``not_found`` when no account has that name (a typo would otherwise look
    like a successful unlock of nothing).
    """
    name = username.strip().lower()
    if session.scalar(select(User.id).where(User.username == name)) is None:
        raise DomainError(ErrorCode.NOT_FOUND, f"no user named {name}")
    row = session.get(LoginThrottle, f"{USER_KEY}{name}", with_for_update=True)
    if row is None:
        return False
    held = _locked(row, now)
    session.delete(row)
    if held:
        log.warning("login lock of account %s lifted by an admin", name)
    return held
