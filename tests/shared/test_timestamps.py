"""The one reading of the server's timestamps that the counter client and the board share."""

from __future__ import annotations

import datetime as dt

import pytest

from shared.timestamps import parse_time


def test_a_timestamp_with_an_offset_keeps_its_moment() -> None:
    moment = parse_time("2026-12-01T08:30:00+07:00")
    assert moment == dt.datetime(2026, 12, 1, 1, 30, tzinfo=dt.UTC)


def test_a_timestamp_without_an_offset_is_taken_as_utc_not_as_the_pcs_local_time() -> None:
    assert parse_time("2026-12-01T01:30:00") == dt.datetime(2026, 12, 1, 1, 30, tzinfo=dt.UTC)


@pytest.mark.parametrize("value", [None, "", "yesterday", 1733000000, ["2026-12-01"]])
def test_a_missing_or_unreadable_time_is_no_time(value: object) -> None:
    assert parse_time(value) is None


def test_the_clients_have_no_reading_of_their_own() -> None:
    import counter_client.hall
    import display_board.announcements

    assert counter_client.hall.parse_time is parse_time
    assert display_board.announcements.parse_time is parse_time
