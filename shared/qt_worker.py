"""Slow work off the GUI thread, its outcome back on it: the one worker of every Qt client.

A kiosk waiting on a printer, a counter waiting on the server, a board loading its zone
must never freeze the screen, and no widget may be touched from another thread. Each
client had its own answer (a ``QThreadPool``, a ``ThreadPoolExecutor``, a thread per
load); this is the one they share. ``submit(call, done, failed)`` runs ``call()`` on the
worker's one thread and then ``done(result)``, or ``failed(error)``, on the thread the
``Worker`` lives in (the GUI thread), through a queued Qt signal.

One thread per worker, so jobs run in the order they were given: a reload asked for after
a command sees the command's effect, a health check never overlaps a ticket on a printer
that serves one connection at a time, and one HTTP session is never used by two threads.
"""

from __future__ import annotations

import concurrent.futures
import functools
import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from PyQt6.QtCore import QObject, pyqtSignal

log = logging.getLogger("antre.worker")

T = TypeVar("T")


class Worker(QObject):
    """One background thread; ``pending`` and ``drained`` count on the GUI thread."""

    drained = pyqtSignal()  # the last job given has finished and its outcome was delivered
    _outcome = pyqtSignal(object)  # a closure the GUI thread runs

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"antre-{name}")
        self._last: Future[None] | None = None
        self._closed = False
        self.pending = 0  # jobs given whose outcome has not been delivered yet
        self._outcome.connect(self._deliver)

    @property
    def idle(self) -> bool:
        return self.pending == 0

    def submit(
        self,
        call: Callable[[], T],
        done: Callable[[T], None] | None = None,
        failed: Callable[[Exception], None] | None = None,
    ) -> None:
        """Run ``call`` on the worker (GUI thread only). Without ``failed`` an exception is
        logged: a bug in one job must not kill the worker, nor pass in silence."""
        if self._closed:
            return
        self.pending += 1
        self._last = self._pool.submit(self._run, call, done, failed)

    def _run(
        self,
        call: Callable[[], T],
        done: Callable[[T], None] | None,
        failed: Callable[[Exception], None] | None,
    ) -> None:
        try:
            result = call()
        except Exception as exc:
            if failed is None:
                log.exception("%s job failed", self.name)
                self._post(_nothing)
            else:
                self._post(functools.partial(failed, exc))
            return
        self._post(functools.partial(done, result) if done is not None else _nothing)

    def _post(self, deliver: Callable[[], Any]) -> None:
        if self._closed:
            return  # the client is going: nobody is left to show the outcome
        try:
            self._outcome.emit(deliver)
        except RuntimeError:  # the Qt object is gone (its window closed mid-job)
            log.debug("%s closed before a job's outcome arrived", self.name)

    def _deliver(self, deliver: Callable[[], Any]) -> None:
        try:
            if not self._closed:
                deliver()
        finally:
            # Counted after the outcome ran: a job it submits keeps the worker busy, so
            # ``idle`` never shows between a result and the work that follows from it.
            self.pending -= 1
            if self.pending == 0:
                self.drained.emit()

    def wait(self, seconds: float = 10.0) -> bool:
        """Wait for the jobs given so far to run (not for their outcomes to be delivered:
        that needs the event loop). For shutting down and tests."""
        if self._last is None:
            return True
        finished, _ = concurrent.futures.wait([self._last], timeout=seconds)
        return bool(finished)

    def close(self, *, wait: bool = True) -> None:
        """Deliver nothing more and drop the jobs not started; with ``wait``, also wait for
        the one in flight (bounded by its own timeouts). Safe twice."""
        self._closed = True
        self._pool.shutdown(wait=wait, cancel_futures=True)


def _nothing() -> None:
    """The outcome of a job nobody waits for: it still counts as delivered."""
