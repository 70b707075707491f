"""The agencies' colours on the visitor's booking pages, as a stylesheet of one class per
agency.

The pages' Content-Security-Policy allows no inline style (``server/security_headers.py``)
and the booking pages run no script (the ticket page sets its colour from its script), so
an agency's colour cannot be written into the page. Each agency gets a class instead,
``.agency-<id>``, setting two properties the booking stylesheet uses: ``--agency`` (bars
and borders, the hall's colour as chosen) and ``--agency-ink`` (text on white: the same
colour darkened until it reads at WCAG's 4.5:1, as light colours such as a yellow would
not). The sheet is made from the agencies once per catalog version and kept; its address
carries that version, so a phone loads it once and the next change of a colour is a new
address.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field

from flask import Response, current_app, make_response, request, url_for
from sqlalchemy import select

from server.commands import run_query
from server.domain.context import Ctx
from server.models import Agency, CatalogVersion
from server.web import bp

COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")  # what the console accepts; anything else: skipped
READABLE = 4.5  # WCAG AA contrast for body text
WHITE = (255, 255, 255)
FOREVER = "public, max-age=31536000, immutable"


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def luminance(rgb: tuple[int, int, int]) -> float:
    r, g, b = (_channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def rgb_of(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#{:02X}{:02X}{:02X}".format(*rgb)


def readable_ink(colour: str) -> str:
    """``colour``, or the nearest darker shade of it that reads on white."""
    r, g, b = rgb_of(colour)
    for step in range(21):
        keep = 1 - step / 20
        shade = (round(r * keep), round(g * keep), round(b * keep))
        if contrast(shade, WHITE) >= READABLE:
            return _hex(shade)
    return "#000000"


def stylesheet(colours: list[tuple[int, str]]) -> str:
    """The classes of the agencies ``(id, colour)``; a colour that is not ``#RRGGBB``
    gets no class (the pages' own blue stays)."""
    lines = ["/* The agencies' colours (server/web/agency_styles.py). */"]
    for agency_id, colour in colours:
        if COLOUR.fullmatch(colour or ""):
            lines.append(
                f".agency-{agency_id} {{ --agency: {colour.upper()}; "
                f"--agency-ink: {readable_ink(colour)}; }}"
            )
    return "\n".join(lines) + "\n"


def _version(ctx: Ctx) -> int:
    return int(ctx.session.scalar(select(CatalogVersion.version)) or 0)


@dataclass
class _KeptSheet:
    version: int | None = None
    css: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)


def _sheet(ctx: Ctx) -> tuple[int, str]:
    """This catalog version's sheet, made once per version in this process."""
    version = _version(ctx)
    kept: _KeptSheet = current_app.extensions.setdefault("antre_agency_styles", _KeptSheet())
    with kept.lock:
        if kept.version != version:
            rows = ctx.session.execute(select(Agency.id, Agency.colour).order_by(Agency.id))
            kept.css = stylesheet([(row.id, row.colour) for row in rows])
            kept.version = version
        return version, kept.css


def agency_styles_url() -> str:
    """The sheet's address for this catalog version (the booking layout links it)."""
    return url_for("web.booking_agency_styles", v=run_query(_version))


@bp.get("/booking/agencies.css")
def booking_agency_styles() -> Response:
    version, css = run_query(_sheet)
    response = make_response(css)
    response.mimetype = "text/css"
    # Kept for good under the address of its own version; an older address gets today's
    # sheet, not to be kept.
    response.headers["Cache-Control"] = (
        FOREVER if request.args.get("v") == str(version) else "no-cache"
    )
    return response


@bp.app_context_processor
def _agency_style_helpers() -> dict[str, object]:
    return {"agency_styles_url": agency_styles_url}
