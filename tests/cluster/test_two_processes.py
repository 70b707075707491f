"""Two server processes of one installation (one PostgreSQL database, one Redis message
queue) behave as one server: a call made on one reaches the boards on both, numbers stay
unique and gap-free, and two counters never get the same ticket."""

from __future__ import annotations

import collections
import threading
from typing import Any

import pytest
from sqlalchemy import func, select

from server.models import Ticket, TicketEvent
from shared.api_client import ApiClient
from tests.cluster.clients import Board, settle
from tests.cluster.conftest import StartCluster
from tests.e2e.live import ApiClient as HttpClient
from tests.e2e.test_concurrency import (
    committed_sequences,
    eight_dk_counters,
    issue_with_retry,
    run_together,
)
from tests.factories import PASSWORD

pytestmark = [pytest.mark.cluster, pytest.mark.postgres, pytest.mark.slow]

KIOSKS = 16
TICKETS = 800
WAITING = 120


def test_a_call_made_on_one_process_reaches_the_boards_on_both_once_in_order(
    start_cluster: StartCluster,
) -> None:
    cluster = start_cluster()
    a, b = cluster.servers
    hall = a.hall
    token = hall.tokens["display-a"]
    with Board(a.url, token, "zona-a") as board_a, Board(b.url, token, "zona-a") as board_b:
        kiosk = ApiClient(a.url, hall.tokens["kiosk"])
        issued = [kiosk.issue_ticket(hall.ktp).ticket["number"] for _ in range(3)]
        settle([board_a, board_b], ApiClient(a.url, token), "zona-a")
        officer = ApiClient(b.url)
        officer.login("petugas.dk", PASSWORD)
        officer.counter(hall.c1, "open")
        called = [officer.counter(hall.c1, "next")["ticket"]["number"] for _ in range(3)]
        settle([board_a, board_b], ApiClient(a.url, token), "zona-a")
        kiosk.close()
        officer.close()

    assert called == issued
    for board in (board_a, board_b):
        numbers = [number for number, _ in board.calls_heard]
        seqs = [seq for _, seq in board.calls_heard]
        assert numbers == called, "each call heard once, in the order it was made"
        assert seqs == sorted(seqs)
        assert board.snapshots_loaded == 1, "no gap, so no reload"
        assert board.view()["last_calls"][:3] == [(n, hall.c1) for n in reversed(called)]


def test_sixteen_kiosks_over_two_processes_get_unique_gap_free_numbers(
    start_cluster: StartCluster,
) -> None:
    cluster = start_cluster()
    hall = cluster.first.hall
    services = [hall.ktp, hall.kk, hall.pkb]  # KTP and KK share series DK
    issued: list[dict[str, Any]] = []
    retried: list[str] = []
    lock = threading.Lock()

    def kiosk(i: int) -> None:
        server = cluster.servers[i % 2]
        with server.device("kiosk") as client:
            for n in range(TICKETS // KIOSKS):
                ticket = issue_with_retry(client, services[(i + n) % 3], retried)
                with lock:
                    issued.append(ticket)

    run_together(KIOSKS, kiosk, timeout=150)

    assert len(issued) == TICKETS
    assert len({t["id"] for t in issued}) == TICKETS
    by_prefix: dict[str, list[int]] = collections.defaultdict(list)
    for ticket in issued:
        by_prefix[ticket["prefix"]].append(ticket["sequence"])
    for prefix, sequences in by_prefix.items():
        assert sorted(sequences) == list(range(1, len(sequences) + 1)), prefix
    with cluster.first.db.read() as session:
        for prefix, sequences in by_prefix.items():
            assert committed_sequences(session, prefix) == sorted(sequences)


def test_eight_counters_over_two_processes_never_call_the_same_ticket(
    start_cluster: StartCluster,
) -> None:
    cluster = start_cluster(prepare=eight_dk_counters)
    first = cluster.first
    desks: list[tuple[int, str]] = first.extra
    waiting: list[int] = []
    with first.device("kiosk") as kiosk:
        for _ in range(WAITING):
            waiting.append(kiosk.issue(first.hall.kk)["id"])
    officers: list[HttpClient] = [
        cluster.servers[i % 2].officer(username) for i, (_, username) in enumerate(desks)
    ]
    for (counter_id, _), officer in zip(desks, officers, strict=True):
        officer.counter(counter_id, "open")
    called: dict[int, list[int]] = {counter_id: [] for counter_id, _ in desks}

    def counter(i: int) -> None:
        counter_id, officer = desks[i][0], officers[i]
        for _ in range(WAITING + 1):
            ticket = officer.counter(counter_id, "next")["ticket"]
            if ticket is None:
                return
            assert ticket["counter"]["id"] == counter_id
            called[counter_id].append(ticket["id"])
        raise AssertionError("the line never emptied")

    try:
        run_together(len(desks), counter, timeout=150)
    finally:
        for officer in officers:
            officer.close()

    every_call = [ticket for calls in called.values() for ticket in calls]
    assert sorted(every_call) == sorted(waiting)  # each exactly once
    with first.db.read() as session:
        calls_per_ticket = dict(
            session.execute(
                select(TicketEvent.ticket_id, func.count())
                .where(TicketEvent.kind == "called")
                .group_by(TicketEvent.ticket_id)
            ).all()
        )
        states = collections.Counter(session.scalars(select(Ticket.state)))
    assert calls_per_ticket == dict.fromkeys(waiting, 1)
    assert states == {"done": WAITING}
