"""Ticket numbers: per series per service date from 1, in the site's time zone, no gaps."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import delete, update

from server.db import Database
from server.domain.errors import DomainError
from server.domain.tickets import IssueRequest, issue_ticket
from server.models import Holiday, Service
from shared.errors import ErrorCode
from tests.conftest import JAKARTA, FakeClock
from tests.factories import Hall

if TYPE_CHECKING:
    from tests.server.domain.conftest import CtxFactory, Desk


def test_numbers_start_at_one_and_services_of_one_series_share_the_sequence(
    desk: Desk, hall: Hall
) -> None:
    numbers = [desk.issue(s).number for s in (hall.ktp, hall.kk, hall.ktp, hall.kk)]
    assert numbers == ["DK-001", "DK-002", "DK-003", "DK-004"]


def test_another_series_counts_on_its_own(desk: Desk, hall: Hall) -> None:
    desk.issue(hall.ktp)
    desk.issue(hall.kk)
    samsat = desk.issue(hall.pkb)
    assert (samsat.number, samsat.sequence) == ("SM-001", 1)
    assert desk.issue(hall.ktp).number == "DK-003"


def test_the_sequence_restarts_at_one_at_midnight_in_jakarta_not_in_utc(
    desk: Desk, hall: Hall, clock: FakeClock
) -> None:
    clock.set(dt.datetime(2026, 11, 30, 23, 58, tzinfo=JAKARTA))
    desk.issue(hall.ktp)
    late = desk.issue(hall.ktp)  # 23:59 Jakarta, 16:59 UTC
    clock.set(dt.datetime(2026, 12, 1, 0, 1, tzinfo=JAKARTA))  # 17:01 UTC, same UTC date
    early = desk.issue(hall.ktp)

    assert late.issued_at.date() == early.issued_at.date()  # one UTC day...
    assert (late.number, late.service_date) == ("DK-002", dt.date(2026, 11, 30))
    assert (early.number, early.service_date) == (
        "DK-001",
        dt.date(2026, 12, 1),
    )  # ...two service days


def test_the_sequence_runs_on_when_only_the_utc_date_changes(
    desk: Desk, hall: Hall, clock: FakeClock
) -> None:
    clock.set(dt.datetime(2026, 12, 1, 6, 59, tzinfo=JAKARTA))  # 23:59 UTC on 30 November
    before = desk.issue(hall.kk)
    clock.set(dt.datetime(2026, 12, 1, 7, 1, tzinfo=JAKARTA))  # 00:01 UTC on 1 December
    after = desk.issue(hall.kk)

    assert before.issued_at.date() != after.issued_at.date()
    assert [before.number, after.number] == ["DK-001", "DK-002"]
    assert before.service_date == after.service_date == dt.date(2026, 12, 1)


def test_the_number_is_written_with_the_sites_separator_and_width(desk: Desk, hall: Hall) -> None:
    assert desk.issue(hall.ktp).number == "DK-001"
    desk.settings(number_separator="", number_width=4)
    ticket = desk.issue(hall.ktp)
    assert (ticket.number, ticket.sequence) == ("DK0002", 2)


def test_a_number_format_outside_the_limits_is_refused(desk: Desk) -> None:
    for change in ({"number_width": 7}, {"number_width": 0}, {"number_separator": "---"}):
        with pytest.raises(DomainError) as refused:
            desk.settings(**change)
        assert refused.value.code == ErrorCode.VALIDATION_ERROR


def _issue_in_own_transaction(db: Database, ctx: CtxFactory, service_id: int) -> str:
    """Issue as the REST adapter does: one transaction, rolled back when refused."""
    with db.write() as session:
        return issue_ticket(ctx(session, None), IssueRequest(service_id)).ticket.number


def test_a_ticket_refused_for_quota_does_not_use_up_a_number(
    db: Database, ctx: CtxFactory, hall: Hall
) -> None:
    with db.write() as session:
        session.execute(update(Service).where(Service.id == hall.kk).values(daily_quota=1))
    assert _issue_in_own_transaction(db, ctx, hall.kk) == "DK-001"

    with pytest.raises(DomainError) as refused:
        _issue_in_own_transaction(db, ctx, hall.kk)
    assert refused.value.code == ErrorCode.QUOTA_EXHAUSTED

    assert _issue_in_own_transaction(db, ctx, hall.ktp) == "DK-002"


def test_a_ticket_refused_because_the_hall_is_closed_does_not_use_up_a_number(
    db: Database, ctx: CtxFactory, hall: Hall, clock: FakeClock
) -> None:
    assert _issue_in_own_transaction(db, ctx, hall.ktp) == "DK-001"
    with db.write() as session:
        session.add(Holiday(date=dt.date(2026, 11, 30), name="Cuti bersama"))

    with pytest.raises(DomainError) as refused:
        _issue_in_own_transaction(db, ctx, hall.ktp)
    assert refused.value.code == ErrorCode.SERVICE_CLOSED

    with db.write() as session:
        session.execute(delete(Holiday))
    assert _issue_in_own_transaction(db, ctx, hall.ktp) == "DK-002"
