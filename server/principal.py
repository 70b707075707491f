"""Who is calling: a bearer token resolved to a user or a device, once per request."""

from __future__ import annotations

import datetime as dt
import hmac

from flask import g, has_request_context, request, session
from sqlalchemy.orm import Session as DbSession

from server.domain import auth
from server.domain.access import Principal
from server.domain.errors import DomainError
from server.models import Device, User
from server.state import app_state
from shared.errors import ErrorCode

LAST_SEEN_EVERY = dt.timedelta(seconds=30)


def principal_for_token(session: DbSession, token: str, now: dt.datetime) -> Principal | None:
    """The user or device a token belongs to, or None. Shared by REST and Socket.IO.

    A console session id counts only when this very request brought it in its session
    cookie (``from_session_cookie``); sent as a bearer or in a socket's auth it is refused.
    """
    if token.startswith(auth.DEVICE_TOKEN_PREFIX):
        device = auth.device_for_token(session, token)
        return None if device is None else device_principal(device)
    user_login = token.startswith(auth.USER_TOKEN_PREFIX)
    if user_login or (token.startswith(auth.SESSION_TOKEN_PREFIX) and from_session_cookie(token)):
        found = auth.user_for_token(session, token, now)
        return None if found is None else user_principal(*found)
    return None


def from_session_cookie(token: str) -> bool:
    """Whether ``token`` is the session id in the current request's session cookie."""
    if not has_request_context():
        return False
    kept = session_token()
    return kept is not None and hmac.compare_digest(kept, token)


def user_principal(user: User, expires_at: dt.datetime | None = None) -> Principal:
    return Principal(
        kind="user",
        id=user.id,
        role=user.role,
        agency_id=user.agency_id,
        agency_code=user.agency.code if user.agency else None,
        expires_at=expires_at,
    )


def device_principal(device: Device) -> Principal:
    return Principal(
        kind="device",
        id=device.id,
        device_kind=device.kind,
        agency_id=device.agency_id,
        agency_code=device.agency.code if device.agency else None,
        zone_code=device.zone.code if device.zone else None,
        counter_id=device.counter_id,
    )


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


# The web console keeps its session id in the (signed, HttpOnly) session cookie and a
# per-session CSRF secret beside it; pages send the secret back in this header.
SESSION_TOKEN = "antre_token"
SESSION_CSRF = "antre_csrf"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def session_token() -> str | None:
    token = session.get(SESSION_TOKEN)
    return token if isinstance(token, str) and token else None


def csrf_refused() -> DomainError:
    """The one refusal for a missing or wrong CSRF secret; ``reason`` lets a page say it
    in words (the form has expired) without matching on the message."""
    return DomainError(ErrorCode.FORBIDDEN, "missing or wrong CSRF token", reason="csrf")


def csrf_matches(sent: str | None) -> bool:
    expected = session.get(SESSION_CSRF)
    return (
        isinstance(expected, str)
        and isinstance(sent, str)
        and bool(expected)
        and hmac.compare_digest(expected, sent)
    )


def current_principal() -> Principal:
    """The authenticated caller, or a 401. Devices' last-seen time is kept fresh here.

    A bearer token wins; without one, a browser's console session counts, and then
    every state-changing request must carry the session's CSRF secret in a header
    (another site can make the browser send the cookie, never the header).
    """
    cached = g.get("antre_principal")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    token = bearer_token()
    if token is not None and token.startswith(auth.SESSION_TOKEN_PREFIX):
        # The console's session id, copied out of its cookie: never a bearer token (and
        # checked before the cache, which knows it from the cookie's own requests).
        raise DomainError(ErrorCode.UNAUTHENTICATED, "the token is unknown, revoked or expired")
    if token is None:
        token = session_token()
        if token is None:
            raise DomainError(ErrorCode.UNAUTHENTICATED, "send an Authorization: Bearer token")
        sent = request.headers.get(CSRF_HEADER) or request.form.get("csrf_token")
        if request.method not in SAFE_METHODS and not csrf_matches(sent):
            raise csrf_refused()
    state = app_state()
    key = auth.token_hash(token)
    now = state.clock()
    known = state.principals.get(key, now)
    if known is not None:
        g.antre_principal = known
        return known
    with state.db.read() as session:
        who = principal_for_token(session, token, now)
        stale_device = False
        if who is not None and who.kind == "device":
            device = session.get(Device, who.id)
            seen = device.last_seen_at if device else None
            stale_device = seen is None or now - seen > LAST_SEEN_EVERY
    if who is None:
        raise DomainError(ErrorCode.UNAUTHENTICATED, "the token is unknown, revoked or expired")
    if stale_device:
        with state.db.write() as session:
            device = session.get(Device, who.id)
            if device is not None:
                device.last_seen_at = now
    state.principals.put(key, who, who.expires_at)
    g.antre_principal = who
    return who
