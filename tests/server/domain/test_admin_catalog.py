"""The catalogue's rules without HTTP: prefixes and series, opening hours, what may be
deleted and what is only deactivated."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from server.domain import admin_catalog as catalog
from server.domain.access import Principal
from server.domain.errors import DomainError
from server.models import Agency, Counter, Role, Series, Service
from tests.factories import Hall
from tests.server.domain.conftest import Desk

ADMIN = Principal(kind="user", id=1, role=Role.ADMIN)


def form(**changes: Any) -> dict[str, Any]:
    base = {
        "code": "DK-AKTA",
        "name": "Akta kelahiran",
        "prefix": "DK",
        "target_wait_minutes": "30",
        "typical_minutes": "10",
        "active": "on",
    }
    return {**base, **changes}


def problems(exc: pytest.ExceptionInfo[catalog.Invalid]) -> dict[str, str]:
    return {name: p.en for name, p in exc.value.problems.items()}


def test_services_of_one_agency_share_a_prefix_and_its_series(session: Session, hall: Hall) -> None:
    service = catalog.save_service(
        session, ADMIN, None, form(agency_id=str(hall.dk)), {"mon": ["08:00", "15:00"]}
    )
    ktp = session.get(Service, hall.ktp)
    assert ktp is not None and service.series_id == ktp.series_id


def test_a_new_prefix_starts_a_series_and_an_abandoned_one_goes(
    session: Session, hall: Hall
) -> None:
    service = catalog.save_service(
        session, ADMIN, None, form(agency_id=str(hall.dk), prefix="ak"), {}
    )
    assert service.series.prefix == "AK"
    catalog.save_service(session, ADMIN, service.id, form(prefix="DK"), {})
    assert session.scalar(select(Series).where(Series.prefix == "AK")) is None


def test_another_agencys_prefix_is_refused(session: Session, hall: Hall) -> None:
    with pytest.raises(catalog.Invalid) as exc:
        catalog.save_service(session, ADMIN, None, form(agency_id=str(hall.dk), prefix="SM"), {})
    assert problems(exc) == {"prefix": "Prefix SM belongs to Samsat."}


@pytest.mark.parametrize(
    ("hours", "field", "message"),
    [
        ({"mon": ["15:00", "08:00"]}, "hours.mon", "Opening must be before closing."),
        ({"tue": ["08:00", "08:00"]}, "hours.tue", "Opening must be before closing."),
        ({"wed": ["8-00", "15:00"]}, "hours.wed", "Times like 07.30 or 07:30 (00.00–24.00)."),
        ({"thu": ["08:00", "24:01"]}, "hours.thu", "Times like 07.30 or 07:30 (00.00–24.00)."),
        ({"fri": ["", ""]}, "hours.fri", "Enter opening and closing times."),
        ({"fri": "08:00-11:00"}, "hours.fri", "Enter opening and closing times."),
        ({"caturday": ["08:00", "11:00"]}, "hours", "Unknown weekday: caturday."),
        ([["08:00", "11:00"]], "hours", "The opening hours could not be read."),
    ],
)
def test_opening_hours_are_checked_day_by_day(
    hours: Any, field: str, message: str, session: Session, hall: Hall
) -> None:
    with pytest.raises(catalog.Invalid) as exc:
        catalog.save_service(session, ADMIN, None, form(agency_id=str(hall.dk)), hours)
    assert problems(exc) == {field: message}


def test_hours_are_stored_in_weekday_order_and_midnight_is_allowed(
    session: Session, hall: Hall
) -> None:
    service = catalog.save_service(
        session,
        ADMIN,
        None,
        form(agency_id=str(hall.dk)),
        {"sat": ["08:00", "12:00"], "mon": ["07:30", "24:00"]},
    )
    assert list(service.hours.items()) == [("mon", ["07:30", "24:00"]), ("sat", ["08:00", "12:00"])]


def test_a_service_with_tickets_is_kept_and_an_unused_one_deleted(
    desk: Desk, session: Session, hall: Hall
) -> None:
    desk.issue(hall.kk)
    with pytest.raises(DomainError) as exc:
        catalog.delete_service(session, ADMIN, hall.kk)
    assert exc.value.code == "conflict"
    fresh = catalog.save_service(session, ADMIN, None, form(agency_id=str(hall.dk)), {})
    assert catalog.delete_service(session, ADMIN, fresh.id) == "DK-AKTA"
    assert session.get(Service, fresh.id) is None


def test_a_supervisor_cannot_touch_another_agency(session: Session, hall: Hall) -> None:
    supervisor = Principal(
        kind="user", id=2, role=Role.SUPERVISOR, agency_id=hall.dk, agency_code="DK"
    )
    with pytest.raises(DomainError) as exc:
        catalog.save_service(session, supervisor, hall.pkb, form(code="SM-PKB", prefix="SM"), {})
    assert exc.value.code == "forbidden"
    with pytest.raises(DomainError):
        catalog.save_agency(session, supervisor, hall.dk, {"name": "x"})


def test_an_offered_service_without_an_active_counter_is_unserved(
    session: Session, hall: Hall
) -> None:
    assert catalog.unserved_services(session) == []
    for counter_id in (hall.c3, hall.c4):  # both of Samsat's counters close for good
        counter = session.get(Counter, counter_id)
        assert counter is not None
        counter.active = False
    session.flush()
    assert [s.code for s in catalog.unserved_services(session)] == ["SM-PKB"]
    assert catalog.unserved_services(session, [hall.ktp]) == []

    samsat = session.get(Agency, hall.sm)
    assert samsat is not None
    samsat.active = False  # not offered at all: nothing to warn about
    session.flush()
    assert catalog.unserved_services(session) == []
