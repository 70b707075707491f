"""Running one domain command: one transaction, its push events numbered inside it and
sent only after it commits."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar, cast

from flask import has_request_context, request
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import DetachedInstanceError

from server import push
from server.config import ServerConfig
from server.db import DATABASE_AWAY, Database
from server.domain.catalog import CatalogSnapshot
from server.domain.context import Actor, Ctx
from server.domain.tickets import load_every_service
from server.driver_session import HeldObjectChanged, NeedsSession
from server.notify import wake
from server.state import AppState, app_state

T = TypeVar("T")
log = logging.getLogger("antre.commands")


def run_command(
    actor: Actor, command: Callable[[Ctx], T], *, retries: int = 1, on_driver: bool = False
) -> T:
    """Run ``command`` in a write transaction; return its (already serialised) result.

    An integrity error (two processes creating the same lock row or idempotency key at
    the same instant) rolls everything back; the command is then run once more and sees
    what the other one committed.

    ``on_driver``: first without the ORM session, on SQLite (``server.driver_session``;
    only for a command that changes nothing it merges: the kiosk's issue). Whatever that
    cannot do rolls it back, and the command runs as any other. An integrity error is
    not retried there: in the write turn nothing races it, so it would come again.
    """
    state = app_state()
    config = state.notice_config()  # before the transaction: it may read the settings
    if on_driver and state.db.driver_writes:
        try:
            return _on_driver(state, actor, command, config)
        except (NeedsSession, DetachedInstanceError) as exc:
            # Rolled back: nothing of it was committed or sent.
            if isinstance(exc, HeldObjectChanged):
                state.catalog.start_over()  # the change may have been to a kept copy
            log.debug("in a session after all: %s: %s", type(exc).__name__, exc)
    attempt = 0
    while True:
        try:
            with state.db.write() as session:
                catalog = state.catalog.snapshot(session)
                settings = catalog.settings(session)
                ctx = Ctx(
                    session,
                    state.clock(),
                    settings,
                    actor,
                    catalog=catalog,
                    notice_link_base=_notice_link_base(config),
                    whatsapp_templates=_whatsapp_templates(config),
                )
                result = command(ctx)
                if ctx.notices_queued and not state.config.notify_in_server:
                    wake.announce_queued(session)  # delivered at commit (PostgreSQL)
                session.flush()
                pushes = ctx.outbox.flush(session, push.listened)
            break
        except IntegrityError:
            attempt += 1
            if attempt > retries:
                raise
    push.send(pushes)
    if ctx.notices_queued:
        _wake_workers(ctx.notices_queued)
    return result


def _on_driver(
    state: AppState, actor: Actor, command: Callable[[Ctx], T], config: ServerConfig
) -> T:
    """``run_command``'s transaction with a ``DriverSession`` in place of the session."""
    with state.db.driver_write() as driver:
        session = cast(Session, driver)  # the part of a Session the domain uses here
        catalog = state.catalog.snapshot(session)
        _keep_every_service(catalog, state.db)
        ctx = Ctx(
            session,
            state.clock(),
            catalog.settings(session),
            actor,
            catalog=catalog,
            notice_link_base=_notice_link_base(config),
            whatsapp_templates=_whatsapp_templates(config),
        )
        result = command(ctx)
        if ctx.notices_queued:
            raise NeedsSession("notices to announce")  # as the session's path does
        pushes = ctx.outbox.flush(session, push.listened)
    push.send(pushes)
    return result


def _keep_every_service(catalog: CatalogSnapshot, db: Database) -> None:
    """Every service read once per catalog version, in a reader beside the driver's
    transaction (which holds the write lock, so the reader sees the version it read):
    loading entities is a session's work, and without this the first issue of each
    service would be handed back and written twice. A reader the database refuses
    changes nothing: each service is then read in a session, as before."""
    try:
        catalog.keep_every_service(db.read, load_every_service)
    except DATABASE_AWAY as exc:
        log.debug("every service not kept: %s", type(exc).__name__)


def _wake_workers(queued: int) -> None:
    """The in-server worker by its event; a ``notify-worker`` beside the servers on SQLite
    through the Redis message queue, where there is one (on PostgreSQL the transaction's
    NOTIFY did it: ``server.notify.wake``)."""
    state = app_state()
    config = state.config
    if config.notify_in_server:
        state.notices_queued.set()
    elif config.message_queue and not config.database_url.startswith("postgresql"):
        wake.publish_queued(config.message_queue, wake.redis_channel(config.message_queue_channel))


def _notice_link_base(config: ServerConfig) -> str | None:
    """Where notices' status links start; None (no trigger runs) with no channel."""
    if not config.notices_on:
        return None
    if config.public_url:
        return config.public_url
    return request.host_url if has_request_context() else ""


def _whatsapp_templates(config: ServerConfig) -> dict[str, str] | None:
    """The Cloud API's template names when WhatsApp goes through it; None otherwise."""
    return dict(config.notify_whatsapp_templates) if config.whatsapp_cloud else None


def run_query(query: Callable[[Ctx], T]) -> T:
    """Run a read-only ``query`` in one consistent snapshot."""
    state = app_state()
    with state.db.read() as session:
        catalog = state.catalog.snapshot(session)
        ctx = Ctx(session, state.clock(), catalog.settings(session), catalog=catalog)
        return query(ctx)
