"""A TCP relay between the kiosk and the server that loses the answer to the first ticket
request: the server commits the ticket, the kiosk never hears so (a LAN blip)."""

from __future__ import annotations

import contextlib
import socket
import threading

from tests.e2e.live import free_port

ISSUE_REQUEST = b"POST /api/v1/tickets "
POLL = 0.1


class DropFirstTicketAnswer:
    """Relays every byte both ways, except that the connection carrying the first
    ``POST /api/v1/tickets`` is cut as soon as the server starts answering it."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.port = free_port()
        self.dropped = 0
        self.issue_requests = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", self.port))
        self._listener.settimeout(POLL)
        self._threads: list[threading.Thread] = []
        self._spawn(self._accept)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _spawn(self, target: object, *args: object) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)  # type: ignore[arg-type]
        thread.start()
        self._threads.append(thread)

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=5)
            cut = threading.Event()
            self._spawn(self._to_server, client, upstream, cut)
            self._spawn(self._to_kiosk, upstream, client, cut)

    def _to_server(
        self, client: socket.socket, upstream: socket.socket, cut: threading.Event
    ) -> None:
        client.settimeout(POLL)
        # The whole request goes through, also after the cut: its body may come in a later
        # chunk than its first line, and a server that never gets it commits nothing.
        while not self._stop.is_set():
            try:
                chunk = client.recv(65536)
            except TimeoutError:
                continue
            except OSError:
                break
            if not chunk:
                break
            if chunk.startswith(ISSUE_REQUEST):
                with self._lock:
                    self.issue_requests += 1
                    if self.dropped == 0:
                        self.dropped = 1
                        cut.set()  # set before the server can answer
            with contextlib.suppress(OSError):
                upstream.sendall(chunk)
        if not cut.is_set():  # a cut connection is closed once the server has answered
            self._close(client, upstream)

    def _to_kiosk(
        self, upstream: socket.socket, client: socket.socket, cut: threading.Event
    ) -> None:
        upstream.settimeout(POLL)
        while not self._stop.is_set():
            try:
                chunk = upstream.recv(65536)
            except TimeoutError:
                continue
            except OSError:
                break
            if not chunk:
                break
            if cut.is_set():
                break  # the answer is lost on the way
            try:
                client.sendall(chunk)
            except OSError:
                break
        self._close(client, upstream)

    @staticmethod
    def _close(*sockets: socket.socket) -> None:
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def close(self) -> None:
        self._stop.set()
        self._listener.close()
        for thread in self._threads:
            thread.join(timeout=2)
