"""Background work of a running server: closing the day (expiring what was left open),
ending the bookings nobody checked in (no-shows), queueing the booking reminders that
are due, the "about N minutes" notices that time alone made due, and sending the
visitors' notices.

An adapter like the REST and socket handlers: the job runs its domain command through
the same `server.commands.run_command` (one transaction, pushes after the commit)."""

from __future__ import annotations

import logging
import threading

from flask import Flask

from server.commands import run_command
from server.config import ServerConfig
from server.db import DATABASE_AWAY
from server.domain.bookings import mark_no_shows
from server.domain.context import SYSTEM
from server.domain.notices.booking_triggers import queue_due_reminders
from server.domain.notices.triggers import waits_shortened
from server.domain.tickets import expire_open_tickets
from server.extensions import socketio
from server.hooks import handle_telegram_text
from server.notify.channels import CurrentWorker
from server.notify.telegram_updates import TelegramUpdates
from server.state import AppState

log = logging.getLogger("antre.jobs")


def expire_now(app: Flask) -> int:
    """Expire every open ticket of an earlier service date; returns how many."""
    with app.app_context():
        count = run_command(SYSTEM, lambda ctx: expire_open_tickets(ctx, ctx.today))
    if count:
        log.info("expired %d tickets of earlier days", count)
    return count


def end_missed_bookings(app: Flask) -> int:
    """Bookings whose check-in window closed without a check-in become no-shows."""
    with app.app_context():
        count = run_command(SYSTEM, mark_no_shows)
    if count:
        log.info("%d bookings were not checked in: no-shows", count)
    return count


def queue_booking_reminders(app: Flask) -> int:
    """The booking reminders now due (the day before, an hour before) are queued."""
    with app.app_context():
        count = run_command(SYSTEM, queue_due_reminders)
    if count:
        log.info("%d booking reminders queued", count)
    return count


def queue_ahead_by_minutes(app: Flask) -> int:
    """The "about N minutes" notices that time alone made due (a long service ran on)."""
    with app.app_context():
        count = run_command(SYSTEM, waits_shortened)
    if count:
        log.info("%d ahead notices queued as waits shortened", count)
    return count


def round_failed(what: str, exc: Exception) -> None:
    """Log a background round that failed; the loop tries again at its next round.

    A database away is expected in a hall's life (a restart, a failover) and is said in
    one line, as a request says it; anything else comes with its traceback, since it is
    a fault to look at."""
    if isinstance(exc, DATABASE_AWAY):
        log.warning("%s: database unavailable (%s); retrying", what, type(exc).__name__)
    else:
        log.error("%s failed; retrying", what, exc_info=exc)


def start_jobs(app: Flask) -> None:
    """Run the day-close check at start and then every ``expiry_interval_seconds``.

    Several processes may run it at once: each ticket expires once, under its row lock,
    and each missed booking ends once (the rows another process holds are skipped); a
    reminder or an "ahead" notice is queued once (its idempotency key). Here rather than
    in the notice worker's round: every server process runs this loop, while the worker
    may run in a separate ``notify-worker`` or not at all.
    """
    state: AppState = app.extensions["antre"]
    interval = state.config.expiry_interval_seconds
    notices = state.notice_config()
    if notices.notices_on and not notices.public_url:
        log.warning("booking reminders: [server] public_url is unset; their links lack the host")

    def loop() -> None:
        while True:
            try:
                expire_now(app)
                end_missed_bookings(app)
                queue_booking_reminders(app)
                queue_ahead_by_minutes(app)
            except Exception as exc:  # keep the loop alive through a database restart
                round_failed("day-close check", exc)
            socketio.sleep(interval)

    socketio.start_background_task(loop)
    if state.config.notify_in_server:
        start_notice_worker(app)
    start_telegram_polling(app)


def start_notice_worker(app: Flask) -> threading.Event:
    """Send the queued notices every ``notify_interval_seconds`` while the server runs;
    returns the event that stops it. It runs with no channel configured too, so a channel
    an admin sets up on the console sends without a restart (``CurrentWorker``: such a
    round is one small query every few seconds at most).

    Under eventlet the provider calls yield to the other greenlets (sockets are patched
    before ``requests`` is imported), so a provider that hangs holds up only the notices
    behind it, for at most the timeout each."""
    state: AppState = app.extensions["antre"]
    worker = CurrentWorker(state.notice_config, state.db, state.clock)
    stop = threading.Event()  # green under eventlet: the entry point patched threading

    def loop() -> None:
        while not stop.is_set():
            try:
                worker.run_once()
            except Exception as exc:  # keep sending through a database restart
                round_failed("notice round", exc)
            # A pause, cut short by a command that queued a notice (green under eventlet).
            if state.notices_queued.wait(worker.interval):
                state.notices_queued.clear()

    socketio.start_background_task(loop)
    return stop


# How long one getUpdates waits for a text (Telegram's long poll), seconds.
TELEGRAM_WAIT_SECONDS = 25


def telegram_polling(config: ServerConfig) -> tuple[str, str, float] | None:
    """What long polling reads with (token, Telegram's URL, timeout), when the hall has a
    bot and no webhook (``telegram_webhook_secret`` unset); None when it does not poll."""
    if not config.notify_telegram_token or config.notify_telegram_webhook_secret:
        return None
    return (
        config.notify_telegram_token,
        config.notify_telegram_url,
        float(config.notify_timeout_seconds),
    )


def start_telegram_polling(app: Flask) -> threading.Event:
    """Read the bot's ``/start`` and "STOP" by long polling while ``telegram_polling``
    says so: it begins when a bot token appears (on the console too) and ends, within one
    long poll, when it goes or a webhook secret is set. Its own background task: a long
    poll never delays a notice."""
    state: AppState = app.extensions["antre"]
    stop = threading.Event()

    def loop() -> None:
        offset: int | None = None
        reading: tuple[str, str, float] | None = None
        updates: TelegramUpdates | None = None
        while not stop.is_set():
            config = state.notice_config()
            wanted = telegram_polling(config)
            try:
                if wanted is None:
                    reading, updates = None, None
                    socketio.sleep(config.notify_interval_seconds)
                    continue
                if wanted != reading or updates is None:
                    reading, offset = wanted, None
                    updates = TelegramUpdates(wanted[0], base_url=wanted[1], timeout=wanted[2])
                    log.info("telegram: reading the bot's messages by long polling")
                before = offset
                offset = poll_telegram_once(app, updates, offset, TELEGRAM_WAIT_SECONDS)
                if offset == before:
                    socketio.sleep(config.notify_interval_seconds)  # no answer: not a busy loop
            except Exception as exc:  # keep reading through a database restart
                round_failed("telegram polling", exc)
                socketio.sleep(config.notify_interval_seconds)

    socketio.start_background_task(loop)
    return stop


def poll_telegram_once(
    app: Flask, updates: TelegramUpdates, offset: int | None, wait_seconds: int
) -> int | None:
    """One getUpdates: each text is handled as the webhook handles it; returns the next
    offset."""
    texts, following = updates.fetch(offset, wait_seconds)
    with app.app_context():
        for text in texts:
            handle_telegram_text(text.chat_id, text.text)
    return following
