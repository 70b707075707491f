"""The outbox numbers every event of a room, heard or not, and computes and hands out
only what somebody may hear (docs/benchmarks.md: the issue path against the reference)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from server.domain.outbox import Outbox, current_seq


def test_an_event_nobody_may_hear_is_numbered_but_neither_computed_nor_handed_out(
    session: Session,
) -> None:
    outbox = Outbox()
    computed: list[str] = []

    def figures() -> dict[str, object]:
        computed.append("line")
        return {"waiting": 3}

    outbox.add("queue.stats", ["zone:A", "line:1"], figures)
    outbox.add("ticket.issued", ["hall"], {"ticket": {"number": "A-001"}})

    pushes = outbox.flush(session, lambda room: room == "hall")

    assert computed == []
    assert [(p.name, p.room, p.payload["seq"]) for p in pushes] == [("ticket.issued", "hall", 1)]
    assert current_seq(session, "zone:A") == 1
    assert current_seq(session, "line:1") == 1


def test_a_heard_room_gets_its_events_with_the_seq_that_counts_the_unheard_ones(
    session: Session,
) -> None:
    first, second = Outbox(), Outbox()
    first.add("queue.stats", ["zone:A", "line:1"], lambda: {"waiting": 1})
    assert first.flush(session, lambda room: False) == []

    second.add("queue.stats", ["zone:A", "line:1"], lambda: {"waiting": 2})
    pushes = second.flush(session, lambda room: room == "line:1")

    assert [(p.room, p.payload["seq"], p.payload["waiting"]) for p in pushes] == [("line:1", 2, 2)]


def test_without_a_listener_check_every_event_goes_to_every_room(session: Session) -> None:
    outbox = Outbox()
    outbox.add("queue.stats", ["zone:A", "line:1"], lambda: {"waiting": 1})

    pushes = outbox.flush(session)

    assert sorted((p.room, p.payload["seq"]) for p in pushes) == [("line:1", 1), ("zone:A", 1)]
