""" "People ahead" as a real server answers it, on SQLite and on PostgreSQL: the ticket's
place in the order "next" takes them (its count runs in SQL, the claim in Python)."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import StartServer

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.mark.parametrize("backend", BACKENDS)
def test_each_visitor_is_told_the_calls_before_theirs(
    start_server: StartServer, backend: str
) -> None:
    server = start_server(backend=backend)
    hall = server.hall
    officer = server.officer("petugas.dk")
    officer.counter(hall.c1, "open")  # Loket 1: KTP and KK, first come across both
    kiosk = server.device("kiosk")
    codes = {}
    for service, priority in [
        (hall.ktp, "none"),
        (hall.kk, "none"),
        (hall.ktp, "elderly"),
        (hall.kk, "none"),
        (hall.kk, "pregnant"),
    ]:
        response = kiosk.post("/api/v1/tickets", json={"service_id": service, "priority": priority})
        assert response.status_code == 201, response.text
        ticket = response.json()["ticket"]
        codes[ticket["number"]] = ticket["status_code"]
    # Asked once everyone has come (a later priority visitor goes before earlier ones).
    told = {
        number: server.client().get(f"/api/v1/tickets/{code}").json()["people_ahead"]
        for number, code in codes.items()
    }
    called = [officer.counter(hall.c1, "next")["ticket"]["number"] for _ in told]
    assert [told[number] for number in called] == list(range(len(told)))
    assert told["DK-003"] == 0  # the elderly visitor, third to come, first to be called
