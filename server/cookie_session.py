"""The console's signed cookie session, with its signing serializer made once.

Flask's cookie session builds a ``URLSafeTimedSerializer`` for every request, also for a
kiosk's or a board's that carries no cookie and never will: about 1 % of the server's
CPU per issued ticket (docs/benchmarks.md, fifth pass). The serializer depends only on
the secret key, its fallbacks and the interface's fixed salt and digest, and holds no
state of a request, so one is kept and made again only when a key changes (a test that
sets another ``secret_key``). Every server process derives the same serializer from the
same configured key: nothing here has to agree between processes.
"""

from __future__ import annotations

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
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
