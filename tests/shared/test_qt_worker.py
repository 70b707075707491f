"""The clients' one worker: slow calls run on its thread, in order; their results and
errors come back on the GUI thread, where widgets may be touched."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from shared.api_client import ApiError
from shared.errors import ErrorCode
from shared.qt_worker import Worker

WAIT_MS = 5000


@pytest.fixture
def worker(qtbot: QtBot) -> Iterator[Worker]:
    made = Worker("test")
    yield made
    made.close()


def test_a_result_comes_back_on_the_gui_thread(qtbot: QtBot, worker: Worker) -> None:
    ran_on: list[threading.Thread] = []
    delivered: list[tuple[str, threading.Thread]] = []

    def slow() -> str:
        ran_on.append(threading.current_thread())
        return "DK-001"

    worker.submit(slow, lambda result: delivered.append((result, threading.current_thread())))
    qtbot.waitUntil(lambda: bool(delivered), timeout=WAIT_MS)

    assert ran_on[0] is not threading.main_thread()
    assert delivered == [("DK-001", threading.main_thread())]


def test_an_error_comes_back_on_the_gui_thread(qtbot: QtBot, worker: Worker) -> None:
    failures: list[tuple[Exception, threading.Thread]] = []

    def unreachable() -> None:
        raise ApiError(ErrorCode.UNAVAILABLE, "server unreachable")

    worker.submit(
        unreachable,
        lambda _result: pytest.fail("no result from a failed call"),
        lambda error: failures.append((error, threading.current_thread())),
    )
    qtbot.waitUntil(lambda: bool(failures), timeout=WAIT_MS)

    error, thread = failures[0]
    assert isinstance(error, ApiError) and error.code == ErrorCode.UNAVAILABLE
    assert thread is threading.main_thread()


def test_a_failure_nobody_handles_is_logged_and_the_worker_goes_on(
    qtbot: QtBot, worker: Worker, caplog: pytest.LogCaptureFixture
) -> None:
    results: list[int] = []
    worker.submit(lambda: 1 // 0)
    worker.submit(lambda: 7, results.append)
    qtbot.waitUntil(lambda: results == [7], timeout=WAIT_MS)
    assert "test job failed" in caplog.text and "ZeroDivisionError" in caplog.text


def test_jobs_run_one_at_a_time_in_the_order_given(qtbot: QtBot, worker: Worker) -> None:
    started: list[int] = []
    running = threading.Lock()
    overlapped: list[int] = []

    def job(n: int) -> int:
        if not running.acquire(blocking=False):
            overlapped.append(n)
            return n
        try:
            started.append(n)
            threading.Event().wait(0.01)
            return n
        finally:
            running.release()

    delivered: list[int] = []
    for n in range(5):
        worker.submit(lambda n=n: job(n), delivered.append)  # type: ignore[misc]
    qtbot.waitUntil(lambda: len(delivered) == 5, timeout=WAIT_MS)

    assert started == delivered == [0, 1, 2, 3, 4] and overlapped == []


def test_it_is_busy_until_the_last_outcome_and_what_follows_from_it_are_done(
    qtbot: QtBot, worker: Worker
) -> None:
    seen_idle: list[bool] = []
    reported: list[str] = []

    def issued(number: str) -> None:
        seen_idle.append(worker.idle)
        # The report follows the ticket: the worker must not look idle in between.
        worker.submit(lambda: reported.append(number))

    with qtbot.waitSignal(worker.drained, timeout=WAIT_MS):
        worker.submit(lambda: "DK-001", issued)
        assert not worker.idle

    assert seen_idle == [False] and reported == ["DK-001"] and worker.idle


def test_after_close_nothing_is_delivered_and_nothing_is_started(
    qtbot: QtBot, worker: Worker
) -> None:
    release = threading.Event()
    delivered: list[str] = []
    worker.submit(lambda: release.wait(5) and "late", delivered.append)
    worker.submit(lambda: delivered.append("never started"))
    # The first job is still in flight when the client closes: close waits for it.
    opener = threading.Timer(0.2, release.set)
    opener.start()
    worker.close()
    opener.join()
    worker.submit(lambda: "after close", delivered.append)
    qtbot.wait(100)
    assert delivered == []
