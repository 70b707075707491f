"""Creating staff accounts."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.models import Agency, Role, User
from shared.errors import ErrorCode

from .auth import check_new_password, hash_password
from .errors import DomainError

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")


def find_agency(session: Session, code: str | None) -> Agency | None:
    if code is None:
        return None
    agency = session.scalar(select(Agency).where(Agency.code == code.upper()))
    if agency is None:
        raise DomainError(ErrorCode.NOT_FOUND, f"no agency with code {code}")
    return agency


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
        raise DomainError(
            ErrorCode.VALIDATION_ERROR,
            "user names are 2-64 lowercase letters, digits, dots, dashes or underscores",
        )
    try:
        role_value = Role(role)
    except ValueError:
        raise DomainError(ErrorCode.VALIDATION_ERROR, f"unknown role {role}") from None
    agency = find_agency(session, agency_code)
    if role_value != Role.ADMIN and agency is None:
        raise DomainError(
            ErrorCode.VALIDATION_ERROR, f"a {role} belongs to an agency: give --agency"
        )
    if role_value == Role.ADMIN and agency is not None:
        raise DomainError(ErrorCode.VALIDATION_ERROR, "an admin is not tied to an agency")
    check_new_password(password)
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise DomainError(ErrorCode.CONFLICT, f"user {username} exists already")
    user = User(
        username=username,
        display_name=display_name or username,
        password_hash=hash_password(password),
        role=role_value,
        agency_id=agency.id if agency else None,
        active=True,
    )
    session.add(user)
    session.flush()
    return user
