"""Redis and PostgreSQL servers of a test's own, on free 127.0.0.1 ports, to stop and start.

Fault tests stop the message queue or the database under load. They never touch the
machine's shared services (other test runs use them at the same time): each starts a
throwaway server here and stops that one.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

import redis

from tests.e2e.live import STOP_GRACE, free_port, wait_until

START_TIMEOUT = 15.0


class RedisProcess:
    """A ``redis-server`` that keeps nothing on disk (as the machine's, whose role it plays)."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        command = [
            shutil.which("redis-server") or "redis-server",
            *("--port", str(self.port), "--bind", "127.0.0.1"),
            *("--save", "", "--appendonly", "no", "--daemonize", "no"),
            *("--dir", str(self.workdir)),
        ]
        with open(self.workdir / f"redis-{self.port}.log", "ab") as log:
            self.process = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT
            )
        try:
            wait_until(self.answers, START_TIMEOUT, f"redis-server on port {self.port}")
        except BaseException:
            self.stop()  # a fixture that fails before its yield never runs its teardown
            raise

    def answers(self) -> bool:
        client = redis.Redis(port=self.port, socket_timeout=1, socket_connect_timeout=1)
        try:
            return bool(client.ping())
        except redis.RedisError:
            return False
        finally:
            client.close()

    def stop(self) -> None:
        """Stop the server; its subscribers (the Antre processes) lose their connection."""
        process, self.process = self.process, None
        if process is None:
            return
        process.terminate()
        try:
            process.wait(timeout=STOP_GRACE)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=STOP_GRACE)


def _postgres_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if found:
        return Path(found[-1]).parent
    pg_ctl = shutil.which("pg_ctl")
    return Path(pg_ctl).parent if pg_ctl else None


class PostgresCluster:
    """A throwaway PostgreSQL cluster (``initdb`` + ``pg_ctl``) in a temporary folder.

    PostgreSQL refuses to run as root, so under root the commands run as ``postgres``
    and the folder belongs to that user (``/tmp``, not pytest's private tmp folder).
    """

    def __init__(self) -> None:
        binaries = _postgres_bin()
        if binaries is None:
            raise RuntimeError("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
        self.bin = binaries
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="antre-pg-"))
        self.data = self.folder / "data"
        self.admin_url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        self._as: list[str] = []
        if os.geteuid() == 0:
            self._as = ["runuser", "-u", "postgres", "--"]
            owner = pwd.getpwnam("postgres")
            os.chown(self.folder, owner.pw_uid, owner.pw_gid)

    def _run(self, *args: str) -> None:
        subprocess.run(
            [*self._as, *args],
            check=True,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            timeout=START_TIMEOUT * 2,
        )

    def init(self) -> None:
        self._run(
            str(self.bin / "initdb"),
            *("-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8"),
            "--no-sync",
        )

    def start(self) -> None:
        """Start (again) on the same port; returns once it accepts connections."""
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c max_connections=200"
        )
        self._run(
            str(self.bin / "pg_ctl"),
            *("-D", str(self.data), "-o", options, "-l", str(self.folder / "log")),
            *("-w", "-t", str(int(START_TIMEOUT)), "start"),
        )

    def stop(self, mode: str = "fast") -> None:
        """``fast`` ends every session (what a restart does); ``immediate`` is a crash."""
        # pg_ctl waits 60 s by default, longer than _run lets it.
        wait = str(int(START_TIMEOUT + 5))
        self._run(
            str(self.bin / "pg_ctl"), *("-D", str(self.data), "-m", mode, "-w", "-t", wait, "stop")
        )

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError, subprocess.TimeoutExpired):
            self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)
