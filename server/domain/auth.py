"""Passwords and tokens (the login throttle is ``login_throttle``).

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

from server.models import AuthToken, Device, User
from shared.errors import ErrorCode

from .errors import DomainError

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
USER_TOKEN_PREFIX = "ant_u_"
DEVICE_TOKEN_PREFIX = "ant_d_"
# The web console's login: an opaque session id kept in the (signed, not encrypted)
# session cookie, stored hashed beside the bearer tokens and ended the same way, but
# accepted only from that cookie: a copy of the cookie's value is no bearer token.
SESSION_TOKEN_PREFIX = "ant_s_"
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


def password_hash_for(session: Session, username: str) -> tuple[User | None, str]:
    """The user and the hash to check against (a dummy one when the user is unknown)."""
    user = session.scalar(select(User).where(User.username == username))
    return user, (user.password_hash if user is not None else _DUMMY_HASH)


def issue_user_token(
    session: Session, user: User, now: dt.datetime, hours: int, prefix: str = USER_TOKEN_PREFIX
) -> tuple[str, dt.datetime]:
    """A fresh login for ``user``: shown once, stored hashed. ``prefix``: a bearer token
    (``USER_TOKEN_PREFIX``) or a console session id (``SESSION_TOKEN_PREFIX``)."""
    token = new_token(prefix)
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
