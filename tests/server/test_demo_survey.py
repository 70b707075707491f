"""The demo's past month: the survey report shows something real right after
``scripts/demo``, consistent with the queue report of the same month: more respondents
than the hall's minimum sample, *waktu penyelesaian* the lowest element, a long wait
answered lower, suggestions some handled and some open, every answer tied to a visit
its counter and officer served."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from server.db import Database, make_engine
from server.demo.seed import seed_demo
from server.domain.context import Ctx
from server.domain.reports import Grouping, compute_report, parse_period
from server.domain.settings import load_settings
from server.domain.skm.figures import parse_skm_period, skm_report, suggestions
from server.migrate import upgrade
from server.models import SurveyResponse, Ticket, TicketState

SEEDED = dt.datetime(2026, 12, 1, 1, 0, tzinfo=dt.UTC)  # 08.00 in Jakarta: November behind


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'antre.sqlite3'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    db = Database(url)
    with db.write() as session:
        seed_demo(session, SEEDED)
    yield db
    db.dispose()


def test_the_month_has_enough_answers_and_a_clearly_lowest_element(demo: Database) -> None:
    with demo.read() as session:
        report = skm_report(session, parse_skm_period("month", "2026-11"), Grouping.AGENCY)

    total = report.total
    assert total.index is not None and not total.below_sample
    assert report.lowest[0].element.code == "U3"
    assert report.lowest[1].nrr - report.lowest[0].nrr > 0.3
    assert any(r.below_sample for r in report.rows) and not all(r.below_sample for r in report.rows)
    grades = {r.index.grade for r in report.rows if r.index is not None}
    assert len(grades) >= 2  # some agencies better than others
    over, within = report.over_target.index, report.within_target.index
    assert over is not None and within is not None
    assert within.unit - over.unit > 5


def test_the_survey_population_is_the_queue_reports_served_visitors(demo: Database) -> None:
    with demo.read() as session:
        ctx = Ctx(session, SEEDED, load_settings(session))
        queue = compute_report(ctx, parse_period("month", month="2026-11"), Grouping.AGENCY)
        survey = skm_report(session, parse_skm_period("month", "2026-11"), Grouping.AGENCY)
        done = session.scalar(
            select(func.count(Ticket.id)).where(
                Ticket.state == TicketState.DONE,
                Ticket.service_date.between(dt.date(2026, 11, 1), dt.date(2026, 11, 30)),
            )
        )

    assert survey.total.population == done == queue.total.served


def test_every_answer_belongs_to_a_visit_its_counter_and_officer_served(demo: Database) -> None:
    answered, ticket = SurveyResponse, Ticket
    with demo.read() as session:
        pairs = session.execute(
            select(
                ticket.state,
                answered.counter_id == ticket.counter_id,
                answered.officer_id == ticket.officer_id,
                answered.service_date == ticket.service_date,
            ).join(ticket, ticket.id == answered.ticket_id)
        ).all()
        answers = session.scalar(select(func.count(answered.id)))
        found = suggestions(session, parse_skm_period("month", "2026-11"))

    assert len(pairs) == answers
    assert all(row == (TicketState.DONE, True, True, True) for row in pairs)
    handled = [s for s in found if s.handled_at is not None]
    assert handled and len(handled) < len(found)
    assert all(s.reply for s in handled)
