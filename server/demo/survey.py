"""A month of survey answers for the demo hall's past visits, so the SKM report shows
something real right after ``scripts/demo``.

Not uniform, as a real hall's are not: each agency has its own level and response rate
(some fall below the minimum sample), *waktu penyelesaian* (U3) is clearly the lowest
element and *biaya* (U4) the highest (most services are free), a visitor who waited
longer than the service's target answers lower (U3 most), a few write a suggestion and
staff have answered some of them. Each answer belongs to a ticket the history made, so
its wait, counter and hour are the ones the queue reports count (``visit_facts``, what
the domain's ``submit`` copies).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from server.domain.context import SYSTEM, Ctx
from server.domain.settings import load_settings
from server.domain.skm.questionnaire import PROFILE, Wording, add_extra_question
from server.domain.skm.responses import Channel, visit_facts
from server.models import (
    Role,
    Service,
    SurveyExtraAnswer,
    SurveyResponse,
    Ticket,
    TicketState,
    User,
)

# Where an element sits against the visitor's overall mood, on the 1..4 scale.
ELEMENT_OFFSET = (0.15, 0.0, -0.75, 0.9, 0.1, 0.25, 0.35, -0.2, -0.3)
WAITED_LONG = (-0.35, -0.3, -0.9, 0.0, -0.2, -0.2, -0.3, -0.35, -0.3)
MOOD = 3.15
NOISE = 0.55
SUGGESTION_SHARE = 0.015
HANDLED_SHARE = 0.7
SUGGESTIONS = (
    "Antrean di loket terlalu lama, mohon tambah petugas pada jam sibuk.",
    "AC di ruang tunggu kurang dingin siang hari.",
    "Petugas ramah dan menjelaskan persyaratan dengan jelas. Terima kasih.",
    "Mohon informasi persyaratan dipasang di depan loket agar tidak bolak-balik.",
    "Kursi tunggu kurang, banyak yang berdiri.",
    "Nomor antrean di layar kadang terlambat muncul.",
    "Parkir motor penuh, mohon diperluas.",
    "Pelayanan cepat, semoga dipertahankan.",
)
REPLIES = (
    "Terima kasih. Mulai minggu depan loket tambahan dibuka pukul 09.00–11.00.",
    "Sudah kami teruskan ke pengelola gedung; AC diperiksa hari ini.",
    "Terima kasih atas masukannya.",
    "Daftar persyaratan sudah dipasang di setiap loket.",
)
EXTRA_QUESTION = (
    Wording(
        "Apakah nomor antrean di layar mudah dilihat dan didengar?",
        ("Tidak mudah", "Kurang mudah", "Mudah", "Sangat mudah"),
    ),
    Wording(
        "Were the queue numbers on the screens easy to see and hear?",
        ("Not easy", "Not very easy", "Easy", "Very easy"),
    ),
)


@dataclass(frozen=True)
class Agency:
    """How the demo's visitors of one agency answer: their mood and how many answer."""

    level: float
    rate: float


def _level(value: float) -> int:
    return max(1, min(4, round(value)))


def _profile(rng: random.Random) -> dict[str, object]:
    """Each field given by most respondents, each option drawn with a plausible weight."""
    weights = {
        "gender": (50, 48),
        "age_group": (6, 30, 28, 18, 12, 6),
        "education": (6, 10, 38, 12, 28, 5, 1),
        "occupation": (14, 2, 2, 38, 22, 12, 10),
    }
    profile: dict[str, object] = {}
    for spec in PROFILE:
        if rng.random() < 0.85:
            profile[spec.name] = rng.choices(spec.values, weights[spec.name])[0]
    return profile


def _answers(rng: random.Random, agency: Agency, waited_long: bool) -> dict[str, int]:
    mood = MOOD + agency.level + rng.gauss(0, 0.25)
    values = {}
    for i, offset in enumerate(ELEMENT_OFFSET):
        shift = WAITED_LONG[i] if waited_long else 0.0
        values[f"U{i + 1}"] = _level(mood + offset + shift + rng.gauss(0, NOISE))
    return values


def _waited_long(ticket: Ticket, target_minutes: int) -> bool:
    if ticket.called_at is None:
        return False
    return ticket.called_at - ticket.queued_at > dt.timedelta(minutes=target_minutes)


def seed_survey(
    session: Session, first: dt.date, last: dt.date, now: dt.datetime, seed: int = 17
) -> int:
    """Answers for some of the visits done between ``first`` and ``last``; returns how
    many. Suggestions from before the last three days are mostly handled.

    Written in bulk (a month is a few thousand answers; one ``submit`` each tripled the
    demo's setup time), with what each copies from its ticket taken from the domain's
    own ``visit_facts``, so the figures are those ``submit`` would have stored."""
    rng = random.Random(seed)
    settings = load_settings(session)
    tz = ZoneInfo(settings.timezone)
    question = add_extra_question(Ctx(session, now, settings, SYSTEM), *EXTRA_QUESTION)
    admin = session.scalar(select(User.id).where(User.role == Role.ADMIN).order_by(User.id))
    services = {s.id: s for s in session.scalars(select(Service))}
    agencies: dict[int, Agency] = {}
    rows: list[dict[str, object]] = []
    extra: list[int] = []
    for ticket in _done(session, first, last):
        service = services[ticket.service_id]
        agency = agencies.setdefault(
            service.agency_id, Agency(rng.gauss(0.1, 0.3), rng.uniform(0.08, 0.5))
        )
        if rng.random() >= agency.rate:
            continue
        assert ticket.finished_at is not None
        at = ticket.finished_at + dt.timedelta(seconds=rng.uniform(20, 240))
        rows.append(_response(rng, ticket, service, agency, at, tz, now, admin))
        extra.append(_level(MOOD + agency.level + rng.gauss(0.2, 0.6)))
    if not rows:
        return 0
    returning = insert(SurveyResponse).returning(SurveyResponse.id, sort_by_parameter_order=True)
    ids = list(session.execute(returning, rows).scalars())
    session.execute(
        insert(SurveyExtraAnswer),
        [
            {"response_id": i, "question_id": question.id, "value": v}
            for i, v in zip(ids, extra, strict=True)
        ],
    )
    return len(rows)


def _done(session: Session, first: dt.date, last: dt.date) -> list[Ticket]:
    return list(
        session.scalars(
            select(Ticket)
            .where(
                Ticket.state == TicketState.DONE,
                Ticket.service_date.between(first, last),
                Ticket.finished_at.is_not(None),
            )
            .order_by(Ticket.finished_at)
        )
    )


def _response(
    rng: random.Random,
    ticket: Ticket,
    service: Service,
    agency: Agency,
    at: dt.datetime,
    tz: dt.tzinfo,
    now: dt.datetime,
    admin: int | None,
) -> dict[str, object]:
    """One visitor's answer as a ``survey_responses`` row."""
    waited_long = _waited_long(ticket, service.target_wait_minutes)
    suggestion = None
    if rng.random() < SUGGESTION_SHARE * (2 if waited_long else 1):
        suggestion = rng.choice(SUGGESTIONS)
    handled = (
        suggestion is not None and now - at > dt.timedelta(days=3) and rng.random() < HANDLED_SHARE
    )
    profile = _profile(rng)
    elements = _answers(rng, agency, waited_long)
    return {
        **visit_facts(ticket, service, at, tz),
        "answered_at": at,
        "channel": str(Channel.COUNTER_TABLET if rng.random() < 0.75 else Channel.TICKET_PAGE),
        "language": "id",
        **{spec.name: profile.get(spec.name) for spec in PROFILE},
        **{code.lower(): value for code, value in elements.items()},
        "had_suggestion": suggestion is not None,
        "suggestion": suggestion,
        "handled_by": admin if handled else None,
        "handled_at": at + dt.timedelta(days=1) if handled else None,
        "reply": rng.choice(REPLIES) if handled else None,
    }
