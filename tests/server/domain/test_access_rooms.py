"""Which rooms a socket sits in and may join: a visitor's phone hears its ticket and the
line it waits in, nothing of other lines, boards or staff."""

from __future__ import annotations

import pytest

from server.domain.access import Principal, default_rooms, may_join
from server.models import DeviceKind, Role

PHONE = Principal(kind="ticket", id=7, ticket_code="s3cr3t-code", ticket_service_id=4)
BOARD = Principal(kind="device", id=2, device_kind=DeviceKind.DISPLAY, zone_code="zona-a")
OFFICER = Principal(kind="user", id=3, role=Role.OFFICER, agency_id=1, agency_code="DK")
ADMIN = Principal(kind="user", id=1, role=Role.ADMIN)


def test_a_phone_sits_in_its_ticket_room_and_its_line_room() -> None:
    assert default_rooms(PHONE) == ["ticket:s3cr3t-code", "line:4"]


def test_a_phone_may_join_the_line_its_ticket_waits_in_now() -> None:
    assert may_join(PHONE, "line:4", ticket_service=4)
    # Transferred to line 5 since it connected: the old line is closed to it.
    assert may_join(PHONE, "line:5", ticket_service=5)
    assert not may_join(PHONE, "line:4", ticket_service=5)


@pytest.mark.parametrize("room", ["line:5", "zone:zona-a", "agency:DK", "hall", "counter:1"])
def test_a_phone_may_not_join_other_lines_boards_or_staff_rooms(room: str) -> None:
    assert not may_join(PHONE, room, counter_agency=1, ticket_service=4)


def test_a_line_room_is_not_for_boards_or_officers_who_hear_their_lines_elsewhere() -> None:
    assert not may_join(BOARD, "line:4")
    assert not may_join(OFFICER, "line:4", ticket_service=4)
    assert may_join(ADMIN, "line:4")


def test_without_knowing_the_ticket_line_nothing_is_granted() -> None:
    assert not may_join(PHONE, "line:4")
