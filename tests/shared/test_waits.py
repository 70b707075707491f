"""How a wait is worded: the same on paper, on the kiosk's screen and on the phone."""

from __future__ import annotations

import pytest

from shared.waits import told_kind, wait_kind


@pytest.mark.parametrize(
    ("ahead", "minutes", "counters", "kind"),
    [
        (0, 0, 0, "closed"),  # nobody ahead, but nobody open to call: not "you are next"
        (3, 30, 0, "closed"),
        (0, 0, 2, "next"),
        (2, 0, 1, "soon"),  # never "±0 minutes"
        (2, 14, 1, "wait"),
    ],
)
def test_the_wait_is_worded_by_what_the_visitor_can_expect(
    ahead: int, minutes: int, counters: int, kind: str
) -> None:
    assert wait_kind(ahead, minutes, counters) == kind


@pytest.mark.parametrize(
    ("ahead", "minutes", "paused", "known", "kind"),
    [
        (0, 0, 0, False, "closed"),  # none open, none on a break: closed
        (3, 30, 2, False, "paused"),  # on a break, back when the day cannot tell yet
        (0, 25, 1, True, "break"),  # nobody ahead: back in about 25 minutes
        (3, 40, 1, True, "break"),
    ],
)
def test_a_line_with_no_counter_open_is_told_whether_its_counters_are_on_a_break(
    ahead: int, minutes: int, paused: int, known: bool, kind: str
) -> None:
    told = wait_kind(ahead, minutes, 0, paused_counters=paused, break_known=known)
    assert told == kind


def test_an_open_counter_words_the_wait_as_before_whatever_others_are_on_a_break() -> None:
    assert wait_kind(2, 14, 1, paused_counters=3, break_known=True) == "wait"


def test_the_server_s_wording_is_kept_and_an_unknown_one_is_worded_from_the_figures() -> None:
    assert told_kind("break", 2, 14, 0) == "break"
    assert told_kind("tomorrow", 2, 14, 1) == "wait"
    assert told_kind(None, 0, 0, 0) == "closed"
    assert told_kind(7, 0, 0, 2) == "next"
