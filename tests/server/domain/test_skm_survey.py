"""The survey in the hall: who may answer for which ticket, one answer per ticket, every
value checked, and figures that equal a hand count of the answers given."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from server.domain import counters
from server.domain.errors import DomainError
from server.domain.reports import Grouping, Period, PeriodKind
from server.domain.skm import figures, questionnaire, responses
from server.domain.skm.index import Grade
from server.domain.skm.questionnaire import Wording
from server.domain.skm.responses import Answers, Channel
from server.models import SurveyResponse, Ticket
from shared.errors import ErrorCode
from tests.conftest import FakeClock
from tests.factories import Hall

from .conftest import Desk


def served(desk: Desk, counter_id: int, service_id: int, *, wait_minutes: int = 1) -> Ticket:
    """A visitor takes a ticket, is called after ``wait_minutes`` and finished 5 minutes on."""
    ticket = desk.issue(service_id, advance=False)
    desk.clock.advance(minutes=wait_minutes)
    called = desk.next(counter_id)
    assert called is not None and called.id == ticket.id
    desk.clock.advance(minutes=5)
    desk.at(counter_id, counters.finish)
    return ticket


def all_answers(value: int, **more: object) -> Answers:
    return Answers(elements={f"U{i}": value for i in range(1, 10)}, **more)  # type: ignore[arg-type]


def refused(code: ErrorCode, action) -> DomainError:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as caught:
        action()
    assert caught.value.code == code, caught.value.message
    return caught.value


@pytest.fixture
def open_c1(desk: Desk, hall: Hall) -> int:
    desk.open(hall.c1)
    return hall.c1


def test_the_ticket_page_answers_once_its_visit_is_done(
    desk: Desk, hall: Hall, open_c1: int
) -> None:
    waiting = desk.issue(hall.ktp)
    refused(
        ErrorCode.SURVEY_CLOSED,
        lambda: responses.for_ticket_page(desk.session, waiting.status_code, desk.clock()),
    )
    desk.next(open_c1)
    desk.at(open_c1, counters.finish)

    ticket = responses.for_ticket_page(desk.session, waiting.status_code, desk.clock())
    response = responses.submit(desk.ctx(None), ticket, Channel.TICKET_PAGE, all_answers(4))

    assert response.agency_id == hall.dk and response.service_id == hall.ktp
    assert response.counter_id == open_c1 and response.officer_id == hall.users["petugas.dk"]
    refused(
        ErrorCode.ALREADY_ANSWERED,
        lambda: responses.for_ticket_page(desk.session, waiting.status_code, desk.clock()),
    )
    refused(
        ErrorCode.ALREADY_ANSWERED,
        lambda: responses.submit(desk.ctx(None), ticket, Channel.KIOSK, all_answers(3)),
    )


def test_unknown_codes_are_not_found_and_old_visits_are_closed(
    desk: Desk, hall: Hall, open_c1: int, clock: FakeClock
) -> None:
    refused(ErrorCode.NOT_FOUND, lambda: responses.for_ticket_page(desk.session, "nope", clock()))
    ticket = served(desk, open_c1, hall.ktp)
    clock.advance(days=responses.TICKET_PAGE_DAYS, minutes=1)
    refused(
        ErrorCode.SURVEY_CLOSED,
        lambda: responses.for_ticket_page(desk.session, ticket.status_code, clock()),
    )


def test_the_counter_tablet_answers_only_for_the_visit_its_counter_just_finished(
    desk: Desk, hall: Hall, open_c1: int, clock: FakeClock
) -> None:
    desk.open(hall.c2)
    first = served(desk, open_c1, hall.ktp)
    at_c2 = served(desk, hall.c2, hall.kk)
    assert responses.last_finished_at_counter(desk.session, open_c1) == first
    # Another counter's visitor: refused.
    refused(
        ErrorCode.SURVEY_CLOSED,
        lambda: responses.for_counter(desk.session, open_c1, at_c2.id, clock()),
    )
    second = served(desk, open_c1, hall.ktp)
    # An earlier visitor of its own, once the next one is finished: refused.
    refused(
        ErrorCode.SURVEY_CLOSED,
        lambda: responses.for_counter(desk.session, open_c1, first.id, clock()),
    )
    assert responses.for_counter(desk.session, open_c1, second.id, clock()) == second
    clock.advance(minutes=11)
    refused(
        ErrorCode.SURVEY_CLOSED,
        lambda: responses.for_counter(desk.session, open_c1, second.id, clock()),
    )


def test_the_kiosk_finds_a_visit_done_today_by_its_number(
    desk: Desk, hall: Hall, open_c1: int
) -> None:
    ticket = served(desk, open_c1, hall.ktp)
    today = desk.ctx().today
    assert responses.for_kiosk(desk.session, f" {ticket.number.lower()} ", today) == ticket
    refused(ErrorCode.NOT_FOUND, lambda: responses.for_kiosk(desk.session, "ZZ999", today))
    waiting = desk.issue(hall.ktp)
    refused(
        ErrorCode.SURVEY_CLOSED, lambda: responses.for_kiosk(desk.session, waiting.number, today)
    )
    refused(
        ErrorCode.NOT_FOUND,
        lambda: responses.for_kiosk(desk.session, ticket.number, today - dt.timedelta(days=1)),
    )


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        (Answers(elements={f"U{i}": 3 for i in range(1, 9)}), "U9"),
        (Answers(elements={**{f"U{i}": 3 for i in range(1, 10)}, "U4": 5}), "U4"),
        (Answers(elements={**{f"U{i}": 3 for i in range(1, 10)}, "U2": 0}), "U2"),
        (Answers(elements={**{f"U{i}": 3 for i in range(1, 10)}, "U1": True}), "U1"),
        (Answers(elements={**{f"U{i}": 3 for i in range(1, 10)}, "U1": "4"}), "U1"),
        (Answers(elements={**{f"U{i}": 3 for i in range(1, 10)}, "U10": 3}), "U10"),
        (all_answers(3, profile={"gender": "x"}), "gender"),
        (all_answers(3, profile={"nik": "3201"}), "nik"),
        (all_answers(3, suggestion="a\x00b"), "suggestion"),
        (all_answers(3, suggestion="x" * 1001), "suggestion"),
        (all_answers(3, extra={999: 3}), "X999"),
    ],
)
def test_every_value_is_checked_before_anything_is_stored(
    desk: Desk, hall: Hall, open_c1: int, answers: Answers, field: str
) -> None:
    ticket = served(desk, open_c1, hall.ktp)
    error = refused(
        ErrorCode.VALIDATION_ERROR,
        lambda: responses.submit(desk.ctx(None), ticket, Channel.KIOSK, answers),
    )
    assert error.details["field"] == field
    assert desk.session.scalars(select(SurveyResponse)).all() == []


def test_the_profile_is_optional_and_the_suggestion_keeps_its_lines(
    desk: Desk, hall: Hall, open_c1: int
) -> None:
    ticket = served(desk, open_c1, hall.ktp)
    answers = all_answers(
        3,
        profile={"gender": "p", "age_group": "", "education": None},
        suggestion="  AC mati.\nTolong.  ",
    )
    response = responses.submit(desk.ctx(None), ticket, Channel.TICKET_PAGE, answers)
    assert (response.gender, response.age_group, response.education, response.occupation) == (
        "p",
        None,
        None,
        None,
    )
    assert response.suggestion == "AC mati.\nTolong."
    assert response.had_suggestion


def test_the_wait_and_service_time_are_copied_from_the_ticket(
    desk: Desk, hall: Hall, open_c1: int
) -> None:
    ticket = served(desk, open_c1, hall.ktp, wait_minutes=40)
    response = responses.submit(desk.ctx(None), ticket, Channel.COUNTER_TABLET, all_answers(3))
    assert response.wait_seconds == 40 * 60
    assert response.service_seconds == 5 * 60
    assert response.target_wait_minutes == desk.service(hall.ktp).target_wait_minutes
    assert response.visit_hour == ticket.finished_at.astimezone(desk.ctx().tz).hour  # type: ignore[union-attr]


def test_the_report_equals_the_hand_count_and_hides_who_said_what(
    desk: Desk, hall: Hall, open_c1: int
) -> None:
    rows = [
        # U1 U2 U3 U4 U5 U6 U7 U8 U9
        [3, 3, 2, 4, 3, 3, 4, 3, 3],
        [4, 3, 2, 4, 3, 4, 4, 3, 2],
        [3, 3, 3, 4, 3, 4, 3, 2, 3],
        [3, 4, 3, 4, 3, 3, 4, 3, 3],
        [2, 3, 2, 4, 3, 3, 4, 3, 3],
    ]
    desk.open(hall.c3)
    for i, values in enumerate(rows):
        ticket = served(desk, open_c1, hall.ktp, wait_minutes=45 if i < 2 else 1)
        answers = Answers(
            elements={f"U{n + 1}": v for n, v in enumerate(values)},
            profile={"gender": "l" if i % 2 else "p"},
            suggestion="Antrean lama" if i == 0 else None,
        )
        responses.submit(desk.ctx(None), ticket, Channel.TICKET_PAGE, answers)
    lone = served(desk, hall.c3, hall.pkb)
    responses.submit(desk.ctx(None), lone, Channel.KIOSK, all_answers(4))
    unanswered = served(desk, open_c1, hall.ktp)
    assert unanswered.id

    period = figures.parse_skm_period("day", desk.ctx().today.isoformat())
    report = figures.skm_report(desk.session, period, Grouping.AGENCY)

    by_name = {r.name: r for r in report.rows}
    dk = by_name["Disdukcapil"]
    assert (dk.respondents, dk.population) == (5, 6)
    assert dk.index is not None
    assert [float(v) for v in dk.index.nrr] == [3.0, 3.2, 2.4, 4.0, 3.0, 3.4, 3.8, 2.8, 2.8]
    assert dk.index.unit_rounded == Decimal("78.89") and dk.index.grade == Grade.B
    assert dk.minimum_sample == 6 and dk.below_sample
    samsat = by_name["Samsat"]
    assert samsat.index is not None and samsat.index.unit == 100 and samsat.index.grade == Grade.A
    # All six together: (28.4 × 5 + 36) / 6 = 29.6667 per respondent; / 9 × 25 = 82.41.
    assert report.total.respondents == 6
    assert report.total.index is not None and report.total.index.unit_rounded == Decimal("82.41")
    assert [s.element.code for s in report.lowest] == ["U3", "U8", "U9"]
    assert report.profile["gender"][0].count == 2 and report.profile["gender"][1].count == 3
    assert report.profile["gender"][-1].count == 1  # Samsat's visitor gave none
    # Two waited 45 minutes (over the 30-minute target): too few to show their index.
    assert report.over_target.respondents == 2 and report.over_target.index is None
    # And the other band is withheld with it: the period's total minus "within" would
    # otherwise give the two's answers (docs/skm.md, what staff see).
    assert report.within_target.respondents == 4 and report.within_target.index is None

    by_counter = figures.skm_report(desk.session, period, Grouping.COUNTER)
    lone_counter = next(r for r in by_counter.rows if r.key == hall.c3)
    assert lone_counter.respondents == 1 and lone_counter.index is None and lone_counter.suppressed

    found = figures.suggestions(desk.session, period)
    assert [(s.agency, s.text, s.handled_at) for s in found] == [
        ("Disdukcapil", "Antrean lama", None)
    ]
    assert not hasattr(found[0], "ticket_id") and not hasattr(found[0], "officer_id")
    responses.mark_handled(desk.ctx("admin"), found[0].id, "Loket ditambah mulai Senin.")
    assert figures.suggestions(desk.session, period, handled=False) == []
    assert (
        figures.suggestions(desk.session, period, handled=True)[0].reply
        == "Loket ditambah mulai Senin."
    )


def test_the_agency_filter_keeps_a_supervisor_to_their_own(
    desk: Desk, hall: Hall, open_c1: int
) -> None:
    responses.submit(desk.ctx(None), served(desk, open_c1, hall.ktp), Channel.KIOSK, all_answers(2))
    period = figures.parse_skm_period("month", desk.ctx().today.strftime("%Y-%m"))
    report = figures.skm_report(desk.session, period, Grouping.SERVICE, agency_id=hall.sm)
    assert report.total.respondents == 0 and report.total.index is None


@pytest.mark.parametrize(
    ("kind", "value", "first", "last"),
    [
        ("day", "2026-12-06", "2026-12-06", "2026-12-06"),
        ("month", "2026-02", "2026-02-01", "2026-02-28"),
        ("month", "2026-12", "2026-12-01", "2026-12-31"),
        ("semester", "2026-S1", "2026-01-01", "2026-06-30"),
        ("semester", "2026-S2", "2026-07-01", "2026-12-31"),
        ("year", "2026", "2026-01-01", "2026-12-31"),
    ],
)
def test_periods_are_days_months_semesters_and_years(
    kind: str, value: str, first: str, last: str
) -> None:
    period = figures.parse_skm_period(kind, value)
    assert (period.first.isoformat(), period.last.isoformat()) == (first, last)


@pytest.mark.parametrize(
    ("kind", "value"),
    [("week", "2026-49"), ("month", "2026-13"), ("semester", "2026-S3"), ("day", None)],
)
def test_other_periods_are_refused(kind: str, value: object) -> None:
    refused(ErrorCode.VALIDATION_ERROR, lambda: figures.parse_skm_period(kind, value))


def test_the_unit_rewords_and_adds_questions_without_touching_the_index(
    desk: Desk, hall: Hall, open_c1: int
) -> None:
    ctx = desk.ctx("admin")
    own = Wording("Apakah ruang tunggu nyaman?", ("Tidak", "Kurang", "Nyaman", "Sangat nyaman"))
    own_en = Wording("Was the waiting room comfortable?", ("No", "Not very", "Yes", "Very"))
    questionnaire.set_wording(ctx, "U8", own, own_en)
    extra = questionnaire.add_extra_question(ctx, own, own_en, required=True)
    asked = questionnaire.questionnaire(desk.session)
    assert [q.key for q in asked] == [*(f"U{i}" for i in range(1, 10)), f"X{extra.id}"]
    assert asked[7].id.question == "Apakah ruang tunggu nyaman?"
    assert asked[7].element is not None and asked[7].element.code == "U8"

    ticket = served(desk, open_c1, hall.ktp)
    refused(
        ErrorCode.VALIDATION_ERROR,
        lambda: responses.submit(desk.ctx(None), ticket, Channel.KIOSK, all_answers(4)),
    )
    responses.submit(desk.ctx(None), ticket, Channel.KIOSK, all_answers(4, extra={extra.id: 1}))
    period = figures.parse_skm_period("day", desk.ctx().today.isoformat())
    report = figures.skm_report(desk.session, period, Grouping.AGENCY)
    assert report.total.index is not None and report.total.index.unit == 100
    assert [(e.question_id, e.answers, e.average) for e in report.extra] == [(extra.id, 1, 1)]

    questionnaire.reset_wording(ctx, "U8")
    questionnaire.retire_extra_question(ctx, extra.id)
    asked = questionnaire.questionnaire(desk.session)
    assert len(asked) == 9 and asked[7].id.question.startswith(
        "Bagaimana pendapat Saudara tentang kualitas"
    )


def test_wording_is_checked_like_other_free_text(desk: Desk) -> None:
    ctx = desk.ctx("admin")
    three = Wording("Pertanyaan?", ("a", "b", "c", "d"))
    refused(
        ErrorCode.VALIDATION_ERROR,
        lambda: questionnaire.set_wording(ctx, "U1", Wording("x\x07", three.levels), three),
    )
    short = Wording("q", ("a", "b", "c"))  # type: ignore[arg-type]
    refused(ErrorCode.VALIDATION_ERROR, lambda: questionnaire.set_wording(ctx, "U1", three, short))
    refused(ErrorCode.NOT_FOUND, lambda: questionnaire.set_wording(ctx, "U10", three, three))


def test_the_tablet_asks_about_the_visit_just_finished_until_answered_or_timed_out(
    desk: Desk, hall: Hall, open_c1: int, clock: FakeClock
) -> None:
    assert responses.awaiting_at_counter(desk.session, open_c1, clock()) is None
    first = served(desk, open_c1, hall.ktp)
    assert responses.awaiting_at_counter(desk.session, open_c1, clock()) == first
    responses.submit(desk.ctx(None), first, Channel.COUNTER_TABLET, all_answers(4))
    assert responses.awaiting_at_counter(desk.session, open_c1, clock()) is None
    second = served(desk, open_c1, hall.ktp)
    assert responses.awaiting_at_counter(desk.session, open_c1, clock()) == second
    clock.advance(minutes=11)
    assert responses.awaiting_at_counter(desk.session, open_c1, clock()) is None


def test_the_trend_gives_each_day_or_month_its_own_index(
    desk: Desk, hall: Hall, open_c1: int, clock: FakeClock
) -> None:
    first_day = desk.ctx().today
    responses.submit(desk.ctx(None), served(desk, open_c1, hall.ktp), Channel.KIOSK, all_answers(4))
    clock.advance(days=1)
    responses.submit(desk.ctx(None), served(desk, open_c1, hall.ktp), Channel.KIOSK, all_answers(2))
    served(desk, open_c1, hall.ktp)  # served, not answered
    period = Period(PeriodKind.RANGE, first_day, desk.ctx().today)

    by_day = figures.skm_trend(desk.session, period, "day")

    assert [(r.name, r.respondents, r.population) for r in by_day] == [
        (first_day.isoformat(), 1, 1),
        (desk.ctx().today.isoformat(), 1, 2),
    ]
    assert [r.index.unit for r in by_day if r.index] == [100, 50]
    whole = figures.skm_trend(desk.session, period, "semester")
    assert sum(r.respondents for r in whole) == 2
    assert sum(r.population for r in whole) == 3
    refused(ErrorCode.VALIDATION_ERROR, lambda: figures.skm_trend(desk.session, period, "week"))
