"""Socket.IO, inbound: authenticate on connect and join rooms (``server/push.py`` sends).

Sockets only listen; every command goes over REST. A connection authenticates with
``auth={"token": ...}`` (a device's or an officer's token) or ``auth={"ticket": code}``
(a visitor's phone: that one ticket's room and the room of the line it waits in,
whose ``queue.stats`` tell the page that its "people ahead" may have changed).

A socket is authenticated when it connects, and then again every
``socket_recheck_seconds`` (30 s): each process re-checks the logins behind its own
sockets (one query per batch, by token hash) and disconnects those whose login ended:
a logout, a disabled user, a renewed or revoked device token, an expired officer login,
a pruned ticket.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import Flask, current_app, request
from flask_socketio import ConnectionRefusedError, join_room, leave_room
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from server import public_limit
from server.db import DATABASE_AWAY
from server.domain import access, auth
from server.domain.access import Principal
from server.domain.errors import DomainError
from server.domain.outbox import current_seq
from server.extensions import socketio
from server.models import AuthToken, Counter, Device, Ticket, User
from server.principal import principal_for_token, session_token
from server.push import loggable
from server.state import app_state
from shared import events, text

log = logging.getLogger("antre.realtime")


@dataclass(frozen=True)
class Listener:
    """Who a connected socket is, and the hash of the token it connected with (never the
    token): what the periodic re-check looks up."""

    who: Principal
    token_hash: str | None = None  # None for a phone's ticket socket


_SOCKETS = "antre.realtime.sockets"


def _sockets_of(app: Flask) -> dict[str, Listener]:
    """The sockets connected to ``app``, by sid. Kept per application, not per process:
    the re-check and the devices' seen marks of one application look its sockets up in
    its own database (a second application in the process, as in the tests, would
    otherwise find another's logins unknown and disconnect them)."""
    sockets: dict[str, Listener] = app.extensions.setdefault(_SOCKETS, {})
    return sockets


def _sockets() -> dict[str, Listener]:
    """The sockets of the application handling this event."""
    return _sockets_of(current_app._get_current_object())  # type: ignore[attr-defined]


# A board only listens, so it makes no REST call for hours: its open socket is what says
# it is alive. Connecting marks a device seen, and while connected it is marked again
# every minute, so the hall monitor tells a silent device from a quiet one.
SEEN_EVERY_SECONDS = 60
_SEEN_TASK = "antre.realtime.seen"
_RECHECK_TASK = "antre.realtime.recheck"
RECHECK_BATCH = 500
# A connection refused while the database is away: clients retry, as after a 503.
RETRY_AFTER_SECONDS = 2


def _authenticate(sent: Any) -> Listener:
    """A device or officer token, a ticket's status code (the visitor's phone), or, for
    the web console's pages, the login kept in the browser's session cookie (the
    Socket.IO server accepts only same-origin browsers, so another site cannot ride it)."""
    if text.first_unfit(sent) is not None:
        # A lone surrogate or a NUL cannot be hashed or looked up: refused like any payload
        # that is not text, before it reaches the database.
        raise ConnectionRefusedError("validation_error")
    try:
        return _look_up(sent if isinstance(sent, dict) else {})
    except DATABASE_AWAY as exc:
        # The database is restarting or every connection is busy: the client retries.
        log.warning("socket refused, database unavailable: %s", type(exc).__name__)
        raise ConnectionRefusedError("unavailable", {"retry_after": RETRY_AFTER_SECONDS}) from None


def _look_up(sent: dict[str, Any]) -> Listener:
    state = app_state()
    with state.db.read() as session:
        token = sent.get("token") or (None if sent.get("ticket") else session_token())
        if isinstance(token, str) and 0 < len(token) <= 200:
            who = principal_for_token(session, token, state.clock())
            if who is not None:
                return Listener(who, auth.token_hash(token))
        code = sent.get("ticket")
        if code is not None:
            return _phone(session, code)
    raise ConnectionRefusedError("unauthenticated")


def _phone(session: Session, code: object) -> Listener:
    """A phone's ticket socket. Its code is another way to guess status codes, so it
    counts against the same budget of misses as the status call (server/public_limit.py):
    a phone following its own ticket never misses; over the budget every code is refused
    alike."""
    try:
        public_limit.check("misses", count=False)
    except DomainError:
        raise ConnectionRefusedError("too_many_attempts") from None
    if isinstance(code, str) and 0 < len(code) <= 32:
        ticket = session.execute(
            select(Ticket.id, Ticket.service_id).where(Ticket.status_code == code)
        ).first()
        if ticket is not None:
            return Listener(
                Principal(
                    kind="ticket",
                    id=ticket.id,
                    ticket_code=code,
                    ticket_service_id=ticket.service_id,
                )
            )
    public_limit.count_miss()
    raise ConnectionRefusedError("unauthenticated")


@socketio.on("connect")
def on_connect(sent: Any = None) -> None:
    listener = _authenticate(sent)
    who = listener.who
    sid: str = request.sid  # type: ignore[attr-defined]
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    _sockets_of(app)[sid] = listener
    _keep_checking(app)
    rooms = access.default_rooms(who)
    for room in rooms:
        join_room(room)
    # A ticket room is named by the ticket's status code: the QR's secret, never logged.
    log.info("socket connect %s rooms=%s", who.label(), [loggable(room) for room in rooms])
    if who.kind == "device":
        try:
            _mark_seen([who.id])
        except DATABASE_AWAY as exc:  # the loop retries; a board stays
            log.warning("could not mark device %d as seen: %s", who.id, type(exc).__name__)
        except Exception:  # a fault must not refuse a board either; the loop retries
            log.exception("could not mark device %d as seen", who.id)
        _keep_devices_seen(app)


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
            connected = list(_sockets_of(app).values())
            ids = sorted({s.who.id for s in connected if s.who.kind == "device"})
            if not ids:
                continue
            try:
                with app.app_context():
                    _mark_seen(ids)
            except DATABASE_AWAY as exc:  # the database away: next round
                log.warning(
                    "could not mark %d connected devices as seen: %s", len(ids), type(exc).__name__
                )
            except Exception:  # the next round tries again; the monitor shows it meanwhile
                log.exception("could not mark %d connected devices as seen", len(ids))

    socketio.start_background_task(loop)


# --- re-checking the logins behind open sockets ------------------------------------


T = TypeVar("T")


def _batches(items: Iterable[T], size: int = RECHECK_BATCH) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def valid_user_tokens(session: Session, hashes: Iterable[str], now: dt.datetime) -> set[str]:
    """Those of ``hashes`` that are still an active user's unexpired login."""
    valid: set[str] = set()
    for batch in _batches(hashes):
        rows = session.execute(
            select(AuthToken.token_hash, AuthToken.expires_at)
            .join(User, User.id == AuthToken.user_id)
            .where(AuthToken.token_hash.in_(batch), User.active.is_(True))
        )
        valid.update(row.token_hash for row in rows if row.expires_at > now)
    return valid


def valid_device_tokens(session: Session, hashes: Iterable[str]) -> set[str]:
    """Those of ``hashes`` that are still an active device's current token."""
    valid: set[str] = set()
    for batch in _batches(hashes):
        valid.update(
            session.scalars(
                select(Device.token_hash).where(
                    Device.token_hash.in_(batch), Device.active.is_(True)
                )
            )
        )
    return valid


def existing_tickets(session: Session, ids: Iterable[int]) -> set[int]:
    """Those of ``ids`` whose ticket still exists (retention prunes old ones)."""
    found: set[int] = set()
    for batch in _batches(ids):
        found.update(session.scalars(select(Ticket.id).where(Ticket.id.in_(batch))))
    return found


def ended_sockets(session: Session, sockets: dict[str, Listener], now: dt.datetime) -> list[str]:
    """The sids among ``sockets`` whose login or ticket is no longer valid."""
    by_kind: dict[str, set[str]] = {"user": set(), "device": set()}
    tickets: set[int] = set()
    for listener in sockets.values():
        if listener.who.kind == "ticket":
            tickets.add(listener.who.id)
        elif listener.token_hash is not None:
            by_kind[listener.who.kind].add(listener.token_hash)
    users = valid_user_tokens(session, sorted(by_kind["user"]), now) if by_kind["user"] else set()
    devices = (
        valid_device_tokens(session, sorted(by_kind["device"])) if by_kind["device"] else set()
    )
    alive = existing_tickets(session, sorted(tickets)) if tickets else set()
    ended = []
    for sid, listener in sockets.items():
        kind = listener.who.kind
        if kind == "ticket":
            still = listener.who.id in alive
        else:
            still = listener.token_hash in (users if kind == "user" else devices)
        if not still:
            ended.append(sid)
    return ended


def recheck_sockets(app: Flask) -> int:
    """Disconnect this process's sockets whose login ended; how many were."""
    registry = _sockets_of(app)
    sockets = dict(registry)  # a copy: handlers add and remove sids meanwhile
    if not sockets:
        return 0
    with app.app_context():
        state = app_state()
        with state.db.read() as session:
            ended = ended_sockets(session, sockets, state.clock())
    for sid in ended:
        listener = registry.pop(sid, None)
        if listener is None:
            continue  # it went away by itself meanwhile
        log.info("socket disconnect %s: its login ended", listener.who.label())
        socketio.server.disconnect(sid, namespace="/")
    return len(ended)


def _keep_checking(app: Flask) -> None:
    """Start (once per app and process) the task re-checking the sockets' logins."""
    if app.extensions.get(_RECHECK_TASK):
        return
    app.extensions[_RECHECK_TASK] = True
    every = app_state().config.socket_recheck_seconds

    def loop() -> None:
        while True:
            socketio.sleep(every)
            try:
                recheck_sockets(app)
            except DATABASE_AWAY as exc:  # keep the sockets; next round
                log.warning("could not re-check the open sockets: %s", type(exc).__name__)
            except Exception:  # never end the loop: it is what ends revoked sockets
                log.exception("could not re-check the open sockets' logins")

    socketio.start_background_task(loop)


@socketio.on("disconnect")
def on_disconnect(*_: Any) -> None:
    _sockets().pop(request.sid, None)  # type: ignore[attr-defined]


MAX_ROOM_LENGTH = 64
INVALID = {"ok": False, "error": "validation_error"}


def room_asked(args: tuple[Any, ...]) -> str | None:
    """The room a ``subscribe``/``unsubscribe`` names: its one argument must be an object
    of text (``shared.text``: no lone surrogate, no NUL) with a ``room`` string; None for
    any other shape.

    Handlers take ``*args`` and read the payload here because Socket.IO passes whatever
    the client sent, as many arguments as it sent: a handler with a fixed signature
    raised ``TypeError`` (a traceback in the log per call, and no answer) for none or two.
    """
    if len(args) != 1 or not isinstance(args[0], dict) or text.first_unfit(args[0]):
        return None
    room = args[0].get("room")
    if not isinstance(room, str) or len(room) > MAX_ROOM_LENGTH:
        return None
    return room


@socketio.on(events.SUBSCRIBE)
def on_subscribe(*args: Any) -> dict[str, Any]:
    """Join one more room the caller may listen to; the ack carries the room's seq."""
    listener = _sockets().get(request.sid)  # type: ignore[attr-defined]
    who = listener.who if listener is not None else None
    room = room_asked(args)
    if who is None or room is None:
        return dict(INVALID)
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
        if not access.may_join(session, who, room, agency, line):
            return {"ok": False, "error": "forbidden"}
        join_room(room)
        return {"ok": True, "room": room, "seq": current_seq(session, room)}


@socketio.on("unsubscribe")
def on_unsubscribe(*args: Any) -> dict[str, Any]:
    room = room_asked(args)
    if room is None:
        return dict(INVALID)
    leave_room(room)
    return {"ok": True}
