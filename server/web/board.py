"""The browser display board, for halls whose TVs have a browser: ``/board/<zone>``.

The same information as the Qt board (``display_board``) for one zone. The page carries
no secret: the display's device token reaches it in the URL fragment (``#token=…``,
which a browser never sends to a server or a proxy log) or typed once, and is kept in
the browser's localStorage; the page sends it as a bearer token to ``data.json`` and in
the socket's auth.

A browser without an Indonesian voice says calls with the hall's recorded words instead,
when the server has them (``[board] clips_dir``): ``/board/clips/index.json`` lists them,
``/board/clips/<name>.wav`` serves each, named as the Qt board's clip folder
(``display_board.clips``). Recorded words are no secret: no token is asked for them.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from flask import Response, jsonify, make_response, render_template, request, send_file
from sqlalchemy import select

from server.commands import run_query
from server.domain import access
from server.domain.context import Ctx
from server.domain.errors import DomainError
from server.domain.settings import SiteSettings
from server.domain.snapshots import zone_snapshot
from server.models import Agency, Service, Zone
from server.principal import current_principal
from server.state import app_state
from server.web import bp
from shared import wire
from shared.callout import CallOut
from shared.errors import ErrorCode

ZONE_CODE = re.compile(r"[A-Za-z0-9_.-]{1,32}")
PAGE_SECONDS = 8
# A clip's name as the Qt board derives it ("nomor_antrean", "huruf_d", "instansi_dk"):
# nothing else reaches the file system.
CLIP_NAME = re.compile(r"[a-z0-9_]{1,64}")
# A board fetches its clips once when it starts; one started after a re-recording asks
# again (a 304 when nothing changed) after this long.
CLIP_MAX_AGE_SECONDS = 300


def _zone_name(ctx: Ctx, zone_code: str) -> str | None:
    return ctx.session.scalar(select(Zone.name).where(Zone.code == zone_code))


@bp.get("/board/<string:zone_code>")
def board(zone_code: str) -> Any:
    name = (
        run_query(lambda ctx: _zone_name(ctx, zone_code))
        if ZONE_CODE.fullmatch(zone_code)
        else None
    )
    if name is None:
        raise DomainError(ErrorCode.NOT_FOUND, "zone not found")
    page = render_template(
        "board/board.html", zone_code=zone_code, zone_name=name, page_seconds=_page_seconds()
    )
    response = make_response(page)
    response.headers["Cache-Control"] = "no-store"
    return response


def _page_seconds() -> int:
    """``?page_seconds=N``: how long each page of counter tiles stays, for a zone with
    more counters than fit at a size read from 10 m (as the Qt board's setting)."""
    raw = request.args.get("page_seconds", str(PAGE_SECONDS))
    if not (raw.isascii() and raw.isdigit()) or not 2 <= int(raw) <= 120:
        raise DomainError(ErrorCode.VALIDATION_ERROR, "page_seconds must be from 2 to 120")
    return int(raw)


def board_state(ctx: Ctx, zone_code: str) -> dict[str, Any]:
    """The zone's snapshot plus what a page cannot work out alone: the site's names and
    time zone, each previous call's words (a call missed in a gap is announced from
    here) and the agency of each waiting line."""
    snapshot = zone_snapshot(ctx, zone_code)
    settings = ctx.settings
    calls = [{**call, "announce": _announce(call, settings)} for call in snapshot["last_calls"]]
    return {
        **snapshot,
        "last_calls": calls,
        "now": ctx.now.isoformat(),
        "site": {
            "name": settings.site_name,
            "short_name": settings.site_short_name,
            "timezone": settings.timezone,
        },
        "service_agencies": _service_agencies(ctx, snapshot["lines"]),
    }


def _announce(call: wire.LastCall, settings: SiteSettings) -> wire.Announcement:
    callout = CallOut(
        prefix=call["prefix"],
        sequence=call["sequence"],
        counter_label=call["counter"] or "",
        agency_name=call["agency"]["short_name"],
    )
    return {
        "id": callout.text_id(settings.callout_template_id),
        "en": callout.text_en(settings.callout_template_en),
    }


def _service_agencies(ctx: Ctx, lines: list[wire.LineStats]) -> dict[str, dict[str, Any]]:
    """Service id -> its agency, so the page adds up a ``queue.stats`` push per agency
    (the Qt board lists people waiting per agency) without reloading everything."""
    ids = [line["service_id"] for line in lines]
    if not ids:
        return {}
    rows = ctx.session.execute(
        select(Service.id, Agency)
        .join(Agency, Agency.id == Service.agency_id)
        .where(Service.id.in_(ids))
    ).all()
    return {
        str(service_id): {
            "code": agency.code,
            "name": agency.short_name,
            "colour": agency.colour,
            "position": agency.position,
        }
        for service_id, agency in rows
    }


@bp.get("/board/<string:zone_code>/data.json")
def board_data(zone_code: str) -> Response:
    """The board's state, for its display token, an admin, or a supervisor of an agency
    with a counter in the zone (``access.can_read_zone``)."""
    who = current_principal()
    if not ZONE_CODE.fullmatch(zone_code):
        raise access.forbidden("this zone is not one you watch")

    def query(ctx: Ctx) -> dict[str, Any]:
        access.require_zone_reader(ctx.session, who, zone_code)
        return board_state(ctx, zone_code)

    response = jsonify(run_query(query))
    response.headers["Cache-Control"] = "no-store"
    return response


def available_clips(folder: Path | None) -> list[str]:
    """The names of the recorded words in ``folder`` (none without one)."""
    if folder is None:
        return []
    try:
        files = [p for p in folder.iterdir() if p.suffix == ".wav" and p.is_file()]
    except OSError:
        return []
    return sorted(p.stem for p in files if CLIP_NAME.fullmatch(p.stem))


@bp.get("/board/clips/index.json")
def board_clips() -> Response:
    """Which recorded words the server offers the browser board (none: it only chimes)."""
    response = jsonify({"clips": available_clips(app_state().config.board_clips_dir)})
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/board/clips/<string:name>.wav")
def board_clip(name: str) -> Response:
    """One recorded word, cached by the browser and revalidated (ETag, Last-Modified)."""
    folder = app_state().config.board_clips_dir
    path = folder / f"{name}.wav" if folder is not None and CLIP_NAME.fullmatch(name) else None
    if path is None or not path.is_file():
        raise DomainError(ErrorCode.NOT_FOUND, "no such clip")
    return send_file(
        path, mimetype="audio/wav", max_age=CLIP_MAX_AGE_SECONDS, conditional=True, etag=True
    )
