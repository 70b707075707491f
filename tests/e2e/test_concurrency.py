"""Many kiosks and counters at once, over HTTP against one real server: numbers stay
unique and gap-free, and no ticket is ever called by two counters.

Each test runs on the embedded SQLite default and on PostgreSQL.
"""

from __future__ import annotations

import collections
import threading
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server.domain.users import create_user
from server.models import (
    Counter,
    CounterService,
    CounterState,
    Series,
    SeriesDay,
    Ticket,
    TicketEvent,
)
from tests.e2e.conftest import StartServer
from tests.e2e.live import ApiClient, LiveServer
from tests.factories import PASSWORD, Hall

pytestmark = pytest.mark.slow

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
KIOSKS = 16
TICKETS_PER_KIOSK = 50
COUNTERS = 8
WAITING = 200
RETRIES = 10


def run_together(workers: int, work: Callable[[int], None], timeout: float = 60) -> None:
    """Run ``work(i)`` on ``workers`` threads released at the same instant; re-raise the
    first failure (a thread's assertion must fail the test, not vanish)."""
    start = threading.Barrier(workers)
    failures: list[BaseException] = []

    def body(i: int) -> None:
        try:
            start.wait(timeout=10)
            work(i)
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=body, args=(i,), daemon=True) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(t.is_alive() for t in threads), "a worker thread did not finish in time"
    if failures:
        raise failures[0]


def issue_with_retry(client: ApiClient, service_id: int, retried: list[str]) -> dict[str, Any]:
    """Issue as a kiosk does: a 503 ``unavailable`` is retried with the same key."""
    key = str(uuid.uuid4())
    for _ in range(RETRIES):
        response = client.post(
            "/api/v1/tickets", json={"service_id": service_id}, headers={"Idempotency-Key": key}
        )
        if response.status_code == 503 and response.json()["error"]["code"] == "unavailable":
            retried.append(key)
            continue
        assert response.status_code == 201, response.text
        return response.json()["ticket"]  # type: ignore[no-any-return]
    raise AssertionError(f"still unavailable after {RETRIES} tries")


def committed_sequences(session: Session, prefix: str) -> list[int]:
    return sorted(
        session.scalars(
            select(Ticket.sequence)
            .join(Series, Series.id == Ticket.series_id)
            .where(Series.prefix == prefix)
        )
    )


@pytest.mark.parametrize("backend", BACKENDS)
def test_sixteen_kiosks_issuing_at_once_get_unique_gap_free_numbers(
    start_server: StartServer, backend: str, record_property: Callable[[str, object], None]
) -> None:
    server = start_server(backend=backend)
    hall = server.hall
    services = [hall.ktp, hall.kk, hall.pkb]  # KTP and KK share series DK
    issued: list[dict[str, Any]] = []
    retried: list[str] = []
    lock = threading.Lock()

    def kiosk(i: int) -> None:
        with server.device("kiosk") as client:
            for n in range(TICKETS_PER_KIOSK):
                ticket = issue_with_retry(client, services[(i + n) % 3], retried)
                with lock:
                    issued.append(ticket)

    run_together(KIOSKS, kiosk)

    assert len(issued) == KIOSKS * TICKETS_PER_KIOSK
    by_prefix = collections.defaultdict(list)
    for ticket in issued:
        by_prefix[ticket["prefix"]].append(ticket["sequence"])
        assert ticket["number"] == f"{ticket['prefix']}-{ticket['sequence']:03d}"
    n_dk, n_sm = len(by_prefix["DK"]), len(by_prefix["SM"])
    assert n_dk + n_sm == len(issued)
    assert sorted(by_prefix["DK"]) == list(range(1, n_dk + 1))
    assert sorted(by_prefix["SM"]) == list(range(1, n_sm + 1))
    assert len({t["id"] for t in issued}) == len(issued)
    with server.db.read() as session:
        assert committed_sequences(session, "DK") == list(range(1, n_dk + 1))
        assert committed_sequences(session, "SM") == list(range(1, n_sm + 1))
        last = dict(
            session.execute(
                select(Series.prefix, SeriesDay.last_number).join(
                    Series, Series.id == SeriesDay.series_id
                )
            ).all()
        )
        assert last == {"DK": n_dk, "SM": n_sm}
    record_property("retried_after_503", len(retried))  # shown in the JUnit report


def eight_dk_counters(session: Session, hall: Hall) -> list[tuple[int, str]]:
    """Six more DK counters serving KK, and an officer for each of the eight."""
    counters = [hall.c1, hall.c2]
    for n in range(5, 5 + COUNTERS - 2):
        counter = Counter(
            agency_id=hall.dk,
            zone_id=hall.zone_a,
            label=f"Loket {n}",
            position=n,
            active=True,
            state=CounterState.CLOSED,
            calls_since_priority=0,
        )
        session.add(counter)
        session.flush()
        session.add(CounterService(counter_id=counter.id, service_id=hall.kk, position=0))
        counters.append(counter.id)
    officers = ["petugas.dk", "petugas2.dk"]
    for n in range(3, COUNTERS + 1):
        officers.append(create_user(session, f"petugas{n}.dk", PASSWORD, "officer", "DK").username)
    return list(zip(counters, officers, strict=True))


def fill_the_line(server: LiveServer, service_id: int, count: int) -> list[int]:
    ids: list[int] = []
    lock = threading.Lock()

    def kiosk(i: int) -> None:
        with server.device("kiosk") as client:
            for _ in range(count // 4):
                ticket = client.issue(service_id)
                with lock:
                    ids.append(ticket["id"])

    run_together(4, kiosk)
    return ids


@pytest.mark.parametrize("backend", BACKENDS)
def test_eight_counters_pressing_next_at_once_never_call_the_same_ticket(
    start_server: StartServer, backend: str
) -> None:
    server = start_server(backend=backend, prepare=eight_dk_counters)
    desks: list[tuple[int, str]] = server.extra
    waiting = fill_the_line(server, server.hall.kk, WAITING)
    officers = [server.officer(username) for _, username in desks]
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
        run_together(COUNTERS, counter)
    finally:
        for officer in officers:
            officer.close()

    every_call = [ticket for calls in called.values() for ticket in calls]
    assert sorted(every_call) == sorted(waiting)  # each exactly once
    assert all(called.values()), "every counter got a share"
    with server.db.read() as session:
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


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_retried_issue_with_the_same_idempotency_key_gets_the_same_ticket(
    start_server: StartServer, backend: str
) -> None:
    server = start_server(backend=backend)
    hall = server.hall
    with server.device("kiosk") as kiosk:
        headers = {"Idempotency-Key": "kiosk-1-press-42"}
        first = kiosk.post("/api/v1/tickets", json={"service_id": hall.ktp}, headers=headers)
        again = kiosk.post("/api/v1/tickets", json={"service_id": hall.ktp}, headers=headers)
        other = kiosk.issue(hall.ktp, key="kiosk-1-press-43")
    assert first.status_code == again.status_code == 201
    assert again.json()["ticket"] == first.json()["ticket"]
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert other["sequence"] == first.json()["ticket"]["sequence"] + 1

    answers: list[dict[str, Any]] = []

    def impatient_kiosk(_: int) -> None:
        with server.device("kiosk") as client:
            answers.append(client.issue(hall.kk, key="kiosk-1-press-44"))

    run_together(8, impatient_kiosk)

    assert len({a["id"] for a in answers}) == 1
    with server.db.read() as session:
        assert committed_sequences(session, "DK") == [1, 2, 3]
