"""A real ``antre-server`` process on 127.0.0.1 for end-to-end tests, and its clients.

The unit and API tests drive the Flask app in-process; these helpers start the
server the way an operator does (``python -m server.entry run``), over a database
prepared beforehand, so the tests see what kiosks, boards and counters see: real
HTTP, real Socket.IO, real processes that can be killed.
"""

from __future__ import annotations

import atexit
import contextlib
import copy
import datetime as dt
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
import socketio
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from server.db import Database, make_engine
from server.migrate import upgrade
from tests.factories import PASSWORD, Hall, build_hall

REPO = Path(__file__).resolve().parents[2]
HTTP_TIMEOUT = 5.0
START_TIMEOUT = 15.0
STOP_GRACE = 5.0
DATABASE_FILE = "antre-e2e.sqlite3"  # a SQLite LiveServer's database, in its workdir

# Called with the seeding session and the hall before the server starts: tests add
# counters or officers here; whatever it returns is kept as ``LiveServer.extra``.
Prepare = Callable[[Session, Hall], Any]


def wait_until(condition: Callable[[], Any], timeout: float, what: str, every: float = 0.05) -> Any:
    """Poll ``condition`` until it returns something truthy; fail with ``what`` on timeout."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(every)


def free_port() -> int:
    """A port nobody listens on right now (the kernel's choice, so parallel runs differ)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- PostgreSQL -----------------------------------------------------------------------


def _pg_admin(admin_url: str) -> Any:
    import psycopg2

    url = make_url(admin_url)
    conn = psycopg2.connect(
        host=url.host,
        port=url.port or 5432,
        user=url.username,
        password=url.password,
        dbname=url.database,
        connect_timeout=3,
    )
    conn.autocommit = True
    return conn


def create_pg_database(admin_url: str, *, template: str | None = None) -> str:
    """A new database next to ``admin_url``'s, empty or a copy of ``template``; returns
    its URL (psycopg2 driver, the one Antre installs: SQLAlchemy 2.1 would pick psycopg 3
    for ``postgresql://``)."""
    name = f"antre_e2e_{secrets.token_hex(6)}"
    copy_of = f' TEMPLATE "{template}"' if template is not None else ""
    conn = _pg_admin(admin_url)
    try:
        with conn.cursor() as cur:
            cur.execute(f'CREATE DATABASE "{name}"{copy_of}')
    finally:
        conn.close()
    return _pg_url(admin_url, name)


def _pg_url(admin_url: str, name: str) -> str:
    url = make_url(admin_url).set(drivername="postgresql+psycopg2", database=name)
    return url.render_as_string(hide_password=False)


def drop_pg_database(admin_url: str, url: str) -> None:
    name = make_url(url).database
    conn = _pg_admin(admin_url)
    try:
        with conn.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        conn.close()


# --- the seeded hall, made once per test run ------------------------------------------
#
# Migrating and seeding (password hashes) cost more than copying the result: every
# LiveServer gets a copy of one seeded database, a file copy for SQLite and
# ``CREATE DATABASE ... TEMPLATE`` for PostgreSQL. The copies are what a fresh
# ``prepare_database`` used to make, tokens and all.


@dataclass
class _Seeded:
    """A migrated database holding the test hall, and the hall's ids and tokens."""

    database: str  # the SQLite file, or the PostgreSQL database's name
    hall: Hall


_seeding_lock = threading.Lock()
_sqlite_seeded: _Seeded | None = None
_pg_seeded: dict[str, _Seeded] = {}


def _migrate_and_seed(url: str) -> Hall:
    engine = make_engine(url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    seeding = Database(url)
    try:
        with seeding.write() as session:
            return build_hall(session, dt.datetime.now(dt.UTC))
    finally:
        seeding.dispose()  # the last connection closes: no -wal file is left to copy


def _sqlite_template() -> _Seeded:
    global _sqlite_seeded
    with _seeding_lock:
        if _sqlite_seeded is None:
            folder = tempfile.mkdtemp(prefix="antre-e2e-hall-")
            atexit.register(shutil.rmtree, folder, ignore_errors=True)
            path = Path(folder) / DATABASE_FILE
            _sqlite_seeded = _Seeded(str(path), _migrate_and_seed(f"sqlite:///{path}"))
        return _sqlite_seeded


def _copy_sqlite(source: Path, target: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        part = source.with_name(source.name + suffix)
        if part.exists():
            shutil.copyfile(part, target.with_name(target.name + suffix))


def _pg_template(admin_url: str, *, renew: bool = False) -> _Seeded:
    """The seeded template on ``admin_url``'s server (made again with ``renew``: a test's
    own throwaway cluster may have come and gone on the same address)."""
    with _seeding_lock:
        if renew or admin_url not in _pg_seeded:
            url = create_pg_database(admin_url)
            hall = _migrate_and_seed(url)
            name = make_url(url).database
            assert name is not None
            atexit.register(_drop_quietly, admin_url, url)
            _pg_seeded[admin_url] = _Seeded(name, hall)
        return _pg_seeded[admin_url]


def _drop_quietly(admin_url: str, url: str) -> None:
    with contextlib.suppress(Exception):
        drop_pg_database(admin_url, url)


def copy_seeded_pg_database(admin_url: str) -> tuple[str, Hall]:
    """A new PostgreSQL database holding the seeded test hall: its URL and the hall."""
    import psycopg2

    template = _pg_template(admin_url)
    try:
        url = create_pg_database(admin_url, template=template.database)
    except psycopg2.errors.InvalidCatalogName:  # the template's server was replaced
        template = _pg_template(admin_url, renew=True)
        url = create_pg_database(admin_url, template=template.database)
    return url, copy.deepcopy(template.hall)


def copy_seeded_sqlite_database(target: Path) -> tuple[str, Hall]:
    """The seeded test hall copied to the SQLite file ``target``: its URL and the hall."""
    template = _sqlite_template()
    _copy_sqlite(Path(template.database), target)
    return f"sqlite:///{target}", copy.deepcopy(template.hall)


# --- the server process ---------------------------------------------------------------


class LiveServer:
    """One ``antre-server run`` process over its own seeded database.

    ``pg_admin_url`` set: a fresh PostgreSQL database; otherwise a SQLite file in
    ``workdir``. The process can be killed and restarted on the same port and
    database, as an operator's supervisor would after a crash.
    """

    def __init__(
        self,
        workdir: Path,
        *,
        mode: str = "eventlet",
        pg_admin_url: str | None = None,
        prepare: Prepare | None = None,
        message_queue: str | None = None,
        clock_start: dt.datetime | None = None,
        env: dict[str, str] | None = None,
    ) -> None:
        self.workdir = workdir
        # Set: the server's clock reads this at start and runs on at the real pace
        # (``tests.e2e.clocked_entry``), so a test chooses the time of day it runs at.
        self.clock_start = clock_start
        self.clock_anchor = time.monotonic()
        self.extra_env = dict(env or {})  # more ANTRE_* settings for the process
        self.mode = mode
        self.pg_admin_url = pg_admin_url
        self.prepare = prepare
        # Several processes behind one load balancer share the Socket.IO message queue.
        self.message_queue = message_queue
        # False for a second process over another's database (``sharing``): the owner drops it.
        self.owns_database = True
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / f"server-{self.port}.log"
        self.secret_key = secrets.token_urlsafe(32)
        self.database_url = ""
        # What the server is told, when it should differ from the URL the test uses.
        self.server_database_url: str | None = None
        self.hall = Hall()
        self.extra: Any = None
        self.process: subprocess.Popen[bytes] | None = None
        self._db: Database | None = None

    @classmethod
    def sharing(cls, first: LiveServer, workdir: Path) -> LiveServer:
        """Another process of the same installation: same database, hall, secret key and
        message queue, its own port (as a second systemd unit behind nginx)."""
        other = cls(workdir, mode=first.mode, message_queue=first.message_queue)
        other.owns_database = False
        other.database_url = first.database_url
        other.server_database_url = first.server_database_url
        other.secret_key = first.secret_key
        other.hall = first.hall
        other.extra = first.extra
        return other

    # database

    def prepare_database(self) -> None:
        """A copy of the migrated and seeded test hall (open all day), then the test's
        own ``prepare`` on it."""
        if self.pg_admin_url is not None:
            self.database_url, self.hall = copy_seeded_pg_database(self.pg_admin_url)
        else:
            target = self.workdir / DATABASE_FILE
            self.database_url, self.hall = copy_seeded_sqlite_database(target)
        if self.prepare is None:
            return
        seeding = Database(self.database_url)
        try:
            with seeding.write() as session:
                self.extra = self.prepare(session, self.hall)
        finally:
            seeding.dispose()

    @property
    def db(self) -> Database:
        """The test's own connection to the server's database, to check what was committed."""
        if self._db is None:
            self._db = Database(self.database_url)
        return self._db

    # process

    def now(self) -> dt.datetime:
        """The server's time: its set clock (``clock_start``), or the wall clock."""
        if self.clock_start is None:
            return dt.datetime.now(dt.UTC)
        elapsed = dt.timedelta(seconds=time.monotonic() - self.clock_anchor)
        return (self.clock_start + elapsed).astimezone(dt.UTC)

    def command(self, port: int | None = None, mode: str | None = None) -> list[str]:
        entry = ["server.entry"]
        if self.clock_start is not None:
            start = self.clock_start.isoformat()
            entry = ["tests.e2e.clocked_entry", start, repr(self.clock_anchor)]
        return [
            sys.executable,
            "-m",
            *entry,
            "run",
            "--port",
            str(port or self.port),
            "--async-mode",
            mode or self.mode,
        ]

    def environment(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("ANTRE_")}
        env.update(
            ANTRE_DATABASE_URL=self.server_database_url or self.database_url,
            ANTRE_SECRET_KEY=self.secret_key,
            ANTRE_LOG_LEVEL="INFO",
            PYTHONUNBUFFERED="1",
        )
        if self.message_queue is not None:
            env["ANTRE_MESSAGE_QUEUE"] = self.message_queue
        env.update(self.extra_env)
        return env

    def start(self) -> None:
        """Start the process and return once it answers HTTP."""
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                self.command(),
                cwd=REPO,
                env=self.environment(),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        wait_until(self._answers, START_TIMEOUT, f"the {self.mode} server on {self.url}")

    def _answers(self) -> bool:
        assert self.process is not None
        if self.process.poll() is not None:
            raise AssertionError(
                f"the server exited with {self.process.returncode}:\n{self.log_text()[-3000:]}"
            )
        try:
            # Any HTTP answer will do (a 422 for the empty body): the routes are up.
            requests.post(f"{self.url}/api/v1/auth/login", json={}, timeout=1)
        except requests.RequestException:
            return False
        return True

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Send ``sig`` and wait for the process to end (a crash, not a shutdown)."""
        assert self.process is not None
        self.process.send_signal(sig)
        self.process.wait(timeout=STOP_GRACE)

    def restart(self) -> None:
        """Start again on the same port and database, after ``kill`` or ``stop``."""
        self.stop()
        self.start()

    def stop(self) -> None:
        """Terminate (then kill after a grace period); safe to call twice."""
        process, self.process = self.process, None
        if process is None:
            return
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=STOP_GRACE)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=STOP_GRACE)

    def close(self) -> None:
        """Stop the process and drop a PostgreSQL database (teardown)."""
        try:
            self.stop()
        finally:
            if self._db is not None:
                self._db.dispose()
                self._db = None
            if self.pg_admin_url is not None and self.database_url and self.owns_database:
                drop_pg_database(self.pg_admin_url, self.database_url)

    def log_text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    # clients

    def client(self, token: str | None = None) -> ApiClient:
        return ApiClient(self.url, token)

    def device(self, name: str) -> ApiClient:
        return self.client(self.hall.tokens[name])

    def officer(self, username: str) -> ApiClient:
        """Log ``username`` in over REST and return a client holding the bearer token."""
        client = self.client()
        response = client.post(
            "/api/v1/auth/login", json={"username": username, "password": PASSWORD}
        )
        assert response.status_code == 200, response.text
        client.token = response.json()["token"]
        return client

    def socket(self, auth: dict[str, str]) -> SocketListener:
        return SocketListener(self.url, auth)


class ApiClient:
    """REST calls as one caller, on its own ``requests.Session`` (one per thread)."""

    def __init__(self, base_url: str, token: str | None = None) -> None:
        self.base_url = base_url
        self.token = token
        self.session = requests.Session()

    def __enter__(self) -> ApiClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        self.session.close()

    def _headers(self, extra: dict[str, str] | None) -> dict[str, str]:
        headers = dict(extra or {})
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return headers

    def get(self, path: str, headers: dict[str, str] | None = None) -> requests.Response:
        return self.session.get(
            self.base_url + path, headers=self._headers(headers), timeout=HTTP_TIMEOUT
        )

    def post(
        self, path: str, json: Any = None, headers: dict[str, str] | None = None
    ) -> requests.Response:
        return self.session.post(
            self.base_url + path, json=json, headers=self._headers(headers), timeout=HTTP_TIMEOUT
        )

    def issue(self, service_id: int, key: str | None = None) -> dict[str, Any]:
        """Issue one ticket (expecting 201) and return it."""
        headers = {"Idempotency-Key": key} if key else None
        response = self.post("/api/v1/tickets", json={"service_id": service_id}, headers=headers)
        assert response.status_code == 201, response.text
        return response.json()["ticket"]  # type: ignore[no-any-return]

    def counter(self, counter_id: int, action: str) -> dict[str, Any]:
        """A counter command (expecting 200); returns ``{"counter", "ticket"}``."""
        response = self.post(f"/api/v1/counters/{counter_id}/{action}")
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]


class SocketListener:
    """A Socket.IO client that records every event it hears, for tests to wait on."""

    def __init__(self, url: str, auth: dict[str, str]) -> None:
        self.url = url
        self.auth = auth
        self.client = socketio.Client(reconnection=False)
        self.events: list[tuple[str, dict[str, Any]]] = []
        self._changed = threading.Condition()
        self.client.on("*", self._record)

    def _record(self, name: str, payload: Any) -> None:
        with self._changed:
            self.events.append((name, payload))
            self._changed.notify_all()

    def connect(self) -> SocketListener:
        self.client.connect(self.url, auth=self.auth, transports=["websocket"], wait_timeout=5)
        return self

    def __enter__(self) -> SocketListener:
        return self.connect()

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.client.disconnect()

    def call(self, event: str, data: Any) -> Any:
        return self.client.call(event, data, timeout=5)

    def received(self, name: str | None = None) -> list[dict[str, Any]]:
        with self._changed:
            return [p for n, p in self.events if name is None or n == name]

    def wait_for(
        self,
        name: str,
        match: Callable[[dict[str, Any]], bool] = lambda _: True,
        timeout: float = 5,
    ) -> dict[str, Any]:
        """The first ``name`` event whose payload matches, waiting up to ``timeout``."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for event, payload in self.events:
                    if event == name and match(payload):
                        return payload
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [(n, p.get("room"), p.get("seq")) for n, p in self.events]
                    raise AssertionError(f"no matching {name} within {timeout} s; got {seen}")
                self._changed.wait(left)


@contextlib.contextmanager
def running_server(workdir: Path, **options: Any) -> Iterator[LiveServer]:
    """A prepared and started ``LiveServer`` (options as its constructor's), closed
    after the block even when starting it failed halfway."""
    live = LiveServer(workdir, **options)
    try:
        live.prepare_database()
        live.start()
        yield live
    finally:
        live.close()
