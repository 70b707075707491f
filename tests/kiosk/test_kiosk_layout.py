"""Every kiosk screen on every screen halls buy: text shrinks or wraps but never clips,
touch targets stay 15 mm, nothing leaves the screen or overlaps.

One real server over the demo hall (35 agencies, their real names) serves one real kiosk;
the window is sized as each screen of ``HALL_SCREENS`` (with its physical DPI) and taken
through every page in both languages. Then every visible label and button is measured
with its own font's metrics against the room its layout gave it.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from zoneinfo import ZoneInfo

import pytest
from PyQt6.QtCore import QPoint, QRect, Qt
from PyQt6.QtGui import QFontInfo
from PyQt6.QtWidgets import QApplication, QLabel, QPushButton, QStyle, QStyleOptionButton, QWidget

from kiosk.app import Kiosk
from kiosk.check_in import CheckInJob
from kiosk.config import load_kiosk_config
from kiosk.flow import IssueJob, IssueOutcome, Screen
from kiosk.screen_metrics import HALL_SCREENS, ScreenMetrics
from shared.api_client import ApiError
from shared.errors import ErrorCode
from tests.e2e.live import REPO, LiveServer
from tests.kiosk.conftest import MORNING
from tests.kiosk.demo_hall import add_traffic, demo_booking, seed_demo_hall
from tests.kiosk.fake_printer import FakeNetworkPrinter
from tests.server.api.booked import next_slot

GAP_MM = 1.5  # two buttons closer than this are one target to a finger
HALL_TIME = ZoneInfo("Asia/Jakarta")
DEMO_URL: list[str] = []  # the demo hall's database, for bookings to check in
DEMO_SERVER: list[LiveServer] = []  # its server, whose clock the bookings are taken by


@pytest.fixture(scope="module")
def demo_kiosk(qapp: QApplication, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Kiosk]:
    """The real kiosk against a real server over the demo hall, its guard off (the flow is
    driven straight to each screen here; the guard has its own tests)."""
    workdir = tmp_path_factory.mktemp("demo-hall")
    url = f"sqlite:///{workdir / 'demo.sqlite3'}"
    token = seed_demo_hall(url)
    DEMO_URL[:] = [url]
    live = LiveServer(workdir, clock_start=MORNING)  # a booking's check-in open at any hour
    live.database_url = url
    DEMO_SERVER[:] = [live]
    with FakeNetworkPrinter() as printer:
        try:
            live.start()
            add_traffic(live.url, token)
            example = load_kiosk_config(REPO / "examples" / "kiosk.toml")
            config = replace(
                example,
                server_url=live.url,
                token=token,
                fullscreen=False,
                hide_cursor=False,
                tap_guard_ms=0,
                idle_seconds=3600,
                ticket_seconds=3600,
                printer={"kind": "network", "host": "127.0.0.1", "port": printer.port},
            )
            kiosk = Kiosk(config, retry_seconds=0.5)
            kiosk.start()
            wait(qapp, lambda: kiosk.flow.state.loaded and kiosk.live.connected)
            try:
                yield kiosk
            finally:
                kiosk.close()
        finally:
            live.close()


def wait(app: QApplication, condition: Callable[[], bool], seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        app.processEvents()
        time.sleep(0.01)


# --- reaching each screen ------------------------------------------------------------------


def service(kiosk: Kiosk, code: str) -> int:
    return next(line.id for line in kiosk.flow.state.lines.values() if line.code == code)


def to_services(kiosk: Kiosk) -> None:
    flow = kiosk.flow
    flow.home()
    flow.start()
    disdukcapil = next(a["id"] for a in flow.state.agencies if a["short_name"] == "Disdukcapil")
    flow.choose_agency(disdukcapil)


def issued_ticket(kiosk: Kiosk, printed: bool) -> None:
    """A real ticket (the longest priority mark) on the ticket screen."""
    to_services(kiosk)
    kiosk.flow.choose_service(service(kiosk, "DK-KTP"))
    job = kiosk.flow.request_issue("disabled")
    assert job is not None
    outcome = kiosk.flow.perform(job)
    assert outcome.issued is not None, outcome.error
    kiosk.flow.complete(replace(outcome, printed=printed, printer_health="offline"))


def refused(kiosk: Kiosk, code: str) -> None:
    """The server's answer to a tap, as ``complete`` gets it: quota gone, or server away."""
    kiosk.flow.load_config()  # the last refusal marked the service full: open it again
    to_services(kiosk)
    kiosk.flow.choose_service(service(kiosk, "DK-KK"))
    job = kiosk.flow.request_issue("none")
    assert job is not None
    kiosk.flow.complete(IssueOutcome(job, error=ApiError(code, "refused")))


def issuing(kiosk: Kiosk) -> None:
    to_services(kiosk)
    kiosk.flow.choose_service(service(kiosk, "DK-KK"))
    job = kiosk.flow.request_issue("pregnant")
    assert job is not None
    IN_FLIGHT.append(job)


IN_FLIGHT: list[IssueJob] = []


def reset(kiosk: Kiosk) -> None:
    """Back to the welcome screen, nothing in flight, online, the PIN pad closed."""
    while IN_FLIGHT:  # the issuing screen's request: the server never answered it
        job = IN_FLIGHT.pop()
        kiosk.flow.complete(IssueOutcome(job, error=ApiError(ErrorCode.UNAVAILABLE, "gone")))
    kiosk.window.pin_pad.close_pad()
    kiosk.flow.set_online(True)
    kiosk.flow.home()


def check_in_keypad(kiosk: Kiosk) -> None:
    kiosk.flow.home()
    kiosk.flow.open_check_in()
    for key in "K7QM3X":
        kiosk.flow.press_code_key(key)


def checked_in(kiosk: Kiosk, times: int) -> None:
    """A real booking checked in ``times`` times: its ticket, or "already checked in"."""
    now = DEMO_SERVER[0].now()
    code = demo_booking(DEMO_URL[0], next_slot(now, HALL_TIME), now)
    kiosk.flow.home()
    for _ in range(times):
        outcome = kiosk.flow.perform(CheckInJob(code, kiosk.flow.state.language))
        assert outcome.issued is not None, outcome.error
    kiosk.flow.complete(outcome)


def too_early(kiosk: Kiosk) -> None:
    """The longest refusal: check-in opens on another day."""
    kiosk.flow.home()
    tomorrow = (kiosk.flow.local_now() + dt.timedelta(days=1)).date().isoformat()
    early = ApiError(
        ErrorCode.OUTSIDE_CHECK_IN_WINDOW,
        "early",
        409,
        {"reason": "early", "date": tomorrow, "time": "08:30"},
    )
    kiosk.flow.complete(IssueOutcome(CheckInJob("K7QM3XHD", "id"), error=early))


def agencies(kiosk: Kiosk) -> None:
    kiosk.flow.home()
    kiosk.flow.start()


def standard(kiosk: Kiosk) -> None:
    to_services(kiosk)
    kiosk.flow.show_standard(service(kiosk, "DK-KTP"))


def priority(kiosk: Kiosk) -> None:
    to_services(kiosk)
    kiosk.flow.choose_service(service(kiosk, "DK-KTP"))


SCREENS: dict[str, Callable[[Kiosk], None]] = {
    "welcome": lambda k: k.flow.home(),
    "agencies": agencies,
    "services": to_services,
    "standard": standard,
    "priority": priority,
    "issuing": issuing,
    "ticket": lambda k: issued_ticket(k, printed=True),
    "printer-failure": lambda k: issued_ticket(k, printed=False),
    "message": lambda k: refused(k, ErrorCode.QUOTA_EXHAUSTED),
    "unavailable": lambda k: refused(k, ErrorCode.UNAVAILABLE),
    "pin": lambda k: k.flow.home(),  # then the pad, over the welcome screen
    "check_in": check_in_keypad,
    "check-in-ticket": lambda k: checked_in(k, 1),
    "check_in_result": lambda k: checked_in(k, 2),
    "check-in-early": too_early,
}
EXPECTED = {
    "printer-failure": Screen.TICKET,
    "pin": Screen.WELCOME,
    "check-in-ticket": Screen.TICKET,
    "check-in-early": Screen.CHECK_IN_RESULT,
}


def show(kiosk: Kiosk, name: str, language: str) -> None:
    """The screen ``name`` in ``language``, laid out."""
    reset(kiosk)
    SCREENS[name](kiosk)
    kiosk.flow.set_language(language)
    if name == "pin":
        kiosk.window.pin_pad.open_pad(language)
    expected = EXPECTED[name] if name in EXPECTED else Screen(name)
    assert kiosk.flow.state.screen is expected, name
    app = QApplication.instance()
    assert app is not None
    for _ in range(3):
        app.processEvents()


# --- measuring -------------------------------------------------------------------------------


def box(widget: QWidget, window: QWidget) -> QRect:
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())


def label_problem(label: QLabel) -> str | None:
    """Whether ``label``'s text is wider or taller than its room, by its font's metrics."""
    room = label.contentsRect()
    metrics = label.fontMetrics()
    if label.wordWrap():
        flags = int(Qt.TextFlag.TextWordWrap.value)
        need = metrics.boundingRect(QRect(0, 0, room.width(), 1_000_000), flags, label.text())
    else:
        need = metrics.boundingRect(QRect(0, 0, 1_000_000, 1_000_000), 0, label.text())
    if need.width() > room.width() or need.height() > room.height():
        return f"needs {need.width()}x{need.height()}, has {room.width()}x{room.height()}"
    return None


def button_problem(button: QPushButton) -> str | None:
    """Whether a button's own text (and icon) is wider or taller than its contents."""
    option = QStyleOptionButton()
    button.initStyleOption(option)
    style = button.style()
    assert style is not None
    room = style.subElementRect(QStyle.SubElement.SE_PushButtonContents, option, button)
    metrics = button.fontMetrics()
    icon = button.iconSize() if not button.icon().isNull() else None
    width = metrics.horizontalAdvance(button.text()) + (icon.width() + 4 if icon else 0)
    height = max(metrics.height(), icon.height() if icon else 0)
    if width > room.width() or height > room.height():
        return f"needs {width}x{height}, has {room.width()}x{room.height()}"
    return None


def problems(window: QWidget, metrics: ScreenMetrics) -> list[str]:
    found: list[str] = []
    screen = window.rect()
    labels = [w for w in window.findChildren(QLabel) if w.isVisible() and w.text()]
    pushes = [w for w in window.findChildren(QPushButton) if w.isVisible()]
    for label in labels:
        name = f"label {label.text()[:30]!r}"
        if (problem := label_problem(label)) is not None:
            found.append(f"{name} {problem}")
        if QFontInfo(label.font()).pixelSize() < metrics.text_floor:
            found.append(f"{name} is in {QFontInfo(label.font()).pixelSize()} px type")
    for button in pushes:
        name = f"button {(button.text() or button.accessibleName())[:30]!r}"
        if button.text() and (problem := button_problem(button)) is not None:
            found.append(f"{name} {problem}")
        if min(button.width(), button.height()) < metrics.mm(15) - 0.5:
            found.append(f"{name} is {button.width()}x{button.height()}, under 15 mm")
    for widget in [*labels, *pushes]:
        if not screen.contains(box(widget, window)):
            found.append(f"{widget.objectName()} {box(widget, window)} leaves the screen")
    gap = round(metrics.mm(GAP_MM))
    for i, first in enumerate(pushes):
        for second in pushes[i + 1 :]:
            near = box(first, window).adjusted(-gap, -gap, gap, gap)
            if near.intersects(box(second, window)) and not _stacked(first, second):
                found.append(f"{first.objectName()} and {second.objectName()} touch")
    return found


def _stacked(first: QWidget, second: QWidget) -> bool:
    """The PIN pad lies over the page: its keys and the page's buttons do not compete."""
    return first.window() is second.window() and (_in_pin_pad(first) != _in_pin_pad(second))


def _in_pin_pad(widget: QWidget) -> bool:
    parent: QWidget | None = widget
    while parent is not None:
        if parent.objectName() == "pinOverlay":
            return True
        parent = parent.parentWidget()
    return False


@pytest.mark.parametrize("size", list(HALL_SCREENS))
def test_every_screen_fits_every_hall_screen_without_clipping(
    demo_kiosk: Kiosk, qapp: QApplication, size: str
) -> None:
    metrics = HALL_SCREENS[size]
    window = demo_kiosk.window
    window.resize(metrics.width, metrics.height)
    window.assume_screen(metrics.dpi, metrics.device_pixel_ratio)
    qapp.processEvents()
    assert window.metrics == metrics
    found = []
    for language in ("id", "en"):
        for name in SCREENS:
            show(demo_kiosk, name, language)
            found += [f"{name} ({language}): {p}" for p in problems(window, metrics)]
    reset(demo_kiosk)
    assert not found, "\n".join(found)
