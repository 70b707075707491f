"""The headers every answer carries for a deployment open to the public.

Every page loads only from the server itself (scripts, styles, the Socket.IO client in
``/vendor/``, the logo, the board's recorded words), so the Content-Security-Policy can
allow ``'self'`` and nothing else: no inline script or ``style=`` attribute (the pages'
data travels in ``<script type="application/json">`` blocks, which are never run, and
colours are set from the static scripts), no ``eval``, no frames. An injected tag, if
one ever got through the templates' escaping, would then run nothing.

The board's chime is WebAudio oscillators and its recorded words are fetched and decoded
(``connect-src``), so no ``media-src`` beyond ``'self'`` is needed. The socket is a
WebSocket to the page's own host: ``'self'`` covers it in CSP 3, and the explicit
``ws://host``/``wss://host`` keep the older browsers of some TVs on the same footing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from flask import Flask
from werkzeug.wsgi import get_host

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

_POLICY = (
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "media-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
)
# A Host header that is not a plain host[:port] is left out of the policy rather than
# copied into it (a ";" would add a directive of the caller's choosing).
_PLAIN_HOST = re.compile(
    r"[A-Za-z0-9.-]{1,253}(:[0-9]{1,5})?|\[[0-9A-Fa-f:.]{2,45}\](:[0-9]{1,5})?"
)


def content_security_policy(host: str) -> str:
    """The policy for a page served to ``host`` (the request's Host header)."""
    connect = "connect-src 'self'"
    if _PLAIN_HOST.fullmatch(host):
        connect += f" ws://{host} wss://{host}"
    return "; ".join((*_POLICY, connect))


# Every answer: no answer is to be sniffed into another type (an API's JSON included),
# and a ticket page's address is its secret, which nothing else needs as a referrer.
_EVERY_ANSWER = (("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "no-referrer"))
# Pages: frames refused for the older browsers too (frame-ancestors is CSP's).
_PAGES = (("X-Frame-Options", "DENY"),)


def with_security_headers(
    headers: list[tuple[str, str]], environ: WSGIEnvironment
) -> list[tuple[str, str]]:
    """``headers`` of one answer with those above added where the view set none."""
    present = {name.lower() for name, _ in headers}
    added = [pair for pair in _EVERY_ANSWER if pair[0].lower() not in present]
    if "content-type" in present and _is_html(headers):
        if "content-security-policy" not in present:
            added.append(("Content-Security-Policy", content_security_policy(get_host(environ))))
        added += [pair for pair in _PAGES if pair[0].lower() not in present]
    return [*headers, *added] if added else headers


def _is_html(headers: list[tuple[str, str]]) -> bool:
    for name, value in headers:
        if name.lower() == "content-type":
            return value.split(";", 1)[0].strip().lower() == "text/html"
    return False


class SecurityHeaders:
    """Adds the headers as the answer starts, below Flask: every answer gets them, errors
    and static files included, at the cost of one look over its header list (an
    ``after_request`` hook paid a lookup that raises and is caught for each header it did
    not find, and the parsing of the content type: docs/benchmarks.md, the twelfth pass).

    A page is known by its Content-Type: a 304 answer carries none, so it gets the two
    headers of every answer only; the browser keeps the page's policy from the answer it
    cached (no page of Antre's answers 304 today)."""

    def __init__(self, app: WSGIApplication) -> None:
        self.app = app

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            return start_response(status, with_security_headers(headers, environ), exc_info)

        return self.app(environ, start)


def init_app(app: Flask) -> None:
    """Add the headers to every answer, errors included."""
    app.wsgi_app = SecurityHeaders(app.wsgi_app)  # type: ignore[method-assign]
