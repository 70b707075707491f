"""A notice worker process killed (SIGKILL) while the provider holds its request: the
notice is neither lost nor sent beyond the stated guarantee: once more after the first
kill, and after a second kill given up with the reason (docs/notifications.md#guarantees)."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from server.models import NoticeState
from server.notify.fonnte import FonnteChannel
from server.notify.worker import NoticeWorker

from .conftest import FONNTE_TOKEN, Notices
from .fake_provider import FakeProvider, Reply, wait_for

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[3]
# The killed worker's lease: its timeout (1 s) with no margin, so the test waits little.
WORKER = textwrap.dedent(
    """
    import datetime as dt, sys
    from server.db import Database
    from server.notify import worker as w
    from server.notify.fonnte import FonnteChannel

    w.LEASE_MARGIN = dt.timedelta(0)
    channel = FonnteChannel("token", base_url=sys.argv[2], timeout=1.0)
    clock = lambda: dt.datetime.now(dt.UTC)
    w.NoticeWorker(Database(sys.argv[1]), {"whatsapp": channel}, {}, clock=clock,
                   timeout_seconds=1.0, owner="doomed").run_once()
    """
)


def run_and_kill(notices: Notices, fonnte: FakeProvider, expected_requests: int) -> None:
    process = subprocess.Popen(
        [sys.executable, "-c", WORKER, notices.db.url, fonnte.url],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        assert wait_for(lambda: len(fonnte.received) == expected_requests, timeout=15)
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait(timeout=10)


def test_a_worker_killed_mid_send_costs_at_most_one_more_copy(
    notices: Notices, fonnte: FakeProvider
) -> None:
    notices.clock.set(dt.datetime.now(dt.UTC))
    notice_id = notices.queue("whatsapp")
    fonnte.script(Reply(hang=True), Reply(hang=True))

    run_and_kill(notices, fonnte, expected_requests=1)
    stranded = notices.notice(notice_id)
    assert (stranded.state, stranded.lease_owner) == (NoticeState.SENDING, "doomed")

    time.sleep(1.2)  # its lease runs out; the next worker tries once more, and is killed too
    run_and_kill(notices, fonnte, expected_requests=2)
    assert notices.notice(notice_id).interrupted

    notices.clock.set(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=2))
    channel = FonnteChannel(FONNTE_TOKEN, base_url=fonnte.url, timeout=2)
    NoticeWorker(
        notices.db, {"whatsapp": channel}, {}, clock=notices.clock, timeout_seconds=2
    ).run_once()

    given_up = notices.notice(notice_id)
    assert given_up.state == NoticeState.FAILED
    assert "interrupted twice" in (given_up.reason or "")
    assert len(fonnte.received) == 2  # the first try and the one more: never a third


def test_after_one_kill_the_notice_is_sent_by_the_next_worker(
    notices: Notices, fonnte: FakeProvider
) -> None:
    notices.clock.set(dt.datetime.now(dt.UTC))
    notice_id = notices.queue("whatsapp")
    fonnte.script(Reply(hang=True))

    run_and_kill(notices, fonnte, expected_requests=1)
    # Past the killed worker's lease, which its own (real) clock set when it claimed:
    # on a busy machine its start alone may take longer than the lease.
    notices.clock.set(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=2))
    channel = FonnteChannel(FONNTE_TOKEN, base_url=fonnte.url, timeout=2)
    NoticeWorker(
        notices.db, {"whatsapp": channel}, {}, clock=notices.clock, timeout_seconds=2
    ).run_once()

    sent = notices.notice(notice_id)
    assert (sent.state, sent.attempts, sent.interrupted) == (NoticeState.SENT, 2, True)
    assert len(fonnte.received) == 2
