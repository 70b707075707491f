"""What an officer can press, its key, and whether it makes sense in the counter's state.

The rules mirror the server's (``server/domain/counters.py`` and the ticket life), so a
button is greyed out instead of answering with an error; the server still decides.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from shared import wire

# The server refuses a command whose ``expect_ticket_id`` is not the counter's current
# ticket (409 conflict). One switch, in case the client meets a server without the field.
SEND_EXPECTED_TICKET = True


class Action(StrEnum):
    """Values are the REST path segments under ``/counters/<id>/`` (requeue: a ticket's)."""

    NEXT = "next"
    RECALL = "recall"
    START = "start"
    FINISH = "finish"
    NO_SHOW = "no-show"
    TRANSFER = "transfer"
    PAUSE = "pause"
    RESUME = "resume"
    CLOSE = "close"
    CALL = "call"  # a chosen waiting ticket
    REQUEUE = "requeue"  # a returning no-show
    OPEN = "open"


# F-keys only: a function key never types into the officer's other window or a text field.
SHORTCUTS: Mapping[Action, str] = {
    Action.NEXT: "F1",
    Action.RECALL: "F2",
    Action.START: "F3",
    Action.FINISH: "F4",
    Action.NO_SHOW: "F5",
    Action.TRANSFER: "F6",
    Action.PAUSE: "F7",
    Action.RESUME: "F8",
    Action.CLOSE: "F9",
    Action.CALL: "F10",
    Action.REQUEUE: "F11",
}
COMPACT_SHORTCUT = "Ctrl+M"

# The buttons of the working view, in their order on screen.
COUNTER_BUTTONS = (
    Action.NEXT,
    Action.RECALL,
    Action.START,
    Action.FINISH,
    Action.NO_SHOW,
    Action.TRANSFER,
    Action.PAUSE,
    Action.RESUME,
    Action.CLOSE,
)
COMPACT_BUTTONS = (Action.NEXT, Action.RECALL, Action.FINISH)

# Commands about the counter's current ticket: they carry ``expect_ticket_id``.
ABOUT_CURRENT = frozenset(
    {
        Action.NEXT,
        Action.CALL,
        Action.RECALL,
        Action.START,
        Action.FINISH,
        Action.NO_SHOW,
        Action.TRANSFER,
    }
)
# Commands that end the current visitor's turn: refused for a moment after a new number
# appears, so the second half of a double press never ends a visitor nobody has seen.
ENDS_CURRENT = frozenset({Action.NEXT, Action.CALL, Action.FINISH, Action.NO_SHOW, Action.TRANSFER})


def allowed_actions(
    counter: wire.Counter | None,
    ticket: wire.Ticket | None,
    *,
    calls_needed: int,
    has_waiting: bool,
    has_no_shows: bool,
) -> frozenset[Action]:
    """The actions that make sense now (the server answers any other with an error)."""
    state = counter.get("state") if counter else None
    if state is None:
        return frozenset()
    if state == "closed":
        return frozenset({Action.OPEN})
    allowed = {Action.REQUEUE} if has_no_shows else set()
    if state == "open":
        allowed |= {Action.NEXT, Action.PAUSE}
        if has_waiting:
            allowed.add(Action.CALL)
    else:  # paused: the visitor at the counter can still be served, nobody new called
        allowed.add(Action.RESUME)
    if ticket is None:
        allowed.add(Action.CLOSE)
        return frozenset(allowed)
    ticket_state = ticket.get("state")
    if ticket_state == "called":
        allowed |= {Action.RECALL, Action.START, Action.FINISH, Action.TRANSFER}
        if int(ticket.get("call_count") or 0) >= calls_needed:
            allowed.add(Action.NO_SHOW)
    elif ticket_state == "serving":
        allowed |= {Action.FINISH, Action.TRANSFER}
    return frozenset(allowed)
