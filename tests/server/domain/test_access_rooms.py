"""Which rooms a socket sits in and may join: a visitor's phone hears its ticket and the
line it waits in, nothing of other lines, boards or staff; a supervisor hears their
agency and the zones its counters are in, not the hall; a kiosk or display never hears
an agency, whatever agency an older registration stored on it."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from server.domain.access import (
    Principal,
    can_read_agency,
    can_read_hall,
    can_read_zone,
    default_rooms,
    may_join,
)
from server.models import DeviceKind, Role
from tests.factories import Hall

PHONE = Principal(kind="ticket", id=7, ticket_code="s3cr3t-code", ticket_service_id=4)
BOARD = Principal(kind="device", id=2, device_kind=DeviceKind.DISPLAY, zone_code="zona-a")
OFFICER = Principal(kind="user", id=3, role=Role.OFFICER, agency_id=1, agency_code="DK")
ADMIN = Principal(kind="user", id=1, role=Role.ADMIN)


def test_a_phone_sits_in_its_ticket_room_and_its_line_room(session: Session) -> None:
    assert default_rooms(PHONE) == ["ticket:s3cr3t-code", "line:4"]


def test_a_phone_may_join_the_line_its_ticket_waits_in_now(session: Session) -> None:
    assert may_join(session, PHONE, "line:4", ticket_service=4)
    # Transferred to line 5 since it connected: the old line is closed to it.
    assert may_join(session, PHONE, "line:5", ticket_service=5)
    assert not may_join(session, PHONE, "line:4", ticket_service=5)


@pytest.mark.parametrize("room", ["line:5", "zone:zona-a", "agency:DK", "hall", "counter:1"])
def test_a_phone_may_not_join_other_lines_boards_or_staff_rooms(
    room: str, session: Session
) -> None:
    assert not may_join(session, PHONE, room, counter_agency=1, ticket_service=4)


def test_a_line_room_is_not_for_boards_or_officers_who_hear_their_lines_elsewhere(
    session: Session,
) -> None:
    assert not may_join(session, BOARD, "line:4")
    assert not may_join(session, OFFICER, "line:4", ticket_service=4)
    assert may_join(session, ADMIN, "line:4")


def test_without_knowing_the_ticket_line_nothing_is_granted(session: Session) -> None:
    assert not may_join(session, PHONE, "line:4")


SUPERVISOR_DK = Principal(kind="user", id=4, role=Role.SUPERVISOR, agency_code="DK")
# As ``antre-server add-device --agency DK`` stored them before it refused that.
KIOSK_OF_DK = Principal(kind="device", id=5, device_kind=DeviceKind.KIOSK, agency_code="DK")
BOARD_OF_DK = Principal(
    kind="device", id=6, device_kind=DeviceKind.DISPLAY, zone_code="zona-a", agency_code="DK"
)


def with_agency(who: Principal, agency_id: int) -> Principal:
    return Principal(**{**who.__dict__, "agency_id": agency_id})


def test_a_supervisor_hears_their_agency_and_the_zones_of_its_counters(
    session: Session, hall: Hall
) -> None:
    sup = with_agency(SUPERVISOR_DK, hall.dk)  # DK's counters are all in zona-a

    assert may_join(session, sup, "agency:DK")
    assert may_join(session, sup, "zone:zona-a")
    assert can_read_zone(session, sup, "zona-a")


def test_a_supervisor_does_not_hear_the_hall_other_zones_or_other_agencies(
    session: Session, hall: Hall
) -> None:
    sup = with_agency(SUPERVISOR_DK, hall.dk)

    assert not can_read_hall(sup)
    assert not may_join(session, sup, "hall")
    assert not may_join(session, sup, "zone:zona-b")  # only Samsat's counter 4 is there
    assert not can_read_zone(session, sup, "zona-b")
    assert not may_join(session, sup, "agency:SM")


def test_an_officer_hears_their_agency_but_no_board(session: Session, hall: Hall) -> None:
    officer = with_agency(OFFICER, hall.dk)

    assert may_join(session, officer, "agency:DK")
    assert not may_join(session, officer, "zone:zona-a")
    assert not may_join(session, officer, "hall")


@pytest.mark.parametrize("device", [KIOSK_OF_DK, BOARD_OF_DK], ids=["kiosk", "display"])
def test_a_kiosk_or_display_stored_with_an_agency_never_reads_it(
    session: Session, hall: Hall, device: Principal
) -> None:
    device = with_agency(device, hall.dk)

    assert not can_read_agency(device, "DK")
    assert not may_join(session, device, "agency:DK")


def test_a_display_hears_its_zone_only_and_a_kiosk_the_hall(session: Session) -> None:
    assert may_join(session, BOARD, "zone:zona-a")
    assert not may_join(session, BOARD, "zone:zona-b")
    assert not may_join(session, BOARD, "hall")
    assert may_join(session, KIOSK_OF_DK, "hall")
    assert not may_join(session, KIOSK_OF_DK, "zone:zona-a")
