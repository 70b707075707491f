"""The pace is the hall's, not each worker's: two workers with their own engines, as two
processes would have, send a backlog through the fake Fonnte on SQLite and on
PostgreSQL, racing at every step of a clock the test moves, and together keep the
channel's ``per_minute``; everything is sent in the end, each notice once. Eight asking
at once get the burst and no more. And it stays cheap: no pace statement when nothing
is due, no claim attempt while the worker knows the pace is spent."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import event

from server.db import Database
from server.domain.notices import pacing
from server.domain.notices.pacing import Pace
from server.notify.fonnte import FonnteChannel
from server.notify.worker import NoticeWorker
from tests.conftest import FakeClock

from .conftest import FONNTE_TOKEN, Notices
from .fake_provider import FakeProvider

# A send every half second, two at once after a pause: small enough to count by hand.
PACE = Pace.of(120)
BACKLOG = 30
STEP_SECONDS = 0.25
WINDOW_SECONDS = 10


def fonnte_worker(
    db: Database, fonnte: FakeProvider, clock: FakeClock, owner: str, pace: Pace = PACE
) -> NoticeWorker:
    channel = FonnteChannel(FONNTE_TOKEN, base_url=fonnte.url, timeout=5)
    return NoticeWorker(
        db,
        {"whatsapp": channel},
        {"whatsapp": pace},
        clock=clock,
        timeout_seconds=5,
        owner=owner,
    )


@pytest.fixture
def two_workers(shared: Notices, fonnte: FakeProvider) -> Iterator[list[NoticeWorker]]:
    databases = [Database(shared.db.url) for _ in range(2)]
    yield [fonnte_worker(db, fonnte, shared.clock, f"worker-{n}") for n, db in enumerate(databases)]
    for db in databases:
        db.dispose()


def test_two_workers_together_keep_the_channel_pace(
    shared: Notices, fonnte: FakeProvider, two_workers: list[NoticeWorker]
) -> None:
    bodies = [f"Nomor A{n:03d} dipanggil" for n in range(BACKLOG)]
    for body in bodies:
        shared.queue("whatsapp", body)
    together = threading.Barrier(len(two_workers), timeout=30)

    def round_of(worker: NoticeWorker) -> int:
        together.wait()
        return worker.run_once()

    with ThreadPoolExecutor(max_workers=len(two_workers)) as pool:

        def step() -> None:
            list(pool.map(round_of, two_workers, timeout=60))
            shared.clock.advance(seconds=STEP_SECONDS)

        for _ in range(int(WINDOW_SECONDS / STEP_SECONDS) + 1):  # at 0 s, 0.25 s … 10 s
            step()
        in_window = len(fonnte.received)
        for _ in range(200):
            if len(fonnte.received) == BACKLOG:
                break
            step()

    allowed = WINDOW_SECONDS * PACE.per_minute / 60 + PACE.burst
    assert allowed - 2 <= in_window <= allowed  # the pace, and nearly all of it
    assert Counter(r.fields["message"] for r in fonnte.received) == Counter(bodies)


def test_of_eight_workers_asking_at_once_only_the_burst_gets_a_slot(shared: Notices) -> None:
    pace = Pace(60, burst=3)
    asking = 8
    together = threading.Barrier(asking, timeout=30)

    def ask(_: int) -> bool:
        db = Database(shared.db.url)
        try:
            together.wait()
            with db.write() as session:
                return pacing.take_slot(session, "whatsapp", pace, shared.clock()) is not None
        finally:
            db.dispose()

    with ThreadPoolExecutor(max_workers=asking) as pool:
        granted = list(pool.map(ask, range(asking), timeout=60))

    assert granted.count(True) == pace.burst


def test_a_worker_that_spent_the_pace_waits_without_asking_the_database(
    notices: Notices, fonnte: FakeProvider
) -> None:
    for n in range(3):
        notices.queue("whatsapp", f"Nomor A{n:03d} dipanggil")
    worker = fonnte_worker(notices.db, fonnte, notices.clock, "worker", Pace.of(20))  # 1 / 3 s
    assert worker.run_once() == 1
    writes: list[bool] = []
    event.listen(
        notices.db.engine,
        "begin",
        lambda conn: writes.append(bool(conn.get_execution_options().get("antre_write"))),
    )

    notices.clock.advance(seconds=2)
    assert worker.run_once() == 0
    assert writes == [False, True]  # is any open; settle the overdue; no claim

    notices.clock.advance(seconds=1)
    assert worker.run_once() == 1
    assert len(fonnte.received) == 2


def test_a_round_with_nothing_due_on_a_channel_leaves_its_pace_alone(
    notices: Notices, fonnte: FakeProvider
) -> None:
    notices.queue("sms")  # open, but not for this worker's channel
    statements: list[str] = []
    event.listen(
        notices.db.engine,
        "before_cursor_execute",
        lambda conn, cursor, sql, *rest: statements.append(sql),
    )
    worker = fonnte_worker(notices.db, fonnte, notices.clock, "worker")

    assert worker.run_once() == 0
    assert [sql for sql in statements if "notice_pace" in sql] == []
    assert fonnte.received == []
