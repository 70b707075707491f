"""Socket.IO: authenticate on connect, join rooms, and push what commands produced.

Sockets only listen; every command goes over REST. A connection authenticates with
``auth={"token": ...}`` (a device's or an officer's token) or ``auth={"ticket": code}``
(a visitor's phone: that one ticket's room and the room of the line it waits in,
whose ``queue.stats`` tell the page that its "people ahead" may have changed).
"""

from __future__ import annotations

import logging
import re
from typing import Any

from flask import Flask, current_app, request
from flask_socketio import ConnectionRefusedError, join_room, leave_room
from sqlalchemy import select, update

from server.api.principal import principal_for_token, session_token
from server.domain import access
from server.domain.access import Principal
from server.domain.outbox import PushEvent, current_seq
from server.extensions import socketio
from server.models import Counter, Device, Ticket
from server.state import app_state
from shared import events

log = logging.getLogger("antre.realtime")

_principals: dict[str, Principal] = {}

# A board only listens, so it makes no REST call for hours: its open socket is what says
# it is alive. Connecting marks a device seen, and while connected it is marked again
# every minute, so the hall monitor tells a silent device from a quiet one.
SEEN_EVERY_SECONDS = 60
_SEEN_TASK = "antre.realtime.seen"


def loggable(room: str) -> str:
    """A room name fit for the log: a ticket's status code opens its page, so it is cut."""
    if room.startswith("ticket:"):
        return room[: len("ticket:") + 4] + "…"
    return room


def push(pushes: list[PushEvent]) -> None:
    """Send committed events to their rooms (through Redis when several processes run)."""
    rooms: dict[str, list[str]] = {}
    for event in pushes:
        socketio.emit(event.name, event.payload, to=event.room)
        rooms.setdefault(event.name, []).append(
            f"{loggable(event.room)}#{event.payload.get('seq')}"
        )
    for name, sent in rooms.items():
        log.info("push %s %s", name, " ".join(sent))


def _authenticate(auth: Any) -> Principal:
    """A device or officer token, a ticket's status code (the visitor's phone), or, for
    the web console's pages, the login kept in the browser's session cookie (the
    Socket.IO server accepts only same-origin browsers, so another site cannot ride it)."""
    if not isinstance(auth, dict):
        auth = {}
    state = app_state()
    with state.db.read() as session:
        token = auth.get("token") or (None if auth.get("ticket") else session_token())
        if isinstance(token, str) and 0 < len(token) <= 200:
            who = principal_for_token(session, token, state.clock())
            if who is not None:
                return who
        code = auth.get("ticket")
        if isinstance(code, str) and 0 < len(code) <= 32:
            ticket = session.execute(
                select(Ticket.id, Ticket.service_id).where(Ticket.status_code == code)
            ).first()
            if ticket is not None:
                return Principal(
                    kind="ticket",
                    id=ticket.id,
                    ticket_code=code,
                    ticket_service_id=ticket.service_id,
                )
    raise ConnectionRefusedError("unauthenticated")


@socketio.on("connect")
def on_connect(auth: Any = None) -> None:
    who = _authenticate(auth)
    sid: str = request.sid  # type: ignore[attr-defined]
    _principals[sid] = who
    rooms = access.default_rooms(who)
    for room in rooms:
        join_room(room)
    # A ticket room is named by the ticket's status code: the QR's secret, never logged.
    log.info("socket connect %s rooms=%s", who.label(), [loggable(room) for room in rooms])
    if who.kind == "device":
        try:
            _mark_seen([who.id])
        except Exception:  # a busy database must not refuse a board; the loop retries
            log.exception("could not mark device %d as seen", who.id)
        _keep_devices_seen(current_app._get_current_object())  # type: ignore[attr-defined]


def _mark_seen(device_ids: list[int]) -> None:
    state = app_state()
    with state.db.write() as session:
        session.execute(
            update(Device).where(Device.id.in_(device_ids)).values(last_seen_at=state.clock())
        )


def _keep_devices_seen(app: Flask) -> None:
    """Start (once per app and process) the task marking connected devices as seen."""
    if app.extensions.get(_SEEN_TASK):
        return
    app.extensions[_SEEN_TASK] = True

    def loop() -> None:
        while True:
            socketio.sleep(SEEN_EVERY_SECONDS)
            ids = sorted({w.id for w in list(_principals.values()) if w.kind == "device"})
            if not ids:
                continue
            try:
                with app.app_context():
                    _mark_seen(ids)
            except Exception:  # the next round tries again; the monitor shows it meanwhile
                log.exception("could not mark %d connected devices as seen", len(ids))

    socketio.start_background_task(loop)


@socketio.on("disconnect")
def on_disconnect(*_: Any) -> None:
    _principals.pop(request.sid, None)  # type: ignore[attr-defined]


@socketio.on(events.SUBSCRIBE)
def on_subscribe(data: Any) -> dict[str, Any]:
    """Join one more room the caller may listen to; the ack carries the room's seq."""
    who = _principals.get(request.sid)  # type: ignore[attr-defined]
    room = data.get("room") if isinstance(data, dict) else None
    if who is None or not isinstance(room, str) or len(room) > 64:
        return {"ok": False, "error": "validation_error"}
    try:
        kind, key = events.parse_room(room)
    except ValueError:
        return {"ok": False, "error": "validation_error"}
    with app_state().db.read() as session:
        agency = None
        if kind == "counter":
            counter = session.get(Counter, int(key)) if re.fullmatch(r"[0-9]{1,9}", key) else None
            if counter is None:
                return {"ok": False, "error": "not_found"}
            agency = counter.agency_id
        if (
            kind == "ticket"
            and session.scalar(select(Ticket.id).where(Ticket.status_code == key)) is None
        ):
            return {"ok": False, "error": "not_found"}
        if kind == "line" and not re.fullmatch(r"[0-9]{1,9}", key):
            return {"ok": False, "error": "validation_error"}
        line = None
        if kind == "line" and who.kind == "ticket":
            # The ticket may have been transferred since the phone connected: its line now.
            line = session.scalar(select(Ticket.service_id).where(Ticket.id == who.id))
        if not access.may_join(who, room, agency, line):
            return {"ok": False, "error": "forbidden"}
        join_room(room)
        return {"ok": True, "room": room, "seq": current_seq(session, room)}


@socketio.on("unsubscribe")
def on_unsubscribe(data: Any) -> dict[str, Any]:
    room = data.get("room") if isinstance(data, dict) else None
    if isinstance(room, str):
        leave_room(room)
    return {"ok": True}
