"""The printer states a kiosk reports as its health, said once for the kiosk that reads
them off the printer, the API that accepts them, the hall monitor and the console.

A state is a word on the wire (``POST /devices/me/health``, ``printer``); what each means
for the hall (a kiosk that cannot print, one that soon cannot) is decided here too, so
the monitor's red and the device list's red are the same red.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal


class PrinterState(StrEnum):
    """Every word a kiosk may report for its printer; the API refuses any other, so the
    monitor never has to guess what a kiosk meant."""

    OK = "ok"
    OFFLINE = "offline"
    PAPER_OUT = "paper_out"
    PAPER_LOW = "paper_low"
    COVER_OPEN = "cover_open"
    ERROR = "error"
    # A kiosk set up without a printer: tickets are shown on screen only.
    NONE = "none"


# The kiosk cannot print: visitors get their ticket on screen only until staff come.
FAULTS = frozenset(
    {PrinterState.OFFLINE, PrinterState.PAPER_OUT, PrinterState.COVER_OPEN, PrinterState.ERROR}
)
# It still prints, but staff should act before it stops.
WARNINGS = frozenset({PrinterState.PAPER_LOW})

Level = Literal["ok", "warn", "bad"]


def level(state: str) -> Level:
    """How the console colours a reported state: fine, worth a look (low paper, or no
    printer at all), or in trouble (a fault, or a word this version does not know)."""
    if state == PrinterState.OK:
        return "ok"
    if state in WARNINGS or state == PrinterState.NONE:
        return "warn"
    return "bad"
