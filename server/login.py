"""Logging in with a password: the one path for the API's login and the console's form.

The throttle's reservation, the slow password check off the event loop and the token are
one sequence; both adapters call it so neither can skip a step.
"""

from __future__ import annotations

import datetime as dt

from server.domain import auth, login_throttle
from server.domain.errors import DomainError
from server.domain.settings import load_settings
from server.models import Role, User
from server.runtime import offload
from server.state import app_state
from shared import text, wire
from shared.errors import ErrorCode


def user_payload(user: User) -> wire.LoginUser:
    return {
        "id": user.id,
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role,
        "agency": None
        if user.agency is None
        else {"id": user.agency.id, "code": user.agency.code, "short_name": user.agency.short_name},
    }


def password_login(
    username: str,
    password: str,
    address: str,
    roles: tuple[Role, ...] | None = None,
    prefix: str = auth.USER_TOKEN_PREFIX,
) -> tuple[str, dt.datetime, wire.LoginUser]:
    """Check a password (throttled per user name and address) and issue a login token.

    Shared by the API and the web console's login form. ``address``: the caller's, for
    the per-address throttle. ``roles``: who may log in
    this way (the console refuses officers after the password check, so a refusal
    says nothing about a password the caller does not know). ``prefix``: a bearer
    token, or the console's session id (``auth.SESSION_TOKEN_PREFIX``).
    """
    refused = text.refused_character(username)
    if refused is not None:
        # No account has such a name (user names are letters, digits and . _ -), and the
        # throttle would store it as a key: PostgreSQL's text refuses a NUL.
        raise DomainError(
            ErrorCode.VALIDATION_ERROR,
            f"username: must not contain control characters ({text.describe(refused)})",
            field="username",
        )
    state = app_state()
    now = state.clock()
    keys = login_throttle.login_keys(username, address)
    with state.db.write() as session:
        attempt = login_throttle.begin_attempt(session, keys, now)
        user, stored = auth.password_hash_for(session, username)
        user_id = user.id if user is not None and user.active else None
    # scrypt is deliberately slow: keep it off the event loop.
    ok = offload(auth.verify_password, password, stored) and user_id is not None
    if not ok:
        with state.db.write() as session:
            login_throttle.attempt_failed(session, attempt, state.clock())
        raise DomainError(ErrorCode.INVALID_CREDENTIALS, "wrong user name or password")
    # The password was right: the reservation is taken back and committed before any
    # refusal below (an officer at the console's form is no guesser).
    refusal: DomainError | None = None
    with state.db.write() as session:
        login_throttle.attempt_succeeded(session, attempt, state.clock())
        found = session.get(User, user_id)
        if found is None or not found.active:  # disabled while the password was checked
            refusal = DomainError(ErrorCode.INVALID_CREDENTIALS, "wrong user name or password")
        elif roles is not None and found.role not in roles:
            refusal = DomainError(ErrorCode.FORBIDDEN, "this login is not allowed here")
        else:
            hours = load_settings(session).officer_token_hours
            token, expires = auth.issue_user_token(session, found, now, hours, prefix)
            view = user_payload(found)
    if refusal is not None:
        raise refusal
    return token, expires, view
