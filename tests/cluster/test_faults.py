"""Faults in a large hall (two server processes, PostgreSQL, Redis), each ending by itself:
the message queue stops, the database restarts under load, a process is killed under
load, a board misses events. docs/fault-tolerance.md says what a user sees in each."""

from __future__ import annotations

import signal
import uuid
from collections.abc import Callable

import pytest
import requests

from shared.api_client import ApiClient
from tests.cluster.balancer import TcpBalancer
from tests.cluster.clients import Board, settle, wait_until_exact
from tests.cluster.conftest import StartCluster
from tests.cluster.load import KioskLoad, assert_exactly_the_confirmed, assert_whole_and_gap_free
from tests.cluster.services import PostgresCluster, RedisProcess
from tests.e2e.live import wait_until
from tests.factories import PASSWORD

pytestmark = [pytest.mark.cluster, pytest.mark.postgres, pytest.mark.slow]

ZONE = "zona-a"
RecordProperty = Callable[[str, object], None]


def officer_at(url: str, username: str = "petugas.dk") -> ApiClient:
    officer = ApiClient(url)
    officer.login(username, PASSWORD)
    return officer


def test_while_redis_is_down_tickets_are_issued_and_called_and_boards_catch_up_after(
    start_cluster: StartCluster, redis_mq: RedisProcess
) -> None:
    cluster = start_cluster()
    a, b = cluster.servers
    hall = a.hall
    token = hall.tokens["display-a"]
    kiosk_a = ApiClient(a.url, hall.tokens["kiosk"])
    kiosk_b = ApiClient(b.url, hall.tokens["kiosk"])
    officer = officer_at(b.url)
    officer.counter(hall.c1, "open")
    with Board(a.url, token, ZONE) as board_a, Board(b.url, token, ZONE) as board_b:
        kiosk_a.issue_ticket(hall.ktp)
        settle([board_a, board_b], ApiClient(a.url, token), ZONE)
        first = officer.counter(hall.c1, "next")["ticket"]["number"]
        settle([board_a, board_b], ApiClient(a.url, token), ZONE)

        redis_mq.stop()
        # One attempt each: the HTTP answer must not depend on the push getting out.
        during = [kiosk.issue_ticket(hall.ktp, attempts=1) for kiosk in (kiosk_a, kiosk_b)]
        called = officer.counter(hall.c1, "next")["ticket"]["number"]
        # The process that made the call still tells its own sockets; the other hears nothing.
        wait_until(
            lambda: board_b.view()["counters"][hall.c1] == ("open", called),
            15,
            "the board on B to show the call",
        )
        shown_on_a = board_a.view()["counters"][hall.c1]

        redis_mq.start()
        truth = wait_until_exact(
            [board_a, board_b],
            ApiClient(a.url, token),
            ZONE,
            nudge=lambda: kiosk_a.issue_ticket(hall.pkb),
            timeout=60,
        )
    for client in (kiosk_a, kiosk_b, officer):
        client.close()

    assert called == during[0].ticket["number"]
    assert shown_on_a == ("open", first), "no push crossed to A while Redis was down"
    assert truth["counters"][hall.c1] == ("open", called)
    assert truth["last_calls"][:2] == [(called, hall.c1), (first, hall.c1)]
    assert board_a.snapshots_loaded >= 2 and board_b.snapshots_loaded >= 2


@pytest.mark.parametrize("stop_mode", ["fast", "immediate"])  # a restart; a crash
def test_a_postgresql_restart_under_load_fails_requests_cleanly_and_the_servers_recover(
    own_postgres: PostgresCluster,
    start_cluster: StartCluster,
    record_property: RecordProperty,
    stop_mode: str,
) -> None:
    cluster = start_cluster(postgres=own_postgres)
    a, b = cluster.servers
    hall = a.hall
    kiosk = hall.tokens["kiosk"]
    pids = [server.process.pid for server in cluster.servers if server.process]
    with KioskLoad([a.url, b.url], kiosk, [hall.ktp, hall.kk, hall.pkb], kiosks=8) as load:
        load.wait_for(40)
        own_postgres.stop(stop_mode)
        probe = requests.post(
            f"{a.url}/api/v1/tickets",
            json={"service_id": hall.ktp},
            headers={"Authorization": f"Bearer {kiosk}", "Idempotency-Key": str(uuid.uuid4())},
            timeout=10,
        )
        wait_until(lambda: load.refusal_codes()[(503, "unavailable")] >= 8, 30, "kiosks refused")
        own_postgres.start()
        load.wait_for(load.count() + 40)

    record_property("confirmed", load.count())
    record_property("refused_503", len(load.refusals))
    assert probe.status_code == 503
    assert probe.json()["error"]["code"] == "unavailable"
    assert probe.headers["Retry-After"].isdigit()
    assert set(load.refusal_codes()) == {(503, "unavailable")}
    assert all(refusal.retry_after for refusal in load.refusals)
    assert load.connection_errors == 0, "a server process went away"
    assert [server.process.pid for server in cluster.servers if server.process] == pids
    assert all(server.process and server.process.poll() is None for server in cluster.servers)
    assert_whole_and_gap_free(a.db)
    assert_exactly_the_confirmed(a.db, load)


def test_a_process_killed_under_load_loses_no_confirmed_ticket_and_clients_move_over(
    start_cluster: StartCluster, record_property: RecordProperty
) -> None:
    cluster = start_cluster()
    a, _ = cluster.servers
    hall = a.hall
    token = hall.tokens["display-a"]
    ours: list[int] = []  # tickets this test issued besides the kiosks'
    with TcpBalancer(cluster.ports) as balancer:
        kiosk = ApiClient(balancer.url, hall.tokens["kiosk"])

        def nudge() -> None:
            ours.append(int(kiosk.issue_ticket(hall.pkb).ticket["id"]))

        boards = [Board(balancer.url, token, ZONE) for _ in range(3)]
        for board in boards:
            board.__enter__()
        try:
            officer = officer_at(balancer.url)
            officer.counter(hall.c1, "open")
            with KioskLoad([balancer.url], hall.tokens["kiosk"], [hall.ktp, hall.kk]) as load:
                load.wait_for(30)
                officer.counter(hall.c1, "next")
                load.wait_for(60)
                a.kill(signal.SIGKILL)
                load.wait_for(load.count() + 60)
            # A fresh connection: a counter command is not retried blindly (it is not
            # idempotent), so the officer's window reconnects before pressing again.
            officer = ApiClient(balancer.url, officer.token)
            called = officer.counter(hall.c1, "next")["ticket"]["number"]
            truth = wait_until_exact(boards, ApiClient(balancer.url, token), ZONE, nudge, 60)
        finally:
            for board in boards:
                board.__exit__()
            kiosk.close()

    record_property("confirmed", load.count())
    record_property("kiosk_connection_errors", load.connection_errors)
    record_property("board_snapshot_loads", [board.snapshots_loaded for board in boards])
    assert a.process is not None and a.process.poll() == -signal.SIGKILL
    assert truth["counters"][hall.c1] == ("open", called)
    assert any(board.connections >= 2 for board in boards), "no board moved over"
    assert all(board.feed.connected is False for board in boards)  # stopped at the end
    assert set(load.refusal_codes()) <= {(503, "unavailable")}
    assert_whole_and_gap_free(a.db)
    assert_exactly_the_confirmed(a.db, load, others=ours)


def test_a_board_that_misses_events_resynchronises_to_the_exact_state(
    start_cluster: StartCluster,
) -> None:
    cluster = start_cluster()
    a, b = cluster.servers
    hall = a.hall
    token = hall.tokens["display-a"]
    kiosk = ApiClient(a.url, hall.tokens["kiosk"])
    officers = [officer_at(b.url, "petugas.dk"), officer_at(a.url, "petugas2.dk")]
    officers[0].counter(hall.c1, "open")
    officers[1].counter(hall.c2, "open")
    with Board(a.url, token, ZONE) as faithful, Board(b.url, token, ZONE) as lossy:
        for _ in range(4):
            kiosk.issue_ticket(hall.kk)
        settle([faithful, lossy], ApiClient(a.url, token), ZONE)
        lossy.drop_next(3)
        officers[0].counter(hall.c1, "next")
        settle([faithful], ApiClient(a.url, token), ZONE)
        officers[1].counter(hall.c2, "next")
        wait_until(lambda: len(lossy.dropped) == 3, 15, "three events lost")
        lost_view = lossy.view()
        truth = wait_until_exact(
            [faithful, lossy],
            ApiClient(a.url, token),
            ZONE,
            nudge=lambda: kiosk.issue_ticket(hall.pkb),
        )
    kiosk.close()

    assert lost_view != truth, "the lost events mattered"
    assert lossy.snapshots_loaded >= 2, "the gap made it reload"
    assert faithful.snapshots_loaded == 1, "a board that missed nothing never reloads"
    assert all(truth["counters"][c][1] for c in (hall.c1, hall.c2)), "both calls shown"
