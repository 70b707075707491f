"""``antre-display`` fills its screen on an X server with no window manager, as on a board
PC that starts X with the board alone (Xvfb here: a real X server, no window manager)."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.live import free_port, wait_until

REPO = Path(__file__).resolve().parents[2]
TITLE = "Antre — Papan Antrean"
SCREEN = (1600, 900)  # not the windowed size (1920x1080) nor Qt's default: the screen's own

needs_x = pytest.mark.skipif(
    not (shutil.which("Xvfb") and shutil.which("xwininfo")),
    reason="Xvfb and xwininfo are missing (Debian: apt-get install xvfb x11-utils)",
)


@pytest.fixture
def bare_x_server() -> Iterator[str]:
    """An X server with one 1600x900 screen and no window manager; yields its DISPLAY."""
    read, write = os.pipe()
    width, height = SCREEN
    xvfb = subprocess.Popen(
        [
            "Xvfb",
            "-displayfd",
            str(write),
            "-screen",
            "0",
            f"{width}x{height}x24",
            "-nolisten",
            "tcp",
        ],
        pass_fds=(write,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    try:
        with os.fdopen(read) as answer:
            number = answer.readline().strip()  # written once the server is ready
        if not number:
            pytest.fail("Xvfb did not start")
        yield f":{number}"
    finally:
        xvfb.terminate()
        xvfb.wait(10)


def window_size(display: str) -> tuple[int, int] | None:
    """The size of the board's top-level window, as the X server has it."""
    tree = subprocess.run(
        ["xwininfo", "-root", "-children"],
        env={**os.environ, "DISPLAY": display},
        capture_output=True,
        text=True,
        timeout=5,
    ).stdout
    for line in tree.splitlines():
        if TITLE in line:
            size = re.search(r"\)\s+(\d+)x(\d+)\+", line)
            if size:
                return int(size.group(1)), int(size.group(2))
    return None


@needs_x
def test_the_full_screen_board_fills_a_screen_without_a_window_manager(
    bare_x_server: str, tmp_path: Path
) -> None:
    config = tmp_path / "display.toml"
    config.write_text(
        f"""[server]
url = "http://127.0.0.1:{free_port()}"
token = "not-used"
[board]
fullscreen = true
[sound]
speech = []
chime = false
cache_folder = "{tmp_path / "cache"}"
""",
        encoding="utf-8",
    )
    env = {**os.environ, "DISPLAY": bare_x_server, "QT_QPA_PLATFORM": "xcb"}
    log = tmp_path / "display.log"
    with open(log, "wb") as out:
        board = subprocess.Popen(
            [sys.executable, "-m", "display_board.app", "--config", str(config)],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:

        def full_screen() -> bool:
            if board.poll() is not None:
                pytest.fail(f"antre-display stopped: {log.read_text()[-2000:]}")
            return window_size(bare_x_server) == SCREEN

        wait_until(full_screen, 20, f"the board's window to fill the {SCREEN} screen")
    finally:
        board.send_signal(signal.SIGTERM)
        try:
            board.wait(10)
        except subprocess.TimeoutExpired:
            board.kill()
            board.wait(5)
