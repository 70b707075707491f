"""Runs the session's jobs on one worker thread and hands outcomes back to the GUI thread.

One worker, so the officer's commands and the snapshot reloads reach the server in the
order they were made: a reload asked for after a command sees that command's effect.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from PyQt6.QtCore import QObject, pyqtSignal

from counter_client.jobs import CounterApi, Job, perform


class JobRunner(QObject):
    """``submit(job)`` from the GUI thread; ``finished(outcome)`` arrives on it."""

    finished = pyqtSignal(object)

    def __init__(self, api: CounterApi, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.api = api
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="antre-counter")
        self._closed = False

    def submit(self, job: Job) -> None:
        if not self._closed:
            self._pool.submit(self._run, job)

    def _run(self, job: Job) -> None:
        outcome = perform(self.api, job)
        if not self._closed:
            self.finished.emit(outcome)

    def close(self) -> None:
        """Wait for the job in flight (bounded by the API's timeouts); drop the others."""
        self._closed = True
        self._pool.shutdown(wait=True, cancel_futures=True)
