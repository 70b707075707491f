"""Faults during a simulated hour: ``antre-server simulate --fault`` kills and restarts the
server it drives, cuts a kiosk's connection mid-issue, unplugs a board, restarts Redis
under two processes; and the day still ends right: every ticket a kiosk was given ends
on the server exactly once, every board and phone shows what a fresh snapshot shows, and
the reports equal the tally."""

from __future__ import annotations

import json
import shlex
import shutil
from pathlib import Path
from typing import Any

import pytest
import redis
from click.testing import CliRunner

from server.cli import cli
from server.demo.tokens import write_tokens
from server.simulation.faults import (
    Fault,
    FaultOptions,
    Window,
    classify_missed,
    parse_fault,
)
from server.simulation.measures import Deliveries
from server.simulation.people import Call
from server.simulation.screens import Resyncs, ZoneView
from tests.cluster.services import RedisProcess
from tests.e2e.live import REPO, LiveServer
from tests.factories import PASSWORD
from tests.pg import ADMIN_URL, require_postgres

OFFICERS = ("petugas.dk", "petugas2.dk", "petugas.sm")


def test_a_fault_is_a_time_of_the_day_and_a_kind() -> None:
    assert parse_fault("09:30=server-restart") == Fault(9 * 3600 + 30 * 60, "server-restart")
    assert parse_fault(" 13:00 = board-offline ").kind == "board-offline"
    for wrong in ("09:30", "9h30=kiosk-cut", "09:30=power-cut", "=redis-restart"):
        with pytest.raises(ValueError, match="HH:MM=KIND"):
            parse_fault(wrong)


def test_a_server_restart_needs_the_command_that_starts_the_server_again(
    tmp_path: Path,
) -> None:
    with pytest.raises(ValueError, match="--server-command"):
        FaultOptions(faults=(parse_fault("09:00=server-restart"),)).check()
    result = CliRunner().invoke(
        cli,
        ["simulate", "--fault", "09:00=server-restart", "--tokens-file", str(tmp_path / "x")],
    )
    assert result.exit_code != 0
    assert "--server-command" in result.output


def test_a_call_missed_while_offline_is_not_lost_when_a_snapshot_showed_it_after() -> None:
    deliveries, resyncs = Deliveries(), Resyncs()
    deliveries.listener("board:a")
    deliveries.listener("board:b")
    resyncs.note("board:a", 0.0)
    resyncs.note("board:b", 0.0)

    def call(sent: float, at: str) -> Call:
        key = (at, 1)
        deliveries.expect("board:a", key)
        deliveries.expect("board:b", key)
        return Call("next", sent, "Z1", key, None, (at, 0))

    calls = [call(10.0, "t1"), call(20.0, "t2"), call(40.0, "t3")]
    deliveries.hear("board:a", ("t1", 1), 10.1)  # b heard nothing: unplugged at 15
    unplugged = Window({"kind": "board-offline"}, 15.0, {"board:b"})
    resyncs.note("board:b", 30.0)  # plugged in again: its snapshot shows t2
    deliveries.hear("board:b", ("t3", 1), 40.1)
    for kind_heard in ("t2", "t3"):
        deliveries.hear("board:a", (kind_heard, 1), 50.0)

    totals = classify_missed(
        calls, {"Z1": ["board:a", "board:b"]}, deliveries, resyncs, [unplugged]
    )

    # t1 was made before the fault (beyond FAULT_MARGIN): missing it is a loss; t2 was made
    # while b was away and shown by its snapshot after.
    assert totals["boards"] == {
        "listeners": 2,
        "expected": 6,
        "lost": 1,
        "missed_while_offline": 1,
        "duplicated": 0,
    }
    assert unplugged.record["calls_missed_while_offline"] == 1


def test_a_board_s_view_moves_on_by_events_as_a_fresh_snapshot_would_show_it() -> None:
    snapshot: dict[str, Any] = {
        "seq": 4,
        "last_calls_limit": 2,
        "counters": [{"id": 1, "state": "open", "ticket": None}],
        "last_calls": [{"number": "A-001", "counter_id": 1}],
        "lines": [{"service_id": 7, "waiting": 2}],
    }
    view = ZoneView("Z1")
    view.load(snapshot)
    ticket = {"id": 12, "number": "A-002", "state": "called", "counter": {"id": 1}}
    assert not view.apply("ticket.called", {"ticket": ticket, "counter": {"id": 1}})
    assert not view.apply("queue.stats", {"line": {"service_id": 7, "waiting": 1}})
    assert not view.apply("ticket.updated", {"ticket": {**ticket, "state": "done"}})
    # A counter now holding a ticket the board never heard of: it must reload.
    moved = {"id": 1, "zone": "Z1", "state": "open", "current_ticket_id": 99}
    assert view.apply("counter.updated", {"counter": moved})

    assert view.shown() == {
        "counters": {1: ("open", None)},
        "last_calls": [("A-002", 1), ("A-001", 1)],
        "waiting": {7: 1},
    }


def _simulate(live: LiveServer, tmp_path: Path, *extra: str) -> tuple[Any, dict[str, Any]]:
    tokens = tmp_path / "tokens.json"
    write_tokens(tokens, dict(live.hall.tokens))
    out = tmp_path / "day.json"
    args = ["simulate", "--url", live.url, "--speed", "180", "--day", "08:00-09:00"]
    args += ["--seed", "5", "--visitors", "30", "--phones", "6"]
    args += ["--tokens-file", str(tokens), "--officer-password", PASSWORD]
    args += ["--admin-user", "admin", "--admin-password", PASSWORD, "--out", str(out)]
    for officer in OFFICERS:
        args += ["--officer", officer]
    result = CliRunner().invoke(cli, [*args, *extra])
    assert out.exists(), result.output
    return result, json.loads(out.read_text())


def _server_command(live: LiveServer) -> str:
    """How an operator's supervisor would start this server again, as one shell line."""
    env = [f"{k}={v}" for k, v in live.environment().items() if k.startswith("ANTRE_")]
    return f"cd {shlex.quote(str(REPO))} && " + shlex.join(["env", *env, *live.command()])


def _assert_the_day_ended_right(result: Any, summary: dict[str, Any]) -> None:
    assert result.exit_code == 0, result.output
    assert summary["ok"], result.output
    assert summary["reports_equal_tally"] and summary["differences"] == []
    faults = summary["faults"]
    assert all(record["ok"] for record in faults["schedule"]), faults["schedule"]
    tickets = faults["tickets"]
    assert tickets["confirmed"] > 20
    assert tickets["unknown_to_server"] == [] and tickets["not_finished"] == []
    assert tickets["given_twice"] == 0
    assert faults["boards_not_as_snapshot"] == {} and faults["boards_checked"] == 2
    assert faults["phones_not_as_ticket"] == {} and faults["phones_checked"] > 0
    for kind in ("boards", "phones"):
        assert summary["deliveries"][kind]["lost"] == 0
        assert summary["deliveries"][kind]["duplicated"] == 0


@pytest.mark.slow
def test_a_killed_server_a_cut_kiosk_and_an_unplugged_board_leave_the_day_whole(
    tmp_path: Path,
) -> None:
    (tmp_path / "server").mkdir()
    live = LiveServer(tmp_path / "server")
    try:
        live.prepare_database()
        live.start()
        result, summary = _simulate(
            live,
            tmp_path,
            *("--fault", "08:12=server-restart", "--server-command", _server_command(live)),
            *("--fault", "08:30=kiosk-cut", "--fault", "08:36=board-offline"),
        )
    finally:
        live.close()

    _assert_the_day_ended_right(result, summary)
    restart, cut, offline = summary["faults"]["schedule"]
    assert restart["kind"] == "server-restart" and restart["new_pid"] != restart["killed_pid"]
    assert summary["server"]["restarted_as"] == [restart["new_pid"]]
    # The request the kiosk never read the answer of made the ticket; the retry got it.
    assert cut["kind"] == "kiosk-cut" and cut["replayed"] is True and cut["number"]
    assert offline["kind"] == "board-offline" and offline["offline_minutes"] == 5
    assert "Faults:" in result.output and "server-restart" in result.output


@pytest.mark.slow
def test_a_redis_restart_under_two_processes_leaves_every_board_on_the_snapshot(
    tmp_path: Path,
) -> None:
    require_postgres()
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    mq = RedisProcess(tmp_path)
    mq.start()
    restart = f"redis-cli -p {mq.port} shutdown nosave; " + shlex.join(
        [
            "redis-server",
            *("--port", str(mq.port), "--bind", "127.0.0.1", "--save", ""),
            *("--appendonly", "no", "--daemonize", "yes", "--dir", str(tmp_path)),
        ]
    )
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = LiveServer(tmp_path / "a", pg_admin_url=ADMIN_URL, message_queue=mq.url)
    second: LiveServer | None = None
    try:
        first.prepare_database()
        second = LiveServer.sharing(first, tmp_path / "b")
        first.start()
        second.start()
        # Kiosks, counters and phones on the first process, one board on each: the board
        # on the second hears the first's calls only through Redis.
        result, summary = _simulate(
            first,
            tmp_path,
            *("--fault", "08:20=redis-restart", "--redis-restart-command", restart),
            *("--redis-url", mq.url, "--board-url", first.url, "--board-url", second.url),
        )
    finally:
        if second is not None:
            second.close()
        first.close()
        mq.stop()
        client = redis.Redis(port=mq.port, socket_connect_timeout=1)
        try:
            client.shutdown(nosave=True)  # the one the restart started, daemonised
        except redis.RedisError:
            pass
        finally:
            client.close()

    _assert_the_day_ended_right(result, summary)
    (restarted,) = summary["faults"]["schedule"]
    assert restarted["kind"] == "redis-restart" and restarted["ok"]
