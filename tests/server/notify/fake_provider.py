"""A fake notice provider on 127.0.0.1: answers each request with the next scripted
reply (or the provider's usual success) and remembers what it was sent.

Fonnte, Wablas, Telegram, the Cloud API and a typical SMS gateway speak the shapes
their documentation shows (docs/notifications.md);
a reply may also hang until the test ends, to stand for a provider that never answers.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

# A hanging reply waits this long at most: the test's own bound.
HANG_SECONDS = 15.0


@dataclass(frozen=True)
class Reply:
    status: int = 200
    body: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    hang: bool = False


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    fields: dict[str, Any]


def fonnte_ok(received: Received, n: int) -> Reply:
    return Reply(
        body={
            "status": True,
            "detail": "success! message in queue",
            "id": [str(8000 + n)],
            "process": "pending",
            "target": [received.fields.get("target")],
        }
    )


def telegram_ok(received: Received, n: int) -> Reply:
    return Reply(
        body={
            "ok": True,
            "result": {"message_id": 100 + n, "chat": {"id": received.fields.get("chat_id")}},
        }
    )


class FakeProvider:
    """``provider.script(Reply(...), ...)`` queues replies; ``provider.received`` lists
    the requests in arrival order."""

    def __init__(self, usual: Callable[[Received, int], Reply]) -> None:
        self.usual = usual
        self.replies: deque[Reply] = deque()
        self.received: list[Received] = []
        self.released = threading.Event()
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        # A short poll: shutdown() waits up to one interval, and every test closes a fake.
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def script(self, *replies: Reply) -> None:
        self.replies.extend(replies)

    def close(self) -> None:
        self.released.set()
        self.server.shutdown()
        self.server.server_close()

    def _answer(self, received: Received) -> Reply:
        with self._lock:
            self.received.append(received)
            n = len(self.received)
            return self.replies.popleft() if self.replies else self.usual(received, n)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_: Any) -> None:
                pass

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if "json" in (self.headers.get("Content-Type") or ""):
                    fields = json.loads(raw)
                else:
                    fields = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
                reply = provider._answer(Received(self.path, dict(self.headers), fields))
                if reply.hang:
                    provider.released.wait(HANG_SECONDS)
                    return
                payload = json.dumps(reply.body or {}).encode()
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)

        return Handler


def wait_for(condition: Callable[[], bool], timeout: float = 5.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


def whatsapp_cloud_ok(received: Received, n: int) -> Reply:
    return Reply(
        body={
            "messaging_product": "whatsapp",
            "contacts": [{"input": received.fields.get("to"), "wa_id": received.fields.get("to")}],
            "messages": [{"id": f"wamid.TEST{n}"}],
        }
    )


def graph_error(code: int, message: str, status: int = 400) -> Reply:
    return Reply(
        status,
        {
            "error": {
                "message": message,
                "type": "OAuthException",
                "code": code,
                "error_data": {"messaging_product": "whatsapp", "details": message},
                "fbtrace_id": "AbCdEf",
            }
        },
    )


def wablas_ok(received: Received, n: int) -> Reply:
    """Wablas' answer to ``/api/send-message``: queued on its side, with the message id."""
    return Reply(
        body={
            "status": True,
            "message": "Message is pending and waiting to be processed",
            "data": {
                "device_id": "DEV123",
                "quota": 999,
                "messages": [
                    {
                        "id": f"wablas-{n}",
                        "phone": received.fields.get("phone"),
                        "message": received.fields.get("message"),
                        "status": "pending",
                    }
                ],
            },
        }
    )


def sms_ok(received: Received, n: int) -> Reply:
    """A typical Indonesian SMS gateway's yes (Zenziva's shape): ``status`` "1"."""
    return Reply(
        body={
            "messageId": f"sms-{n}",
            "to": received.fields.get("to"),
            "status": "1",
            "text": "Success",
        }
    )


def fonnte_incoming(sender: str, message: str, *, group: bool = False) -> dict[str, Any]:
    """What Fonnte POSTs (JSON) to the device's webhook URL for an incoming message."""
    return {
        "quick": False,
        "device": "6282227097005",
        "pesan": message,
        "pengirim": sender,
        "member": sender if group else "",
        "message": message,
        "text": "non-button message",
        "sender": "120363400835772540@g.us" if group else sender,
        "name": "Pengunjung",
        "location": "",
        "url": "",
        "type": "text",
        "extension": "",
        "filename": "",
        "pollname": "",
        "choices": [],
        "inboxid": 0,
        "isgroup": group,
        "isforwarded": False,
    }


def wablas_incoming(phone: str, message: str, *, group: bool = False) -> dict[str, Any]:
    """What Wablas POSTs to the device's webhook URL for an incoming message."""
    return {
        "id": "3EB0C1A2B3",
        "pushName": "Pengunjung",
        "isGroup": group,
        "group": {},
        "message": message,
        "phone": phone,
        "messageType": "text",
        "file": "",
        "mimeType": "",
        "deviceId": "DEV123",
        "sender": "6282227097005",
        "timestamp": "2026-12-06T09:00:00Z",
    }


def fonnte_status(
    *, id: str | None = None, stateid: str | None = None, status: str = "", state: str = ""
) -> dict[str, Any]:
    """What Fonnte POSTs (JSON) to the device's status webhook: first the message by
    ``id`` and ``stateid`` with Fonnte's ``status``, then WhatsApp's ``state`` by
    ``stateid`` alone (the fields of Fonnte's example webhook script)."""
    report: dict[str, Any] = {"device": "6282227097005"}
    if id is not None:
        report["id"] = id
    if stateid is not None:
        report["stateid"] = stateid
    if status:
        report["status"] = status
    if state:
        report["state"] = state
    return report


def wablas_status(message_id: str, status: str, phone: str = "6281234567890") -> dict[str, str]:
    """What Wablas POSTs to the device's tracking webhook when a message's status moves."""
    return {"id": message_id, "phone": phone, "status": status, "device_id": "DEV123"}
