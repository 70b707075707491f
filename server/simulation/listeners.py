"""Boards and phones: Socket.IO clients that hear the calls, as the hall's boards (device
tokens, their zone's room) and the visitors' ticket pages (the ticket's status code) do.

Each call they hear is booked in ``Deliveries`` with the time it arrived, keyed by the
call's ``called_at`` (every call and recall stamps a new one), so the runner can count
what was lost or came twice and how long each push took.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
import time
from collections.abc import Callable
from typing import Any

import socketio

from server.simulation.measures import Deliveries
from shared import events

log = logging.getLogger("antre.simulation")
CONNECT_TIMEOUT = 5.0


def board_key(payload: dict[str, Any]) -> tuple[str, int]:
    ticket = payload.get("ticket") or {}
    return str(ticket.get("called_at")), int(ticket.get("id") or 0)


def phone_key(payload: dict[str, Any]) -> tuple[str, int]:
    # The phone's payload carries no ids (docs/design.md#push-protocol): its time only.
    ticket = payload.get("ticket") or {}
    return str(ticket.get("called_at")), 0


def _client(
    name: str, deliveries: Deliveries, key: Callable[[dict[str, Any]], tuple[str, int]]
) -> socketio.Client:
    client = socketio.Client(reconnection=False)

    def called(payload: Any) -> None:
        if isinstance(payload, dict):
            deliveries.hear(name, key(payload), time.time())

    client.on(events.TICKET_CALLED, called)
    return client


class Boards:
    """One connected board per display token."""

    def __init__(self, url: str, deliveries: Deliveries) -> None:
        self.url = url
        self.deliveries = deliveries
        self.by_zone: dict[str, list[str]] = {}
        self._clients: list[socketio.Client] = []

    def connect(self, name: str, token: str, zone: str) -> None:
        listener = f"board:{name}"
        client = _client(listener, self.deliveries, board_key)
        client.connect(
            self.url, auth={"token": token}, transports=["websocket"], wait_timeout=CONNECT_TIMEOUT
        )
        self._clients.append(client)
        self.by_zone.setdefault(zone, []).append(listener)
        self.deliveries.listener(listener)

    def close(self) -> None:
        for client in self._clients:
            with contextlib.suppress(Exception):
                client.disconnect()


class Phones:
    """Visitors' phones, connected on a thread of their own so a kiosk never waits for
    one; a phone leaves when its ticket's day is over."""

    def __init__(self, url: str, deliveries: Deliveries) -> None:
        self.url = url
        self.deliveries = deliveries
        self._jobs: queue.Queue[tuple[str, Any] | None] = queue.Queue()
        self._clients: dict[str, socketio.Client] = {}
        self._thread = threading.Thread(target=self._run, name="sim-phones", daemon=True)
        self.failed = 0

    def start(self) -> None:
        self._thread.start()

    def follow(self, ticket: Any) -> None:
        """Open the page of ``ticket`` (a ``SimTicket``): sets its ``phone`` and
        ``phone_since`` once connected."""
        self._jobs.put(("follow", ticket))

    def leave(self, ticket: Any) -> None:
        self._jobs.put(("leave", ticket))

    def close(self) -> None:
        self._jobs.put(None)
        self._thread.join(timeout=30)
        for client in self._clients.values():
            with contextlib.suppress(Exception):
                client.disconnect()

    def _run(self) -> None:
        while (job := self._jobs.get()) is not None:
            action, ticket = job
            if action == "follow":
                self._connect(ticket)
            elif (client := self._clients.pop(f"phone:{ticket.number}", None)) is not None:
                with contextlib.suppress(Exception):
                    client.disconnect()

    def _connect(self, ticket: Any) -> None:
        name = f"phone:{ticket.number}"
        client = _client(name, self.deliveries, phone_key)
        try:
            client.connect(
                self.url,
                auth={"ticket": ticket.status_code},
                transports=["websocket"],
                wait_timeout=CONNECT_TIMEOUT,
            )
        except socketio.exceptions.ConnectionError as exc:
            log.warning("phone of %s could not connect: %s", ticket.number, exc)
            self.failed += 1
            return
        self._clients[name] = client
        self.deliveries.listener(name)
        ticket.phone_since = time.time()
        ticket.phone = name
