"""The announcement queue: in order, one at a time, nothing dropped, a recall again."""

from __future__ import annotations

import pytest

from display_board.announcements import (
    Announcement,
    AnnouncementQueue,
    Heard,
    RecentKeys,
    announcement_from_called,
)


def call(number: str, call_count: int = 1, at: str = "02:00") -> Announcement:
    prefix, sequence = number.split("-")
    ticket = {
        "id": int(sequence), "number": number, "prefix": prefix, "sequence": int(sequence),
        "call_count": call_count, "called_at": f"2026-11-30T{at}:00+00:00",
        "agency": {"code": prefix, "short_name": "Disdukcapil", "colour": "#AD1457"},
    }  # fmt: skip
    return announcement_from_called(
        {"ticket": ticket, "counter": {"id": 1, "label": "Loket 1"}, "recall": call_count > 1}
    )


def say_all(queue: AnnouncementQueue) -> list[str]:
    said = []
    while (current := queue.start_next()) is not None:
        said.append(current.number)
        queue.finish(Heard(current, spoken_by=("test",)))
    return said


def test_calls_are_announced_in_the_order_they_were_made() -> None:
    queue = AnnouncementQueue()
    numbers = [f"DK-{n:03d}" for n in range(1, 21)]
    for n, number in enumerate(numbers):
        assert queue.push(call(number, at=f"02:{n:02d}"))
    assert say_all(queue) == numbers
    assert queue.idle


def test_a_call_learnt_late_takes_its_place_by_the_time_it_was_made() -> None:
    queue = AnnouncementQueue()
    queue.push(call("DK-001", at="02:01"))
    assert queue.start_next() is not None  # DK-001 is being announced
    queue.push(call("DK-002", at="02:02"))
    queue.push(call("DK-004", at="02:04"))
    queue.push(call("DK-003", at="02:03"))  # its push was missed; the snapshot had it
    current = queue.current
    assert current is not None
    queue.finish(Heard(current, spoken_by=()))
    assert say_all(queue) == ["DK-002", "DK-003", "DK-004"]


def test_only_one_call_is_announced_at_a_time() -> None:
    queue = AnnouncementQueue()
    queue.push(call("DK-001", at="02:01"))
    queue.push(call("DK-002", at="02:02"))
    first = queue.start_next()
    assert first is not None and first.number == "DK-001"
    assert queue.start_next() is None  # DK-002 waits for DK-001 to finish
    assert [a.number for a in queue.pending] == ["DK-002"]
    queue.finish(Heard(first, spoken_by=()))
    second = queue.start_next()
    assert second is not None and second.number == "DK-002"


def test_calls_arriving_during_an_announcement_are_kept() -> None:
    queue = AnnouncementQueue()
    queue.push(call("DK-001"))
    current = queue.start_next()
    assert current is not None
    for n in range(2, 8):
        queue.push(call(f"DK-{n:03d}", at=f"02:{n:02d}"))
    queue.finish(Heard(current, spoken_by=()))
    assert say_all(queue) == [f"DK-{n:03d}" for n in range(2, 8)]
    assert len(queue.heard) == 7


def test_a_recall_is_announced_again_but_one_call_heard_twice_only_once() -> None:
    queue = AnnouncementQueue()
    assert queue.push(call("DK-001", at="02:00"))
    assert not queue.push(call("DK-001", at="02:00"))  # the push and a snapshot: one call
    assert queue.push(call("DK-001", call_count=2, at="02:01"))  # the officer recalled
    assert queue.push(call("DK-001", call_count=1, at="02:30"))  # transferred back, called anew
    said = say_all(queue)
    assert said == ["DK-001"] * 3
    assert [h.announcement.recall for h in queue.heard] == [False, True, False]


def test_finishing_another_call_than_the_current_one_is_a_bug() -> None:
    queue = AnnouncementQueue()
    queue.push(call("DK-001"))
    queue.start_next()
    with pytest.raises(ValueError):
        queue.finish(Heard(call("DK-009"), spoken_by=()))


def test_remembered_calls_are_bounded() -> None:
    keys = RecentKeys(limit=3)
    for key in "abcd":
        assert keys.add(key)
    assert "a" not in keys and "d" in keys
    assert not keys.add("d")
