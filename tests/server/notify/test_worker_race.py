"""Four notice workers, each with its own engine as separate processes would have, race
over the same 40 notices on SQLite and on PostgreSQL: the fake provider receives each
notice exactly once."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from server.db import Database
from server.models import Notice, NoticeState
from server.notify.fonnte import FonnteChannel
from server.notify.worker import NoticeWorker

from .conftest import FONNTE_TOKEN, Notices
from .fake_provider import FakeProvider

WORKERS = 4
NOTICES = 40


def test_racing_workers_send_each_notice_exactly_once(
    shared: Notices, fonnte: FakeProvider
) -> None:
    bodies = [f"Nomor A{n:03d} dipanggil" for n in range(NOTICES)]
    for body in bodies:
        shared.queue("whatsapp", body)
    start = threading.Barrier(WORKERS, timeout=30)

    def work(n: int) -> int:
        db = Database(shared.db.url)  # its own engine and pool, as another process
        channel = FonnteChannel(FONNTE_TOKEN, base_url=fonnte.url, timeout=5)
        worker = NoticeWorker(
            db,
            {"whatsapp": channel},
            {},
            clock=shared.clock,
            timeout_seconds=5,
            owner=f"worker-{n}",
        )
        start.wait()
        try:
            return worker.run_once()
        finally:
            db.dispose()

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        done = list(pool.map(work, range(WORKERS), timeout=120))

    assert sum(done) == NOTICES
    assert Counter(r.fields["message"] for r in fonnte.received) == Counter(bodies)
    with shared.db.read() as session:
        states = Counter(n.state for n in session.query(Notice))
    assert states == {NoticeState.SENT: NOTICES}
