"""Who may ask for what when a ticket is issued, and who reports its printing: rules of
the hall, so they hold for any adapter that issues (REST today, a booking check-in next)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import select

from server.domain.access import Principal
from server.domain.devices import record_health
from server.domain.errors import DomainError
from server.domain.tickets import report_printing, request_for
from server.models import Device, Priority, Role, TicketSource
from shared.errors import ErrorCode
from tests.factories import Hall

if TYPE_CHECKING:
    from tests.server.domain.conftest import Desk

SLOT = dt.datetime(2026, 12, 7, 10, 0, tzinfo=dt.UTC)


def kiosk(desk: Desk) -> Principal:
    return Principal(kind="device", id=desk.kiosk_id)


def officer(hall: Hall) -> Principal:
    return Principal(kind="user", id=hall.users["petugas.dk"], role=Role.OFFICER)


def admin(hall: Hall) -> Principal:
    return Principal(kind="user", id=hall.users["admin"], role=Role.ADMIN)


@pytest.mark.parametrize(
    "field", [{"source": "booking"}, {"booked_for": SLOT}, {"source": "kiosk"}]
)
def test_a_kiosk_cannot_claim_a_source_or_a_booked_slot(
    desk: Desk, field: dict[str, object]
) -> None:
    with pytest.raises(DomainError) as refused:
        request_for(kiosk(desk), {"service_id": desk.hall.ktp, **field})
    assert refused.value.code == ErrorCode.FORBIDDEN


def test_a_kiosk_issues_kiosk_tickets_with_its_priority(desk: Desk) -> None:
    asked = request_for(kiosk(desk), {"service_id": desk.hall.ktp, "priority": "elderly"})
    assert (asked.source, asked.priority, asked.booked_for) == (
        TicketSource.KIOSK,
        Priority.ELDERLY,
        None,
    )


def test_staff_issue_counter_tickets_and_only_a_booking_has_a_slot(desk: Desk) -> None:
    hall = desk.hall
    assert request_for(officer(hall), {"service_id": hall.ktp}).source == TicketSource.COUNTER
    booked = request_for(
        officer(hall), {"service_id": hall.ktp, "source": "booking", "booked_for": SLOT}
    )
    assert (booked.source, booked.booked_for) == (TicketSource.BOOKING, SLOT)
    with pytest.raises(DomainError) as refused:
        request_for(officer(hall), {"service_id": hall.ktp, "booked_for": SLOT})
    assert (refused.value.code, refused.value.details.get("field")) == (
        ErrorCode.VALIDATION_ERROR,
        "booked_for",
    )


def test_only_the_issuing_kiosk_or_an_admin_reports_printing(desk: Desk) -> None:
    ticket = desk.issue(desk.hall.ktp)
    other_kiosk = desk.session.scalars(select(Device.id).where(Device.name == "display-a")).one()
    for someone in (Principal(kind="device", id=other_kiosk), officer(desk.hall)):
        with pytest.raises(DomainError) as refused:
            report_printing(desk.ctx(), someone, ticket.id, False)
        assert refused.value.code == ErrorCode.FORBIDDEN
    assert ticket.printed is None
    report_printing(desk.ctx(), kiosk(desk), ticket.id, False)
    assert ticket.printed is False
    report_printing(desk.ctx("admin"), admin(desk.hall), ticket.id, True)
    assert ticket.printed is True


def test_a_health_report_keeps_what_the_device_said_before(desk: Desk) -> None:
    record_health(desk.ctx(None), kiosk(desk), {"printer": "paper_low", "version": "1.2"})
    merged = record_health(desk.ctx(None), kiosk(desk), {"printer": "ok"})
    assert (merged["printer"], merged["version"]) == ("ok", "1.2")
    assert merged["reported_at"] == desk.clock().isoformat()
    with pytest.raises(DomainError) as refused:
        record_health(desk.ctx(None), officer(desk.hall), {"printer": "ok"})
    assert refused.value.code == ErrorCode.FORBIDDEN


def test_a_request_s_fingerprint_is_the_one_stored_keys_were_made_with() -> None:
    """Kept keys are compared with a retry's fingerprint: its text never changes, here
    the SHA-256 of ``{"booked_for": "2026-12-07T02:30:00+00:00", "priority": "elderly",
    "service_id": 12, "source": "booking"}``, keys sorted, as ``json.dumps`` wrote it."""
    from server.domain.tickets import IssueRequest

    request = IssueRequest(
        service_id=12,
        priority=Priority.ELDERLY,
        source=TicketSource.BOOKING,
        printed=True,  # not part of it: a retry may print or not
        booked_for=dt.datetime(2026, 12, 7, 2, 30, tzinfo=dt.UTC),
    )

    assert request.fingerprint() == (
        "aa67d98f45ce36911c60e99dc1672555dff7b9747c3bd8fc8d7e3dd0fa3b0a2c"
    )
