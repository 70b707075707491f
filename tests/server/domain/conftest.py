"""Domain tests run the server core directly over a SQLAlchemy session, with no HTTP.

``ctx`` builds the context a command runs with, at the fake clock's current time; ``desk``
wraps the moves people make in the hall (issue a ticket, open a counter, press "next") so
a test reads like the scene it describes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any, Protocol

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from server.db import Database
from server.domain import counters
from server.domain.context import SYSTEM, Actor, Ctx
from server.domain.settings import SiteSettings, load_settings, update_settings
from server.domain.tickets import IssueRequest, issue_ticket
from server.models import Counter, Device, Priority, Service, Ticket, TicketEvent, TicketSource
from tests.conftest import FakeClock
from tests.factories import Hall


class CtxFactory(Protocol):
    def __call__(self, session: Session, user: str | None = ...) -> Ctx: ...


@pytest.fixture
def db(app: Flask) -> Database:
    database: Database = app.extensions["antre"].db
    return database


@pytest.fixture
def ctx(clock: FakeClock, hall: Hall) -> CtxFactory:
    """``ctx(session, "petugas.dk")``: a command context at the clock's current time,
    with the settings as stored in that session, acting as that user (None: the system)."""

    def make(session: Session, user: str | None = "petugas.dk") -> Ctx:
        actor = SYSTEM if user is None else Actor(user_id=hall.users[user])
        return Ctx(session, clock(), load_settings(session), actor)

    return make


@pytest.fixture
def session(db: Database) -> Iterator[Session]:
    """One write transaction for the whole test, committed at the end."""
    with db.write() as s:
        yield s


class Desk:
    """The hall's moves as domain calls; each runs at the clock's current time.

    ``issue`` moves the clock one minute on afterwards so that consecutive tickets have
    distinct entry times, as they do in a real hall.
    """

    def __init__(self, session: Session, clock: FakeClock, hall: Hall, make: CtxFactory) -> None:
        self.session = session
        self.clock = clock
        self.hall = hall
        self._make = make
        self.kiosk_id = session.scalars(select(Device.id).where(Device.name == "kiosk")).one()

    def ctx(self, user: str | None = "petugas.dk") -> Ctx:
        return self._make(self.session, user)

    def settings(self, **changes: Any) -> SiteSettings:
        return update_settings(self.session, changes)

    def service(self, service_id: int) -> Service:
        found = self.session.get(Service, service_id)
        assert found is not None
        return found

    def issue(
        self,
        service_id: int,
        *,
        priority: Priority = Priority.NONE,
        source: TicketSource = TicketSource.KIOSK,
        booked_for: dt.datetime | None = None,
        advance: bool = True,
    ) -> Ticket:
        """A visitor takes a ticket at the kiosk (or a booking is checked in)."""
        ctx = Ctx(
            self.session, self.clock(), load_settings(self.session), Actor(device_id=self.kiosk_id)
        )
        request = IssueRequest(service_id, priority=priority, source=source, booked_for=booked_for)
        ticket = issue_ticket(ctx, request).ticket
        if advance:
            self.clock.advance(minutes=1)
        return ticket

    def counter(self, counter_id: int) -> Counter:
        return counters.lock_counter(self.session, counter_id)

    def at(
        self, counter_id: int, action: Callable[..., Any], user: str = "petugas.dk", **kw: Any
    ) -> Any:
        """Run a counter command (``counters.recall``, ``counters.finish`` ...) as ``user``."""
        return action(self.ctx(user), self.counter(counter_id), **kw)

    def open(self, counter_id: int, user: str = "petugas.dk") -> Counter:
        counter = self.counter(counter_id)
        counters.open_counter(self.ctx(user), counter)
        return counter

    def next(self, counter_id: int, user: str = "petugas.dk") -> Ticket | None:
        ticket: Ticket | None = self.at(counter_id, counters.call_next, user)
        return ticket

    def drain(self, counter_id: int, user: str = "petugas.dk") -> list[str]:
        """Press "next" until nobody waits; the numbers in the order they were called."""
        called = []
        for _ in range(100):
            ticket = self.next(counter_id, user)
            if ticket is None:
                return called
            called.append(ticket.number)
        raise AssertionError("the line never ran empty")

    def events(self, ticket: Ticket) -> list[TicketEvent]:
        self.session.flush()
        return list(
            self.session.scalars(
                select(TicketEvent)
                .where(TicketEvent.ticket_id == ticket.id)
                .order_by(TicketEvent.id)
            )
        )


@pytest.fixture
def desk(session: Session, clock: FakeClock, hall: Hall, ctx: CtxFactory) -> Desk:
    return Desk(session, clock, hall, ctx)
