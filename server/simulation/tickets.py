"""The simulation's own record of every ticket it issued: where it waits, what it was
promised, when it was called. Shared by the kiosks, the counters and the leaving
visitors (different threads), so every change goes through ``TicketBook``'s lock."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from server.simulation.plan import Visit

WAITING, CALLED, SERVING, GONE = "waiting", "called", "serving", "gone"


@dataclass
class SimTicket:
    """One issued ticket. Times are real (``time.time()``, the midpoint of the command
    that changed it); ``entered``: when its current waiting period began."""

    id: int
    number: str
    status_code: str
    visit: Visit
    service_id: int
    entered: float
    issued_sim: float
    promised_minutes: float  # the server's estimate, to the second when it says it
    naive_minutes: float
    # Every line its counters serve had the server's minimum of finished services when it
    # was issued (``Day.has_history``: docs/estimate.md#measured).
    with_history: bool = True
    leg: int = 1
    state: str = WAITING
    last_call: float | None = None
    first_wait: float | None = None
    started: float | None = None
    phone: str | None = None
    phone_since: float | None = None

    @property
    def answers_on_call(self) -> int | None:
        """After a transfer the visitor is at the desk already: they answer at once."""
        return self.visit.answers_on_call if self.leg == 1 else 1

    @property
    def service_seconds(self) -> float:
        return self.visit.service_seconds if self.leg == 1 else self.visit.transfer_service_seconds


class TicketBook:
    """Tickets by id and by visit, with a wait for a ticket a counter called before the
    kiosk that issued it had read the response."""

    def __init__(self) -> None:
        self._by_id: dict[int, SimTicket] = {}
        self._by_visit: dict[int, SimTicket] = {}
        self._changed = threading.Condition()
        self.stopping = False

    def add(self, ticket: SimTicket) -> None:
        with self._changed:
            self._by_id[ticket.id] = ticket
            self._by_visit[ticket.visit.index] = ticket
            self._changed.notify_all()

    def get(self, ticket_id: int, timeout: float = 5.0) -> SimTicket | None:
        """The ticket, waiting up to ``timeout`` real seconds for its issue to be booked;
        None: a ticket this simulation did not issue."""
        with self._changed:
            self._changed.wait_for(lambda: ticket_id in self._by_id, timeout)
            return self._by_id.get(ticket_id)

    def wake(self) -> None:
        """End every wait now (the run is stopping)."""
        with self._changed:
            self.stopping = True
            self._changed.notify_all()

    def of_visit(self, index: int) -> SimTicket | None:
        with self._changed:
            return self._by_visit.get(index)

    def move(self, ticket: SimTicket, state: str) -> None:
        with self._changed:
            ticket.state = state
            self._changed.notify_all()

    def state_of(self, ticket: SimTicket) -> str:
        with self._changed:
            return ticket.state

    def waiting(self, service_ids: tuple[int, ...] | None = None) -> int:
        """Tickets waiting (in the given lines; None: all)."""
        with self._changed:
            return sum(
                1
                for t in self._by_id.values()
                if t.state == WAITING and (service_ids is None or t.service_id in service_ids)
            )

    def wait_for_waiting(self, service_ids: tuple[int, ...], timeout: float) -> bool:
        """Wait up to ``timeout`` real seconds for a ticket waiting in these lines (what a
        counter's screen shows through its pushes); True when there is one."""
        with self._changed:
            return self._changed.wait_for(
                lambda: (
                    self.stopping
                    or any(
                        t.state == WAITING and t.service_id in service_ids
                        for t in self._by_id.values()
                    )
                ),
                timeout,
            )

    def transfers_pending(self, service_ids: tuple[int, ...]) -> bool:
        """Whether a visitor at some counter is still to be sent into one of these lines."""
        with self._changed:
            return any(
                t.state != GONE
                and t.leg == 1
                and t.visit.transfer_to in service_ids
                and t.state != WAITING
                for t in self._by_id.values()
            )

    def open_tickets(self) -> int:
        """Tickets not yet gone (waiting, called or being served)."""
        with self._changed:
            return sum(1 for t in self._by_id.values() if t.state != GONE)

    def all(self) -> list[SimTicket]:
        with self._changed:
            return list(self._by_id.values())
