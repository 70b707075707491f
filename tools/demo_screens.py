"""The newcomer's first two minutes, in pictures for the README and docs/demo.md (by hand).

    QT_QPA_PLATFORM=offscreen .venv/bin/python tools/demo_screens.py docs/

Runs ``scripts/demo --no-setup --no-run`` in a throwaway checkout (this script's virtual
environment), starts the server as scripts/demo would, and does what the README's quick
start says, with the clients started from the configs scripts/demo wrote: the hall
monitor of the fresh demo, a Disdukcapil ticket at the kiosk, the officer logging in and
pressing Next at the counter client, and the board of Disdukcapil's zone calling it.
Writes demo-monitor.png, demo-monitor-devices.png, demo-kiosk.png, demo-counter.png
and demo-board.png.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PyQt6.QtCore import Qt  # noqa: E402
from PyQt6.QtTest import QTest  # noqa: E402
from PyQt6.QtWidgets import QApplication, QPushButton, QWidget  # noqa: E402

from counter_client.actions import Action  # noqa: E402
from counter_client.app import CounterApp  # noqa: E402
from counter_client.config import load_counter_config  # noqa: E402
from counter_client.shift import Phase  # noqa: E402
from display_board.app import build_board  # noqa: E402
from display_board.config import load_display_config  # noqa: E402
from kiosk.app import Kiosk  # noqa: E402
from kiosk.config import load_kiosk_config  # noqa: E402
from kiosk.flow import Screen  # noqa: E402
from server.demo.seed import ADMIN_PASSWORD, ADMIN_USER, OFFICER_PASSWORD  # noqa: E402


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait(condition: Callable[[], object], what: str, seconds: float = 20) -> None:
    app = QApplication.instance()
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        if app is not None:
            app.processEvents()
        time.sleep(0.02)


def settle(seconds: float) -> None:
    end = time.monotonic() + seconds
    wait(lambda: time.monotonic() > end, "time to pass", seconds + 1)


def tap(window: QWidget, text: str) -> None:
    """Tap the visible button labelled ``text`` (its text or its tile's name)."""

    def find() -> QPushButton | None:
        for button in window.findChildren(QPushButton):
            if button.isVisible() and text in (button.text(), button.accessibleName()):
                return button
        return None

    wait(lambda: find() is not None, f"the button {text!r}")
    button = find()
    assert button is not None
    QTest.mouseClick(button, Qt.MouseButton.LeftButton, pos=button.rect().center())


def set_up_demo(checkout: Path, port: int) -> str:
    """scripts/demo in ``checkout``, as in a fresh clone whose .venv is this one."""
    (checkout / "scripts").mkdir(parents=True)
    script = checkout / "scripts" / "demo"
    script.write_bytes((ROOT / "scripts" / "demo").read_bytes())
    script.chmod(0o755)
    (checkout / ".venv").symlink_to(Path(sys.executable).parent.parent)
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANTRE_")}
    done = subprocess.run(
        ["scripts/demo", "--no-setup", "--no-run", "--port", str(port)],
        cwd=checkout,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=180,
    )
    return done.stdout


def shoot_monitor(base: str, out: Path) -> None:
    """The hall monitor of the fresh demo: nobody has started a device yet."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="id-ID")
        page.goto(base + "/login")
        page.fill("input[name=username]", ADMIN_USER)
        page.fill("input[name=password]", ADMIN_PASSWORD)
        page.click("button[type=submit]")
        page.goto(base + "/monitor")
        page.wait_for_selector("#live-status.ok")
        page.screenshot(path=str(out / "demo-monitor.png"))
        devices = page.locator("section.card", has=page.locator("#devices"))
        devices.screenshot(path=str(out / "demo-monitor-devices.png"))
        browser.close()
    print(out / "demo-monitor.png")
    print(out / "demo-monitor-devices.png")


def shoot_clients(configs: Path, out: Path) -> None:
    app = QApplication.instance() or QApplication([])
    board_config = load_display_config(configs / "display-lantai1-a.toml")
    # Silent, and the call held on screen as long as a spoken one would be.
    quiet = replace(board_config.sound, speech=(), chime=False, hold_seconds=30)
    board = build_board(replace(board_config, sound=quiet), retry_seconds=0.5)
    board.window.resize(1280, 720)
    board.window.show()
    board.start()
    kiosk = Kiosk(load_kiosk_config(configs / "kiosk.toml"), retry_seconds=0.5)
    kiosk.start()
    wait(lambda: kiosk.flow.state.loaded and kiosk.live.connected, "the kiosk")
    tap(kiosk.window, "Sentuh untuk mulai")
    tap(kiosk.window, "Disdukcapil")
    tap(kiosk.window, "Perekaman/cetak ulang KTP-el")
    tap(kiosk.window, "Tidak, antrean umum")
    wait(lambda: kiosk.flow.state.screen is Screen.TICKET, "the ticket")
    settle(0.5)
    kiosk.window.grab().save(str(out / "demo-kiosk.png"))
    print(out / "demo-kiosk.png")

    counter = CounterApp(load_counter_config(configs / "counter-dk.toml"), settle_seconds=0)
    counter.window.resize(1366, 768)
    counter.start()
    shift = counter.shift
    counter.window.login_page.password.setText(OFFICER_PASSWORD)
    counter.window.login_page.submit.click()
    wait(lambda: shift.phase is Phase.WORK and shift.online, "the counter open")
    wait(lambda: shift.busy is None and Action.NEXT in shift.allowed(), "Next allowed")
    shift.press(Action.NEXT)
    wait(lambda: shift.ticket is not None, "the call")
    wait(lambda: board.model.latest_call is not None, "the board's call")
    settle(2)
    counter.window.grab().save(str(out / "demo-counter.png"))
    board.window.grab().save(str(out / "demo-board.png"))
    print(out / "demo-counter.png")
    print(out / "demo-board.png")
    counter.close()
    counter.window.close()
    kiosk.close()
    board.stop()
    board.window.close()
    app.processEvents()


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        checkout, port = Path(folder) / "antre", free_port()
        set_up_demo(checkout, port)
        database = checkout / "instance" / "antre.sqlite3"
        env = {k: v for k, v in os.environ.items() if not k.startswith("ANTRE_")}
        server = subprocess.Popen(
            [sys.executable, "-m", "server.entry", "run", "--port", str(port)],
            cwd=ROOT,
            env={
                **env,
                "ANTRE_DATABASE_URL": f"sqlite:///{database}",
                "ANTRE_LOG_LEVEL": "WARNING",
            },
        )
        base = f"http://127.0.0.1:{port}"
        try:
            wait(lambda: answers(base), "the server")
            shoot_monitor(base, out)
            shoot_clients(checkout / "instance" / "demo", out)
        finally:
            server.terminate()
            server.wait(10)


def answers(base: str) -> bool:
    try:
        requests.get(base + "/login", timeout=1)
    except requests.RequestException:
        return False
    return True


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs"))
