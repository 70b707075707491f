"""Slow work (the server, the printer) on a worker thread, its results on the GUI thread.

One worker per ``Background``, so jobs run in the order they were given: a health check
never overlaps a ticket on a printer that serves one connection at a time, and one HTTP
session is never used by two threads.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PyQt6.QtCore import QObject, QThreadPool, pyqtSignal

log = logging.getLogger("antre.kiosk.background")


class Background(QObject):
    """``run(work)``: ``work(post)`` runs on the worker; ``post(callback, value)`` calls
    ``callback(value)`` on the GUI thread (the thread this object lives in)."""

    _posted = pyqtSignal(object, object)
    _finished = pyqtSignal()
    drained = pyqtSignal()  # the last job given has finished (GUI thread)

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._pool.setExpiryTimeout(-1)  # keep the one thread: no start-up cost per ticket
        self.pending = 0  # jobs given and not finished (GUI thread's count)
        self._posted.connect(self._deliver)
        self._finished.connect(self._done)

    @property
    def idle(self) -> bool:
        return self.pending == 0

    def run(self, work: Callable[[Callable[[Callable[[Any], None], Any], None]], None]) -> None:
        self.pending += 1

        def job() -> None:
            try:
                work(self._posted.emit)
            except Exception:  # a bug in a job must not kill the kiosk's worker
                log.exception("%s job failed", self.name)
            finally:
                self._finished.emit()

        self._pool.start(job)

    def wait(self, seconds: float = 10.0) -> bool:
        """Wait for the jobs given so far (shutting down, tests)."""
        return bool(self._pool.waitForDone(int(seconds * 1000)))

    def _deliver(self, callback: Callable[[Any], None], value: Any) -> None:
        callback(value)

    def _done(self) -> None:
        self.pending -= 1
        if self.pending == 0:
            self.drained.emit()
