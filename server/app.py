"""The application factory."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from types import FunctionType
from typing import Any

from flask import Flask, g, request
from werkzeug.routing import IntegerConverter

from server import json_answers, security_headers
from server.config import ServerConfig, load_config, with_lasting_secret
from server.cookie_session import KeptSerializerSessions
from server.db import Database
from server.errors import register_error_handlers
from server.extensions import socketio
from server.request_log import WHO_KEY, RequestLog, access_logged
from server.runtime import utc_now
from server.state import AppState

MAX_BODY_BYTES = 64 * 1024


class RowId(IntegerConverter):
    """``<int:...>`` in every route: ids are 32-bit, so a longer number is simply not
    found (404) instead of overflowing the database driver (a 500)."""

    def __init__(self, url_map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)


# Far more than the app's views and hooks (about thirty).
MOST_SYNCED = 1024


class AntreFlask(Flask):
    """Flask, asking once per view or hook function whether it must be run as a
    coroutine. Flask asks again on every call of every hook and view (``inspect``
    reading the code's flags, four times for a kiosk's issue: docs/benchmarks.md, the
    twelfth pass); a function does not change its kind."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._synced: dict[FunctionType, Callable[..., Any]] = {}

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        # Plain functions only, as views and hooks are registered: a view class's method
        # comes bound anew per request and is asked each time, as Flask does. A closure
        # made per request (``after_this_request``) would only fill this: past the
        # app's own functions' count, a new one is asked and not kept.
        if type(func) is not FunctionType:
            return super().ensure_sync(func)
        synced = self._synced.get(func)
        if synced is None:
            synced = super().ensure_sync(func)
            if len(self._synced) < MOST_SYNCED:
                self._synced[func] = synced
        return synced


def configure_logging(level: str) -> None:
    """One line per request or event on stdout; never a token (none is ever formatted)."""
    root = logging.getLogger()
    if not any(getattr(h, "_antre", False) for h in root.handlers):
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
        handler._antre = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    root.setLevel(level)
    # These libraries can log packets, query strings or headers: keep them quiet.
    for noisy in ("werkzeug", "engineio", "socketio", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def create_app(config: ServerConfig | None = None, *, clock: Any = None) -> Flask:
    config = with_lasting_secret(config or load_config())
    app = AntreFlask(__name__, instance_relative_config=False)
    app.config.update(
        SECRET_KEY=config.secret_key,
        MAX_CONTENT_LENGTH=MAX_BODY_BYTES,
        SESSION_COOKIE_NAME="antre_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        # Behind TLS (nginx, docs/large-hall.md) the cookie must never travel in clear.
        SESSION_COOKIE_SECURE=config.secure_cookies,
    )
    json_answers.init_app(app)  # in the order the views build them, as before
    app.session_interface = KeptSerializerSessions()
    app.url_map.converters["int"] = RowId
    if config.sqlite_path is not None:
        config.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    db = Database(config.database_url, sqlite_synchronous=config.sqlite_synchronous)
    app.extensions["antre"] = AppState(config=config, db=db, clock=clock or utc_now)
    configure_logging(config.log_level)
    register_error_handlers(app)

    import server.hooks_gateways  # the gateways' hooks, on hooks_bp before it is registered
    from server.api import bp as api_bp
    from server.api.openapi import bp as openapi_bp
    from server.api.validation import check_request_text
    from server.hooks import bp as hooks_bp
    from server.web import bp as web_bp

    app.before_request(check_request_text)  # every route's URL and form, before any lookup

    app.register_blueprint(api_bp)
    app.register_blueprint(openapi_bp)
    app.register_blueprint(web_bp)
    app.register_blueprint(hooks_bp)
    security_headers.init_app(app)

    import server.push  # the queue manager, for sending
    import server.realtime  # registers the socket handlers

    # Inside Socket.IO's middleware: its long polls and websockets are not requests to log.
    app.wsgi_app = RequestLog(app.wsgi_app)  # type: ignore[method-assign]

    socketio.init_app(
        app,
        async_mode=config.async_mode,
        # Always given (None: no queue), so an app made earlier in this process with a
        # queue does not leave its manager behind in the shared ``socketio`` object.
        client_manager=server.push.message_queue_manager(config),
        logger=False,
        engineio_logger=False,
        ping_interval=10,
        ping_timeout=10,
    )
    _record_who(app)
    return app


def _record_who(app: Flask) -> None:
    @app.teardown_request
    def _who(_: BaseException | None) -> None:
        # Read by the access line (server/request_log.py), written after Flask is done.
        if not access_logged():
            return
        who = g.get("antre_principal")
        request.environ[WHO_KEY] = who.label() if who is not None else "-"
