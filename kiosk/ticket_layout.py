"""One ticket layout, rendered to ESC/POS for the thermal printer and to an image for the screen.

The layout is a list of blocks (text lines, QR, logo, rule, feed) already wrapped to the
paper's character grid, so the printed ticket and the on-screen ticket (shown when the printer
fails) carry the same lines in the same order.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import subprocess
import textwrap
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

import qrcode
from escpos.constants import QR_ECLEVEL_M
from escpos.escpos import Escpos
from PIL import Image, ImageDraw, ImageFont

from shared import wire
from shared.waits import told_kind

log = logging.getLogger("antre.kiosk.ticket")

Align = Literal["left", "center", "right"]
LANGUAGES = ("id", "en")
PRIORITIES = ("elderly", "disabled", "pregnant", "child")


@dataclass(frozen=True)
class Paper:
    """A roll width as the printer sees it: dots per line and font A (12×24) characters."""

    mm: int
    dots: int
    columns: int


PAPERS: dict[int, Paper] = {58: Paper(58, 384, 32), 80: Paper(80, 576, 48)}
CELL_WIDTH = 12  # font A: 12 dots wide, 24 dots tall, on every 203 dpi ESC/POS printer
CELL_HEIGHT = 24


@dataclass(frozen=True)
class Text:
    """One printed line (already wrapped); ``size`` magnifies width and height alike."""

    content: str
    size: int = 1
    bold: bool = False
    align: Align = "center"
    invert: bool = False


@dataclass(frozen=True)
class Qr:
    """The ticket's QR code: the link to the visitor's status page, so a phone can follow
    the line."""

    data: str


@dataclass(frozen=True)
class Logo:
    """The hall's logo image at the top of the ticket, from the kiosk's configured
    file."""

    path: str


@dataclass(frozen=True)
class Rule:
    """A full-width line between the ticket's sections."""


@dataclass(frozen=True)
class Feed:
    """Empty lines that set the ticket's parts apart (after the service, around the
    number), on paper and on screen alike."""

    lines: int = 1


Block = Text | Qr | Logo | Rule | Feed

DAYS = {
    "id": ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
MONTHS = {
    "id": (
        "Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli",
        "Agustus", "September", "Oktober", "November", "Desember",
    ),
    "en": (
        "January", "February", "March", "April", "May", "June", "July",
        "August", "September", "October", "November", "December",
    ),
}  # fmt: skip
PRIORITY_LABELS = {
    "id": {
        "elderly": "PRIORITAS – LANSIA",
        "disabled": "PRIORITAS – DISABILITAS",
        "pregnant": "PRIORITAS – IBU HAMIL",
        "child": "PRIORITAS – ANAK",
    },
    "en": {
        "elderly": "PRIORITY – ELDERLY",
        "disabled": "PRIORITY – DISABILITY",
        "pregnant": "PRIORITY – PREGNANT",
        "child": "PRIORITY – CHILD",
    },
}
WORDS = {
    "id": {
        "number": "NOMOR ANTREAN",
        "ahead": "Antrean di depan Anda: {n}",
        "wait": "Perkiraan tunggu: ±{m} menit",
        "next": "Anda berikutnya",
        "soon": "segera",
        "closed": "Menunggu loket dibuka",
        "paused": "Loket sedang istirahat",
        "break": "Istirahat, perkiraan ±{m} menit",
        "area": "Tunggu di: {area}",
        "scan": "Pindai untuk cek posisi antrean",
        "survey": "Nilai layanan kami: pindai kode QR ini setelah dilayani",
        "booking": "BOOKING – JADWAL {time}",
    },
    "en": {
        "number": "QUEUE NUMBER",
        "ahead": "People ahead of you: {n}",
        "wait": "Estimated wait: about {m} min",
        "next": "You are next",
        "soon": "soon",
        "closed": "Waiting for a counter to open",
        "paused": "The counters are on a break",
        "break": "Counters on break: about {m} min",
        "area": "Wait at: {area}",
        "scan": "Scan to follow your queue",
        "survey": "Rate our service: scan this QR code after your visit",
        "booking": "BOOKING – SLOT {time}",
    },
}


def format_issued_at(moment: dt.datetime, language: str) -> str:
    """``Senin, 30 November 2026 09.00`` (Indonesian writes the time with a dot) or English."""
    day = DAYS[language][moment.weekday()]
    month = MONTHS[language][moment.month - 1]
    time = moment.strftime("%H.%M" if language == "id" else "%H:%M")
    return f"{day}, {moment.day} {month} {moment.year} {time}"


def priority_label(priority: str, language: str) -> str | None:
    """The mark a priority ticket carries so counter staff see it at a glance; None if regular."""
    return PRIORITY_LABELS[language].get(priority)


def wrap(text: str, width: int) -> list[str]:
    """Lines of at most ``width`` characters, as even as the words allow (no lone last word
    under a full line); explicit line breaks in the text are kept."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        greedy = textwrap.wrap(paragraph, width, break_on_hyphens=False)
        narrowest = width
        while narrowest > 1 and len(greedy) > 1:
            narrower = textwrap.wrap(paragraph, narrowest - 1, break_on_hyphens=False)
            if len(narrower) != len(greedy):
                break
            narrowest -= 1
        lines.extend(textwrap.wrap(paragraph, narrowest, break_on_hyphens=False) or [""])
    return lines


@dataclass(frozen=True)
class TicketLayout:
    """What one ticket says, from the server's answer to ``POST /api/v1/tickets`` plus the
    site's and the kiosk's settings; ``blocks()`` is the single source both renderers walk."""

    site_name: str
    agency: str
    service: str
    number: str
    priority: str
    issued_at: dt.datetime
    people_ahead: int
    estimated_wait_minutes: int
    status_url: str
    # Where to wait (the server's ``area.text``), and whether any counter of the line is
    # open: "you are next" only when one can call.
    area: str = ""
    open_counters: int = 1
    # How the server words the wait (``shared.waits``: only it knows whether the line's
    # counters are on a break); None: as the figures give it.
    wait: str | None = None
    footer: str = ""
    # The hall's ``ticket_survey_line``: the QR also rates the service once served.
    survey_line: bool = False
    language: str = "id"
    logo_path: str | None = None
    paper_mm: int = 80
    # A checked-in booking's slot (site time): the ticket says BOOKING and the time, so the
    # officer sees why this number may be called before walk-ins who came earlier.
    booked_slot: dt.datetime | None = None

    def __post_init__(self) -> None:
        if self.language not in LANGUAGES:
            raise ValueError(f"ticket language must be one of {LANGUAGES}, not {self.language!r}")
        if self.paper_mm not in PAPERS:
            raise ValueError(f"paper width must be 58 or 80 mm, not {self.paper_mm!r}")
        if self.priority != "none" and self.priority not in PRIORITIES:
            raise ValueError(f"unknown priority category {self.priority!r}")
        if self.issued_at.tzinfo is None:
            raise ValueError("issued_at must carry its time zone")
        if self.booked_slot is not None and self.booked_slot.tzinfo is None:
            raise ValueError("booked_slot must carry its time zone")

    @classmethod
    def from_issue(
        cls,
        answer: wire.Issued,
        *,
        site_name: str,
        public_url: str,
        footer: str = "",
        survey_line: bool = False,
        timezone: str = "Asia/Jakarta",
        language: str = "id",
        logo_path: str | None = None,
        paper_mm: int = 80,
        booked_slot: str | None = None,
    ) -> TicketLayout:
        """Build the layout from the JSON the server answered when it issued the ticket.

        ``public_url`` is the base the visitors' phones reach (the QR opens
        ``{public_url}/t/{status_code}``); ``footer`` is ``settings.ticket_footer`` of
        ``GET /api/v1/config``; ``timezone`` the site's, so the printed time is the hall's;
        ``booked_slot`` a checked-in booking's ``slot_start`` (ISO 8601).
        """
        zone = ZoneInfo(timezone)  # an unknown zone fails here, with its own message
        try:
            ticket = answer["ticket"]
            issued_at = dt.datetime.fromisoformat(ticket["issued_at"])
            return cls(
                site_name=site_name,
                agency=ticket["agency"]["short_name"],
                service=ticket["service"]["name"],
                number=ticket["number"],
                priority=ticket.get("priority") or "none",
                issued_at=issued_at.astimezone(zone),
                people_ahead=int(answer["people_ahead"]),
                estimated_wait_minutes=int(answer["estimated_wait_minutes"]),
                status_url=f"{public_url.rstrip('/')}/t/{ticket['status_code']}",
                area=_area_text(ticket.get("area")),
                open_counters=int(answer.get("open_counters", 1)),
                wait=answer.get("wait"),
                footer=footer,
                survey_line=survey_line,
                language=language,
                logo_path=logo_path,
                paper_mm=paper_mm,
                booked_slot=(
                    dt.datetime.fromisoformat(booked_slot).astimezone(zone) if booked_slot else None
                ),
            )
        except KeyError as exc:
            raise ValueError(f"the server's ticket answer lacks {exc}") from None

    @property
    def paper(self) -> Paper:
        return PAPERS[self.paper_mm]

    def number_size(self) -> int:
        """The largest magnification at which the number still fits on one line."""
        cap = 5 if self.paper_mm == 58 else 6  # beyond this the number dwarfs the QR
        return max(1, min(cap, self.paper.columns // max(1, len(self.number))))

    def booking_label(self) -> str | None:
        """ "BOOKING – JADWAL 09.30" on a checked-in booking's ticket; None on a walk-in's."""
        if self.booked_slot is None:
            return None
        time = self.booked_slot.strftime("%H.%M" if self.language == "id" else "%H:%M")
        return WORDS[self.language]["booking"].format(time=time)

    def outlook(self) -> tuple[str, str]:
        """(people ahead, the wait) as the ticket words them (``shared.waits``)."""
        words = WORDS[self.language]
        ahead = words["ahead"].format(n=self.people_ahead)
        kind = told_kind(
            self.wait, self.people_ahead, self.estimated_wait_minutes, self.open_counters
        )
        return ahead, words[kind].format(m=self.estimated_wait_minutes)

    def blocks(self) -> tuple[Block, ...]:
        """The ticket top to bottom; every Text fits its line at its size."""
        words = WORDS[self.language]
        cols = self.paper.columns
        blocks: list[Block] = []

        def text(content: str, size: int = 1, bold: bool = False, invert: bool = False) -> None:
            for line in wrap(content, cols // size):
                blocks.append(Text(line, size=size, bold=bold, invert=invert))

        if self.logo_path:
            blocks.append(Logo(self.logo_path))
        text(self.site_name, bold=True)
        blocks.append(Rule())
        text(self.agency, size=2 if len(self.agency) <= cols // 2 else 1, bold=True)
        text(self.service)
        blocks.append(Feed())
        text(words["number"])
        text(self.number, size=self.number_size(), bold=True)
        marks = [priority_label(self.priority, self.language), self.booking_label()]
        for label in (m for m in marks if m is not None):
            # Reverse print with a space either side: the mark shows from across the desk.
            size = 2 if len(label) + 2 <= cols // 2 else 1
            for line in wrap(label, cols // size - 2):
                blocks.append(Text(f" {line} ", size=size, bold=True, invert=True))
        blocks.append(Feed())
        text(format_issued_at(self.issued_at, self.language))
        ahead, wait = self.outlook()
        joined = f"{ahead} · {wait}" if wait else ahead
        if len(joined) <= cols:
            text(joined)
        else:
            text(ahead)
            text(wait)
        if self.area:
            where = words["area"].format(area=self.area)
            if len(where) <= cols:
                text(where, bold=True)
            else:  # the label on its own line: the place then wraps at its own words
                label, _, place = where.partition(": ")
                text(label + ":", bold=True)
                text(place, bold=True)
        blocks.append(Qr(self.status_url))
        text(words["scan"])
        if self.survey_line:
            # The same QR: the ticket page offers the satisfaction survey once served.
            text(words["survey"], bold=True)
        if self.footer.strip():
            blocks.append(Rule())
            text(self.footer.strip())
        return tuple(blocks)


# --- shared by both renderers -------------------------------------------------------------


def _area_text(area: wire.WaitingArea | None) -> str:
    """Where the ticket waits, as the server words it ("" when it does not say)."""
    return str(area.get("text", "")) if area else ""


def qr_modules(data: str) -> list[list[bool]]:
    """The QR matrix exactly as python-escpos builds it for ``qr(native=False)`` (1-module
    border, level M: a smudged thermal print still scans)."""
    code = qrcode.QRCode(version=None, border=1, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(data)
    code.make(fit=True)
    matrix: list[list[bool]] = code.get_matrix()
    return matrix


def qr_box_size(data: str, dots: int) -> int:
    """Dots per QR module so the code takes about 60 % of the paper: big enough for an old
    phone camera, small enough to leave margins the printer never clips."""
    modules = len(qr_modules(data))
    return max(1, min(8, int(dots * 0.6) // modules))


def load_logo(path: str, paper: Paper) -> Image.Image | None:
    """The logo scaled to fit the top of the ticket, greyscale on white; None (and a warning
    in the log) when the file is missing or unreadable, so a bad logo never stops a ticket."""
    try:
        with Image.open(path) as original:
            image = original.convert("RGBA")
    except (OSError, ValueError) as exc:
        log.warning("ticket logo %s left out: %s", path, exc)
        return None
    white = Image.new("RGBA", image.size, "white")
    image = Image.alpha_composite(white, image).convert("L")
    image.thumbnail((int(paper.dots * 0.6), paper.dots // 4))
    return image


_PRINTABLE = str.maketrans({"–": "-", "—": "-", "…": "...", "’": "'", "‘": "'"})


PRINTER_CODE_PAGE = "cp437"
UNPRINTABLE = "?"


def printable(text: str) -> str:
    """Text the printer's default code page (CP437) holds, so no code page switch is needed:
    many cheap printers map the other pages differently from Epson.

    Only characters that print pass: a control character is a command to an ESC/POS
    printer (ESC p opens the cash drawer, GS V cuts), and a site name or footer is typed
    by people; the server refuses them at input, but not in rows stored before it did.
    Anything else the code page lacks becomes ``?`` rather than a code page switch."""
    return "".join(_printable_char(ch) for ch in text.translate(_PRINTABLE))


@lru_cache(maxsize=1024)
def _printable_char(ch: str) -> str:
    if not ch.isprintable():  # controls, format characters, separators other than space
        return ""
    try:
        ch.encode(PRINTER_CODE_PAGE)
    except UnicodeEncodeError:
        return UNPRINTABLE
    return ch


# --- ESC/POS ------------------------------------------------------------------------------


def _known_dots(printer: Escpos, paper: Paper) -> int:
    """The dot width images are centred on. python-escpos centres images only when its profile
    knows the paper width (and prints a notice to stdout when it does not), so tell the
    printer's own profile object; the shared profile class is left untouched."""
    profile = printer.profile
    media = dict(profile.profile_data.get("media", {}))
    pixels = media.get("width", {}).get("pixels")
    if isinstance(pixels, int):
        return min(pixels, paper.dots)
    media["width"] = {"mm": paper.mm, "pixels": paper.dots}
    profile.profile_data = {**profile.profile_data, "media": media}
    return paper.dots


def render_escpos(layout: TicketLayout, printer: Escpos) -> None:
    """Drive a python-escpos printer through the ticket, from ESC @ to the cut."""
    dots = _known_dots(printer, layout.paper)
    printer.hw("INIT")
    for block in layout.blocks():
        if isinstance(block, Text):
            # GS ! for every size (1× included): mixing it with ESC ! sizes is where
            # compatible printers disagree.
            printer.set(
                align=block.align,
                bold=block.bold,
                invert=block.invert,
                custom_size=True,
                width=block.size,
                height=block.size,
            )
            printer.textln(printable(block.content))
        elif isinstance(block, Qr):
            printer.set(align="center")
            box = qr_box_size(block.data, dots)
            printer.qr(block.data, ec=QR_ECLEVEL_M, size=box, native=False, center=True)
        elif isinstance(block, Logo):
            logo = load_logo(block.path, layout.paper)
            if logo is not None:
                printer.image(logo, center=True)
        elif isinstance(block, Rule):
            printer.set(align="left", bold=False, invert=False, custom_size=True, width=1, height=1)
            printer.textln("─" * layout.paper.columns)
        elif isinstance(block, Feed):
            printer.ln(block.lines)
    printer.set(align="left", bold=False, invert=False, custom_size=True, width=1, height=1)
    printer.cut()


# --- image --------------------------------------------------------------------------------

_FONT_FILES = {
    False: ("DejaVuSansMono.ttf", "DejaVu Sans Mono:style=Book"),
    True: ("DejaVuSansMono-Bold.ttf", "DejaVu Sans Mono:style=Bold"),
}
_FONT_DIRS = (
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/dejavu",
    "/usr/share/fonts/TTF",
    "/usr/local/share/fonts",
)


@lru_cache(maxsize=2)
def font_file(bold: bool) -> str | None:
    """A monospaced TTF on this machine (the printer's font A is monospaced too, so the
    on-screen ticket wraps where the paper does); None falls back to PIL's own font."""
    name, pattern = _FONT_FILES[bold]
    for folder in _FONT_DIRS:
        candidate = Path(folder) / name
        if candidate.is_file():
            return str(candidate)
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return None
    try:
        found = subprocess.run(
            [fc_match, "--format=%{file}", pattern],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        ).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return None
    return found if found.lower().endswith((".ttf", ".otf")) and Path(found).is_file() else None


@lru_cache(maxsize=32)
def _font(size: int, bold: bool) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """A font whose characters are at most ``CELL_WIDTH × size`` pixels wide, like the
    printer's magnified font A."""
    path = font_file(bold)
    if path is None:
        return ImageFont.load_default(size=20 * size)
    probe = ImageFont.truetype(path, 100)
    advance = probe.getlength("0") / 100
    return ImageFont.truetype(path, int(CELL_WIDTH * size / advance))


def _line_height(size: int) -> int:
    return CELL_HEIGHT * size + 6


def _draw_text(canvas: Image.Image, y: int, block: Text) -> int:
    draw = ImageDraw.Draw(canvas)
    font = _font(block.size, block.bold)
    width = int(draw.textlength(block.content, font=font))
    if block.align == "center":
        x = (canvas.width - width) // 2
    elif block.align == "right":
        x = canvas.width - width
    else:
        x = 0
    height = _line_height(block.size)
    ink = 0
    if block.invert:
        draw.rectangle((x, y, x + width, y + height - 3), fill=0)
        ink = 255
    # anchor "ms": middle of the text at the baseline; the baseline sits where font A has it.
    baseline = y + round(height * 0.72)
    draw.text((x + width // 2, baseline), block.content, font=font, fill=ink, anchor="ms")
    return height


def _draw_qr(canvas: Image.Image, y: int, data: str) -> int:
    box = qr_box_size(data, canvas.width)
    matrix = qr_modules(data)
    side = len(matrix) * box
    left = (canvas.width - side) // 2
    top = y + _line_height(1)  # python-escpos prints a blank line before the code
    draw = ImageDraw.Draw(canvas)
    for row, cells in enumerate(matrix):
        for col, dark in enumerate(cells):
            if dark:
                x0, y0 = left + col * box, top + row * box
                draw.rectangle((x0, y0, x0 + box - 1, y0 + box - 1), fill=0)
    return _line_height(1) + side + _line_height(1)


def render_image(layout: TicketLayout) -> Image.Image:
    """The ticket as a greyscale image one pixel per printer dot (384 or 576 px wide), for the
    kiosk screen when the printer fails and for the docs. The caller saves or shows it."""
    paper = layout.paper
    margin = _line_height(1)
    canvas = Image.new("L", (paper.dots, 3000), 255)
    y = margin
    for block in layout.blocks():
        if isinstance(block, Text):
            y += _draw_text(canvas, y, block)
        elif isinstance(block, Qr):
            y += _draw_qr(canvas, y, block.data)
        elif isinstance(block, Logo):
            logo = load_logo(block.path, paper)
            if logo is not None:
                # Dithered to black dots, as the thermal head will print it.
                dots = logo.convert("1").convert("L")
                canvas.paste(dots, ((paper.dots - logo.width) // 2, y))
                y += logo.height + 6
        elif isinstance(block, Rule):
            mid = y + _line_height(1) // 2
            ImageDraw.Draw(canvas).line((0, mid, paper.dots, mid), fill=0, width=2)
            y += _line_height(1)
        elif isinstance(block, Feed):
            y += _line_height(1) * block.lines
        if y > canvas.height - 1000:  # a long footer: give the roll more paper
            longer = Image.new("L", (paper.dots, canvas.height * 2), 255)
            longer.paste(canvas, (0, 0))
            canvas = longer
    return canvas.crop((0, 0, paper.dots, y + margin))
