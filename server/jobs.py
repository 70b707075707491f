"""Background work of a running server: closing the day (expiring what was left open)."""

from __future__ import annotations

import logging

from flask import Flask

from server import realtime
from server.domain.context import Ctx
from server.domain.tickets import expire_open_tickets
from server.extensions import socketio
from server.state import AppState

log = logging.getLogger("antre.jobs")


def expire_now(app: Flask) -> int:
    """Expire every open ticket of an earlier service date; returns how many."""
    state: AppState = app.extensions["antre"]
    with app.app_context():
        with state.db.write() as session:
            catalog = state.catalog.snapshot(session)
            ctx = Ctx(session, state.clock(), catalog.settings(session), catalog=catalog)
            count = expire_open_tickets(ctx, ctx.today)
            session.flush()
            pushes = ctx.outbox.flush(session)
        realtime.push(pushes)
    if count:
        log.info("expired %d tickets of earlier days", count)
    return count


def start_jobs(app: Flask) -> None:
    """Run the day-close check at start and then every ``expiry_interval_seconds``.

    Several processes may run it at once: each ticket expires once, under its row lock.
    """
    state: AppState = app.extensions["antre"]
    interval = state.config.expiry_interval_seconds

    def loop() -> None:
        while True:
            try:
                expire_now(app)
            except Exception:  # keep the loop alive through a database restart
                log.exception("day-close check failed; retrying")
            socketio.sleep(interval)

    socketio.start_background_task(loop)
