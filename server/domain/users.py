"""Staff accounts: creating them, and what an admin or a supervisor may change.

An admin manages every account; a supervisor only the officers of their own agency
(never an admin, another supervisor, or anyone elsewhere). Disabling an account or
setting a new password ends every login it has at once: the tokens are deleted, and the
caller forgets their hashes in its own principal cache (other server processes forget
them within that cache's few seconds).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from server.models import Agency, AuthToken, Counter, CounterState, Role, User
from shared.errors import ErrorCode
from shared.text import describe, refused_character

from . import counters
from .access import Principal, forbidden
from .auth import check_new_password, hash_password
from .context import Ctx
from .errors import DomainError

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
MAX_DISPLAY_NAME = 100


def _invalid(field_name: str, message: str, rule: str, **details: object) -> DomainError:
    return DomainError(ErrorCode.VALIDATION_ERROR, message, field=field_name, rule=rule, **details)


def find_agency(session: Session, code: str | None) -> Agency | None:
    if code is None:
        return None
    agency = session.scalar(select(Agency).where(Agency.code == code.upper()))
    if agency is None:
        raise DomainError(
            ErrorCode.NOT_FOUND, f"no agency with code {code}", field="agency", rule="not_found"
        )
    return agency


def _role(role: str) -> Role:
    try:
        return Role(role)
    except ValueError:
        raise _invalid("role", f"unknown role {role}", "choice") from None


def _check_role_agency(role: Role, agency: Agency | None) -> None:
    if role != Role.ADMIN and agency is None:
        raise _invalid("agency", f"a {role.value} belongs to an agency: give --agency", "required")
    if role == Role.ADMIN and agency is not None:
        raise _invalid("agency", "an admin is not tied to an agency", "admin_no_agency")


def _display_name(name: str | None, username: str) -> str:
    name = (name or "").strip() or username
    if len(name) > MAX_DISPLAY_NAME:
        raise _invalid(
            "display_name",
            f"a display name is at most {MAX_DISPLAY_NAME} characters",
            "too_long",
            max=MAX_DISPLAY_NAME,
        )
    refused = refused_character(name)
    if refused is not None:
        # Shown on boards and counters, printed in reports: a control character there
        # breaks an export or reaches a device.
        raise _invalid(
            "display_name",
            f"a display name must not contain control characters ({describe(refused)})",
            "control",
        )
    return name


def create_user(
    session: Session,
    username: str,
    password: str,
    role: str,
    agency_code: str | None,
    display_name: str | None = None,
) -> User:
    """An admin (no agency) or a supervisor/officer of one agency, password hashed."""
    username = username.strip().lower()
    if not USERNAME.match(username):
        raise _invalid(
            "username",
            "user names are 2-64 lowercase letters, digits, dots, dashes or underscores",
            "username",
        )
    role_value = _role(role)
    agency = find_agency(session, agency_code)
    _check_role_agency(role_value, agency)
    name = _display_name(display_name, username)
    check_new_password(password)
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise DomainError(
            ErrorCode.CONFLICT, f"user {username} exists already", field="username", rule="exists"
        )
    user = User(
        username=username,
        display_name=name,
        password_hash=hash_password(password),
        role=role_value,
        agency_id=agency.id if agency else None,
        active=True,
    )
    session.add(user)
    session.flush()
    return user


# --- what an admin or a supervisor may do -----------------------------------------------


def manageable_users(session: Session, who: Principal) -> list[User]:
    """The accounts ``who`` sees in the console: all for an admin, the officers of their
    agency for a supervisor, in a stable order (agency, role, name)."""
    query = select(User).outerjoin(Agency, User.agency_id == Agency.id)
    if not who.is_admin:
        query = query.where(User.agency_id == who.agency_id, User.role == Role.OFFICER)
    order = (Agency.position.is_(None).desc(), Agency.position, User.role, User.username)
    return list(session.scalars(query.order_by(*order)))


def require_may_manage(who: Principal, user: User) -> None:
    if who.is_admin:
        return
    if who.role != Role.SUPERVISOR:
        raise forbidden("only an admin or a supervisor manages accounts")
    if user.role != Role.OFFICER or user.agency_id != who.agency_id:
        raise forbidden("a supervisor manages only the officers of their own agency")


def get_user(session: Session, who: Principal, user_id: int) -> User:
    """The account ``user_id`` if ``who`` may manage it (404 when there is none)."""
    user = session.get(User, user_id)
    if user is None:
        raise DomainError(ErrorCode.NOT_FOUND, "user not found")
    require_may_manage(who, user)
    return user


def create_user_as(
    session: Session,
    who: Principal,
    username: str,
    password: str,
    role: str,
    agency_code: str | None,
    display_name: str | None = None,
) -> User:
    """``create_user`` within ``who``'s reach: a supervisor creates officers of their own
    agency only, whatever the form sent."""
    if not who.is_admin:
        if who.role != Role.SUPERVISOR:
            raise forbidden("only an admin or a supervisor creates accounts")
        if role != Role.OFFICER.value:
            raise forbidden("a supervisor creates officer accounts only")
        if agency_code is None or agency_code.upper() != who.agency_code:
            raise forbidden("a supervisor creates accounts of their own agency only")
    return create_user(session, username, password, role, agency_code, display_name)


def revoke_logins(session: Session, user: User) -> list[str]:
    """End every login of ``user``; the token hashes, for the principal cache to forget."""
    hashes = list(session.scalars(select(AuthToken.token_hash).where(AuthToken.user_id == user.id)))
    session.execute(delete(AuthToken).where(AuthToken.user_id == user.id))
    return hashes


def generate_password() -> str:
    """A password to read out or write down: no look-alike letters (l/1, O/0)."""
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(12))


def set_password(session: Session, who: Principal, user: User, password: str) -> list[str]:
    """A new password set by an admin or supervisor; the account's logins end."""
    require_may_manage(who, user)
    check_new_password(password)
    user.password_hash = hash_password(password)
    return revoke_logins(session, user)


@dataclass
class Disabled:
    """What disabling an account did: the logins it ended and its counters."""

    revoked: list[str] = field(default_factory=list)
    closed_counters: list[str] = field(default_factory=list)
    # Counters still holding a visitor: closing them would lose the ticket; they stay the
    # disabled user's until an admin or the agency's supervisor takes them over
    # (``counters.open_counter`` with takeover) and finishes or transfers the visitor.
    busy_counters: list[str] = field(default_factory=list)


def _active_admins(session: Session) -> int:
    query = select(func.count()).where(User.role == Role.ADMIN, User.active.is_(True))
    return session.scalar(query) or 0


def set_active(ctx: Ctx, who: Principal, user: User, active: bool) -> Disabled:
    """Enable or disable an account. Disabling ends its logins at once and closes the
    counters it has open that hold no visitor (nobody would call from them)."""
    require_may_manage(who, user)
    outcome = Disabled()
    if active or not user.active:
        user.active = active
        return outcome
    if user.id == who.id:
        raise forbidden("you cannot disable your own account")
    if user.role == Role.ADMIN and _active_admins(ctx.session) <= 1:
        raise forbidden("the last active admin cannot be disabled")
    user.active = False
    outcome.revoked = revoke_logins(ctx.session, user)
    held = ctx.session.scalars(
        select(Counter.id)
        .where(Counter.officer_id == user.id, Counter.state != CounterState.CLOSED)
        .order_by(Counter.position)
    ).all()
    for counter_id in held:
        counter = counters.lock_counter(ctx.session, counter_id)
        if counter.current_ticket_id is None:
            counters.close_counter(ctx, counter)
            outcome.closed_counters.append(counter.label)
        else:
            outcome.busy_counters.append(counter.label)
    return outcome


def change_account(
    session: Session,
    who: Principal,
    user: User,
    *,
    display_name: str | None = None,
    role: str | None = None,
    agency_code: str | None = None,
) -> list[str]:
    """Rename an account (admin or its supervisor) or move its role and agency (admin
    only). A changed role or agency ends its logins: a token carries both."""
    require_may_manage(who, user)
    if display_name is not None:
        user.display_name = _display_name(display_name, user.username)
    if role is None:
        return []
    if not who.is_admin:
        raise forbidden("only an admin changes a role or an agency")
    role_value = _role(role)
    agency = find_agency(session, agency_code)
    _check_role_agency(role_value, agency)
    new_agency = agency.id if agency else None
    if role_value == user.role and new_agency == user.agency_id:
        return []
    if user.role == Role.ADMIN and role_value != Role.ADMIN:
        if user.id == who.id:
            raise forbidden("you cannot take your own admin role")
        if user.active and _active_admins(session) <= 1:
            raise forbidden("the last active admin keeps the role")
    user.role = role_value
    user.agency_id = new_agency
    return revoke_logins(session, user)
