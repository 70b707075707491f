"""Domain errors: each carries a stable code from ``shared.errors.ErrorCode``."""

from __future__ import annotations

from typing import Any

from shared.errors import ErrorCode


class DomainError(Exception):
    """A request the rules refuse; the adapters turn it into a 4xx and a message."""

    def __init__(self, code: ErrorCode, message: str, **details: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details


def not_found(what: str) -> DomainError:
    return DomainError(ErrorCode.NOT_FOUND, f"{what} not found")


def invalid_transition(what: str, state: str, action: str) -> DomainError:
    return DomainError(
        ErrorCode.INVALID_TRANSITION,
        f"cannot {action} a {what} that is {state}",
        state=state,
        action=action,
    )
