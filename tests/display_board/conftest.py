"""Fixtures for the display board: a real server process over the test hall, real boards
(window, feed, speech) started against it, and a folder of recorded clips made here."""

from __future__ import annotations

import contextlib
import datetime as dt
import math
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy.orm import Session

from display_board.app import DisplayBoard, build_board
from display_board.clips import LETTERS, NUMBER_WORDS, PHRASES
from display_board.config import DisplayConfig, SoundConfig
from display_board.wavfiles import write_mono16
from server.domain.devices import register_device
from tests.e2e.live import ApiClient, LiveServer, running_server
from tests.factories import Hall

WAIT_MS = 10_000  # the longest any one step may take (server start-up excluded)


def _multimedia_problem() -> str | None:
    try:
        import PyQt6.QtMultimedia  # noqa: F401
    except ImportError as exc:
        return f"QtMultimedia cannot load ({exc}; Debian: apt-get install libpulse0)"
    return None


def sound_plays() -> bool:
    return _multimedia_problem() is None


needs_multimedia = pytest.mark.skipif(
    _multimedia_problem() is not None, reason=_multimedia_problem() or ""
)
ZONE = "zona-a"


def second_display(session: Session, hall: Hall) -> str:
    """A second board in zone A (a hall hangs one per wall)."""
    _, token = register_device(
        session, "display-a2", "display", ZONE, None, None, dt.datetime.now(dt.UTC)
    )
    return token


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    """``antre-server run`` over the small test hall (open all day), stopped afterwards."""
    with running_server(tmp_path, prepare=second_display) as live:
        yield live


class People:
    """The people of the test hall over REST: the kiosk and officers, logged in once and
    logged out (sessions closed) after the test."""

    def __init__(self, server: LiveServer) -> None:
        self.server = server
        self._clients: dict[str, ApiClient] = {}

    @property
    def kiosk(self) -> ApiClient:
        if "kiosk" not in self._clients:
            self._clients["kiosk"] = self.server.device("kiosk")
        return self._clients["kiosk"]

    def officer(self, username: str) -> ApiClient:
        if username not in self._clients:
            self._clients[username] = self.server.officer(username)
        return self._clients[username]

    def forget(self) -> None:
        """After a server restart: log in again."""
        self.close()

    def close(self) -> None:
        for client in self._clients.values():
            client.close()
        self._clients.clear()


@pytest.fixture
def people(server: LiveServer) -> Iterator[People]:
    crowd = People(server)
    try:
        yield crowd
    finally:
        crowd.close()


def tone(path: Path, seconds: float = 0.02, frequency: float = 440.0, rate: int = 22050) -> Path:
    count = int(seconds * rate)
    return write_mono16(
        path, (0.3 * math.sin(2 * math.pi * frequency * i / rate) for i in range(count)), rate
    )


@pytest.fixture
def clip_folder(tmp_path: Path) -> Path:
    """A hall's recorded voice, one short tone per word (what matters is which files play)."""
    folder = tmp_path / "clips"
    folder.mkdir()
    for i, name in enumerate(PHRASES + NUMBER_WORDS + LETTERS):
        tone(folder / f"{name}.wav", frequency=300.0 + 10 * i)
    tone(folder / "chime.wav", seconds=0.03)
    return folder


def quiet_sound(tmp_path: Path, **changes: Any) -> SoundConfig:
    """No speech, no chime, nothing held: calls pass through the queue at once."""
    sound = SoundConfig(
        speech=(), chime=False, hold_seconds=0, gap_seconds=0, cache_folder=tmp_path / "cache"
    )
    return replace(sound, **changes)


def board_config(
    server: LiveServer, token: str, sound: SoundConfig, **changes: Any
) -> DisplayConfig:
    config = DisplayConfig(
        server_url=server.url,
        token=token,
        fullscreen=False,
        hide_cursor=False,
        running_text=("Selamat datang",),
        sound=sound,
    )
    return replace(config, **changes)


StartBoard = Callable[..., DisplayBoard]


@pytest.fixture
def start_board(qtbot: QtBot) -> Iterator[StartBoard]:
    """``start_board(config)``: the board shown at 1920x1080, connected, its first snapshot
    loaded; stopped (feed, speech worker) and closed after the test."""
    boards: list[DisplayBoard] = []

    def start(config: DisplayConfig, size: tuple[int, int] = (1920, 1080)) -> DisplayBoard:
        board = build_board(config, retry_seconds=0.5)
        boards.append(board)
        qtbot.addWidget(board.window)
        board.window.resize(*size)
        board.window.show()
        board.start()
        qtbot.waitUntil(
            lambda: board.controller.loads >= 1 and board.controller.connected, timeout=WAIT_MS
        )
        return board

    yield start
    with contextlib.ExitStack() as cleanup:
        for board in boards:
            cleanup.callback(board.stop)


def shown_at(board: DisplayBoard, counter_id: int) -> str:
    """The text the counter's tile last painted on screen."""
    return board.window.counters.painted.get(counter_id, ("",))[0]


def heard_numbers(board: DisplayBoard) -> list[str]:
    return [heard.announcement.number for heard in board.announcer.queue.heard]


def queued_numbers(board: DisplayBoard) -> list[str]:
    return [a.number for a in board.announcer.queue.queued]


def wait_heard(
    qtbot: QtBot, board: DisplayBoard, expected: list[str], timeout: int = WAIT_MS
) -> None:
    """Wait until the board has announced exactly ``expected``; say what it did otherwise."""
    try:
        qtbot.waitUntil(lambda: heard_numbers(board) == expected, timeout=timeout)
    except Exception as exc:
        raise AssertionError(
            f"announced {heard_numbers(board)}, queued {queued_numbers(board)}, "
            f"snapshots {board.controller.loads}, last calls "
            f"{[c.number for c in board.model.last_calls]}; expected {expected}"
        ) from exc
