"""A stand-in for the hall's load balancer in tests: one address, several server processes.

In production nginx does this (``deploy/``); here the clients need one URL that keeps
working when a process dies, so this forwards each TCP connection to the next process
that accepts it, round robin, and skips a dead one, as nginx's ``proxy_next_upstream
error`` does. With the websocket transport a socket is one TCP connection, so it needs
no sticky sessions.
"""

from __future__ import annotations

import contextlib
import itertools
import socket
import threading

from tests.e2e.live import free_port

CONNECT_TIMEOUT = 1.0
CHUNK = 65536


class TcpBalancer:
    def __init__(self, backend_ports: list[int]) -> None:
        self.backends = list(backend_ports)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._turn = itertools.count()
        self._listener = socket.create_server(("127.0.0.1", self.port))
        self._listener.settimeout(0.2)
        self._stop = threading.Event()
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._accept, name="balancer", daemon=True)

    def __enter__(self) -> TcpBalancer:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._listener.close()
        with self._lock:
            for sock in self._open:
                with contextlib.suppress(OSError):
                    sock.close()
            self._open.clear()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            upstream = self._connect_upstream()
            if upstream is None:
                client.close()  # every process is down: the client sees a refused request
                continue
            with self._lock:
                self._open.update((client, upstream))
            for source, target in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    def _connect_upstream(self) -> socket.socket | None:
        first = next(self._turn)
        for i in range(len(self.backends)):
            port = self.backends[(first + i) % len(self.backends)]
            try:
                return socket.create_connection(("127.0.0.1", port), timeout=CONNECT_TIMEOUT)
            except OSError:
                continue
        return None

    def _pump(self, source: socket.socket, target: socket.socket) -> None:
        source.settimeout(None)
        try:
            while data := source.recv(CHUNK):
                target.sendall(data)
        except OSError:
            pass
        # One side ended (a killed process resets its connections): end the other too,
        # so the client notices at once and reconnects, through us, to a living process.
        for sock in (source, target):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                sock.close()
        with self._lock:
            self._open.discard(source)
            self._open.discard(target)
