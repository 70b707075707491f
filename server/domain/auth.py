"""Passwords, tokens and the login throttle.

Passwords are hashed with scrypt (memory-hard, in the standard library). Tokens are
random and only their SHA-256 is stored: a leaked database does not leak a working
token, and a token is looked up by its hash in one indexed query.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.models import AuthToken, Device, LoginThrottle, User
from shared.errors import ErrorCode

from .errors import DomainError
from .sql import insert_if_missing

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
MAX_FAILURES = 5  # per user name
MAX_FAILURES_PER_ADDRESS = 20  # several officers may share one address (a NAT, a terminal server)
LOCK_BASE_SECONDS = 30
LOCK_MAX_SECONDS = 15 * 60
FAILURE_WINDOW = dt.timedelta(minutes=15)
USER_TOKEN_PREFIX = "ant_u_"
DEVICE_TOKEN_PREFIX = "ant_d_"
MIN_PASSWORD_LENGTH = 8


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(
        password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32
    )
    b64 = base64.b64encode
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${b64(salt).decode()}${b64(digest).decode()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt_b64, digest_b64 = stored.split("$")
        if scheme != "scrypt":
            return False
        salt = base64.b64decode(salt_b64)
        expected = base64.b64decode(digest_b64)
        got = hashlib.scrypt(
            password.encode(), salt=salt, n=int(n), r=int(r), p=int(p), dklen=len(expected)
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, expected)


def check_new_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(
            ErrorCode.VALIDATION_ERROR,
            f"a password needs at least {MIN_PASSWORD_LENGTH} characters",
            field="password",
        )


# A fixed hash to verify against when the user does not exist, so a wrong user name
# takes as long as a wrong password and does not reveal which names exist.
_DUMMY_HASH = hash_password(secrets.token_hex(8))


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token(prefix: str) -> str:
    return prefix + secrets.token_urlsafe(32)


# --- throttle -----------------------------------------------------------------------


def _throttle_rows(session: Session, keys: list[str]) -> list[LoginThrottle]:
    """The throttle rows of ``keys``, created without racing a concurrent failed login."""
    rows = []
    for key in keys:
        insert_if_missing(session, LoginThrottle.__table__, {"key": key, "failures": 0})  # type: ignore[arg-type]
        row = session.get(LoginThrottle, key, with_for_update=True, populate_existing=True)
        assert row is not None
        rows.append(row)
    return rows


def _refuse_if_locked(row: LoginThrottle, now: dt.datetime) -> None:
    if row.locked_until is not None and row.locked_until > now:
        wait = int((row.locked_until - now).total_seconds()) + 1
        raise DomainError(
            ErrorCode.TOO_MANY_ATTEMPTS,
            f"too many failed logins; try again in {wait} seconds",
            retry_after=wait,
        )


def _limit(row: LoginThrottle) -> int:
    return MAX_FAILURES_PER_ADDRESS if row.key.startswith("addr:") else MAX_FAILURES


def begin_attempt(session: Session, keys: list[str], now: dt.datetime) -> None:
    """Refuse a locked key, else count this attempt as a failure before checking it.

    Counting first, under the rows' locks, is what makes the limit hold against a burst of
    guesses sent at once: each one is counted before any password is checked, so the
    sixth is refused even while the first five are still being verified. A success takes
    its count back (``attempt_succeeded``). Failures older than ``FAILURE_WINDOW`` are
    forgotten, so a few typos spread over a day never lock anyone out.
    """
    rows = _throttle_rows(session, keys)
    for row in rows:
        _refuse_if_locked(row, now)
    for row in rows:
        last = row.last_failure_at
        if last is not None and now - last > FAILURE_WINDOW:
            row.failures = 0
        row.failures += 1
        row.last_failure_at = now
        limit = _limit(row)
        if row.failures >= limit:
            # 30 s at the limit, doubling with each further failure, at most 15 minutes.
            extra = row.failures - limit
            seconds = min(LOCK_MAX_SECONDS, LOCK_BASE_SECONDS * 2 ** min(extra, 10))
            row.locked_until = now + dt.timedelta(seconds=seconds)


def attempt_succeeded(session: Session, keys: list[str]) -> None:
    """The password was right: the user's count is cleared, the address's attempt undone."""
    for row in _throttle_rows(session, keys):
        if row.key.startswith("user:"):
            session.delete(row)
            continue
        row.failures = max(0, row.failures - 1)
        if row.failures < _limit(row):
            row.locked_until = None


def login_keys(username: str, client: str) -> list[str]:
    """Throttle keys: per user name (guessing one account) and per client address."""
    return [f"user:{username.lower()}", f"addr:{client}"]


def password_hash_for(session: Session, username: str) -> tuple[User | None, str]:
    """The user and the hash to check against (a dummy one when the user is unknown)."""
    user = session.scalar(select(User).where(User.username == username))
    return user, (user.password_hash if user is not None else _DUMMY_HASH)


def issue_user_token(
    session: Session, user: User, now: dt.datetime, hours: int
) -> tuple[str, dt.datetime]:
    """A fresh bearer token for ``user``: shown once, stored hashed."""
    token = new_token(USER_TOKEN_PREFIX)
    expires = now + dt.timedelta(hours=hours)
    session.add(
        AuthToken(token_hash=token_hash(token), user_id=user.id, created_at=now, expires_at=expires)
    )
    return token, expires


def logout(session: Session, token: str) -> None:
    row = session.scalar(select(AuthToken).where(AuthToken.token_hash == token_hash(token)))
    if row is not None:
        session.delete(row)


def user_for_token(
    session: Session, token: str, now: dt.datetime
) -> tuple[User, dt.datetime] | None:
    """The active user a login token belongs to, and when the token expires."""
    row = session.scalar(select(AuthToken).where(AuthToken.token_hash == token_hash(token)))
    if row is None or row.expires_at <= now or not row.user.active:
        return None
    return row.user, row.expires_at


def device_for_token(session: Session, token: str) -> Device | None:
    device = session.scalar(select(Device).where(Device.token_hash == token_hash(token)))
    if device is None or not device.active:
        return None
    return device
