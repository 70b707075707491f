"""What the places where visitors answer need: what a counter's tablet asks about now,
a fingerprint of the questionnaire's wording, and a visitor's answers read from what a
page or the tablet sent (docs/skm.md#where-visitors-answer).

The guards (who may answer for which ticket) are ``responses.for_*``; this module only
shapes their answers for the pages and the API and reads what comes back, so the tablet,
the ticket page and the kiosk page check answers the one way ``responses.submit`` does.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.models import Counter, SurveyResponse, Ticket, TicketState
from shared import wire
from shared.errors import ErrorCode

from ..errors import DomainError, not_found
from ..payloads import agency_brief, iso
from .questionnaire import PROFILE, Question
from .responses import COUNTER_WINDOW, Answers, awaiting_at_counter, for_ticket_page

PROFILE_NAMES = tuple(f.name for f in PROFILE)
Offer = Literal["open", "answered"]
# States from which a ticket may still become done (its page then offers the survey).
NOT_YET_DONE = (TicketState.WAITING, TicketState.CALLED, TicketState.SERVING)


def form_version(questions: list[Question]) -> str:
    """A short fingerprint of the questions as worded now: a tablet that has shown the
    page for hours compares it with the one the API gives and reloads when the admin
    changed a wording or added a question."""
    words = [
        [q.key, q.required, q.id.question, *q.id.levels, q.en.question, *q.en.levels]
        for q in questions
    ]
    return hashlib.sha256(json.dumps(words).encode()).hexdigest()[:16]


def visit(ticket: Ticket) -> wire.SurveyVisit:
    """The visit a tablet asks about: its number and service, for the visitor to
    recognise their own, and when the tablet stops asking. No personal data."""
    assert ticket.finished_at is not None
    return {
        "ticket_id": ticket.id,
        "number": ticket.number,
        "service": ticket.service.name,
        "agency": agency_brief(ticket.service.agency),
        "finished_at": iso(ticket.finished_at),
        "closes_at": iso(ticket.finished_at + COUNTER_WINDOW),
    }


def kiosk_visit(ticket: Ticket) -> wire.KioskSurveyVisit:
    """The visit a number typed at the kiosk found: for the visitor to check it is theirs."""
    return {
        "number": ticket.number,
        "service": ticket.service.name,
        "agency": agency_brief(ticket.service.agency),
    }


def counter_survey(
    session: Session, counter_id: int, now: dt.datetime, version: str
) -> wire.CounterSurvey:
    """What the tablet at ``counter_id`` shows now: the visit its counter just finished
    while it may still be answered (``responses.awaiting_at_counter``), or nothing."""
    counter = session.get(Counter, counter_id)
    if counter is None or not counter.active:
        raise not_found("counter")
    ticket = awaiting_at_counter(session, counter_id, now)
    return {
        "counter": {"id": counter.id, "label": counter.label, "zone": counter.zone.code},
        "asking": visit(ticket) if ticket is not None else None,
        "form_version": version,
        "now": iso(now),
    }


def ticket_page_offer(session: Session, status_code: str, now: dt.datetime) -> Offer | None:
    """What the ticket page says of the survey: ``open`` (a link, shown once the visit is
    done, live), ``answered`` (thanks), or None (never: cancelled, expired, a visitor
    who did not come, or a visit done more than ``TICKET_PAGE_DAYS`` ago)."""
    ticket = session.scalars(select(Ticket).where(Ticket.status_code == status_code)).first()
    if ticket is None:
        return None
    answered = select(SurveyResponse.id).where(SurveyResponse.ticket_id == ticket.id)
    if session.scalar(answered) is not None:
        return "answered"
    if ticket.state in NOT_YET_DONE:
        return "open"
    try:
        for_ticket_page(session, status_code, now)
    except DomainError:
        return None
    return "open"


def _invalid(field_name: str, message: str) -> DomainError:
    return DomainError(ErrorCode.VALIDATION_ERROR, message, field=field_name)


def extra_answers(sent: Mapping[str, object]) -> dict[int, object]:
    """The unit's own questions' answers keyed ``X<id>`` as the forms name them."""
    out: dict[int, object] = {}
    for key, value in sent.items():
        digits = key[1:] if key.startswith("X") else ""
        if not (digits.isascii() and digits.isdigit()) or len(digits) > 9:
            raise _invalid(key, "not a question of this survey")
        out[int(digits)] = value
    return out


def answers_from_json(body: Mapping[str, object]) -> Answers:
    """The answers of the tablet's (or an app's) JSON: ``answers`` {U1..U9: 1..4},
    ``extra`` {X<id>: 1..4}, ``profile`` {gender, age_group, education, occupation},
    ``suggestion``, ``language``. Values are checked by ``responses.submit``."""
    elements = body.get("answers")
    extra = body.get("extra") or {}
    profile = body.get("profile") or {}
    if not isinstance(elements, Mapping):
        raise _invalid("answers", "the nine answers, U1..U9")
    if not isinstance(extra, Mapping) or not isinstance(profile, Mapping):
        raise _invalid("extra" if not isinstance(extra, Mapping) else "profile", "an object")
    return Answers(
        elements=dict(elements),
        extra=extra_answers(extra),
        profile=dict(profile),
        suggestion=body.get("suggestion"),
        language="en" if body.get("language") == "en" else "id",
    )


def _level_text(value: str, field_name: str) -> int:
    if not (value.isascii() and value.isdigit()) or len(value) != 1:
        raise _invalid(field_name, "an answer is a whole number from 1 to 4")
    return int(value)


def answers_from_form(form: Mapping[str, str], questions: list[Question]) -> Answers:
    """The answers of a page's form (the phone's, the kiosk's): a radio group per question
    named by its key, a select per profile field, the suggestion. A question left
    unanswered is simply absent, and ``responses.submit`` says which one is missing."""
    elements: dict[str, object] = {}
    extra: dict[int, object] = {}
    for question in questions:
        raw = form.get(question.key, "")
        if not raw:
            continue
        value = _level_text(raw, question.key)
        if question.extra_id is not None:
            extra[question.extra_id] = value
        else:
            elements[question.key] = value
    return Answers(
        elements=elements,
        extra=extra,
        profile={name: form.get(name) or None for name in PROFILE_NAMES},
        suggestion=form.get("suggestion"),
        language="en" if form.get("language") == "en" else "id",
    )
