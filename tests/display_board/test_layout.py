"""The board on screens of several sizes: every part inside the screen, none overlapping,
no text clipped, the offline mark visible; landscape and portrait."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from PyQt6.QtCore import QRectF
from PyQt6.QtGui import QColor, QImage
from pytestqt.qtbot import QtBot

from display_board.audio import Announcer
from display_board.board_model import BoardModel
from display_board.config import DisplayConfig
from display_board.counter_pages import readable_cap_px
from display_board.speech import SpeechChain
from display_board.ui import style
from display_board.ui.layout import Grid, board_layout, tile_grid
from display_board.ui.window import BoardWindow

SIZES = [(1920, 1080), (1080, 1920), (1280, 720), (1366, 768), (3840, 2160), (768, 1366)]


@pytest.mark.parametrize(("width", "height"), SIZES)
@pytest.mark.parametrize("slideshow", [False, True])
def test_every_part_fits_the_screen_without_overlap(
    width: int, height: int, slideshow: bool
) -> None:
    layout = board_layout(width, height, slideshow=slideshow)
    assert layout.orientation == ("portrait" if height > width else "landscape")
    boxes = layout.boxes()
    assert ("slideshow" in boxes) is slideshow
    for name, box in boxes.items():
        assert box.w > 0 and box.h > 0, name
        assert box.x >= 0 and box.right <= width and box.y >= 0 and box.bottom <= height, name
    for a, b in [(a, b) for a in boxes for b in boxes if a < b]:
        assert not boxes[a].overlaps(boxes[b]), (a, b)
    # the call in progress is the largest part of the board
    assert max(boxes.values(), key=lambda b: b.w * b.h) in (layout.call, layout.counters)


def test_counters_are_laid_out_for_the_largest_tiles() -> None:
    assert tile_grid(21, 1100, 860) == Grid(columns=3, rows=7)  # a demo zone, landscape
    assert tile_grid(21, 1040, 720) == Grid(columns=3, rows=7)  # and portrait
    for count in (1, 4, 9, 40, 90):
        grid = tile_grid(count, 1100, 860)
        assert count <= grid.columns * grid.rows < count + grid.rows  # no empty column


AGENCIES = [
    ("DK", "Disdukcapil", "#AD1457"), ("BT", "BPJS Ketenagakerjaan", "#01579B"),
    ("PN", "Pengadilan Negeri", "#263238"), ("PA", "Pengadilan Agama", "#4A148C"),
    ("BB", "Bank Banten", "#00796B"), ("IM", "Imigrasi", "#1A237E"),
]  # fmt: skip


def busy_model(counters: int = 24) -> BoardModel:
    """A zone busier than any of the demo's: long agency names, three-digit numbers."""
    agencies = [
        {"id": i, "code": c, "short_name": n, "colour": col, "position": i}
        for i, (c, n, col) in enumerate(AGENCIES, start=1)
    ]
    model = BoardModel(zone_code="lantai1-a")
    model.load_config(
        {
            "site": {"name": "Mal Pelayanan Publik Kabupaten Tangerang",
                     "short_name": "MPP Kab. Tangerang", "timezone": "Asia/Jakarta"},
            "zones": [{"code": "lantai1-a", "name": "Lantai 1 — Zona A"}],
            "agencies": agencies,
            "services": [{"id": i, "agency_id": i, "name": f"Layanan {i}", "position": 1}
                         for i in range(1, 7)],
        }
    )  # fmt: skip
    rows, calls = [], []
    for i in range(counters):
        agency = agencies[i % len(agencies)]
        brief = {k: agency[k] for k in ("id", "code", "short_name", "colour")}
        state = ["open", "open", "open", "paused", "closed"][i % 5]
        ticket = None
        if state == "open":
            number = f"{agency['code']}-{100 + 37 * i:03d}"
            ticket = {
                "id": i + 1,
                "number": number,
                "prefix": agency["code"],
                "sequence": 100 + 37 * i,
                "state": "called" if i % 2 else "serving",
                "call_count": 1,
                "called_at": f"2026-11-30T02:{i:02d}:00+00:00",
            }
            calls.append(
                {
                    "number": number,
                    "counter": f"Loket {i + 61}",
                    "counter_id": i + 1,
                    "agency": brief,
                    "at": ticket["called_at"],
                    "recall": False,
                }
            )
        rows.append(
            {
                "id": i + 1,
                "label": f"Loket {i + 61}",
                "state": state,
                "agency": brief,
                "agency_id": agency["id"],
                "service_ids": [agency["id"]],
                "ticket": ticket,
            }
        )
    model.load_snapshot(
        {"zone": {"code": "lantai1-a", "name": "Lantai 1 — Zona A"}, "seq": 1,
         "counters": rows, "last_calls": calls[::-1],
         "lines": [{"service_id": i, "waiting": 100 + i, "estimated_wait_minutes": 90}
                   for i in range(1, 7)]}
    )  # fmt: skip
    return model


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path) -> Iterator[BoardWindow]:
    announcer = Announcer(SpeechChain([], ["id"]), chime=None)
    config = DisplayConfig(
        server_url="http://127.0.0.1:9", token="t", running_text=("Selamat datang",)
    )
    board = BoardWindow(
        config,
        busy_model(),
        announcer,
        now=lambda: dt.datetime(2026, 11, 30, 3, 5, tzinfo=dt.UTC),
    )
    qtbot.addWidget(board)
    yield board
    announcer.stop()


def rendered(qtbot: QtBot, window: BoardWindow, width: int, height: int) -> QImage:
    window.resize(width, height)
    window.show()
    qtbot.waitExposed(window)
    return window.grab().toImage()


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_no_text_is_clipped_on_a_busy_board(
    qtbot: QtBot, window: BoardWindow, width: int, height: int
) -> None:
    rendered(qtbot, window, width, height)
    assert window.overflowing_text() == []
    assert window.header.clock == "10.05"  # hall time, Asia/Jakarta
    assert window.header.date == "Senin, 30 November 2026"
    for _ in every_page(window):
        assert window.overflowing_text() == []
    painted = window.counters.painted
    open_ones = [c.id for c in window.model.counters.values() if c.state != "closed"]
    assert set(open_ones) <= set(painted)  # every counter of the zone, page after page
    assert "Istirahat" in [text for text, _ in painted.values()]


def every_page(window: BoardWindow) -> Iterator[int]:
    """Show each page of counter tiles in turn (as the page timer would), painted."""
    grid = window.counters
    pages = len(grid.paging.pages)
    for _ in range(pages):
        window.grab()
        yield grid.page_shown()[0]
        grid.turn_page()


def glyph_height(image: QImage, box: QRectF) -> int:
    """Rows of ``box`` in which the number's white ink shows (more than half lit over the dark
    tile, as the eye sees an edge): the height of its glyphs."""
    rows = [
        y
        for y in range(int(box.top()), int(box.bottom()))
        if any(
            QColor(image.pixel(x, y)).lightness() > 128
            for x in range(int(box.left()), int(box.right()), 2)
        )
    ]
    return rows[-1] - rows[0] + 1 if rows else 0


@pytest.mark.parametrize(("width", "height"), [(1920, 1080), (1080, 1920)])
@pytest.mark.parametrize("count", [24, 40])
def test_tile_numbers_read_from_ten_metres_with_many_counters(
    qtbot: QtBot, width: int, height: int, count: int
) -> None:
    announcer = Announcer(SpeechChain([], ["id"]), chime=None)
    config = DisplayConfig(server_url="http://127.0.0.1:9", token="t", running_text=("Halo",))
    board = BoardWindow(config, busy_model(count), announcer)
    qtbot.addWidget(board)
    try:
        rendered(qtbot, board, width, height)
        grid = board.counters
        assert grid.paging.paged
        least = readable_cap_px(width, height)  # 47.5 px: 3 cm on a 55-inch screen
        serving = {
            c.id for c in board.model.counters.values() if c.ticket and c.ticket.state == "serving"
        }
        measured = []
        for _ in every_page(board):
            image = board.grab().toImage()
            origin = grid.geometry().topLeft()
            for counter_id, box in grid.number_boxes.items():
                if counter_id in serving:  # white numbers ("DK-100": no descenders)
                    measured.append(glyph_height(image, box.translated(origin.x(), origin.y())))
            assert board.overflowing_text() == []
        assert measured and min(measured) >= least, (measured, least)
        shown = {i for page in grid.paging.pages for i in (c.id for c in page)}
        assert shown == {c.id for c in board.model.counters.values() if c.state != "closed"}
    finally:
        announcer.stop()


def test_a_recalled_ticket_is_one_line_of_the_previous_calls_with_a_mark(qtbot: QtBot) -> None:
    model = busy_model(6)
    newest = model.last_calls[0]
    announcer = Announcer(SpeechChain([], ["id"]), chime=None)
    config = DisplayConfig(server_url="http://127.0.0.1:9", token="t")
    board = BoardWindow(config, model, announcer)
    qtbot.addWidget(board)
    try:
        image = rendered(qtbot, board, 1920, 1080)
        panel = board.last_calls.geometry()
        area = (panel.x(), panel.y(), panel.width(), panel.height())
        assert colour_share(image, style.CALLED, area) == 0  # nobody called twice yet
        board.call.show_call(None, announcing=False)
        # the previous ticket was called a third time (the model keeps each ticket once,
        # test_board_model); the newest stays in the big panel
        model.last_calls[1] = replace(model.last_calls[1], recall=True, times=3)
        newest = model.last_calls[1]
        board.refresh()
        numbers = [c.number for c in board.last_calls.calls]
        assert len(numbers) == len(set(numbers))  # one line per ticket
        top = board.last_calls.calls[0]
        assert (top.number, top.times) == (newest.number, 3)
        assert colour_share(board.grab().toImage(), style.CALLED, area) > 0  # the "×3" mark
    finally:
        announcer.stop()


def colour_share(image: QImage, colour: str, box: tuple[int, int, int, int]) -> float:
    want = QColor(colour).rgb()
    x0, y0, w, h = box
    hits = sum(
        1 for x in range(x0, x0 + w, 3) for y in range(y0, y0 + h, 3) if image.pixel(x, y) == want
    )
    return hits / (len(range(x0, x0 + w, 3)) * len(range(y0, y0 + h, 3)))


def test_the_offline_mark_shows_while_the_server_is_away(qtbot: QtBot, window: BoardWindow) -> None:
    window.set_online(True)
    online = rendered(qtbot, window, 1920, 1080)
    header = window.header.geometry()
    area = (header.x(), header.y(), header.width(), header.height())
    assert colour_share(online, style.OFFLINE, area) == 0
    window.set_online(False)
    offline = window.grab().toImage()
    share = colour_share(offline, style.OFFLINE, area)
    assert 0.01 < share < 0.2  # visible, but a small part of the header
    assert window.overflowing_text() == []


@pytest.mark.parametrize(("width", "height"), [(1920, 1080), (1080, 1920)])
def test_the_board_in_english_fits_too(qtbot: QtBot, width: int, height: int) -> None:
    announcer = Announcer(SpeechChain([], ["id"]), chime=None)
    config = DisplayConfig(server_url="http://127.0.0.1:9", token="t", language="en")
    board = BoardWindow(
        config, busy_model(), announcer, now=lambda: dt.datetime(2026, 11, 30, 3, 5, tzinfo=dt.UTC)
    )
    qtbot.addWidget(board)
    try:
        rendered(qtbot, board, width, height)
        board.set_online(False)
        board.grab()
        assert board.overflowing_text() == []
        assert board.header.date == "Monday, 30 November 2026"
        assert "On break" in [text for text, _ in board.counters.painted.values()]
    finally:
        announcer.stop()
