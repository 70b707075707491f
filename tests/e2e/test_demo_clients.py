"""The newcomer's path: ``scripts/demo`` sets up the demo hall and writes the client configs;
the real kiosk started from its config prints a ticket without a printer fault, and the
board started from its zone's config shows the number when the counter calls it; every
written token keeps working when ``scripts/demo`` is run again."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from counter_client.config import load_counter_config
from display_board.app import DisplayBoard, build_board
from display_board.config import SoundConfig, load_display_config
from kiosk.app import Kiosk
from kiosk.config import load_kiosk_config
from kiosk.flow import Screen
from server.demo.seed import OFFICER_PASSWORD
from server.models import Device, Service, Ticket
from tests.e2e.live import REPO, ApiClient, LiveServer
from tests.kiosk.conftest import shows, take_ticket

WAIT_MS = 15_000  # the longest any one step may take
DEMO_SECONDS = 120  # scripts/demo without pip: migrate, seed, write the configs


@dataclass
class Demo:
    """A checkout where ``scripts/demo`` ran, and the server it set up, running."""

    root: Path
    server: LiveServer
    output: str

    @property
    def configs(self) -> Path:
        return self.root / "instance" / "demo"

    def run_again(self) -> str:
        return run_demo(self.root, self.server.port)


def run_demo(root: Path, port: int, *options: str) -> str:
    """``scripts/demo --no-setup --no-run``, as a newcomer's second terminal would see it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANTRE_")}
    done = subprocess.run(
        ["scripts/demo", "--no-setup", "--no-run", "--port", str(port), *options],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=DEMO_SECONDS,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return done.stdout


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Demo]:
    """A checkout of its own (the script, and this test run's virtual environment), the
    demo set up in it by ``scripts/demo``, and its server started as scripts/demo would."""
    root = tmp_path / "antre"
    (root / "scripts").mkdir(parents=True)
    (root / "scripts" / "demo").write_bytes((REPO / "scripts" / "demo").read_bytes())
    (root / "scripts" / "demo").chmod(0o755)
    venv = Path(sys.executable).parent.parent
    assert (venv / "bin" / "antre-server").exists(), f"{venv} has no antre-server"
    (root / ".venv").symlink_to(venv)
    server = LiveServer(tmp_path / "server")
    server.workdir.mkdir()
    try:
        output = run_demo(root, server.port)
        server.database_url = f"sqlite:///{root / 'instance' / 'antre.sqlite3'}"
        server.start()
        yield Demo(root, server, output)
    finally:
        server.close()


def device_token(path: Path) -> str:
    token = tomllib.loads(path.read_text(encoding="utf-8"))["device"]["token"]
    assert isinstance(token, str)
    return token


def written_tokens(demo: Demo) -> dict[str, str]:
    """Every token the written configs hold, by file name."""
    tokens = {"kiosk.toml": load_kiosk_config(demo.configs / "kiosk.toml").token}
    for path in sorted(demo.configs.glob("display-*.toml")):
        tokens[path.name] = load_display_config(path).token
    tokens["counter-dk.toml"] = device_token(demo.configs / "counter-dk.toml")
    return tokens


def assert_every_token_works(demo: Demo) -> None:
    kiosk = load_kiosk_config(demo.configs / "kiosk.toml")
    assert kiosk.server_url == demo.server.url
    with ApiClient(kiosk.server_url, kiosk.token) as api:
        assert api.get("/api/v1/config").status_code == 200
    for path in demo.configs.glob("display-*.toml"):
        board = load_display_config(path)
        with ApiClient(board.server_url, board.token) as api:
            response = api.get(f"/api/v1/displays/{board.zone}/snapshot")
            assert response.status_code == 200, (path.name, response.text)
    counter = load_counter_config(demo.configs / "counter-dk.toml")
    with ApiClient(counter.server_url, device_token(demo.configs / "counter-dk.toml")) as api:
        response = api.post("/api/v1/devices/me/health", json={"version": "demo"})
        assert response.status_code == 200, response.text


def test_scripts_demo_prints_the_command_that_starts_each_client(demo: Demo) -> None:
    for line in (
        "antre-kiosk --config instance/demo/kiosk.toml",
        "antre-display --config instance/demo/display-lantai1-a.toml",
        "antre-counter --config instance/demo/counter-dk.toml",
        "log in as petugas.dk / petugas-demo",
    ):
        assert line in demo.output
    assert f"{demo.server.url}/" in demo.output
    assert "Demo phone (the WhatsApp messages visitors get): http://127.0.0.1:5090/" in demo.output


def test_every_written_token_works_and_keeps_working_when_the_demo_runs_again(
    demo: Demo,
) -> None:
    assert_every_token_works(demo)
    before = written_tokens(demo)
    assert len(before) == 6  # the kiosk, four boards, the counter
    demo.run_again()
    assert written_tokens(demo) == before
    assert_every_token_works(demo)


# --- the clients, from their written configs ----------------------------------------------


def quiet(sound: SoundConfig, tmp_path: Path) -> SoundConfig:
    """The config's sound, silenced: a test run plays nothing aloud."""
    return replace(sound, speech=(), chime=False, hold_seconds=0, cache_folder=tmp_path)


@contextlib.contextmanager
def started_kiosk(qtbot: QtBot, path: Path) -> Iterator[Kiosk]:
    kiosk = Kiosk(load_kiosk_config(path), retry_seconds=0.5)
    qtbot.addWidget(kiosk.window)
    kiosk.window.resize(1280, 800)
    try:
        kiosk.start()
        qtbot.waitUntil(lambda: kiosk.flow.state.loaded and kiosk.live.connected, timeout=WAIT_MS)
        yield kiosk
    finally:
        kiosk.close()


@contextlib.contextmanager
def started_board(qtbot: QtBot, path: Path, tmp_path: Path) -> Iterator[DisplayBoard]:
    config = load_display_config(path)
    board = build_board(replace(config, sound=quiet(config.sound, tmp_path)), retry_seconds=0.5)
    qtbot.addWidget(board.window)
    board.window.resize(1280, 720)
    board.window.show()
    try:
        board.start()
        qtbot.waitUntil(
            lambda: board.controller.loads >= 1 and board.controller.connected, timeout=WAIT_MS
        )
        yield board
    finally:
        board.stop()


def officer(server: LiveServer, username: str) -> ApiClient:
    """A REST client logged in with the demo's officer password, as the README shows."""
    api = server.client()
    response = api.post(
        "/api/v1/auth/login", json={"username": username, "password": OFFICER_PASSWORD}
    )
    assert response.status_code == 200, response.text
    api.token = response.json()["token"]
    return api


def printed_tickets(server: LiveServer) -> list[tuple[str, bool | None]]:
    """Today's tickets (the demo also holds a month of past days for its reports)."""
    with server.db.read() as session:
        today = session.scalar(select(func.max(Ticket.service_date)))
        tickets = select(Ticket).where(Ticket.service_date == today).order_by(Ticket.id)
        return [(t.number, t.printed) for t in session.scalars(tickets)]


def kiosk_printer_report(server: LiveServer) -> object:
    with server.db.read() as session:
        kiosk = session.scalar(select(Device).where(Device.name == "Kiosk Pintu Utama 1"))
        assert kiosk is not None
        return (kiosk.health or {}).get("printer")


def test_the_demo_kiosk_prints_a_ticket_and_the_demo_board_shows_its_call(
    demo: Demo, qtbot: QtBot, tmp_path: Path
) -> None:
    counter = load_counter_config(demo.configs / "counter-dk.toml")
    assert counter.counter_id is not None
    with (
        started_board(qtbot, demo.configs / "display-lantai1-a.toml", tmp_path) as board,
        started_kiosk(qtbot, demo.configs / "kiosk.toml") as kiosk,
    ):
        take_ticket(qtbot, kiosk, agency="Disdukcapil", service="Perekaman/cetak ulang KTP-el")
        assert kiosk.flow.state.screen is Screen.TICKET
        assert kiosk.flow.state.printer_fault is None
        assert shows(kiosk.window, "DK-001")
        assert shows(kiosk.window, "Silakan ambil tiket Anda")
        printer_file = Path(str(kiosk.config.printer["path"]))
        assert b"DK-001" in printer_file.read_bytes()
        qtbot.waitUntil(lambda: printed_tickets(demo.server) == [("DK-001", True)], timeout=WAIT_MS)
        qtbot.waitUntil(lambda: kiosk_printer_report(demo.server) == "ok", timeout=WAIT_MS)

        with officer(demo.server, counter.username) as api:
            api.counter(counter.counter_id, "open")
            called = api.counter(counter.counter_id, "next")["ticket"]["number"]
        assert called == "DK-001"
        qtbot.waitUntil(
            lambda: board.window.counters.painted.get(counter.counter_id, ("",))[0] == "DK-001",
            timeout=WAIT_MS,
        )
        assert board.model.latest_call is not None
        assert board.model.latest_call.number == "DK-001"
        board.window.grab().save(str(tmp_path / "demo-board.png"))


def test_hours_changed_in_the_console_survive_a_restart_of_the_demo(demo: Demo) -> None:
    """The around-the-clock hours are applied when the choice changes, not on every run:
    a newcomer who tried the bulk hours form keeps what they set."""
    with demo.server.db.write() as session:
        service = session.scalars(select(Service).where(Service.code == "DK-KK")).one()
        service.hours = {"mon": ["07:30", "12:00"]}
    demo.run_again()
    with demo.server.db.read() as session:
        kept = session.scalars(select(Service.hours).where(Service.code == "DK-KK")).one()
    assert kept == {"mon": ["07:30", "12:00"]}
    run_demo(demo.root, demo.server.port, "--real-hours")  # the choice changed: applied
    with demo.server.db.read() as session:
        real = session.scalars(select(Service.hours).where(Service.code == "DK-KK")).one()
    assert real != kept and real.get("fri")
