"""How long a "called" notice takes from the officer's "next" to the provider, when
``antre-server notify-worker`` runs beside the server (``[notify] in_server = false``) on
PostgreSQL: woken by the call's NOTIFY (``server/notify/wake.py``) against polling only
(``notify-worker --poll``, as before the wake), at the default 2 s interval.

    PYTHONPATH=. .venv/bin/python bench/notify_wake_bench.py [--calls 10]

Needs PostgreSQL on 127.0.0.1:5432 (``ANTRE_TEST_PG``); a fresh database is made and
dropped, the fake Fonnte gateway listens on 127.0.0.1. Prints, for each way, the
median and the longest of ``--calls`` calls, in milliseconds.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from server.domain.notices.queueing import subscribe  # noqa: E402
from tests.e2e.live import LiveServer, running_server  # noqa: E402
from tests.pg import ADMIN_URL  # noqa: E402
from tests.server.notify.fake_provider import FakeProvider, fonnte_ok, wait_for  # noqa: E402


def measure(live: LiveServer, fonnte: FakeProvider, calls: int, poll: bool) -> list[float]:
    """Start a worker, then ``calls`` times: a subscribed ticket called; ms until sent."""
    args = ["notify-worker", "--poll"] if poll else ["notify-worker"]
    log_path = Path(tempfile.mkdtemp()) / "worker.log"
    with open(log_path, "wb") as log:
        worker = subprocess.Popen(
            [sys.executable, "-m", "server.entry", *args],
            cwd=ROOT,
            env={**live.environment(), "PYTHONPATH": str(ROOT)},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        assert wait_for(lambda: b"notice worker" in log_path.read_bytes(), timeout=20)
        time.sleep(0.5)
        officer = live.officer("petugas.dk")
        took = []
        for n in range(calls):
            ticket = live.device("kiosk").issue(live.hall.ktp)
            with live.db.write() as session:
                subscribe(
                    session,
                    channel="whatsapp",
                    address="081234567890",
                    now=live.now(),
                    ticket_id=ticket["id"],
                )
            before = len(fonnte.received)
            # Calls land anywhere in the worker's pause, as they do in a hall.
            time.sleep(0.37 * (n % 6))
            started = time.monotonic()
            assert officer.counter(live.hall.c1, "next")["ticket"]["id"] == ticket["id"]
            assert wait_for(lambda b=before: len(fonnte.received) > b, timeout=10)
            took.append((time.monotonic() - started) * 1000)
        return took
    finally:
        worker.terminate()
        worker.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=10)
    args = parser.parse_args()
    fonnte = FakeProvider(fonnte_ok)
    env = {
        "ANTRE_NOTIFY_FONNTE_TOKEN": "fonnte-SECRET",
        "ANTRE_NOTIFY_FONNTE_URL": fonnte.url,
        "ANTRE_NOTIFY_IN_SERVER": "false",
        "ANTRE_NOTIFY_FONNTE_PER_MINUTE": "6000",
    }
    try:
        with (
            tempfile.TemporaryDirectory() as work,
            running_server(Path(work), pg_admin_url=ADMIN_URL, env=env) as live,
        ):
            live.officer("petugas.dk").counter(live.hall.c1, "open")
            for label, poll in (("polling only (--poll)", True), ("woken by NOTIFY", False)):
                took = measure(live, fonnte, args.calls, poll)
                print(
                    f"{label:24} median {statistics.median(took):6.0f} ms, "
                    f"longest {max(took):6.0f} ms ({len(took)} calls)"
                )
    finally:
        fonnte.close()


if __name__ == "__main__":
    main()
