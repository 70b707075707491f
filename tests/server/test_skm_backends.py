"""The survey on SQLite and on PostgreSQL alike: one answer per ticket even when two
arrive at once, and the same figures from the database's sums on both."""

from __future__ import annotations

import threading
from decimal import Decimal

from flask import Flask
from sqlalchemy import func, select

from server.domain.context import SYSTEM, Ctx
from server.domain.errors import DomainError
from server.domain.reports import Grouping
from server.domain.settings import load_settings
from server.domain.skm import figures
from server.domain.skm.responses import Answers, Channel, submit
from server.models import SurveyResponse, Ticket, TicketState
from shared.errors import ErrorCode
from tests.conftest import Api, FakeClock
from tests.server.test_retention import a_day_in_the_hall, db_of
from tests.server.test_retention import backend_url as backend_url  # fixtures, used by name
from tests.server.test_retention import hall_app as hall_app


def answers(value: int) -> Answers:
    return Answers(elements={f"U{i}": value for i in range(1, 10)})


def test_two_answers_for_one_ticket_at_once_store_one(
    hall_app: Flask, clock: FakeClock, backend_url: str
) -> None:
    """On PostgreSQL both transactions pass the "already answered?" check before either
    commits, and the unique ticket_id decides; SQLite's single writer queues them."""
    db, hall = db_of(hall_app), hall_app.config["HALL"]
    concurrent = backend_url.startswith("postgresql")
    a_day_in_the_hall(Api(hall_app.test_client(), hall), hall, 1, "race")
    barrier = threading.Barrier(2, timeout=10)
    outcomes: list[str] = []

    def answer(value: int) -> None:
        try:
            if not concurrent:
                barrier.wait()
            with db.write() as session:
                ticket = session.scalars(
                    select(Ticket).where(Ticket.state == TicketState.DONE)
                ).one()
                if concurrent:
                    barrier.wait()
                submit(
                    Ctx(session, clock(), load_settings(session), SYSTEM),
                    ticket,
                    Channel.KIOSK,
                    answers(value),
                )
            outcomes.append("stored")
        except DomainError as refused:
            outcomes.append(refused.code.value)

    threads = [threading.Thread(target=answer, args=(v,)) for v in (3, 4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)

    assert sorted(outcomes) == sorted(["stored", ErrorCode.ALREADY_ANSWERED.value])
    with db.read() as session:
        assert session.scalar(select(func.count(SurveyResponse.id))) == 1


def test_the_figures_are_the_same_on_both_databases(hall_app: Flask, clock: FakeClock) -> None:
    db, hall = db_of(hall_app), hall_app.config["HALL"]
    api = Api(hall_app.test_client(), hall)
    a_day_in_the_hall(api, hall, 1, "one")
    a_day_in_the_hall(api, hall, 1, "two")
    with db.write() as session:
        ctx = Ctx(session, clock(), load_settings(session), SYSTEM)
        done = session.scalars(select(Ticket).where(Ticket.state == TicketState.DONE)).all()
        assert len(done) == 2
        submit(ctx, done[0], Channel.KIOSK, answers(4))
        submit(ctx, done[1], Channel.KIOSK, answers(3))
        today = ctx.today
    with db.read() as session:
        report = figures.skm_report(
            session, figures.parse_skm_period("day", today.isoformat()), Grouping.SERVICE
        )
    # (4 + 3) / 2 = 3.5 per element; × 25 = 87.50: B, 0.81 short of an A.
    assert report.total.index is not None
    assert report.total.index.unit_rounded == Decimal("87.50")
    assert report.total.population == 2 and report.total.respondents == 2
    assert [row.respondents for row in report.rows if row.key == hall.ktp] == [2]
