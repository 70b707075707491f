"""The board's live side: snapshot on every (re)connect and gap, events in between.

The feed's callbacks arrive as Qt signals on the GUI thread (``QtLiveFeed``); snapshots
are fetched on the board's worker (``shared.qt_worker``) so a slow network never freezes
the clock or the running text. Requests for a resync that arrive while one is loading are folded
into one more load after it, so the board ends on the newest state.
"""

from __future__ import annotations

import logging

from PyQt6.QtCore import QObject, QTimer, pyqtSignal

from shared import wire
from shared.api_client import ApiClient, ApiError
from shared.live import Payload
from shared.qt_live import QtLiveFeed
from shared.qt_worker import Worker

from .audio import Announcer
from .board_model import BoardModel

log = logging.getLogger("antre.display")

RETRY_MS = 2000
# Announcements wait at most this long for a snapshot after a gap (a slow server must
# not silence the board).
HOLD_MS = 3000


class BoardController(QObject):
    """Keeps ``model`` true to the server and hands new calls to ``announcer``.

    ``changed`` after every change of the model; ``online(bool)`` follows the socket.
    """

    changed = pyqtSignal()
    online = pyqtSignal(bool)

    def __init__(
        self,
        api: ApiClient,
        feed: QtLiveFeed,
        model: BoardModel,
        announcer: Announcer,
        *,
        zone: str = "",
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.api = api
        self.feed = feed
        self.model = model
        self.announcer = announcer
        self.zone = zone
        self.connected = False
        self.loads = 0  # snapshots applied
        self._loading = False
        self._again = False
        self._config_wanted = True
        self._worker = Worker("snapshot", self)
        self._retry = QTimer(self)
        self._retry.setSingleShot(True)
        self._retry.timeout.connect(self.resync)
        # Events applied while a snapshot loads: replayed on it when they are newer.
        self._during_load: list[tuple[str, Payload]] = []
        self._hold_limit = QTimer(self)
        self._hold_limit.setSingleShot(True)
        self._hold_limit.timeout.connect(self._release)
        feed.received.connect(self._received)
        feed.resync.connect(self.resync)
        feed.status.connect(self._status)

    def start(self) -> None:
        self.feed.start()

    def stop(self) -> None:
        self._retry.stop()
        self._hold_limit.stop()
        # Quiet first: the feed calls back while it disconnects, and the socket library
        # leaves its connection open if the server's close frame beats its own close.
        self.feed.received.disconnect(self._received)
        self.feed.resync.disconnect(self.resync)
        self.feed.status.disconnect(self._status)
        self.feed.stop()
        # A load in flight finishes on its own (bounded by the API's timeouts), unheard.
        self._worker.close(wait=False)

    # --- connection ------------------------------------------------------------------

    def _status(self, connected: bool) -> None:
        self.connected = connected
        if not connected:
            log.warning("server connection lost; retrying")
            self._release()  # calls already known are announced while the server is away
        self.online.emit(connected)

    def _hold(self) -> None:
        if not self._hold_limit.isActive():
            self._hold_limit.start(HOLD_MS)
        self.announcer.hold(True)

    def _release(self) -> None:
        self._hold_limit.stop()
        self.announcer.hold(False)

    # --- snapshots -------------------------------------------------------------------

    def resync(self) -> None:
        """Reload the zone's snapshot (and the hall's configuration when it changed)."""
        log.debug("resync requested (loading: %s)", self._loading)
        if self.loads:
            self._hold()  # something may have been missed: say it in its place
        if self._loading:
            self._again = True
            return
        self._loading, self._again = True, False
        self._during_load.clear()
        with_config = self._config_wanted
        self._worker.submit(lambda: self._load(with_config), self._apply_loaded, self._load_failed)

    def _load(self, with_config: bool) -> tuple[wire.Config | None, wire.ZoneSnapshot]:
        """The hall's configuration (when wanted) and the zone's snapshot (worker thread)."""
        if not self.zone:
            zone = self.api.me().get("zone")
            if not zone:
                raise ApiError("forbidden", "this token is not a display's (no zone)")
            self.zone = str(zone)
        config = self.api.config() if with_config else None
        return config, self.api.zone_snapshot(self.zone)

    def _apply_loaded(self, loaded: tuple[wire.Config | None, wire.ZoneSnapshot]) -> None:
        config, snapshot = loaded
        self._loading = False
        if config is not None:
            self.model.zone_code = self.zone
            self.model.load_config(config)
            self._config_wanted = False
        missed = self.model.load_snapshot(snapshot)
        # The snapshot may be older than events that came while it loaded: apply them
        # again on top (a call among them is known, so not announced twice).
        for name, payload in self._during_load:
            self.model.apply(name, payload)
        self._during_load.clear()
        log.debug(
            "snapshot #%s applied; missed %s", snapshot.get("seq"), [a.number for a in missed]
        )
        room = self.model.room
        last = self.feed.tracker.last(room)
        if last is None or last < self.model.seq_or_zero:
            self.feed.tracker.reset(room, self.model.seq_or_zero)
        for announcement in missed:
            log.info("announcing %s, called while the board was away", announcement.number)
            self.announcer.push(announcement)
        self.loads += 1
        self.changed.emit()
        if self._again:
            self.resync()
        else:
            self._release()

    def _load_failed(self, error: Exception) -> None:
        if isinstance(error, ApiError):
            reason = f"{error.code}: {error.message}"
        else:  # a malformed answer: a bug to see in the log, and a retry
            log.error("loading the zone snapshot failed", exc_info=error)
            reason = repr(error)
        self._loading = False
        self._during_load.clear()
        self._release()
        log.warning("could not load the zone snapshot (%s); retrying", reason)
        if self._again or self.connected:
            self._retry.start(RETRY_MS)

    # --- events ----------------------------------------------------------------------

    def _received(self, name: str, payload: Payload) -> None:
        # In seq order already: the feed holds an early event back for the ones before it.
        log.debug("event %s #%s", name, payload.get("seq"))
        self._apply(name, payload)

    def _apply(self, name: str, payload: Payload) -> None:
        if self._loading:
            self._during_load.append((name, payload))
        applied = self.model.apply(name, payload)
        if applied.announcement is not None:
            self.announcer.push(applied.announcement)
        if applied.reload:
            self._config_wanted = True
            self.resync()
        if applied.changed:
            self.changed.emit()
