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

from flask import Flask, Response, request

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


def _add_headers(response: Response) -> Response:
    headers = response.headers
    # No answer is to be sniffed into another type: an API's JSON included.
    headers.setdefault("X-Content-Type-Options", "nosniff")
    # A ticket page's address is its secret, and nothing else needs the referrer.
    headers.setdefault("Referrer-Policy", "no-referrer")
    if response.mimetype == "text/html":
        headers.setdefault("Content-Security-Policy", content_security_policy(request.host))
        headers.setdefault("X-Frame-Options", "DENY")  # frame-ancestors for older browsers
    return response


def init_app(app: Flask) -> None:
    """Add the headers to every answer, errors included."""
    app.after_request(_add_headers)
