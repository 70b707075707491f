"""Room names: built and parsed in one place for the server and every client."""

from __future__ import annotations

import pytest

from shared import events


def test_a_line_room_is_named_by_its_service_and_parses_back() -> None:
    assert events.line_room(12) == "line:12"
    assert events.parse_room(events.line_room(12)) == ("line", "12")


@pytest.mark.parametrize("room", ["line", "line:", "lines:1", ":1", ""])
def test_malformed_rooms_are_refused(room: str) -> None:
    with pytest.raises(ValueError):
        events.parse_room(room)
