"""A server killed with SIGKILL in the middle of the morning rush loses nothing it
confirmed: after a restart every ticket a kiosk was given is there, and numbering goes
on from the highest committed number without reuse or gap."""

from __future__ import annotations

import signal
import threading
import uuid
from typing import Any

import pytest
import requests
from sqlalchemy import select

from server.models import Series, Ticket
from tests.e2e.conftest import StartServer
from tests.e2e.live import wait_until

pytestmark = pytest.mark.slow

KIOSKS = 8
CONFIRMED_BEFORE_KILL = 120


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def test_a_killed_server_keeps_every_confirmed_ticket_and_numbers_on(
    start_server: StartServer, backend: str
) -> None:
    server = start_server(backend=backend)
    hall = server.hall
    confirmed: list[dict[str, Any]] = []
    in_flight: list[tuple[str, int]] = []  # (Idempotency-Key, service) cut off by the kill
    lock = threading.Lock()
    stop = threading.Event()

    def kiosk(i: int) -> None:
        service = hall.ktp if i % 2 else hall.kk  # one series (DK) under contention
        with server.device("kiosk") as client:
            while not stop.is_set():
                key = str(uuid.uuid4())
                try:
                    response = client.post(
                        "/api/v1/tickets",
                        json={"service_id": service},
                        headers={"Idempotency-Key": key},
                    )
                except requests.RequestException:
                    with lock:  # the server is gone: this one may or may not be committed
                        in_flight.append((key, service))
                    return
                if response.status_code == 201:
                    with lock:
                        confirmed.append(response.json()["ticket"])

    threads = [threading.Thread(target=kiosk, args=(i,), daemon=True) for i in range(KIOSKS)]
    for thread in threads:
        thread.start()
    wait_until(lambda: len(confirmed) >= CONFIRMED_BEFORE_KILL, 15, "tickets under load")

    server.kill(signal.SIGKILL)

    stop.set()
    for thread in threads:
        thread.join(10)
    assert not any(t.is_alive() for t in threads)
    server.restart()

    with server.db.read() as session:
        rows = session.execute(
            select(Ticket.id, Ticket.number, Ticket.sequence)
            .join(Series, Series.id == Ticket.series_id)
            .where(Series.prefix == "DK")
        ).all()
    committed = {row.id: row for row in rows}
    for ticket in confirmed:
        assert ticket["id"] in committed, f"{ticket['number']} was confirmed, then lost"
        assert committed[ticket["id"]].number == ticket["number"]
    highest = max(row.sequence for row in rows)
    assert sorted(row.sequence for row in rows) == list(range(1, highest + 1))

    with server.device("kiosk") as client:
        status = client.get(f"/api/v1/tickets/{confirmed[0]['status_code']}")
        after = client.issue(hall.ktp, key=str(uuid.uuid4()))
        retried = [client.issue(service, key=key) for key, service in in_flight]
    assert status.status_code == 200
    assert after["sequence"] == highest + 1
    # A kiosk retrying its cut-off request gets the ticket the server committed, if any.
    replayed = [t for t in retried if t["id"] in committed]
    assert {t["id"] for t in replayed} == set(committed) - {t["id"] for t in confirmed}
    new = sorted(t["sequence"] for t in retried if t["id"] not in committed)
    assert new == list(range(highest + 2, highest + 2 + len(new)))
