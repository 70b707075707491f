"""How a wait is worded: the same on paper, on the kiosk's screen and on the phone."""

from __future__ import annotations

import pytest

from shared.waits import wait_kind


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
