"""The console's editor of the notices' words (``/admin/notices/texts``): what it lists,
saving and resetting a wording, and the preview with sample values.

The words themselves, their rules and their defaults are ``texts``; this module is the
editing around them: who changed a text last and when (the console has no separate
audit log; the row keeps it), and what a text becomes once filled in, with its length
and the SMS parts it would take.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.models import NoticeText, User

from .texts import (
    LANGUAGES,
    SAMPLE_VALUES,
    SMS_PART,
    check_text,
    default_text,
    kinds,
    placeholders,
    require_known,
)

# Each later SMS part loses 7 characters to the header that joins them.
_SMS_JOINED_PART = SMS_PART - 7


@dataclass(frozen=True)
class Preview:
    """A text filled with the sample values, as a visitor would read it."""

    body: str
    length: int
    sms_parts: int


@dataclass(frozen=True)
class Entry:
    """One kind in one language, as the editor shows it."""

    kind: str
    language: str
    text: str
    default: str
    edited: bool
    changed_at: dt.datetime | None
    changed_by: str | None  # the admin's username


def sms_parts(text: str) -> int:
    """How many SMS parts a message takes (GSM 7-bit assumed: a guide, not a promise)."""
    if len(text) <= SMS_PART:
        return 1
    return -(-len(text) // _SMS_JOINED_PART)


def preview(kind: str, language: str, text: str) -> Preview:
    """``text`` (checked first: a refusal names the rule) filled with ``SAMPLE_VALUES``."""
    body = check_text(kind, language, text).format_map(
        {name: SAMPLE_VALUES[name] for name in placeholders(kind) if name in SAMPLE_VALUES}
        | {name: f"<{name}>" for name in placeholders(kind) if name not in SAMPLE_VALUES}
    )
    return Preview(body, len(body), sms_parts(body))


def entries(session: Session) -> list[Entry]:
    """Every kind in both languages, the edited ones with who changed them and when."""
    rows = {
        (row.kind, row.language): (row, username)
        for row, username in session.execute(
            select(NoticeText, User.username).outerjoin(User, User.id == NoticeText.updated_by)
        )
    }
    found: list[Entry] = []
    for kind in kinds():
        for language in LANGUAGES:
            default = default_text(kind, language)
            row, username = rows.get((kind, language), (None, None))
            found.append(
                Entry(
                    kind, language, row.text if row is not None else default, default,
                    edited=row is not None,
                    changed_at=row.updated_at if row is not None else None,
                    changed_by=username,
                )
            )  # fmt: skip
    return found


def save_text(
    session: Session, kind: str, language: str, text: str, *, now: dt.datetime, user_id: int | None
) -> bool:
    """Keep an admin's wording (checked first); the same as the default removes the row,
    so a later change of the default reaches the hall. Whether anything changed."""
    text = check_text(kind, language, text.replace("\r\n", "\n"))
    row = session.get(NoticeText, (kind, language))
    if text == default_text(kind, language):
        if row is None:
            return False
        session.delete(row)
    elif row is None:
        session.add(
            NoticeText(kind=kind, language=language, text=text, updated_at=now, updated_by=user_id)
        )
    elif row.text != text:
        row.text, row.updated_at, row.updated_by = text, now, user_id
    else:
        return False
    session.flush()
    return True


def reset_text(session: Session, kind: str, language: str) -> bool:
    """Back to the default; whether there was an edit to drop."""
    require_known(kind, language)
    row = session.get(NoticeText, (kind, language))
    if row is None:
        return False
    session.delete(row)
    session.flush()
    return True
