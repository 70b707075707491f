"""One printer vocabulary: what the kiosk reports is what the API accepts, and the monitor
and the device list judge a state alike."""

from __future__ import annotations

import pytest

from kiosk.printer import BLOCKING, PrinterHealth
from server.api.devices import HEALTH_SCHEMA
from shared.printer_health import FAULTS, WARNINGS, PrinterState, level


def test_every_state_the_kiosk_reports_is_accepted_by_the_server() -> None:
    accepted = set(HEALTH_SCHEMA["printer"].choices or ())
    assert {state.value for state in PrinterHealth} <= accepted
    assert accepted == {state.value for state in PrinterState}


def test_the_kiosk_stops_printing_on_exactly_the_monitors_faults() -> None:
    assert set(BLOCKING) == set(FAULTS)


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("ok", "ok"),
        ("paper_low", "warn"),
        ("none", "warn"),
        ("paper_out", "bad"),
        ("offline", "bad"),
        ("cover_open", "bad"),
        ("error", "bad"),
        ("melted", "bad"),
    ],
)
def test_the_console_colours_a_state_by_what_it_means_for_visitors(
    state: str, expected: str
) -> None:
    assert level(state) == expected


def test_a_fault_is_never_only_a_warning() -> None:
    assert not FAULTS & WARNINGS
