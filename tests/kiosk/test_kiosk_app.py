"""The whole kiosk against a real server and a printer on 127.0.0.1: taps on the real
buttons, bytes on the printer's port, and what the server recorded."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from PyQt6.QtCore import Qt, QTimer
from PyQt6.QtGui import QImage
from PyQt6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot
from sqlalchemy import delete, select

from kiosk.app import Kiosk, main
from kiosk.flow import Screen
from kiosk.ui.window import KioskWindow
from server.models import CounterService, Service
from shared.api_client import ApiClient
from tests.e2e.live import REPO, LiveServer, free_port, wait_until
from tests.kiosk.conftest import (
    ADMIN_PIN,
    PUBLIC_URL,
    WAIT_MS,
    StartKiosk,
    click,
    find_button,
    kiosk_config,
    kiosk_health,
    shows,
    take_ticket,
    tap,
    tickets,
    wait_screen,
)
from tests.kiosk.fake_printer import FakeNetworkPrinter, raster_images
from tests.kiosk.relay import DropFirstTicketAnswer

ESC_INIT = b"\x1b@"
RASTER_IMAGE = b"\x1dv0"  # GS v 0: the QR goes as a raster image (qr(native=False))
CUT = b"\x1dV"


def closed_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return int(probe.getsockname()[1])


def jobs(printer: FakeNetworkPrinter) -> list[bytes]:
    """What each finished connection brought besides status questions: one per ticket."""
    return [bytes(c.printed) for c in printer.connections if c.closed and c.printed]


def qr_links(data: bytes) -> list[str]:
    return [found.text for image in raster_images(data) for found in zxingcpp.read_barcodes(image)]


def status_link(kiosk: Kiosk) -> str:
    issued = kiosk.flow.state.issued
    assert issued is not None
    return f"{PUBLIC_URL}/t/{issued.ticket['status_code']}"


def on_screen_ticket(kiosk: Kiosk) -> Image.Image:
    """The ticket picture the screen shows, as a phone camera would see it."""
    pictures = [
        label
        for label in kiosk.window.findChildren(QLabel)
        if label.objectName() == "ticketPicture" and label.isVisible()
    ]
    assert len(pictures) == 1, "no ticket picture on the screen"
    pixmap = pictures[0].pixmap()
    assert pixmap is not None and not pixmap.isNull()
    image = pixmap.toImage().convertToFormat(QImage.Format.Format_Grayscale8)
    bits = image.constBits()
    assert bits is not None
    bits.setsize(image.sizeInBytes())
    return Image.frombuffer(
        "L", (image.width(), image.height()), bytes(bits), "raw", "L", image.bytesPerLine(), 1
    )


def set_service(server: LiveServer, service_id: int, **values: object) -> None:
    """Change a service behind the kiosk's back, as staff would in the admin console."""
    with server.db.write() as session:
        service = session.scalar(select(Service).where(Service.id == service_id))
        assert service is not None
        for key, value in values.items():
            setattr(service, key, value)


# --- printing ---------------------------------------------------------------------------


def test_a_visitor_taps_through_and_the_printer_gets_number_qr_and_cut(
    qtbot: QtBot, server: LiveServer, printer: FakeNetworkPrinter, start_kiosk: StartKiosk
) -> None:
    kiosk = start_kiosk(kiosk_config(server, printer.port))
    take_ticket(qtbot, kiosk, priority="Lansia (60 tahun ke atas)")

    assert kiosk.flow.state.screen is Screen.TICKET
    assert shows(kiosk.window, "DK-001")
    assert shows(kiosk.window, "Silakan ambil tiket Anda")
    qtbot.waitUntil(lambda: len(jobs(printer)) == 1, timeout=WAIT_MS)
    data = jobs(printer)[0]
    assert data.startswith(ESC_INIT)
    assert b"DK-001" in data and b"PRIORITAS - LANSIA" in data
    assert data.index(b"DK-001") < data.index(RASTER_IMAGE) < data.rindex(CUT)
    assert qr_links(data) == [status_link(kiosk)]
    qtbot.waitUntil(lambda: tickets(server) == [("DK-001", True)], timeout=WAIT_MS)
    qtbot.waitUntil(lambda: kiosk_health(server).get("printer") == "ok", timeout=WAIT_MS)


def test_a_printer_refusing_the_connection_shows_the_ticket_and_the_kiosk_keeps_serving(
    qtbot: QtBot, server: LiveServer, start_kiosk: StartKiosk
) -> None:
    kiosk = start_kiosk(kiosk_config(server, closed_port()))
    take_ticket(qtbot, kiosk)

    assert kiosk.flow.state.screen is Screen.TICKET
    assert shows(kiosk.window, "DK-001")
    assert shows(kiosk.window, "Silakan foto layar ini atau minta bantuan petugas")
    assert [f.text for f in zxingcpp.read_barcodes(on_screen_ticket(kiosk))] == [status_link(kiosk)]
    qtbot.waitUntil(lambda: tickets(server) == [("DK-001", False)], timeout=WAIT_MS)
    qtbot.waitUntil(lambda: kiosk_health(server).get("printer") == "offline", timeout=WAIT_MS)

    tap(qtbot, kiosk.window, "Selesai")  # the next visitor
    take_ticket(qtbot, kiosk, service="Perubahan KK")
    assert shows(kiosk.window, "DK-002")
    qtbot.waitUntil(
        lambda: tickets(server) == [("DK-001", False), ("DK-002", False)], timeout=WAIT_MS
    )


def test_a_printer_out_of_paper_gets_no_ticket_and_its_refill_is_reported(
    qtbot: QtBot, server: LiveServer, printer: FakeNetworkPrinter, start_kiosk: StartKiosk
) -> None:
    printer.state = "paper_out"
    kiosk = start_kiosk(kiosk_config(server, printer.port))
    take_ticket(qtbot, kiosk)

    assert kiosk.flow.state.printed is False
    assert shows(kiosk.window, "Printer sedang bermasalah")
    assert on_screen_ticket(kiosk).height > 400
    assert jobs(printer) == []  # asked first, so not a byte of the ticket was lost in it
    qtbot.waitUntil(lambda: tickets(server) == [("DK-001", False)], timeout=WAIT_MS)
    qtbot.waitUntil(lambda: kiosk_health(server).get("printer") == "paper_out", timeout=WAIT_MS)

    printer.state = "ok"  # staff put a new roll in
    tap(qtbot, kiosk.window, "Selesai")
    take_ticket(qtbot, kiosk)
    assert kiosk.flow.state.printed is True
    assert shows(kiosk.window, "DK-002")
    qtbot.waitUntil(lambda: len(jobs(printer)) == 1, timeout=WAIT_MS)
    assert b"DK-002" in jobs(printer)[0]
    qtbot.waitUntil(lambda: kiosk_health(server).get("printer") == "ok", timeout=WAIT_MS)
    assert tickets(server) == [("DK-001", False), ("DK-002", True)]


# --- the server -------------------------------------------------------------------------


def test_the_server_away_means_unavailable_and_no_ticket_then_the_kiosk_recovers_alone(
    qtbot: QtBot, server: LiveServer, printer: FakeNetworkPrinter, start_kiosk: StartKiosk
) -> None:
    kiosk = start_kiosk(kiosk_config(server, printer.port))
    tap(qtbot, kiosk.window, "Sentuh untuk mulai")
    tap(qtbot, kiosk.window, "Disdukcapil")
    tap(qtbot, kiosk.window, "Perekaman KTP-el")

    server.stop()
    qtbot.waitUntil(lambda: not kiosk.flow.state.online, timeout=WAIT_MS)
    tap(qtbot, kiosk.window, "Tidak, antrean umum")
    wait_screen(qtbot, kiosk, Screen.UNAVAILABLE)
    assert shows(kiosk.window, "Layanan sementara tidak tersedia")
    assert shows(kiosk.window, "Nomor antrean belum dibuat")
    assert kiosk.flow.state.issued is None
    assert tickets(server) == [] and jobs(printer) == []

    server.start()  # the same port and database, as a supervisor restarts it
    wait_screen(qtbot, kiosk, Screen.WELCOME, timeout=15_000)
    assert kiosk.flow.state.online
    take_ticket(qtbot, kiosk)
    assert shows(kiosk.window, "DK-001")
    qtbot.waitUntil(lambda: tickets(server) == [("DK-001", True)], timeout=WAIT_MS)
    assert len(jobs(printer)) == 1


def test_a_lost_answer_is_retried_with_the_same_key_and_makes_one_ticket(
    qtbot: QtBot, server: LiveServer, printer: FakeNetworkPrinter, start_kiosk: StartKiosk
) -> None:
    relay = DropFirstTicketAnswer(server.port)
    issue_api = ApiClient(relay.url, server.hall.tokens["kiosk"])
    try:
        kiosk = start_kiosk(kiosk_config(server, printer.port), issue_api=issue_api)
        take_ticket(qtbot, kiosk)
        assert kiosk.flow.state.screen is Screen.TICKET
        issued = kiosk.flow.state.issued
        assert issued is not None and issued.replayed  # the second answer was the first ticket
        assert (relay.dropped, relay.issue_requests) == (1, 2)
        assert shows(kiosk.window, "DK-001")
        qtbot.waitUntil(lambda: tickets(server) == [("DK-001", True)], timeout=WAIT_MS)
        qtbot.waitUntil(lambda: len(jobs(printer)) == 1, timeout=WAIT_MS)
    finally:
        relay.close()


def test_a_double_tap_makes_one_ticket(
    qtbot: QtBot, server: LiveServer, printer: FakeNetworkPrinter, start_kiosk: StartKiosk
) -> None:
    set_service(server, server.hall.kk, priority_offered=False)  # its tap issues at once
    kiosk = start_kiosk(kiosk_config(server, printer.port))
    tap(qtbot, kiosk.window, "Sentuh untuk mulai")
    tap(qtbot, kiosk.window, "Disdukcapil")
    button = tap(qtbot, kiosk.window, "Perubahan KK")
    click(qtbot, button)  # the finger bounces
    click(qtbot, kiosk.window, button.mapTo(kiosk.window, button.rect().center()))

    wait_screen(qtbot, kiosk, Screen.TICKET)
    qtbot.waitUntil(lambda: kiosk.issuing.idle, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: tickets(server) == [("DK-001", True)], timeout=WAIT_MS)
    assert len(jobs(printer)) == 1


@pytest.mark.parametrize(
    ("change", "message", "mark"),
    [
        ({"daily_quota": 0}, "Kuota antrean layanan ini untuk hari ini sudah habis", "Kuota"),
        ({"hours": {}}, "Layanan ini sedang tutup", "Tutup"),
    ],
    ids=["quota", "closed"],
)
def test_quota_or_closing_reached_between_screens_is_a_clear_message(
    qtbot: QtBot,
    server: LiveServer,
    printer: FakeNetworkPrinter,
    start_kiosk: StartKiosk,
    change: dict[str, object],
    message: str,
    mark: str,
) -> None:
    kiosk = start_kiosk(kiosk_config(server, printer.port))
    tap(qtbot, kiosk.window, "Sentuh untuk mulai")
    tap(qtbot, kiosk.window, "Disdukcapil")
    tap(qtbot, kiosk.window, "Perekaman KTP-el")
    set_service(server, server.hall.ktp, **change)  # while the visitor chooses a priority
    tap(qtbot, kiosk.window, "Tidak, antrean umum")

    wait_screen(qtbot, kiosk, Screen.MESSAGE)
    assert shows(kiosk.window, message)
    assert tickets(server) == [] and jobs(printer) == []
    tap(qtbot, kiosk.window, "Kembali")
    wait_screen(qtbot, kiosk, Screen.SERVICES)
    service = find_button(kiosk.window, "Perekaman KTP-el")
    assert service is not None and not service.isEnabled()
    assert shows(kiosk.window, mark)


# --- live from the server ------------------------------------------------------------------


def test_waiting_counts_and_configuration_changes_arrive_by_themselves(
    qtbot: QtBot, server: LiveServer, printer: FakeNetworkPrinter, start_kiosk: StartKiosk
) -> None:
    kiosk = start_kiosk(kiosk_config(server, printer.port))
    tap(qtbot, kiosk.window, "Sentuh untuk mulai")
    tile = find_button(kiosk.window, "Samsat")
    assert tile is not None and shows(kiosk.window, "0 menunggu")

    with server.device("kiosk") as other_kiosk:
        for _ in range(3):
            other_kiosk.issue(server.hall.pkb)
    qtbot.waitUntil(lambda: shows(kiosk.window, "3 menunggu"), timeout=WAIT_MS)
    assert find_button(kiosk.window, "Samsat") is tile  # updated in place, not rebuilt

    with server.officer("admin") as admin:
        response = admin.session.patch(
            f"{server.url}/api/v1/settings",
            json={"site_name": "MPP Uji Coba", "ticket_footer": "Catatan kaki baru"},
            headers={"Authorization": f"Bearer {admin.token}"},
            timeout=5,
        )
    assert response.status_code == 200, response.text
    qtbot.waitUntil(lambda: shows(kiosk.window, "MPP Uji Coba"), timeout=WAIT_MS)

    tap(qtbot, kiosk.window, "Beranda")
    take_ticket(qtbot, kiosk, agency="Samsat", service="Pajak kendaraan tahunan")
    assert shows(kiosk.window, "SM-004")
    qtbot.waitUntil(lambda: len(jobs(printer)) == 1, timeout=WAIT_MS)
    assert b"MPP Uji Coba" in jobs(printer)[0] and b"Catatan kaki baru" in jobs(printer)[0]


# --- a kiosk, not a desktop app ------------------------------------------------------------


def press_pin(qtbot: QtBot, kiosk: Kiosk, digits: str) -> None:
    for digit in digits:
        click(qtbot, kiosk.window.pin_pad.keys[digit])
    click(qtbot, kiosk.window.pin_pad.keys["ok"])


def test_only_the_hidden_corner_and_the_admin_pin_close_the_kiosk(
    qtbot: QtBot, server: LiveServer, printer: FakeNetworkPrinter, start_kiosk: StartKiosk
) -> None:
    kiosk = start_kiosk(kiosk_config(server, printer.port, fullscreen=True, hide_cursor=True))
    window = kiosk.window
    assert window.isFullScreen()
    assert window.windowFlags() & Qt.WindowType.FramelessWindowHint  # no title bar, no [x]
    cursor = QApplication.overrideCursor()
    assert cursor is not None and cursor.shape() is Qt.CursorShape.BlankCursor
    assert window.close() is False and window.isVisible()  # Alt+F4 does nothing

    for _ in range(4):
        click(qtbot, window.corner)
    assert not window.pin_pad.isVisible()  # a visitor tapping there sees nothing
    click(qtbot, window.corner)
    assert window.pin_pad.isVisible()

    exits: list[bool] = []
    kiosk.exit_requested.connect(lambda: exits.append(True))
    press_pin(qtbot, kiosk, "1111")
    assert shows(window, "PIN salah")
    assert window.pin_pad.isVisible() and window.isVisible() and exits == []

    with qtbot.waitSignal(kiosk.exit_requested, timeout=WAIT_MS):
        press_pin(qtbot, kiosk, ADMIN_PIN)
    assert window.may_close


FILL_SCREEN = textwrap.dedent(
    """
    import sys
    from PyQt6.QtCore import QTimer
    from PyQt6.QtWidgets import QApplication
    from kiosk.app import Kiosk
    from kiosk.config import KioskConfig

    app = QApplication([])
    config = KioskConfig(server_url=sys.argv[1], token="t", admin_pin="2468")
    kiosk = Kiosk(config, retry_seconds=30)
    kiosk.start()
    QTimer.singleShot(800, lambda: app.exit(0))  # quit() would ask the window, which refuses
    app.exec()
    window, screen = kiosk.window.geometry(), kiosk.window.screen().geometry()
    print(window.width(), window.height(), screen.width(), screen.height())
    kiosk.close()
    """
)


@pytest.mark.skipif(not Path("/usr/bin/xvfb-run").exists(), reason="needs Xvfb")
def test_full_screen_fills_the_screen_where_no_window_manager_honours_it(tmp_path: Path) -> None:
    """A bare X server (no window manager) ignores showFullScreen: the kiosk's window must
    still cover the whole 1366x768 screen."""
    script = tmp_path / "fill_screen.py"
    script.write_text(FILL_SCREEN, encoding="utf-8")
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb", "PYTHONPATH": str(REPO)}
    nobody = f"http://127.0.0.1:{free_port()}"  # the kiosk says "unavailable": fine here
    command = ["xvfb-run", "-a", "-s", "-screen 0 1366x768x24", sys.executable, str(script)]
    # Its own process group: on a timeout, Xvfb and the kiosk go with xvfb-run.
    with subprocess.Popen(
        [*command, nobody],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    ) as run:
        try:
            out, err = run.communicate(timeout=60)
        finally:
            if run.poll() is None:
                os.killpg(run.pid, signal.SIGKILL)
                run.wait()
    assert run.returncode == 0, err[-2000:]
    assert out.split()[-4:] == ["1366", "768", "1366", "768"]


def test_antre_kiosk_command_runs_from_its_toml_and_leaves_by_the_pin(
    qtbot: QtBot, qapp: QApplication, server: LiveServer, tmp_path: Path
) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text(
        f"""
[server]
url = "{server.url}"
token = "{server.hall.tokens["kiosk"]}"

[kiosk]
admin_pin = "{ADMIN_PIN}"
fullscreen = false

[printer]
kind = "dummy"
""",
        encoding="utf-8",
    )
    seen: list[str] = []
    deadline = QTimer()
    deadline.setSingleShot(True)
    deadline.timeout.connect(qapp.quit)  # a broken main must not hang the suite

    def leave_when_ready() -> None:
        for widget in qapp.topLevelWidgets():
            if isinstance(widget, KioskWindow) and widget.flow.state.loaded:
                seen.append(widget.flow.state.site_name)
                for _ in range(5):
                    click(qtbot, widget.corner)
                for digit in ADMIN_PIN:
                    click(qtbot, widget.pin_pad.keys[digit])
                click(qtbot, widget.pin_pad.keys["ok"])
                return
        QTimer.singleShot(100, leave_when_ready)

    previous = signal.getsignal(signal.SIGINT), qapp.quitOnLastWindowClosed()
    try:
        QTimer.singleShot(100, leave_when_ready)
        deadline.start(WAIT_MS)
        assert main(["--config", str(path), "--log-level", "WARNING"]) == 0
    finally:
        signal.signal(signal.SIGINT, previous[0])
        qapp.setQuitOnLastWindowClosed(previous[1])
        deadline.stop()
    assert seen == ["Mal Pelayanan Publik"]


def test_ctrl_c_ends_a_kiosk_being_tried_out(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text(
        f'[server]\nurl = "http://127.0.0.1:{free_port()}"\ntoken = "t"\n'
        '[kiosk]\nadmin_pin = "2468"\nfullscreen = false\n[printer]\nkind = "dummy"\n',
        encoding="utf-8",
    )
    command = [sys.executable, "-m", "kiosk", "--config", str(path), "--log-level", "INFO"]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    with subprocess.Popen(
        command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    ) as kiosk:
        lines: list[str] = []
        reader = threading.Thread(
            target=lambda: lines.extend(iter(kiosk.stdout.readline, "")), daemon=True
        )
        reader.start()
        try:
            # Signalled once it says it runs (its Ctrl-C handler is in place by then), however
            # slow the machine is to start Qt; the server is away, which is fine.
            wait_until(lambda: any("kiosk running" in line for line in lines), 60, "kiosk start")
            assert kiosk.poll() is None, "".join(lines)
            kiosk.send_signal(signal.SIGINT)
            assert kiosk.wait(timeout=10) == 0
        finally:
            if kiosk.poll() is None:
                kiosk.kill()


def test_antre_kiosk_refuses_a_bad_config_with_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text('[server]\nurl = "http://x"\ntoken = "t"\n[kiosk]\nadmin_pin = "12"\n')
    assert main(["--config", str(path)]) == 2
    assert "admin_pin must be at least 4 digits" in capsys.readouterr().err


def test_an_idle_kiosk_reports_an_empty_roll_and_its_refill_before_any_visitor(
    qtbot: QtBot, server: LiveServer, printer: FakeNetworkPrinter, start_kiosk: StartKiosk
) -> None:
    printer.state = "paper_out"
    start_kiosk(kiosk_config(server, printer.port, printer_check_seconds=1))
    qtbot.waitUntil(lambda: kiosk_health(server).get("printer") == "paper_out", timeout=WAIT_MS)
    printer.state = "ok"
    qtbot.waitUntil(lambda: kiosk_health(server).get("printer") == "ok", timeout=WAIT_MS)
    assert tickets(server) == [] and jobs(printer) == []


def test_the_information_button_shows_the_standard_before_queueing(
    qtbot: QtBot, server: LiveServer, printer: FakeNetworkPrinter, start_kiosk: StartKiosk
) -> None:
    # The test hall writes DK-KTP's standard, as an admin does in the console.
    kiosk = start_kiosk(kiosk_config(server, printer.port))
    tap(qtbot, kiosk.window, "Sentuh untuk mulai")
    tap(qtbot, kiosk.window, "Disdukcapil")
    assert find_button(kiosk.window, "Persyaratan: Perubahan KK") is None  # none configured
    tap(qtbot, kiosk.window, "Persyaratan: Perekaman KTP-el")

    wait_screen(qtbot, kiosk, Screen.STANDARD)
    assert shows(kiosk.window, "Kartu Keluarga (asli dan fotokopi)")
    assert shows(kiosk.window, "Gratis") and shows(kiosk.window, "1 hari")
    tap(qtbot, kiosk.window, "Ambil nomor antrean")
    tap(qtbot, kiosk.window, "Tidak, antrean umum")
    wait_screen(qtbot, kiosk, Screen.TICKET)
    assert shows(kiosk.window, "DK-001")


def test_a_printer_switched_off_and_on_again_is_found_by_itself(
    qtbot: QtBot, server: LiveServer, start_kiosk: StartKiosk
) -> None:
    first = FakeNetworkPrinter()
    port = first.port
    kiosk = start_kiosk(kiosk_config(server, port, printer_check_seconds=1))
    first.stop()  # switched off: the port refuses connections
    take_ticket(qtbot, kiosk)
    assert kiosk.flow.state.printed is False
    qtbot.waitUntil(lambda: kiosk_health(server).get("printer") == "offline", timeout=WAIT_MS)
    tap(qtbot, kiosk.window, "Selesai")

    with FakeNetworkPrinter(port=port) as again:  # switched on again, same address
        # The idle kiosk's own check finds it, before any visitor.
        qtbot.waitUntil(lambda: kiosk_health(server).get("printer") == "ok", timeout=WAIT_MS)
        take_ticket(qtbot, kiosk)
        assert kiosk.flow.state.printed is True
        qtbot.waitUntil(lambda: len(jobs(again)) == 1, timeout=WAIT_MS)
        assert b"DK-002" in jobs(again)[0]


# --- what the visitor is told -----------------------------------------------------------


def test_the_ticket_says_where_to_wait_and_never_you_are_next_to_a_line_nobody_calls(
    qtbot: QtBot, server: LiveServer, printer: FakeNetworkPrinter, start_kiosk: StartKiosk
) -> None:
    kiosk = start_kiosk(kiosk_config(server, printer.port))
    take_ticket(qtbot, kiosk)  # DK-KTP: served at Loket 1 only, which is still closed
    assert shows(kiosk.window, "Tunggu di: Zona A (Loket 1)")
    assert shows(kiosk.window, "Belum ada loket yang buka")
    assert not shows(kiosk.window, "Anda berikutnya")
    qtbot.waitUntil(lambda: len(jobs(printer)) == 1, timeout=WAIT_MS)
    assert b"Menunggu loket dibuka" in jobs(printer)[0]
    assert b"Tunggu di: Zona A (Loket 1)" in jobs(printer)[0]

    server.officer("petugas.dk").counter(server.hall.c2, "open")  # Loket 2 serves KK
    tap(qtbot, kiosk.window, "Selesai")
    take_ticket(qtbot, kiosk, service="Perubahan KK")
    assert shows(kiosk.window, "Anda berikutnya")
    assert shows(kiosk.window, "Tunggu di: Zona A (Loket 1–2)")


def test_a_visitor_who_comes_while_the_line_s_counters_are_on_a_break_is_told_so(
    qtbot: QtBot, server: LiveServer, printer: FakeNetworkPrinter, start_kiosk: StartKiosk
) -> None:
    officer = server.officer("petugas.dk")
    officer.counter(server.hall.c1, "open")  # Loket 1 alone serves KTP
    officer.counter(server.hall.c1, "pause")  # and its officer went to lunch
    kiosk = start_kiosk(kiosk_config(server, printer.port))
    window = kiosk.window
    tap(qtbot, window, "Sentuh untuk mulai")
    tap(qtbot, window, "Disdukcapil")
    tap(qtbot, window, "Perekaman KTP-el")
    answer = tap(qtbot, window, "Tidak, antrean umum")
    click(qtbot, answer)  # the finger bounces
    click(qtbot, window, answer.mapTo(window, answer.rect().center()))

    wait_screen(qtbot, kiosk, Screen.TICKET)
    qtbot.waitUntil(lambda: kiosk.issuing.idle, timeout=WAIT_MS)
    # The hall has had no break today to tell when it is back: the break, no minutes.
    assert shows(window, "Loket sedang istirahat — nomor Anda tetap tercatat")
    assert not shows(window, "Belum ada loket yang buka")
    qtbot.waitUntil(lambda: len(jobs(printer)) == 1, timeout=WAIT_MS)
    assert tickets(server) == [("DK-001", True)]  # one ticket, printed once
    assert b"Loket sedang istirahat" in jobs(printer)[0]
    assert b"Menunggu loket dibuka" not in jobs(printer)[0]

    done = tap(qtbot, window, "Selesai")
    click(qtbot, window, done.mapTo(window, done.rect().center()))  # twice, fast
    wait_screen(qtbot, kiosk, Screen.WELCOME)
    assert kiosk.flow.state.screen is Screen.WELCOME  # the bounce did not start anew
    assert len(jobs(printer)) == 1


def test_a_service_no_counter_serves_is_shown_as_such_and_cannot_be_taken(
    qtbot: QtBot, server: LiveServer, printer: FakeNetworkPrinter, start_kiosk: StartKiosk
) -> None:
    with server.db.write() as session:
        session.execute(delete(CounterService).where(CounterService.service_id == server.hall.kk))
    kiosk = start_kiosk(kiosk_config(server, printer.port))
    tap(qtbot, kiosk.window, "Sentuh untuk mulai")
    tap(qtbot, kiosk.window, "Disdukcapil")
    service = find_button(kiosk.window, "Perubahan KK")
    assert service is not None and not service.isEnabled()
    assert shows(kiosk.window, "Belum ada loket")
    click(qtbot, service)
    assert kiosk.flow.state.screen is Screen.SERVICES
    assert tickets(server) == []
