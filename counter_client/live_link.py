"""The live feed of the logged-in officer: a ``QtLiveFeed`` per login token.

The shift starts one at login and stops it at logout; its signals are forwarded from
here, so the shift is wired once. Anything still queued from a stopped feed is
dropped: it belongs to a login that has ended.
"""

from __future__ import annotations

from PyQt6.QtCore import QObject, pyqtSignal

from shared.live import Payload
from shared.qt_live import QtLiveFeed


class LiveLink(QObject):
    """The Qt face of the officer's live feed: pushes, resync requests and the connection
    state as signals the shift is wired to once."""

    received = pyqtSignal(str, dict)
    resync = pyqtSignal()
    status = pyqtSignal(bool)

    def __init__(self, url: str, *, retry_seconds: float = 2.0, parent: QObject | None = None):
        super().__init__(parent)
        self.url = url
        self.retry_seconds = retry_seconds
        self.feed: QtLiveFeed | None = None

    @property
    def connected(self) -> bool:
        return self.feed is not None and self.feed.connected

    def start(self, token: str) -> None:
        self.stop()
        # No Qt parent and no deleteLater(): a socket thread finishing a handler after
        # stop() must find the object alive; Python frees it with the last reference.
        feed = QtLiveFeed(self.url, {"token": token}, retry_seconds=self.retry_seconds)
        feed.received.connect(lambda name, payload: self._forward(feed, name, payload))
        feed.resync.connect(lambda: self._forward_resync(feed))
        feed.status.connect(lambda up: self._forward_status(feed, up))
        self.feed = feed
        feed.start()

    def _current(self, feed: QtLiveFeed) -> bool:
        return feed is self.feed

    def _forward(self, feed: QtLiveFeed, name: str, payload: Payload) -> None:
        if self._current(feed):
            self.received.emit(name, payload)

    def _forward_resync(self, feed: QtLiveFeed) -> None:
        if self._current(feed):
            self.resync.emit()

    def _forward_status(self, feed: QtLiveFeed, connected: bool) -> None:
        if self._current(feed):
            self.status.emit(connected)

    def stop(self) -> None:
        feed, self.feed = self.feed, None
        if feed is not None:
            feed.stop()

    def reset(self, room: str, seq: int) -> None:
        if self.feed is not None:
            self.feed.tracker.reset(room, seq)
