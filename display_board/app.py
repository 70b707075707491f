"""``antre-display --config display.toml``: the hall board of one zone.

Builds the parts (REST client, live feed, model, speech, announcer, window), wires them
and runs Qt. ``build_board`` is also what the tests, the screenshot tool and the bench
start, so they run the board the way a hall does.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import signal
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PyQt6.QtCore import QCoreApplication, QTimer
from PyQt6.QtWidgets import QApplication, QWidget

from shared.api_client import ApiClient
from shared.qt_live import QtLiveFeed
from shared.qt_widgets import fill_screen

from .audio import Announcer
from .board_model import BoardModel
from .chime import ensure_chime
from .config import DisplayConfig, DisplayConfigError, SoundConfig, load_display_config
from .controller import BoardController
from .qt_speech import QtSpeech, make_qt_speech
from .speech import SpeechBackend, SpeechChain, build_backends
from .ui.window import BoardWindow

log = logging.getLogger("antre.display")


def cache_folder(sound: SoundConfig) -> Path:
    if sound.cache_folder is not None:
        return sound.cache_folder
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "antre-display"


def chime_for(sound: SoundConfig, cache: Path) -> Path | None:
    """The hall's own chime (``chime_file``, or ``chime.wav`` among the clips), else the
    generated one; None when the chime is off."""
    if not sound.chime:
        return None
    if sound.chime_file is not None:
        return sound.chime_file
    if sound.clips_folder is not None and (sound.clips_folder / "chime.wav").is_file():
        return sound.clips_folder / "chime.wav"
    return ensure_chime(cache)


@dataclass
class DisplayBoard:
    """One zone's board with all its parts, as ``build_board`` assembles it, so the hall,
    the tests, the screenshot tool and the bench start and stop it alike."""

    config: DisplayConfig
    api: ApiClient
    feed: QtLiveFeed
    model: BoardModel
    announcer: Announcer
    controller: BoardController
    window: BoardWindow

    def start(self) -> None:
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()
        self.announcer.stop()
        self.api.close()


def build_board(config: DisplayConfig, *, retry_seconds: float = 2.0) -> DisplayBoard:
    """Every part of a board, wired; ``start()`` connects it. Needs a QApplication."""
    sound = config.sound
    cache = cache_folder(sound)
    workdir = cache / "speech"
    shutil.rmtree(workdir, ignore_errors=True)  # calls of an earlier run, never played
    workdir.mkdir(parents=True, exist_ok=True)
    qt_voice: QtSpeech | None = None

    def make_qt(s: SoundConfig) -> SpeechBackend | None:
        nonlocal qt_voice
        qt_voice = make_qt_speech(s)
        return qt_voice

    chain = SpeechChain(
        build_backends(sound, workdir, make_qt),
        sound.languages,
        {"id": sound.template_id, "en": sound.template_en},
    )
    announcer = Announcer(
        chain,
        chime=chime_for(sound, cache),
        hold_seconds=sound.hold_seconds,
        gap_seconds=sound.gap_seconds,
        volume=sound.volume,
        qt_voice=qt_voice,
    )
    api = ApiClient(config.server_url, config.token)
    feed = QtLiveFeed(config.server_url, {"token": config.token}, retry_seconds=retry_seconds)
    model = BoardModel(zone_code=config.zone)
    controller = BoardController(api, feed, model, announcer, zone=config.zone)
    window = BoardWindow(config, model, announcer)
    controller.changed.connect(window.refresh)
    controller.online.connect(window.set_online)
    return DisplayBoard(config, api, feed, model, announcer, controller, window)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="antre-display", description=__doc__)
    parser.add_argument("--config", default="display.toml", help="the board's TOML file")
    parser.add_argument("--windowed", action="store_true", help="a window, not full screen")
    parser.add_argument("--log-level", default="INFO")
    args = parser.parse_args(sys.argv[1:] if argv is None else list(argv))
    logging.basicConfig(
        level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        config = load_display_config(args.config)
    except DisplayConfigError as exc:
        print(f"antre-display: {exc}", file=sys.stderr)
        return 2
    app = QApplication.instance() or QApplication(sys.argv[:1])
    board = build_board(config)
    show_window(board.window, fullscreen=config.fullscreen and not args.windowed)
    board.start()
    _quit_on_signals(app)
    try:
        return int(app.exec())
    finally:
        board.stop()


def show_window(window: QWidget, *, fullscreen: bool) -> None:
    """Full screen, filling the TV also without a window manager (``fill_screen``), or a
    1920x1080 window."""
    if not fullscreen:
        window.resize(1920, 1080)
        window.show()
        return
    fill_screen(window)


def _quit_on_signals(app: QCoreApplication) -> None:
    """Stop cleanly on Ctrl-C and on the service manager's SIGTERM.

    Python runs signal handlers only between bytecodes; a timer gives it the chance
    while Qt's event loop waits.
    """
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: app.quit())
    ticker = QTimer(app)
    ticker.timeout.connect(lambda: None)
    ticker.start(500)


if __name__ == "__main__":
    raise SystemExit(main())
