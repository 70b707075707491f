"""Socket.IO, outbound: committed events to their rooms, through Redis when several
processes run.

Apart from ``realtime.py`` (sockets connecting and joining rooms) because the
application layer sends and an adapter must not be what it leans on. A push never fails
the command that made it: its events are committed with their ``seq`` and clients catch
up by it.
"""

from __future__ import annotations

import logging

import socketio as socketio_lib

from server.config import ServerConfig
from server.domain.outbox import PushEvent
from server.extensions import socketio

log = logging.getLogger("antre.push")

# A Redis host that drops packets must not hold every push for the TCP timeout. Only the
# connect is bounded: a read timeout would also end the idle subscriber's blocking read.
REDIS_OPTIONS = {"socket_connect_timeout": 2.0}


def loggable(room: str) -> str:
    """A room name fit for the log: a ticket's status code opens its page, so it is cut."""
    if room.startswith("ticket:"):
        return room[: len("ticket:") + 4] + "…"
    return room


def message_queue_manager(config: ServerConfig) -> socketio_lib.RedisManager | None:
    """The Redis client manager several processes share, with a bounded connect time
    (Flask-SocketIO's own has no way to pass Redis options); None for one process."""
    url = config.message_queue
    if url is None:
        return None
    return socketio_lib.RedisManager(
        url, channel=config.message_queue_channel, redis_options=dict(REDIS_OPTIONS)
    )


def listened(room: str) -> bool:
    """Whether a socket of any process may be in ``room``: with a message queue the
    other processes' sockets are unknown here, so always; with one process, whether one
    of its sockets is in it. An event for a room nobody is in is not computed, encoded
    or sent at all (a hall's monitor, counter clients and phones come and go; the event
    keeps its ``seq``, which a socket joining later reads from its snapshot)."""
    manager = socketio.server.manager
    if isinstance(manager, socketio_lib.PubSubManager):
        return True
    return bool(manager.rooms.get("/", {}).get(room))


def send(pushes: list[PushEvent]) -> None:
    """Send committed events to their rooms (through Redis when several processes run).

    The events are already committed with their ``seq``: an emit that fails (the message
    queue away) is logged and skipped, never turned into an error of the command, and
    the clients that missed it reload when they see the gap.
    """
    logged = log.isEnabledFor(logging.INFO)  # the room list is built only to be logged
    rooms: dict[str, list[str]] = {}
    for event in pushes:
        if not listened(event.room):  # left since the outbox handed the event out
            continue
        try:
            socketio.emit(event.name, event.payload, to=event.room)
        except Exception as exc:  # whatever the queue raises; the payload is not logged
            where = f"{loggable(event.room)}#{event.payload.get('seq')}"
            log.warning("push %s %s failed: %s", event.name, where, type(exc).__name__)
            continue
        if logged:
            rooms.setdefault(event.name, []).append(
                f"{loggable(event.room)}#{event.payload.get('seq')}"
            )
    for name, sent in rooms.items():
        log.info("push %s %s", name, " ".join(sent))
