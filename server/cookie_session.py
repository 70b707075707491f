"""The console's signed cookie session, with its signing serializer made once.

Flask's cookie session builds a ``URLSafeTimedSerializer`` for every request, also for a
kiosk's or a board's that carries no cookie and never will: about 1 % of the server's
CPU per issued ticket (docs/benchmarks.md, fifth pass). The serializer depends only on
the secret key, its fallbacks and the interface's fixed salt and digest, and holds no
state of a request, so one is kept and made again only when a key changes (a test that
sets another ``secret_key``). Every server process derives the same serializer from the
same configured key: nothing here has to agree between processes.

A request with no ``Cookie`` header at all (a device's, with its bearer token) gets the
empty session at once: asking Werkzeug for the cookies walks every header and builds an
empty dictionary, about a twentieth of an issue's Python (the tenth pass).
"""

from __future__ import annotations

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer

_Keys = tuple[object, tuple[object, ...]]


class KeptSerializerSessions(SecureCookieSessionInterface):
    """Flask's own cookie session; only ``get_signing_serializer`` remembers its answer."""

    def __init__(self) -> None:
        self._kept: tuple[_Keys, URLSafeTimedSerializer | None] | None = None

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys: _Keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        kept = self._kept
        if kept is not None and kept[0] == keys:
            return kept[1]
        made = super().get_signing_serializer(app)
        self._kept = (keys, made)
        return made

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if "HTTP_COOKIE" not in request.environ:
            # What Flask's own answer would be without a cookie to read (or None without
            # a secret key, which it asks first).
            return None if self.get_signing_serializer(app) is None else self.session_class()
        return super().open_session(app, request)
