"""The live feed of the logged-in officer: a ``QtLiveFeed`` per login token.

The session starts one at login and stops it at logout; its signals are forwarded from
here, so the session is wired once. Anything still queued from a stopped feed is
dropped: it belongs to a login that has ended.
"""

from __future__ import annotations

from typing import Any

from PyQt6.QtCore import QObject, pyqtSignal

from shared.qt_live import QtLiveFeed


class LiveLink(QObject):
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

    def _forward(self, feed: QtLiveFeed, name: str, payload: dict[str, Any]) -> None:
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
            if feed.connected:
                # A first connect still under way when stop() came completes after it
                # (LiveFeed waits for it); stopping again closes that connection.
                feed.stop()
            close_leftover_socket(feed)

    def reset(self, room: str, seq: int) -> None:
        if self.feed is not None:
            self.feed.tracker.reset(room, seq)


def close_leftover_socket(feed: QtLiveFeed) -> None:
    """Close the TCP socket websocket-client may leave open after a disconnect.

    When the server's close frame arrives before the client's own ``close()``, the reader
    thread answers it (``send_close``) and marks the connection closed without closing
    the socket; ``close()`` then returns early and the socket stays open until garbage
    collection. ``shutdown()`` closes it for good. This belongs in
    ``shared.live.LiveFeed.stop`` (asked for in the issue's note); harmless twice.
    """
    engine = getattr(feed.feed._sio, "eio", None)
    websocket = getattr(engine, "ws", None)
    if websocket is not None:
        websocket.shutdown()
