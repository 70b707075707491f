"""The Qt side of the live feed: socket callbacks arrive on the GUI thread as signals.

``LiveFeed`` calls back on its socket thread; widgets must only be touched from the GUI
thread. ``QtLiveFeed`` owns a ``LiveFeed`` and re-emits its callbacks as Qt signals,
which Qt queues across threads, so a client connects slots and never needs a lock.
"""

from __future__ import annotations

from PyQt6.QtCore import QObject, pyqtSignal

from shared.live import LiveFeed, Payload, SeqTracker


class QtLiveFeed(QObject):
    """Signals: ``received(name, payload)``, ``resync()``, ``status(connected)``.

    A slot that handles ``resync`` reloads its snapshot over REST and calls
    ``tracker.reset(room, snapshot["seq"])`` for the rooms the snapshot covers.
    """

    received = pyqtSignal(str, dict)
    resync = pyqtSignal()
    status = pyqtSignal(bool)

    def __init__(
        self,
        url: str,
        auth: dict[str, str],
        *,
        retry_seconds: float = 2.0,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.feed = LiveFeed(
            url,
            auth,
            on_event=self._emit_event,
            on_resync=self.resync.emit,
            on_status=self.status.emit,
            retry_seconds=retry_seconds,
        )

    @property
    def tracker(self) -> SeqTracker:
        return self.feed.tracker

    @property
    def connected(self) -> bool:
        return self.feed.connected

    def start(self) -> None:
        self.feed.start()

    def stop(self) -> None:
        self.feed.stop()

    def _emit_event(self, name: str, payload: Payload) -> None:
        self.received.emit(name, payload)
