"""The demo phone: a stand-in for Fonnte's WhatsApp gateway on this machine, so the demo's
notices arrive somewhere a newcomer can read them, in a hall with no internet.

It speaks the part of Fonnte's API that ``server.notify.fonnte`` uses (``POST /send``, the
device token in ``Authorization``, form fields ``target``, ``message``, ``countryCode``;
answers ``{"status": true, "id": [...], ...}`` or ``{"status": false, "reason": ...}``),
so the real adapter and worker run unchanged against it; ``GET /`` is the phone's
screen. Only the Python standard library: the demo starts it beside the server with no
extra package, and it needs no database.

What it keeps is bounded and private: the last ``MAX_MESSAGES`` messages, in memory only,
each under its number masked as the console shows numbers (the full number is never
stored nor logged; two numbers that mask alike share a conversation, which a demo can
bear).
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import threading
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

from server.domain.identity import masked_phone, normalise_phone

MAX_MESSAGES = 200
# Longer than any notice the server writes; a message beyond it is cut, not refused.
MAX_TEXT = 4096
# A form larger than this is no notice: refused before it is read.
MAX_BODY_BYTES = 64 * 1024
# How often the page reloads itself to show new messages.
REFRESH_SECONDS = 3
# Fonnte's first answer to a queued message (as docs/notifications.md#fonnte quotes it).
QUEUED_DETAIL = "success! message in queue"


@dataclass(frozen=True)
class PhoneMessage:
    """One message as the phone's screen shows it."""

    id: str
    number: str  # masked: +62 812-****-7890
    text: str
    at: dt.datetime


class Inbox:
    """The messages received, the newest ``limit`` of them; safe across request threads."""

    def __init__(
        self,
        limit: int = MAX_MESSAGES,
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now().astimezone(),
    ) -> None:
        self._messages: deque[PhoneMessage] = deque(maxlen=limit)
        self._clock = clock
        self._lock = threading.Lock()
        self._last_id = 0

    def receive(self, phone: str, text: str) -> str:
        """Keep one message for ``phone`` (``+62…``); returns its id, Fonnte-like digits."""
        with self._lock:
            self._last_id += 1
            message_id = str(80_000_000 + self._last_id)
            self._messages.append(
                PhoneMessage(message_id, masked_phone(phone), text[:MAX_TEXT], self._clock())
            )
            return message_id

    def newest_first(self) -> list[PhoneMessage]:
        with self._lock:
            return list(reversed(self._messages))

    def conversations(self) -> list[tuple[str, list[PhoneMessage]]]:
        """Messages per (masked) number, the number written to last first, each
        conversation newest first."""
        grouped: dict[str, list[PhoneMessage]] = {}
        for message in self.newest_first():
            grouped.setdefault(message.number, []).append(message)
        return list(grouped.items())


def fonnte_send(
    inbox: Inbox, token: str, authorization: str | None, fields: Mapping[str, str]
) -> dict[str, Any]:
    """Fonnte's answer to ``POST /send`` (HTTP 200 either way, as Fonnte answers)."""
    if authorization is None or authorization.strip() != token:
        return {"status": False, "reason": "token invalid"}
    text = fields.get("message", "")
    if not text.strip():
        return {"status": False, "reason": "message is empty"}
    targets = [t.strip() for t in fields.get("target", "").split(",") if t.strip()]
    phones = [normalise_phone(t) for t in targets]
    if not phones or any(phone is None for phone in phones):
        return {"status": False, "reason": "target invalid"}
    ids = [inbox.receive(phone, text) for phone in phones if phone is not None]
    return {
        "status": True,
        "detail": QUEUED_DETAIL,
        "id": ids,
        "process": "pending",
        "target": [phone.removeprefix("+") for phone in phones if phone is not None],
    }


# --- the screen ------------------------------------------------------------------------

_URL = re.compile(r"https?://[^\s<>\"']+")

_STYLE = """
body{font-family:system-ui,sans-serif;margin:0;background:#e5ddd5;color:#111}
header{background:#075e54;color:#fff;padding:12px 16px}
h1{font-size:1.3em;margin:0}
header p{margin:4px 0 0;font-size:.9em;opacity:.9}
main{max-width:720px;margin:0 auto;padding:8px 12px 24px}
section{margin:12px 0}
h2{font-size:1em;margin:0 0 6px;color:#075e54}
.msg{background:#fff;border-radius:8px;padding:8px 10px;margin:6px 0;
box-shadow:0 1px 1px rgba(0,0,0,.15);white-space:pre-wrap;overflow-wrap:anywhere}
.msg time{display:block;text-align:right;font-size:.8em;color:#667}
.empty{background:#fff;border-radius:8px;padding:12px}
"""


def _linked(text: str) -> str:
    """``text`` escaped, its web addresses as links (the ticket page a notice points to)."""
    parts: list[str] = []
    end = 0
    for found in _URL.finditer(text):
        parts.append(html.escape(text[end : found.start()]))
        url = html.escape(found.group(0), quote=True)
        parts.append(f'<a href="{url}">{url}</a>')
        end = found.end()
    parts.append(html.escape(text[end:]))
    return "".join(parts)


def render_page(inbox: Inbox) -> str:
    """The phone's screen: every conversation, newest first; it reloads itself."""
    sections = []
    for number, messages in inbox.conversations():
        bubbles = "".join(
            f'<div class="msg">{_linked(m.text)}'
            f'<time datetime="{m.at.isoformat()}">{m.at.strftime("%H.%M.%S")}</time></div>'
            for m in messages
        )
        sections.append(f"<section><h2>{html.escape(number)}</h2>{bubbles}</section>")
    body = "".join(sections) or (
        '<p class="empty">Belum ada pesan. Aktifkan pemberitahuan WhatsApp di halaman tiket '
        "(<code>/t/…</code>) dengan nomor apa saja, lalu panggil tiket itu di loket.</p>"
    )
    return (
        '<!doctype html><html lang="id"><head><meta charset="utf-8">'
        f'<meta http-equiv="refresh" content="{REFRESH_SECONDS}">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>Ponsel demo</title><style>{_STYLE}</style></head><body>"
        "<header><h1>Ponsel demo</h1><p>Pesan WhatsApp yang dikirim Antre ke pengunjung. "
        "Tiruan gateway Fonnte untuk demo: tidak ada yang keluar ke internet.</p></header>"
        f"<main>{body}</main></body></html>"
    )


# --- the server ------------------------------------------------------------------------


class DemoPhone:
    """The phone served on ``host:port`` (0: any free port) until ``close``."""

    def __init__(
        self, token: str, host: str = "127.0.0.1", port: int = 0, inbox: Inbox | None = None
    ) -> None:
        self.token = token
        self.inbox = inbox or Inbox()
        self.server = ThreadingHTTPServer((host, port), _handler(self))
        self.server.daemon_threads = True

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def serve_forever(self) -> None:
        # A short poll: close() waits up to one interval.
        self.server.serve_forever(poll_interval=0.1)

    def start(self) -> DemoPhone:
        """Serve on a thread of its own (tests, the screenshot tool)."""
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _form(raw: bytes, content_type: str) -> dict[str, str]:
    if "json" in content_type:
        try:
            found = json.loads(raw)
        except ValueError:
            return {}
        return {k: str(v) for k, v in found.items()} if isinstance(found, dict) else {}
    return {k: v[0] for k, v in parse_qs(raw.decode("utf-8", "replace")).items()}


def _handler(phone: DemoPhone) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "AntreDemoPhone"

        def log_message(self, *_: Any) -> None:
            """Silent: a request line is harmless, but nothing here needs a log, and a
            form's numbers must never reach one."""

        def do_GET(self) -> None:
            if self.path.split("?")[0] != "/":
                self._reply(404, b"not found", "text/plain; charset=utf-8")
                return
            page = render_page(phone.inbox).encode()
            self._reply(200, page, "text/html; charset=utf-8")

        def do_POST(self) -> None:
            if self.path.split("?")[0] != "/send":
                self._reply(404, b"not found", "text/plain; charset=utf-8")
                return
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY_BYTES:
                self._reply(413, b"too large", "text/plain; charset=utf-8")
                return
            fields = _form(self.rfile.read(length), self.headers.get("Content-Type") or "")
            answer = fonnte_send(
                phone.inbox, phone.token, self.headers.get("Authorization"), fields
            )
            self._reply(200, json.dumps(answer).encode(), "application/json")

        def _reply(self, status: int, payload: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(payload)

    return Handler
