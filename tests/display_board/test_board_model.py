"""The board's state: a snapshot, then events; calls missed while away are handed back."""

from __future__ import annotations

from typing import Any

from display_board.board_model import BoardModel

CONFIG = {
    "site": {"name": "MPP Kabupaten Tangerang", "short_name": "MPP Kab. Tangerang"},
    "settings": {"callout_template_id": "", "callout_template_en": ""},
    "zones": [{"code": "zona-a", "name": "Zona A"}],
    "agencies": [
        {"id": 1, "code": "DK", "short_name": "Disdukcapil", "colour": "#AD1457", "position": 1},
        {"id": 2, "code": "SM", "short_name": "Samsat", "colour": "#0D47A1", "position": 2},
    ],
    "services": [
        {"id": 10, "agency_id": 1, "name": "KTP-el", "position": 1},
        {"id": 11, "agency_id": 1, "name": "KK", "position": 2},
        {"id": 20, "agency_id": 2, "name": "PKB", "position": 1},
    ],
}
DK = {"id": 1, "code": "DK", "short_name": "Disdukcapil", "colour": "#AD1457"}
SM = {"id": 2, "code": "SM", "short_name": "Samsat", "colour": "#0D47A1"}


def ticket(
    tid: int, number: str, state: str, counter: int | None, count: int = 1, minute: int = 0
) -> dict[str, Any]:
    prefix, sequence = number.split("-")
    return {
        "id": tid, "number": number, "prefix": prefix, "sequence": int(sequence), "state": state,
        "call_count": count, "called_at": f"2026-11-30T02:{minute or tid:02d}:00+00:00",
        "agency": DK if prefix == "DK" else SM,
        "counter": {"id": counter, "label": f"Loket {counter}"} if counter else None,
    }  # fmt: skip


def last_call(t: dict[str, Any], recall: bool = False, times: int = 1) -> dict[str, Any]:
    counter = t["counter"]
    return {"number": t["number"], "counter": counter["label"], "counter_id": counter["id"],
            "agency": t["agency"], "at": t["called_at"], "recall": recall,
            "times": times}  # fmt: skip


def snapshot(
    seq: int, *tickets_at: tuple[int, dict[str, Any] | None], calls: list[dict[str, Any]] = ()
) -> dict[str, Any]:
    at = dict(tickets_at)
    return {
        "zone": {"code": "zona-a", "name": "Zona A"},
        "seq": seq,
        "counters": [
            {"id": 1, "label": "Loket 1", "state": "open", "agency": DK, "agency_id": 1,
             "service_ids": [10, 11], "ticket": at.get(1)},
            {"id": 3, "label": "Loket 3", "state": "closed", "agency": SM, "agency_id": 2,
             "service_ids": [20], "ticket": at.get(3)},
        ],
        "last_calls": list(calls),
        "lines": [
            {"service_id": 10, "waiting": 4, "estimated_wait_minutes": 30},
            {"service_id": 11, "waiting": 2, "estimated_wait_minutes": 20},
            {"service_id": 20, "waiting": 5, "estimated_wait_minutes": 50},
        ],
    }  # fmt: skip


def loaded(seq: int = 10, *tickets_at: tuple[int, dict[str, Any] | None]) -> BoardModel:
    model = BoardModel(zone_code="zona-a")
    model.load_config(CONFIG)
    assert model.load_snapshot(snapshot(seq, *tickets_at)) == []
    return model


def event(seq: int, **payload: Any) -> dict[str, Any]:
    return {"room": "zone:zona-a", "seq": seq, **payload}


def called(seq: int, t: dict[str, Any], recall: bool = False) -> dict[str, Any]:
    return event(seq, ticket=t, counter=t["counter"], recall=recall, announce={"id": "x"})


def test_calls_present_at_start_are_shown_not_announced() -> None:
    model = loaded(10, (1, ticket(1, "DK-001", "called", 1)))
    assert model.counters[1].ticket is not None
    assert model.counters[1].ticket.number == "DK-001"
    assert model.counters[3].ticket is None and model.counters[3].state == "closed"


def test_a_call_event_moves_the_counter_and_the_last_calls_and_is_announced() -> None:
    model = loaded()
    applied = model.apply("ticket.called", called(11, ticket(1, "DK-001", "called", 1)))
    assert applied.announcement is not None and applied.announcement.number == "DK-001"
    assert model.counters[1].ticket is not None and model.counters[1].ticket.state == "called"
    assert model.latest_call is not None and model.latest_call.counter_label == "Loket 1"
    applied = model.apply("ticket.updated", event(12, ticket=ticket(1, "DK-001", "serving", 1)))
    assert model.counters[1].ticket is not None and model.counters[1].ticket.state == "serving"
    model.apply("ticket.updated", event(13, ticket=ticket(1, "DK-001", "done", 1)))
    assert model.counters[1].ticket is None


def test_events_older_than_the_snapshot_change_nothing() -> None:
    model = loaded(10)
    applied = model.apply("ticket.called", called(10, ticket(1, "DK-001", "called", 1)))
    assert applied.announcement is None and not applied.changed
    assert model.counters[1].ticket is None
    other_room = {**called(11, ticket(1, "DK-001", "called", 1)), "room": "zone:zona-b"}
    assert model.apply("ticket.called", other_room).announcement is None


def test_calls_missed_while_away_are_handed_back_oldest_first_once() -> None:
    before = ticket(1, "DK-001", "called", 1)
    model = BoardModel(zone_code="zona-a")
    model.load_config(CONFIG)
    assert model.load_snapshot(snapshot(10, (1, before), calls=[last_call(before)])) == []
    dk2 = ticket(2, "DK-002", "done", 1, minute=10)
    sm1 = ticket(3, "SM-001", "serving", 3, minute=11)
    dk3 = ticket(4, "DK-003", "called", 1, minute=12)
    later = snapshot(20, (1, dk3), (3, sm1), calls=[last_call(t) for t in (dk3, sm1, dk2, before)])
    missed = model.load_snapshot(later)
    assert [a.number for a in missed] == ["DK-002", "SM-001", "DK-003"]
    assert missed[0].text("id") == (
        "Nomor antrean, de ka, dua, silakan menuju loket satu, Disdukcapil"
    )
    assert missed[1].counter_label == "Loket 3" and missed[1].agency_name == "Samsat"
    assert model.load_snapshot(later) == []  # the same snapshot again: nothing new
    recalled = ticket(4, "DK-003", "called", 1, count=2, minute=13)
    again = model.load_snapshot(
        snapshot(22, (1, recalled), calls=[last_call(recalled, recall=True), last_call(dk3)])
    )
    assert [(a.number, a.recall) for a in again] == [("DK-003", True)]


def test_after_a_long_outage_only_calls_still_waiting_for_their_visitor_are_announced() -> None:
    model = loaded(10)
    old_served = ticket(1, "DK-001", "done", 1, minute=1)
    old_waiting = ticket(2, "SM-001", "called", 3, minute=2)
    newest = ticket(3, "DK-002", "called", 1, minute=30)
    missed = model.load_snapshot(
        snapshot(40, (1, newest), (3, old_waiting),
                 calls=[last_call(newest), last_call(old_waiting), last_call(old_served)])
    )  # fmt: skip
    assert [a.number for a in missed] == ["SM-001", "DK-002"]


def test_a_counter_event_with_a_ticket_the_board_never_saw_asks_for_a_snapshot() -> None:
    model = loaded(10)
    view = {"id": 1, "zone": "zona-a", "label": "Loket 1", "state": "open",
            "current_ticket_id": 99, "service_ids": [10]}  # fmt: skip
    assert model.apply("counter.updated", event(11, counter=view)).reload
    moved = {**view, "zone": "zona-b", "current_ticket_id": None}
    assert model.apply("counter.updated", event(12, counter=moved)).reload
    assert model.apply("config.updated", event(13, what="settings")).reload


def test_waiting_people_per_agency_and_per_service() -> None:
    model = loaded()
    by_agency = [(w.name, w.waiting, w.colour) for w in model.waiting("agency")]
    assert by_agency == [("Disdukcapil", 6, "#AD1457"), ("Samsat", 5, "#0D47A1")]
    model.apply("queue.stats", event(11, line={"service_id": 20, "waiting": 6}))
    by_service = [(w.name, w.waiting) for w in model.waiting("service")]
    assert by_service == [("KTP-el", 4), ("KK", 2), ("PKB", 6)]
    assert model.services_of(model.counters[1]) == ["KTP-el", "KK"]


def test_previous_calls_list_each_ticket_once_with_how_often_it_was_called() -> None:
    dk4 = ticket(4, "DK-004", "called", 1, minute=4)
    sm1 = ticket(5, "SM-001", "serving", 3, minute=5)
    # The snapshot lists each ticket once, by its newest call, with how often it was called.
    calls = [last_call(dk4, recall=True, times=3), last_call(sm1)]
    for i, call in enumerate(calls):
        call["at"] = f"2026-11-30T02:{20 - i:02d}:00+00:00"
    model = BoardModel(zone_code="zona-a")
    model.load_config(CONFIG)
    model.load_snapshot({**snapshot(10, (3, sm1), calls=calls), "last_calls_limit": 4})
    assert [(c.number, c.times) for c in model.recent_calls()] == [("DK-004", 3), ("SM-001", 1)]

    # a recall pushed live moves the ticket to the top again, counted as the server counts
    model.apply("ticket.called", called(11, ticket(5, "SM-001", "called", 3, count=2, minute=30),
                                        recall=True))  # fmt: skip
    assert [(c.number, c.times) for c in model.recent_calls()] == [("SM-001", 2), ("DK-004", 3)]
    # a ticket transferred and called at another counter starts counting again
    model.apply("ticket.called", called(12, ticket(4, "DK-004", "called", 1, count=1, minute=31)))
    assert [(c.number, c.times) for c in model.recent_calls()] == [("DK-004", 1), ("SM-001", 2)]
    # recalls never push other numbers off: the list keeps as many tickets as the snapshot
    seq = 13
    for n in range(6, 9):
        for count in (1, 2, 3):
            t = ticket(n, f"DK-{n:03d}", "called", 1, count=count, minute=31 + n)
            model.apply("ticket.called", called(seq, t, recall=count > 1))
            seq += 1
    assert [(c.number, c.times) for c in model.recent_calls()] == [
        ("DK-008", 3), ("DK-007", 3), ("DK-006", 3), ("DK-004", 1),
    ]  # fmt: skip
