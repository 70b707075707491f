"""Hours for many services and special openings, without HTTP: what a preview promises is
what "apply" does, and a supervisor's scope is their own agency."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy.orm import Session

from server.domain import admin_hours
from server.domain.access import Principal
from server.domain.admin_catalog import Invalid
from server.domain.errors import DomainError
from server.models import Role, Service, SpecialOpening
from tests.factories import ALL_DAY, Hall
from tests.server.domain.conftest import CtxFactory

ADMIN = Principal(kind="user", id=1, role=Role.ADMIN)
WEEK = {"mon": ["07.30", "16.00"], "fri": ["07:30", "11.00"]}
STORED = {"mon": ["07:30", "16:00"], "fri": ["07:30", "11:00"]}


def supervisor_of(hall: Hall) -> Principal:
    return Principal(kind="user", id=2, role=Role.SUPERVISOR, agency_id=hall.dk, agency_code="DK")


def hours(session: Session, service_id: int) -> dict[str, Any]:
    service = session.get(Service, service_id)
    assert service is not None
    return dict(service.hours)


def test_a_preview_changes_nothing_and_apply_does_what_it_previewed(
    session: Session, hall: Hall, ctx: CtxFactory
) -> None:
    plan = admin_hours.plan_bulk_hours(ctx(session), ADMIN, {"scope": str(hall.dk)}, WEEK)
    assert [s.code for s in plan.changing] == ["DK-KTP", "DK-KK"]
    assert plan.hours == STORED and hours(session, hall.ktp) == ALL_DAY

    done = admin_hours.apply_bulk_hours(
        ctx(session), ADMIN, {"scope": str(hall.dk), "confirm": plan.fingerprint}, WEEK
    )

    assert len(done.changing) == 2
    assert hours(session, hall.ktp) == hours(session, hall.kk) == STORED
    assert hours(session, hall.pkb) == ALL_DAY


def test_a_service_changed_since_the_preview_makes_it_stale(
    session: Session, hall: Hall, ctx: CtxFactory
) -> None:
    plan = admin_hours.plan_bulk_hours(ctx(session), ADMIN, {"scope": "hall"}, WEEK)
    service = session.get(Service, hall.kk)
    assert service is not None
    service.hours = dict(STORED)  # someone else set these hours meanwhile: one fewer changes
    session.flush()

    with pytest.raises(Invalid) as refused:
        admin_hours.apply_bulk_hours(
            ctx(session), ADMIN, {"scope": "hall", "confirm": plan.fingerprint}, WEEK
        )
    assert list(refused.value.problems) == ["confirm"]
    assert hours(session, hall.ktp) == ALL_DAY


@pytest.mark.parametrize("scope", ["hall", "SM", "424242"])
def test_a_supervisor_names_no_other_scope_than_their_agency(
    session: Session, hall: Hall, ctx: CtxFactory, scope: str
) -> None:
    value = str(hall.sm) if scope == "SM" else scope
    with pytest.raises(DomainError) as refused:
        admin_hours.plan_bulk_hours(ctx(session), supervisor_of(hall), {"scope": value}, WEEK)
    assert refused.value.code == "forbidden"


def test_a_supervisors_empty_scope_is_their_agency(
    session: Session, hall: Hall, ctx: CtxFactory
) -> None:
    plan = admin_hours.plan_bulk_hours(ctx(session), supervisor_of(hall), {}, WEEK)
    assert plan.agency is not None and plan.agency.id == hall.dk


def test_the_hours_most_services_have_start_the_form(session: Session, hall: Hall) -> None:
    services = admin_hours.services_in_scope(session, None)
    services[0].hours = dict(STORED)
    assert admin_hours.common_hours(services) == ALL_DAY
    assert admin_hours.common_hours([services[0]]) == STORED
    assert admin_hours.common_hours([]) is None


def test_a_supervisor_edits_their_agencys_special_opening_not_the_halls(
    session: Session, hall: Hall
) -> None:
    supervisor = supervisor_of(hall)
    own = admin_hours.save_special_opening(
        session,
        supervisor,
        None,
        {"date": "2026-12-05", "opens": "8.00", "closes": "12.00", "name": "Sabtu"},
    )
    assert (own.agency_id, own.opens, own.closes) == (hall.dk, "08:00", "12:00")
    whole = SpecialOpening(
        date=dt.date(2026, 12, 5), opens="08:00", closes="12:00", agency_id=None, name="Mal"
    )
    session.add(whole)
    session.flush()

    assert admin_hours.may_edit(supervisor, own) and not admin_hours.may_edit(supervisor, whole)
    with pytest.raises(DomainError) as refused:
        admin_hours.delete_special_opening(session, supervisor, whole.id)
    assert refused.value.code == "forbidden"
    listed = admin_hours.special_openings_for(session, supervisor, 2026)
    assert [o.name for o in listed] == ["Mal", "Sabtu"]  # the hall's first on a date
