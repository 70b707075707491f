"""Fixtures for notices: a seeded SQLite database with a ticket, fake providers on
127.0.0.1, and a worker whose clock the test moves."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from server.db import Database
from server.domain.context import Ctx
from server.domain.notices.queueing import enqueue_notice, subscribe
from server.domain.settings import load_settings
from server.domain.tickets import IssueRequest, issue_ticket
from server.migrate import upgrade
from server.models import Notice
from tests.conftest import FakeClock, HallTemplate
from tests.factories import Hall, build_hall
from tests.pg import fresh_database

from .fake_provider import FakeProvider, fonnte_ok, sms_ok, telegram_ok, wablas_ok

FONNTE_TOKEN = "fonnte-device-token-SECRET-1"
TELEGRAM_TOKEN = "123456:telegram-bot-token-SECRET"
WABLAS_TOKEN = "wablas-device-token.SECRET-key"
SMS_KEY = "sms-gateway-key-SECRET"
VISITOR_PHONE = "0812-3456-7890"
VISITOR_CHAT = "987654321"
# The visitor's number as a provider writes it back (Fonnte's ``target``, Meta's ``to``).
VISITOR_DIGITS = "6281234567890"


def parts_of(number: str, text: str, run: int = 4) -> list[str]:
    """The runs of ``run`` digits of ``number`` that ``text`` repeats: what a log reader
    could piece the number together from."""
    runs = (number[i : i + run] for i in range(len(number) - run + 1))
    return [part for part in runs if part in text]


@dataclass
class Notices:
    """A database with one ticket, and a way to queue notices for it."""

    db: Database
    hall: Hall
    clock: FakeClock
    ticket_id: int

    def queue(
        self,
        channel: str,
        body: str | None = "Nomor A001 dipanggil: silakan ke Loket 1",
        *,
        minutes: float = 30,
        address: str | None = None,
        key: str | None = None,
        template: str | None = None,
        parameters: tuple[str, ...] = (),
    ) -> int:
        """Queue one notice for the ticket (a template one when ``template`` is given)."""
        now = self.clock()
        with self.db.write() as session:
            sub = subscribe(
                session,
                channel=channel,
                now=now,
                ticket_id=self.ticket_id,
                address=address or (VISITOR_CHAT if channel == "telegram" else VISITOR_PHONE),
            )
            notice = enqueue_notice(
                session,
                sub,
                kind="called",
                now=now,
                body=None if template else body,
                template=template,
                parameters=parameters,
                deadline=now + dt.timedelta(minutes=minutes),
                idempotency_key=key,
            )
            assert notice is not None
            return notice.id

    def notice(self, notice_id: int) -> Notice:
        with self.db.read() as session:
            found = session.get(Notice, notice_id)
            assert found is not None
            session.expunge(found)  # read()'s rollback would expire it
            return found


def ticket_in(db: Database, hall: Hall, now: dt.datetime) -> int:
    with db.write() as session:
        ctx = Ctx(session, now, load_settings(session))
        return issue_ticket(ctx, IssueRequest(service_id=hall.ktp)).ticket.id


@pytest.fixture
def notices(tmp_path: Path, clock: FakeClock, hall_template: HallTemplate) -> Iterator[Notices]:
    seeded, hall = hall_template(clock())
    path = tmp_path / "notices.sqlite3"
    shutil.copy(seeded, path)
    db = Database(f"sqlite:///{path}")
    yield Notices(db, hall, clock, ticket_in(db, hall, clock()))
    db.dispose()


def _prepared(url: str, clock: FakeClock) -> Notices:
    db = Database(url)
    upgrade(db.engine)
    with db.write() as session:
        hall = build_hall(session, clock())
    return Notices(db, hall, clock, ticket_in(db, hall, clock()))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def shared(request: pytest.FixtureRequest, tmp_path: Path, clock: FakeClock) -> Iterator[Notices]:
    """``notices`` on SQLite and on PostgreSQL, for workers that each open their own
    ``Database`` on ``shared.db.url``, as separate processes would."""
    if request.param == "sqlite":
        notices = _prepared(f"sqlite:///{tmp_path / 'shared.sqlite3'}", clock)
        yield notices
        notices.db.dispose()
        return
    with fresh_database() as url:
        notices = _prepared(url, clock)
        try:
            yield notices
        finally:
            notices.db.dispose()


@pytest.fixture
def fonnte() -> Iterator[FakeProvider]:
    provider = FakeProvider(fonnte_ok)
    yield provider
    provider.close()


@pytest.fixture
def telegram() -> Iterator[FakeProvider]:
    provider = FakeProvider(telegram_ok)
    yield provider
    provider.close()


@pytest.fixture
def wablas() -> Iterator[FakeProvider]:
    provider = FakeProvider(wablas_ok)
    yield provider
    provider.close()


@pytest.fixture
def sms_gateway() -> Iterator[FakeProvider]:
    provider = FakeProvider(sms_ok)
    yield provider
    provider.close()
