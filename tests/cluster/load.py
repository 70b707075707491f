"""Kiosks issuing without pause while a test breaks something, and the checks afterwards.

Each kiosk does what ``shared.api_client`` promises a real one does: one Idempotency-Key
per visitor's press, the same key again after a refusal that says "try again" (503
``unavailable``) or a lost connection, until the server confirms (201). So when the load
stops, every press has exactly one ticket, and the database must hold exactly the
confirmed ones.
"""

from __future__ import annotations

import collections
import threading
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import requests
from sqlalchemy import func, select

from server.db import Database
from server.models import Series, SeriesDay, Ticket, TicketEvent
from tests.e2e.live import wait_until

REQUEST_TIMEOUT = 5.0
RETRY_PAUSE = 0.2
SETTLE_TIMEOUT = 60.0


@dataclass(frozen=True)
class Refusal:
    """A non-201 answer, as the kiosk received it."""

    status: int
    code: str | None
    retry_after: str | None


@dataclass
class KioskLoad:
    """``kiosks`` threads issuing through ``urls`` (kiosk ``i`` uses ``urls[i % len]``)."""

    urls: list[str]
    token: str
    services: list[int]
    kiosks: int = 8
    confirmed: list[dict[str, Any]] = field(default_factory=list)
    refusals: list[Refusal] = field(default_factory=list)
    connection_errors: int = 0
    unresolved: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _stop: threading.Event = field(default_factory=threading.Event)
    _threads: list[threading.Thread] = field(default_factory=list)

    def __enter__(self) -> KioskLoad:
        for i in range(self.kiosks):
            thread = threading.Thread(target=self._kiosk, args=(i,), daemon=True)
            self._threads.append(thread)
            thread.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *_: object) -> None:
        if exc_type is not None:
            # The test failed already: stop pressing and let its error through, rather
            # than wait for every kiosk's retries and replace it with stop()'s.
            self._stop.set()
            return
        self.stop()

    def stop(self) -> None:
        """Stop pressing; each kiosk still finishes the press under way (retrying)."""
        self._stop.set()
        for thread in self._threads:
            thread.join(SETTLE_TIMEOUT)
        assert not any(t.is_alive() for t in self._threads), "a kiosk never got its ticket"

    def count(self) -> int:
        with self._lock:
            return len(self.confirmed)

    def wait_for(self, tickets: int, timeout: float = 60) -> None:
        wait_until(lambda: self.count() >= tickets, timeout, f"{tickets} confirmed tickets")

    def refusal_codes(self) -> collections.Counter[tuple[int, str | None]]:
        with self._lock:
            return collections.Counter((r.status, r.code) for r in self.refusals)

    def _kiosk(self, i: int) -> None:
        session = requests.Session()
        url = f"{self.urls[i % len(self.urls)]}/api/v1/tickets"
        headers = {"Authorization": f"Bearer {self.token}"}
        n = 0
        try:
            while not self._stop.is_set():
                n += 1
                ticket = self._press(
                    session, url, headers, self.services[(i + n) % len(self.services)]
                )
                if ticket is not None:
                    with self._lock:
                        self.confirmed.append(ticket)
        finally:
            session.close()

    def _press(
        self, session: requests.Session, url: str, headers: dict[str, str], service: int
    ) -> dict[str, Any] | None:
        key = str(uuid.uuid4())
        deadline = time.monotonic() + SETTLE_TIMEOUT
        while time.monotonic() < deadline:
            try:
                response = session.post(
                    url,
                    json={"service_id": service},
                    headers={**headers, "Idempotency-Key": key},
                    timeout=REQUEST_TIMEOUT,
                )
            except requests.RequestException:
                with self._lock:
                    self.connection_errors += 1
                time.sleep(RETRY_PAUSE)
                continue
            if response.status_code == 201:
                return response.json()["ticket"]  # type: ignore[no-any-return]
            refusal = Refusal(
                response.status_code, _code(response), response.headers.get("Retry-After")
            )
            with self._lock:
                self.refusals.append(refusal)
            if refusal.status != 503:
                return None  # not retryable: the kiosk shows the refusal; the test fails on it
            time.sleep(RETRY_PAUSE)
        with self._lock:
            self.unresolved.append(key)
        return None


def _code(response: requests.Response) -> str | None:
    try:
        return str(response.json()["error"]["code"])
    except (ValueError, KeyError, TypeError):
        return None


def committed_tickets(db: Database) -> dict[int, tuple[str, str, int]]:
    """Every ticket in the database: id -> (number, series prefix, sequence)."""
    with db.read() as session:
        rows = session.execute(
            select(Ticket.id, Ticket.number, Series.prefix, Ticket.sequence).join(
                Series, Series.id == Ticket.series_id
            )
        ).all()
    return {row.id: (row.number, row.prefix, row.sequence) for row in rows}


def assert_whole_and_gap_free(db: Database) -> None:
    """No half-written ticket: each has its 'issued' event, and each series' counter
    stands at its highest number, the numbers running 1..n without a gap."""
    tickets = committed_tickets(db)
    with db.read() as session:
        issued = dict(
            session.execute(
                select(TicketEvent.ticket_id, func.count())
                .where(TicketEvent.kind == "issued")
                .group_by(TicketEvent.ticket_id)
            ).all()
        )
        last = dict(
            session.execute(
                select(Series.prefix, func.sum(SeriesDay.last_number))
                .join(Series, Series.id == SeriesDay.series_id)
                .group_by(Series.prefix)
            ).all()
        )
    assert issued == dict.fromkeys(tickets, 1), "a ticket without its issue record"
    by_prefix: dict[str, list[int]] = collections.defaultdict(list)
    for _, prefix, sequence in tickets.values():
        by_prefix[prefix].append(sequence)
    for prefix, sequences in by_prefix.items():
        assert sorted(sequences) == list(range(1, len(sequences) + 1)), f"a gap in {prefix}"
        assert last[prefix] == len(sequences), f"{prefix}'s counter and its tickets disagree"


def assert_exactly_the_confirmed(db: Database, load: KioskLoad, others: Iterable[int] = ()) -> None:
    """Every ticket the server confirmed is there with its number, and nothing else is
    (every press was retried until confirmed, so an unconfirmed ticket is a leak);
    ``others``: tickets the test issued itself."""
    assert not load.unresolved, f"{len(load.unresolved)} presses never got an answer"
    tickets = committed_tickets(db)
    for ticket in load.confirmed:
        assert ticket["id"] in tickets, f"{ticket['number']} was confirmed, then lost"
        assert tickets[ticket["id"]][0] == ticket["number"]
    assert set(tickets) == {t["id"] for t in load.confirmed} | set(others)
