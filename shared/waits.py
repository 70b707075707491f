"""How a visitor's wait is told, in one place for the printed ticket, the kiosk's screen
and the phone's page.

Never "±0 minutes" (people are ahead, but the wait is under a minute: "soon"), and never
"you are next" to a line no open counter serves: nobody can call it yet ("closed").
"""

from __future__ import annotations

from typing import Literal

WaitKind = Literal["closed", "next", "soon", "wait"]


def wait_kind(people_ahead: int, minutes: int, open_counters: int) -> WaitKind:
    """ "closed" (no counter of the line is open), "next" (nobody ahead), "soon" (people
    ahead, under a minute), or "wait" (the estimated minutes are worth saying)."""
    if open_counters <= 0:
        return "closed"
    if people_ahead == 0:
        return "next"
    return "soon" if minutes <= 0 else "wait"
