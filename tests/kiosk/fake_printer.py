"""Printers for tests: an ESC/POS printer on a 127.0.0.1 TCP port (like port 9100 of a real
network printer) and one on a pseudo-terminal (like a serial printer).

Both keep every byte they receive, per connection, and answer the real-time status requests
(DLE EOT 1, 2, 4) from a state the test sets: "ok", "paper_low", "paper_out", "cover_open",
or "offline" (status requests go unanswered). "hang_up" closes each connection at once.
"""

from __future__ import annotations

import os
import select
import socket
import threading
import time
from dataclasses import dataclass, field

from PIL import Image

STATES = ("ok", "paper_low", "paper_out", "cover_open", "offline", "hang_up")
POLL = 0.05  # how often worker threads look at the stop flag


def status_reply(state: str, request: bytes) -> bytes | None:
    """The byte an Epson-compatible printer answers to one DLE EOT n in ``state``."""
    n = request[2]
    byte = 0x12  # bits 1 and 4 are always set in a status byte
    if n == 1 and state in ("paper_out", "cover_open"):
        byte |= 0x08  # offline
    elif n == 2:
        byte |= {"cover_open": 0x04, "paper_out": 0x20}.get(state, 0)
    elif n == 4:
        byte |= {"paper_low": 0x0C, "paper_out": 0x6C}.get(state, 0)
    return bytes([byte])


def status_requests(chunk: bytes) -> list[bytes] | None:
    """The DLE EOT requests a chunk consists of, or None when it carries print data.

    A client waits for each answer before it sends more, so a status request arrives as a
    chunk of its own. Matching DLE EOT inside print data instead would answer bytes of a
    raster image that happen to look like a request.
    """
    if not chunk or len(chunk) % 3:
        return None
    parts = [chunk[i : i + 3] for i in range(0, len(chunk), 3)]
    if all(p[:2] == b"\x10\x04" and p[2] in (1, 2, 3, 4) for p in parts):
        return parts
    return None


@dataclass
class Connection:
    """What one connection brought: everything, and the print data without status requests."""

    received: bytearray = field(default_factory=bytearray)
    printed: bytearray = field(default_factory=bytearray)
    status_requests: int = 0
    closed: bool = False


class FakePrinterBase:
    def __init__(self, state: str = "ok") -> None:
        self.state = state
        self.connections: list[Connection] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    @property
    def state(self) -> str:
        return self._state

    @state.setter
    def state(self, value: str) -> None:
        if value not in STATES:
            raise ValueError(f"fake printer state must be one of {STATES}")
        self._state = value

    def _take(self, connection: Connection, chunk: bytes) -> bytes:
        """Record a chunk; return the answer to send back (maybe empty)."""
        requests = status_requests(chunk)
        with self._lock:
            connection.received += chunk
            if requests is None:
                connection.printed += chunk
                return b""
            connection.status_requests += len(requests)
        if self.state == "offline":
            return b""
        return b"".join(status_reply(self.state, r) or b"" for r in requests)

    def _spawn(self, target: object, *args: object) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)  # type: ignore[arg-type]
        thread.start()
        self._threads.append(thread)

    def wait_for_closed(self, count: int = 1, timeout: float = 5.0) -> list[Connection]:
        """The first ``count`` connections once the client has closed them."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                done = [c for c in self.connections if c.closed]
            if len(done) >= count:
                return done[:count]
            time.sleep(0.01)
        raise AssertionError(f"the printer saw {len(done)} closed connection(s), not {count}")

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=2)


class FakeNetworkPrinter(FakePrinterBase):
    """A raw-TCP ESC/POS printer on 127.0.0.1 and a free port. Use as a context manager."""

    host = "127.0.0.1"

    def __init__(self, state: str = "ok", port: int = 0) -> None:
        """``port``: a given one (the same printer switched on again), or 0 for a free one."""
        super().__init__(state)
        self._listener: socket.socket | None = socket.create_server((self.host, port))
        self._listener.settimeout(POLL)
        self.port: int = self._listener.getsockname()[1]
        self._spawn(self._accept_loop)

    def refuse(self) -> None:
        """Stop listening: connecting now fails at once, like a printer switched off."""
        with self._lock:
            listener, self._listener = self._listener, None
        if listener is not None:
            listener.close()

    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            with self._lock:
                listener = self._listener
            if listener is None:
                return
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:  # closed by refuse()
                return
            connection = Connection()
            with self._lock:
                self.connections.append(connection)
            self._spawn(self._serve, conn, connection)

    def _serve(self, conn: socket.socket, connection: Connection) -> None:
        conn.settimeout(POLL)
        with conn:
            while not self._stop.is_set() and self.state != "hang_up":
                try:
                    chunk = conn.recv(65536)
                except TimeoutError:
                    continue
                except OSError:
                    break
                if not chunk:
                    break
                answer = self._take(connection, chunk)
                if answer:
                    conn.sendall(answer)
        with self._lock:
            connection.closed = True

    def stop(self) -> None:
        self.refuse()
        super().stop()

    def __enter__(self) -> FakeNetworkPrinter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class FakeSerialPrinter(FakePrinterBase):
    """A serial ESC/POS printer at the far end of a pseudo-terminal: point the kiosk's
    ``device`` at ``self.device``. One connection lasts as long as the fake."""

    def __init__(self, state: str = "ok") -> None:
        super().__init__(state)
        self._master, self._slave = os.openpty()
        self.device = os.ttyname(self._slave)
        os.set_blocking(self._master, False)
        self.connections.append(Connection())
        self._spawn(self._serve)

    def _serve(self) -> None:
        connection = self.connections[0]
        while not self._stop.is_set():
            ready, _, _ = select.select([self._master], [], [], POLL)
            if not ready:
                continue
            try:
                chunk = os.read(self._master, 65536)
            except (BlockingIOError, OSError):
                continue
            answer = self._take(connection, chunk)
            if answer:
                os.write(self._master, answer)

    def received(self) -> Connection:
        return self.connections[0]

    def stop(self) -> None:
        super().stop()
        os.close(self._master)
        os.close(self._slave)

    def __enter__(self) -> FakeSerialPrinter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def raster_images(data: bytes) -> list[Image.Image]:
    """The GS v 0 raster images in ESC/POS bytes, as the paper would show them (with a white
    margin above and below, as the blank lines around them print)."""
    images = []
    start = data.find(b"\x1dv0")
    while start != -1:
        width_bytes = int.from_bytes(data[start + 4 : start + 6], "little")
        height = int.from_bytes(data[start + 6 : start + 8], "little")
        body = data[start + 8 : start + 8 + width_bytes * height]
        # ESC/POS sets a bit for a black dot; PIL's "1" mode sets it for white.
        bitmap = Image.frombytes("1", (width_bytes * 8, height), bytes(b ^ 0xFF for b in body))
        paper = Image.new("L", (bitmap.width, height + 48), 255)
        paper.paste(bitmap.convert("L"), (0, 24))
        images.append(paper)
        start = data.find(b"\x1dv0", start + 8 + len(body))
    return images
