"""``antre-kiosk --config kiosk.toml``: the touch kiosk, wired together.

The REST client asks and issues, the live feed tells when counts or the configuration
change, the flow decides, the window shows, the printer prints. Anything that may wait on
the network or the printer runs on a worker (``shared.qt_worker``); the GUI thread only
ever applies results, so the screen never freezes under a visitor's finger.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from PyQt6.QtCore import QObject, Qt, QTimer, pyqtSignal
from PyQt6.QtGui import QGuiApplication, QImage, QPixmap, QScreen
from PyQt6.QtWidgets import QApplication

from kiosk.check_in import CheckInJob
from kiosk.config import KioskConfig, KioskConfigError, load_kiosk_config
from kiosk.exit_gesture import ExitGesture, PinEntry
from kiosk.flow import IssueJob, IssueOutcome, KioskFlow, KioskState, Screen
from kiosk.printer import BLOCKING, PrinterConfig, PrinterConfigError, PrinterHealth, TicketPrinter
from kiosk.ticket_printing import KioskPrinter
from kiosk.ui.window import KioskWindow, StateBridge, qimage_from_pil
from shared import events, wire
from shared.api_client import ApiClient, ApiError
from shared.live import Payload, read_event
from shared.qt_live import QtLiveFeed
from shared.qt_widgets import fill_screen, unfollow_screen
from shared.qt_worker import Worker

log = logging.getLogger("antre.kiosk")

RELOAD_RETRY_SECONDS = 5.0  # while "unavailable": ask the server again this often
OPENING_REFRESH_SECONDS = 30.0  # services open and close by the clock
FAULT_CHECK_SECONDS = 10.0  # a faulty printer is asked more often, to see it recover


class Kiosk(QObject):
    """One kiosk: build it, ``start()`` it, ``close()`` it. Tests build it with their own
    server, printer port or relay; ``main`` builds it from the TOML file."""

    exit_requested = pyqtSignal()

    def __init__(
        self,
        config: KioskConfig,
        *,
        issue_api: ApiClient | None = None,
        read_api: ApiClient | None = None,
        retry_seconds: float = 2.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self.config = config
        self.clock = clock
        # Two clients: the issuing worker and the loading worker each own one session.
        self.issue_api = issue_api or ApiClient(config.server_url, config.token)
        self.read_api = read_api or ApiClient(config.server_url, config.token)
        self.printer = KioskPrinter(
            TicketPrinter(PrinterConfig.from_mapping(config.printer)),
            server_url=config.server_url,
            public_url=config.public_url,
            logo_path=config.logo,
        )
        self.bridge = StateBridge()
        self.flow = KioskFlow(
            self.issue_api,
            self.printer,
            on_change=self.bridge.changed.emit,
            idle_seconds=config.idle_seconds,
            ticket_seconds=config.ticket_seconds,
            language=config.language,
            clock=clock,
            tap_guard_seconds=config.tap_guard_ms / 1000,
            run_issue=self._issue_on_worker,
        )
        # One worker issues and asks the printer, one loads: a reload never waits for a
        # printer, and the printer never serves two jobs at once.
        self.issuing = Worker("kiosk-issuing", self)
        self.loading = Worker("kiosk-loading", self)
        self.window = KioskWindow(
            self.flow,
            self.bridge,
            ticket_image=self._ticket_image,
            exit_gesture=ExitGesture(),
            pin=PinEntry(config.admin_pin),
            logo=QPixmap(config.logo) if config.logo else None,
        )
        self.window.exit_requested.connect(self.exit_requested)
        self.live = QtLiveFeed(
            config.server_url, {"token": config.token}, retry_seconds=retry_seconds, parent=self
        )
        self.live.received.connect(self._event)
        self.live.resync.connect(self.resync)
        self.live.status.connect(self.flow.set_online)
        self.loading.drained.connect(self._reload_if_asked)
        self._reload_again = False
        self._last_reload = float("-inf")
        self._last_opening = clock()
        self._last_check = float("-inf")
        self._printer_health = PrinterHealth.OK.value
        self._screen: QScreen | None = None  # followed while full screen
        self._housekeeping = QTimer(self)
        self._housekeeping.timeout.connect(self._every_second)

    # --- life ------------------------------------------------------------------------------

    def start(self, *, show: bool = True) -> None:
        self.resync()
        self.live.start()
        self._housekeeping.start(1000)
        if not show:
            return
        if self.config.hide_cursor:
            QApplication.setOverrideCursor(Qt.CursorShape.BlankCursor)
        if self.config.fullscreen:
            self.window.setWindowFlags(
                Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint
            )
            self._screen = fill_screen(self.window)
        else:
            self.window.resize(1920, 1080)
            self.window.show()

    def close(self) -> None:
        """Stop everything this kiosk started (the window, the feed, the workers)."""
        self._housekeeping.stop()
        unfollow_screen(self.window, self._screen)
        self._screen = None
        # Closing is not the server going away: no "unavailable" page on the way out.
        for signal_ in (self.live.received, self.live.resync, self.live.status):
            signal_.disconnect()
        self.live.stop()
        for worker in (self.issuing, self.loading):
            worker.wait()
            worker.close()
        self.issue_api.close()
        self.read_api.close()
        self.window.may_close = True
        self.window.close()
        if self.config.hide_cursor and QApplication.overrideCursor() is not None:
            QApplication.restoreOverrideCursor()

    # --- issuing ---------------------------------------------------------------------------

    def _issue_on_worker(self, job: IssueJob | CheckInJob) -> None:
        """The flow's ``run_issue`` (a ticket, or a booking's check-in): the server and the
        printer on the worker."""
        self.issuing.submit(partial(self.flow.perform, job), self._issued)

    def _issued(self, outcome: IssueOutcome) -> None:
        if outcome.error is None:
            self._printer_health = outcome.printer_health
        self.flow.complete(outcome)
        # After the visitor already sees the ticket.
        self.issuing.submit(partial(self.flow.report, outcome))

    def _ticket_image(self, state: KioskState) -> QImage | None:
        if state.issued is None:
            return None
        try:
            return qimage_from_pil(self.printer.image_for(state.issued, state.language))
        except (ValueError, OSError):  # the number and the words are still on screen
            log.exception("the on-screen ticket could not be drawn")
            return None

    # --- the server's state ----------------------------------------------------------------

    def resync(self) -> None:
        """Reload the configuration and every line's counts (after a (re)connect, a gap in
        the events, ``config.updated``, or while the kiosk says it is unavailable)."""
        if not self.loading.idle:
            self._reload_again = True
            return
        self._last_reload = self.clock()
        self.loading.submit(self._load, self._loaded, self._load_failed)

    def _load(self) -> tuple[wire.Config, wire.HallSnapshot]:
        """The configuration and every line's counts (worker thread)."""
        return self.read_api.config(), self.read_api.hall_snapshot()

    def _loaded(self, result: tuple[wire.Config, wire.HallSnapshot]) -> None:
        config, snapshot = result
        self.printer.apply_config(config)
        self.flow.apply_config(config)
        self.flow.apply_hall_snapshot(snapshot)
        self.live.tracker.reset(events.HALL_ROOM, int(snapshot.get("seq", 0)))

    def _load_failed(self, error: Exception) -> None:
        if isinstance(error, ApiError):
            self.flow.config_failed(error)
        else:  # a malformed answer: logged; the next reload may do better
            log.error("loading the configuration failed", exc_info=error)

    def _reload_if_asked(self) -> None:
        """A reload asked for while one ran: it may have missed the change, so run again."""
        if self._reload_again:
            self._reload_again = False
            self.resync()

    def _event(self, name: str, payload: Payload) -> None:
        # The hall room's payloads, typed by name in ``shared.wire``.
        if name == events.QUEUE_STATS and isinstance(payload.get("line"), dict):
            self.flow.apply_line_stats(read_event(payload, wire.QueueStatsEvent)["line"])
        elif name == events.CONFIG_UPDATED:
            self.resync()

    # --- every second ----------------------------------------------------------------------

    def _every_second(self) -> None:
        now = self.clock()
        state = self.flow.state
        if (
            state.screen is Screen.UNAVAILABLE
            and state.online
            and now - self._last_reload >= RELOAD_RETRY_SECONDS
        ):
            self.resync()
        if now - self._last_opening >= OPENING_REFRESH_SECONDS:
            self._last_opening = now
            self.flow.refresh_opening()
        self._maybe_check_printer(now)

    def _maybe_check_printer(self, now: float) -> None:
        """Ask the printer how it is while nobody is at the kiosk, and tell the server when
        that changed: staff learn of an empty roll before the next visitor does."""
        faulty = self._printer_health in {h.value for h in BLOCKING}
        every = min(FAULT_CHECK_SECONDS, self.config.printer_check_seconds) if faulty else None
        every = every or self.config.printer_check_seconds
        idle_screen = self.flow.state.screen in (Screen.WELCOME, Screen.UNAVAILABLE)
        if now - self._last_check < every or not idle_screen or not self.issuing.idle:
            return
        self._last_check = now
        self.issuing.submit(self.printer.check, self._checked)

    def _checked(self, health: str) -> None:
        if health != self._printer_health:
            log.info("printer: %s", health)
        self._printer_health = health
        self.issuing.submit(partial(self.flow.health.note, health))  # tells the server


# --- the command ----------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="antre-kiosk", description="The Antre ticket kiosk (full screen, touch)."
    )
    parser.add_argument("--config", required=True, type=Path, help="the kiosk's TOML file")
    parser.add_argument("--log-level", default="INFO", help="DEBUG, INFO, WARNING (default INFO)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(
        level=args.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        # An import may have configured logging already (a root-level warning does):
        # the level and format asked for here win.
        force=True,
    )
    try:
        config = load_kiosk_config(args.config)
        PrinterConfig.from_mapping(config.printer)
    except (KioskConfigError, PrinterConfigError) as exc:
        print(f"antre-kiosk: {exc}", file=sys.stderr)
        return 2
    app = QApplication.instance() or QApplication([sys.argv[0]])
    assert isinstance(app, QGuiApplication)
    # Only the PIN ends the kiosk; closing its window on the way out must not quit again
    # (a quit with no event loop running would end the next one at once).
    app.setQuitOnLastWindowClosed(False)
    kiosk = Kiosk(config)
    kiosk.exit_requested.connect(app.quit)
    # Ctrl-C in a terminal (trying it out) ends it; the 1 s timer lets Python see it.
    # exit(), not quit(): Qt 6's quit() first asks the windows to close, which ours refuses.
    signal.signal(signal.SIGINT, lambda *_: app.exit(0))
    kiosk.start()
    log.info("kiosk running: the admin PIN (or Ctrl-C in a terminal) ends it")
    try:
        return int(app.exec())
    finally:
        kiosk.close()


if __name__ == "__main__":
    raise SystemExit(main())
