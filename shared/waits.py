"""How a visitor's wait is told, in one place for the printed ticket, the kiosk's screen
and the phone's page.

Never "±0 minutes" (people are ahead, but the wait is under a minute: "soon"), and never
"you are next" to a line no open counter serves: nobody can call it yet. Of such a line,
a visitor is told whether its counters are on a break or closed: at lunch the whole
agency pauses, and "waiting for a counter to open" would send nobody to eat. The wait
is told with the break ("break") only where the server counts on the counters' return
(the hall has a typical pause today); else the break alone ("paused").
"""

from __future__ import annotations

from typing import Literal, get_args

WaitKind = Literal["closed", "paused", "break", "next", "soon", "wait"]
WAIT_KINDS: frozenset[str] = frozenset(get_args(WaitKind))


def wait_kind(
    people_ahead: int,
    minutes: int,
    open_counters: int,
    *,
    paused_counters: int = 0,
    break_known: bool = False,
) -> WaitKind:
    """ "closed" (no counter of the line is open or on a break), "paused" (none open,
    some on a break, back when the day cannot tell yet), "break" (none open, back in
    about ``minutes``), "next" (nobody ahead), "soon" (people ahead, under a minute), or
    "wait" (the estimated minutes are worth saying)."""
    if open_counters <= 0:
        if paused_counters <= 0:
            return "closed"
        return "break" if break_known else "paused"
    if people_ahead == 0:
        return "next"
    return "soon" if minutes <= 0 else "wait"


def told_kind(told: object, people_ahead: int, minutes: int, open_counters: int) -> WaitKind:
    """The wording the server chose (``told``, its answer's ``wait``), or, from a server
    that sent none or one this client does not know, the wording its figures give."""
    if isinstance(told, str) and told in WAIT_KINDS:
        return told  # type: ignore[return-value]  # checked against the Literal's values
    return wait_kind(people_ahead, minutes, open_counters)
