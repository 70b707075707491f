"""Socket.IO push from a real server: the board hears the call with its words and a
gap-free ``seq``, a phone hears only its own ticket, strangers are turned away."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import socketio.exceptions

from tests.e2e.live import LiveServer

pytestmark = pytest.mark.slow

ZONE_A = "zone:zona-a"
CALL_TEXT = "Nomor antrean, de ka, satu, silakan menuju loket satu, Disdukcapil"


def seqs_in(events: list[dict[str, Any]], room: str) -> list[int]:
    return [e["seq"] for e in events if e["room"] == room]


@pytest.mark.parametrize("live_server", ["eventlet", "threading"], indirect=True)
def test_the_zone_board_hears_the_call_with_its_words_and_the_next_seq(
    live_server: LiveServer,
) -> None:
    hall = live_server.hall
    with (
        live_server.socket({"token": hall.tokens["display-a"]}) as board,
        live_server.device("display-a") as display,
        live_server.device("kiosk") as kiosk,
        live_server.officer("petugas.dk") as officer,
    ):
        snapshot = display.get("/api/v1/displays/zona-a/snapshot").json()
        ticket = kiosk.issue(hall.ktp)
        officer.counter(hall.c1, "open")

        officer.counter(hall.c1, "next")

        called = board.wait_for("ticket.called")
        before = board.received()[: board.received().index(called)]
        assert called["ticket"]["number"] == ticket["number"] == "DK-001"
        assert called["counter"]["label"] == "Loket 1"
        assert called["announce"]["id"] == CALL_TEXT
        assert called["room"] == ZONE_A
        assert called["recall"] is False
        assert isinstance(called["seq"], int)
        assert seqs_in(before, ZONE_A) == list(range(snapshot["seq"] + 1, called["seq"]))
        assert called["seq"] == snapshot["seq"] + len(before) + 1

        officer.counter(hall.c1, "recall")

        recalled = board.wait_for("ticket.called", lambda e: e["recall"])
        assert recalled["ticket"]["id"] == ticket["id"]
        assert recalled["call_count"] == 2
        assert recalled["announce"]["id"] == CALL_TEXT
        every = board.received()
        assert {e["room"] for e in every} == {ZONE_A}
        assert seqs_in(every, ZONE_A) == list(range(snapshot["seq"] + 1, recalled["seq"] + 1))


def test_a_socket_with_a_bad_token_or_ticket_code_is_refused(live_server: LiveServer) -> None:
    bad = [
        {"token": "ant_d_not-a-real-token"},
        {"token": "ant_u_not-a-real-token"},
        {"token": "x" * 500},
        {"token": ""},
        {"ticket": "no-such-ticket-code"},
        {},
    ]
    for auth in bad:
        listener = live_server.socket(auth)
        with pytest.raises(socketio.exceptions.ConnectionError):
            listener.connect()
        listener.close()
    with live_server.socket({"token": live_server.hall.tokens["display-a"]}) as good:
        assert good.client.connected


def test_a_phone_hears_only_its_own_ticket(live_server: LiveServer) -> None:
    hall = live_server.hall
    with live_server.device("kiosk") as kiosk, live_server.officer("petugas.dk") as officer:
        mine = kiosk.issue(hall.ktp)
        other = kiosk.issue(hall.ktp)
        code = mine["status_code"]
        status = kiosk.get(f"/api/v1/tickets/{code}").json()
        with (
            live_server.socket({"ticket": code}) as phone,
            live_server.socket({"token": hall.tokens["display-a"]}) as board,
        ):
            kiosk.issue(hall.kk)
            officer.counter(hall.c1, "open")
            officer.counter(hall.c1, "next")  # calls mine
            officer.counter(hall.c1, "next")  # finishes mine, calls the other

            # The board hearing the other call means every push of that command went out.
            board.wait_for("ticket.called", lambda e: e["ticket"]["id"] == other["id"])
            phone.wait_for("ticket.updated", lambda e: e["ticket"]["state"] == "done")
            heard = phone.received("ticket.called") + phone.received("ticket.updated")
            lines = phone.received("queue.stats")
    heard.sort(key=lambda e: e["seq"])
    assert [e["ticket"]["number"] for e in heard] == [mine["number"]] * len(heard)
    # Its line's figures (the KK ticket's line is not its own): counts, nothing personal.
    assert lines and {e["room"] for e in lines} == {f"line:{hall.ktp}"}
    assert all(e.keys() == {"line", "room", "seq"} for e in lines)
    assert {e["line"]["service_id"] for e in lines} == {hall.ktp}
    # The phone's payload is the public page's: no ids to walk, no staff fields.
    assert not any({"id", "status_code", "officer_id"} & e["ticket"].keys() for e in heard)
    assert {e["room"] for e in heard} == {f"ticket:{code}"}
    assert seqs_in(heard, f"ticket:{code}") == [status["seq"] + 1, status["seq"] + 2]
    assert [e["ticket"]["state"] for e in heard] == ["called", "done"]


def test_a_board_may_not_subscribe_to_rooms_outside_its_zone(live_server: LiveServer) -> None:
    hall = live_server.hall
    elsewhere = ["zone:zona-b", "agency:DK", "agency:SM", "hall", f"counter:{hall.c1}"]
    with live_server.socket({"token": hall.tokens["display-a"]}) as board:
        answers = {room: board.call("subscribe", {"room": room}) for room in elsewhere}
        own = board.call("subscribe", {"room": ZONE_A})
    assert answers == {room: {"ok": False, "error": "forbidden"} for room in elsewhere}
    assert own["ok"] is True


def test_an_officer_may_subscribe_to_a_counter_of_the_own_agency_only(
    live_server: LiveServer,
) -> None:
    hall = live_server.hall
    with live_server.officer("petugas.dk") as officer:
        token = officer.token
        assert token is not None
        with live_server.socket({"token": token}) as socket:
            own = socket.call("subscribe", {"room": f"counter:{hall.c1}"})
            other = socket.call("subscribe", {"room": f"counter:{hall.c3}"})
    assert own == {"ok": True, "room": f"counter:{hall.c1}", "seq": 0}
    assert other == {"ok": False, "error": "forbidden"}


def test_a_supervisor_may_subscribe_to_the_zones_of_their_counters_not_the_hall(
    live_server: LiveServer,
) -> None:
    with live_server.officer("sup.dk") as sup:
        assert sup.token is not None
        with live_server.socket({"token": sup.token}) as socket:
            refused = {room: socket.call("subscribe", {"room": room}) for room in FOREIGN}
            own = socket.call("subscribe", {"room": ZONE_A})  # Loket 1 and 2 are there
    assert refused == {room: {"ok": False, "error": "forbidden"} for room in FOREIGN}
    assert own["ok"] is True and own["room"] == ZONE_A


# What a supervisor of DK does not hear: the whole hall, a zone with only Samsat's
# counter, Samsat's own room.
FOREIGN = ["hall", "zone:zona-b", "agency:SM"]


def test_a_kiosk_stored_with_an_agency_may_not_subscribe_to_it(live_server: LiveServer) -> None:
    from server.db import Database
    from server.domain.auth import DEVICE_TOKEN_PREFIX, new_token, token_hash
    from server.models import Device, DeviceKind

    token = new_token(DEVICE_TOKEN_PREFIX)
    db = Database(live_server.database_url)
    with db.write() as session:  # as an older ``add-device --agency DK`` stored it
        session.add(
            Device(
                kind=DeviceKind.KIOSK,
                name="old kiosk of DK",
                token_hash=token_hash(token),
                agency_id=live_server.hall.dk,
                active=True,
                created_at=dt.datetime.now(dt.UTC),
                health={},
            )
        )
    db.dispose()
    with live_server.socket({"token": token}) as kiosk:
        answer = kiosk.call("subscribe", {"room": "agency:DK"})
    assert answer == {"ok": False, "error": "forbidden"}


def test_a_phone_follows_its_own_line_only_and_hears_it_with_a_gap_free_seq(
    live_server: LiveServer,
) -> None:
    hall = live_server.hall
    with live_server.device("kiosk") as kiosk, live_server.officer("petugas.dk") as officer:
        first = kiosk.issue(hall.ktp)
        mine = kiosk.issue(hall.ktp)
        with live_server.socket({"ticket": mine["status_code"]}) as phone:
            refused = {
                room: phone.call("subscribe", {"room": room})
                for room in (
                    f"line:{hall.kk}",
                    f"line:{hall.pkb}",
                    "zone:zona-a",
                    "agency:DK",
                    "hall",
                    f"counter:{hall.c1}",
                )
            }
            bad = [phone.call("subscribe", {"room": r}) for r in ("line:x", "line:", "line:1e9")]
            own = phone.call("subscribe", {"room": f"line:{hall.ktp}"})

            officer.counter(hall.c1, "open")
            officer.counter(hall.c1, "next")  # calls the first: one fewer ahead of mine
            officer.counter(hall.c1, "next")  # finishes it and calls mine
            phone.wait_for("queue.stats", lambda e: e["line"]["waiting"] == 0)
            stats = phone.received("queue.stats")
    assert refused == {room: {"ok": False, "error": "forbidden"} for room in refused}
    assert bad == [{"ok": False, "error": "validation_error"}] * 3
    assert own["ok"] is True and own["room"] == f"line:{hall.ktp}"
    assert [e["seq"] for e in stats] == list(range(own["seq"] + 1, own["seq"] + 1 + len(stats)))
    # Opening the counter, calling the first, calling mine: the line as it shrinks.
    assert [e["line"]["waiting"] for e in stats] == [2, 1, 0]
    assert first["number"] != mine["number"]


def test_after_a_transfer_the_phone_may_join_the_new_line_and_not_the_old(
    live_server: LiveServer,
) -> None:
    hall = live_server.hall
    with live_server.device("kiosk") as kiosk, live_server.officer("petugas.dk") as officer:
        mine = kiosk.issue(hall.ktp)
        with live_server.socket({"ticket": mine["status_code"]}) as phone:
            officer.counter(hall.c1, "open")
            officer.counter(hall.c1, "next")
            moved = officer.post(
                f"/api/v1/counters/{hall.c1}/transfer", json={"service_id": hall.kk}
            )
            assert moved.status_code == 200, moved.text
            new_line = phone.call("subscribe", {"room": f"line:{hall.kk}"})
            old_line = phone.call("subscribe", {"room": f"line:{hall.ktp}"})
    assert new_line["ok"] is True
    assert old_line == {"ok": False, "error": "forbidden"}
