"""Who may answer the survey for which ticket, and storing one answer per ticket.

Three places ask (docs/skm.md#who-may-answer), each with its own guard against a
response for somebody else's visit:
- the ticket page (``/t/<code>``): its own ticket only, once done, for
  ``TICKET_PAGE_DAYS`` days;
- the counter tablet: only the ticket that counter finished last, and only for
  ``COUNTER_WINDOW`` after it was finished;
- the kiosk: a ticket done today, by the number printed on it.

A response copies what the figures need from the ticket (service, agency, counter,
officer, wait and service time, the target wait, the hour) so the IKM does not depend on
tickets that ``prune`` may delete; ``ticket_id`` is only the one-response rule.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from server.models import (
    Service,
    SurveyExtraAnswer,
    SurveyExtraQuestion,
    SurveyResponse,
    Ticket,
    TicketState,
)
from shared.errors import ErrorCode
from shared.text import refused_character

from ..context import Ctx
from ..errors import DomainError, not_found
from .questionnaire import ELEMENTS, PROFILE_BY_NAME

COUNTER_WINDOW = dt.timedelta(minutes=10)
TICKET_PAGE_DAYS = 7
SUGGESTION_MAX = 1000
REPLY_MAX = 1000


class Channel(enum.StrEnum):
    """Where the visitor answered."""

    COUNTER_TABLET = "counter_tablet"
    TICKET_PAGE = "ticket_page"
    KIOSK = "kiosk"


def _closed(message: str) -> DomainError:
    return DomainError(ErrorCode.SURVEY_CLOSED, message)


def _invalid(field_name: str, message: str) -> DomainError:
    return DomainError(ErrorCode.VALIDATION_ERROR, message, field=field_name)


def _refuse_answered(session: Session, ticket: Ticket) -> None:
    answered = session.scalars(
        select(SurveyResponse.id).where(SurveyResponse.ticket_id == ticket.id)
    ).first()
    if answered is not None:
        raise DomainError(ErrorCode.ALREADY_ANSWERED, "this ticket's survey is already answered")


def _done(ticket: Ticket) -> None:
    if ticket.state != TicketState.DONE or ticket.finished_at is None:
        raise _closed("the survey opens when the visit is done")


def for_ticket_page(session: Session, status_code: str, now: dt.datetime) -> Ticket:
    """The ticket the ticket page may answer for: its own, done, not answered, within
    ``TICKET_PAGE_DAYS``. Unknown codes are ``not_found`` like the page's other lookups."""
    ticket = session.scalars(select(Ticket).where(Ticket.status_code == status_code)).first()
    if ticket is None:
        raise not_found("ticket")
    _done(ticket)
    assert ticket.finished_at is not None
    if now - ticket.finished_at > dt.timedelta(days=TICKET_PAGE_DAYS):
        raise _closed(f"the survey closes {TICKET_PAGE_DAYS} days after the visit")
    _refuse_answered(session, ticket)
    return ticket


def last_finished_at_counter(session: Session, counter_id: int) -> Ticket | None:
    """The ticket this counter finished last (what its tablet may ask about)."""
    return session.scalars(
        select(Ticket)
        .where(Ticket.counter_id == counter_id, Ticket.state == TicketState.DONE)
        .order_by(Ticket.finished_at.desc(), Ticket.id.desc())
        .limit(1)
    ).first()


def awaiting_at_counter(session: Session, counter_id: int, now: dt.datetime) -> Ticket | None:
    """The visit a counter's tablet should ask about now: the one its counter finished
    last, still within ``COUNTER_WINDOW`` and not answered; None: the tablet idles."""
    last = last_finished_at_counter(session, counter_id)
    if last is None or last.finished_at is None or now - last.finished_at > COUNTER_WINDOW:
        return None
    answered = session.scalars(
        select(SurveyResponse.id).where(SurveyResponse.ticket_id == last.id)
    ).first()
    return None if answered is not None else last


def for_counter(session: Session, counter_id: int, ticket_id: int, now: dt.datetime) -> Ticket:
    """The ticket a counter's tablet may answer for: the one that counter finished last,
    within ``COUNTER_WINDOW`` of its finish, not answered yet. A tablet cannot answer for
    another counter's visitor, nor for an older visitor of its own."""
    last = last_finished_at_counter(session, counter_id)
    if last is None or last.id != ticket_id:
        raise _closed("the tablet may only answer for the visit its counter just finished")
    assert last.finished_at is not None
    if now - last.finished_at > COUNTER_WINDOW:
        raise _closed("the tablet's survey for this visit has timed out")
    _refuse_answered(session, last)
    return last


def for_kiosk(session: Session, number: str, today: dt.date) -> Ticket:
    """A ticket done today, found by the number printed on it (the visitor left the
    counter without answering). Numbers are unique per service date."""
    text = "".join(number.split()).upper()
    tickets = list(
        session.scalars(select(Ticket).where(Ticket.number == text, Ticket.service_date == today))
    )
    if len(tickets) != 1:
        raise not_found("ticket")
    ticket = tickets[0]
    _done(ticket)
    _refuse_answered(session, ticket)
    return ticket


@dataclass
class Answers:
    """What a visitor sent: the nine elements by code (U1..U9, required), the unit's extra
    questions by id, the optional profile, the optional suggestion."""

    elements: Mapping[str, object]
    extra: Mapping[int, object] = field(default_factory=dict)
    profile: Mapping[str, object] = field(default_factory=dict)
    suggestion: object = None
    language: str = "id"


def _level(value: object, field_name: str) -> int:
    # bool is an int in Python: True must not count as 1.
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 4:
        raise _invalid(field_name, "an answer is a whole number from 1 to 4")
    return value


def _elements(answers: Answers) -> dict[str, int]:
    unknown = set(answers.elements) - {e.code for e in ELEMENTS}
    if unknown:
        raise _invalid(sorted(unknown)[0], "not an element of the questionnaire")
    values = {}
    for element in ELEMENTS:
        if element.code not in answers.elements:
            raise _invalid(element.code, "every one of the nine elements must be answered")
        values[element.column] = _level(answers.elements[element.code], element.code)
    return values


def _profile(answers: Answers) -> dict[str, str | None]:
    unknown = set(answers.profile) - set(PROFILE_BY_NAME)
    if unknown:
        raise _invalid(sorted(unknown)[0], "not a profile field")
    chosen: dict[str, str | None] = {}
    for name, spec in PROFILE_BY_NAME.items():
        value = answers.profile.get(name)
        if value in (None, ""):
            chosen[name] = None
        elif value in spec.values:
            chosen[name] = str(value)
        else:
            raise _invalid(name, f"one of {', '.join(spec.values)}, or nothing")
    return chosen


def free_text(value: object, field_name: str, max_length: int) -> str | None:
    """A visitor's or officer's free text: trimmed, bounded, no control characters (new
    lines are kept); empty is None."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise _invalid(field_name, "text expected")
    text = value.strip()
    if not text:
        return None
    if len(text) > max_length:
        raise _invalid(field_name, f"at most {max_length} characters")
    if refused_character(text, newlines=True) is not None:
        raise _invalid(field_name, "no control characters")
    return text


def _extra(session: Session, answers: Answers) -> dict[int, int]:
    asked = {
        q.id: q
        for q in session.scalars(
            select(SurveyExtraQuestion).where(SurveyExtraQuestion.active.is_(True))
        )
    }
    values = {}
    for key, value in answers.extra.items():
        if key not in asked:
            raise _invalid(f"X{key}", "not a question of this survey")
        values[key] = _level(value, f"X{key}")
    for key, question in asked.items():
        if question.required and key not in values:
            raise _invalid(f"X{key}", "this question must be answered")
    return values


def _seconds(later: dt.datetime | None, earlier: dt.datetime | None) -> int | None:
    if later is None or earlier is None:
        return None
    return max(0, round((later - earlier).total_seconds()))


def _entry(ticket: Ticket) -> dt.datetime:
    """When the visitor's wait began, as the reports count it: a booked visitor waits from
    the later of the slot and the arrival (docs/design.md#report-figures)."""
    if ticket.booked_for is not None and ticket.booked_for > ticket.queued_at:
        return ticket.booked_for
    return ticket.queued_at


def visit_facts(
    ticket: Ticket, service: Service, now: dt.datetime, tz: dt.tzinfo
) -> dict[str, object]:
    """What a response copies from its ticket (so the IKM outlives ``prune``): the day,
    the service, agency, counter and officer, the wait and service time as the reports
    count them, the service's target wait and the local hour the visit ended."""
    finished = ticket.finished_at or now
    return {
        "ticket_id": ticket.id,
        "service_date": ticket.service_date,
        "agency_id": service.agency_id,
        "service_id": service.id,
        "counter_id": ticket.counter_id,
        "officer_id": ticket.officer_id,
        "wait_seconds": _seconds(ticket.called_at, _entry(ticket)),
        "service_seconds": _seconds(ticket.finished_at, ticket.started_at or ticket.called_at),
        "target_wait_minutes": service.target_wait_minutes,
        "visit_hour": finished.astimezone(tz).hour,
    }


def submit(ctx: Ctx, ticket: Ticket, channel: Channel, answers: Answers) -> SurveyResponse:
    """Store the answers for ``ticket`` (already checked by one of the ``for_*`` guards).
    Every value is validated before anything is written; a second response for the same
    ticket, even one racing this one, is refused with ``already_answered``."""
    elements = _elements(answers)
    profile = _profile(answers)
    suggestion = free_text(answers.suggestion, "suggestion", SUGGESTION_MAX)
    extra = _extra(ctx.session, answers)
    _refuse_answered(ctx.session, ticket)
    service = ctx.session.get(Service, ticket.service_id)
    assert service is not None
    response = SurveyResponse(
        **visit_facts(ticket, service, ctx.now, ctx.tz),
        answered_at=ctx.now,
        channel=str(channel),
        language="en" if answers.language == "en" else "id",
        had_suggestion=suggestion is not None,
        suggestion=suggestion,
        **profile,
        **elements,
    )
    try:
        with ctx.session.begin_nested():
            ctx.session.add(response)
            ctx.session.flush()
    except IntegrityError:
        raise DomainError(
            ErrorCode.ALREADY_ANSWERED, "this ticket's survey is already answered"
        ) from None
    ctx.session.add_all(
        SurveyExtraAnswer(response_id=response.id, question_id=key, value=value)
        for key, value in extra.items()
    )
    return response


def mark_handled(ctx: Ctx, suggestion_id: int, reply: object) -> None:
    """Staff mark a suggestion handled, with the reply they gave (shown beside it)."""
    response = ctx.session.get(SurveyResponse, suggestion_id)
    if response is None or not response.had_suggestion:
        raise not_found("suggestion")
    response.reply = free_text(reply, "reply", REPLY_MAX)
    response.handled_by = ctx.actor.user_id
    response.handled_at = ctx.now
