"""Check deploy/nginx/antre.conf for real: two server processes on PostgreSQL + Redis
behind this very nginx site, and boards connected through it in every transport.

Run by hand on a machine with nginx, PostgreSQL and Redis (scripts/services starts the
last two); it touches nothing outside a temporary directory and its own database:

    .venv/bin/python deploy/check_site.py [--pg postgresql://postgres@127.0.0.1:5432/test]

The site is used as written, except its ports: ``listen`` becomes 127.0.0.1 on a free
port and the upstream servers become the two processes' free ports.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import requests  # noqa: E402
import socketio  # noqa: E402

from server.db import Database, make_engine  # noqa: E402
from server.migrate import upgrade  # noqa: E402
from tests.e2e.live import (  # noqa: E402
    create_pg_database,
    drop_pg_database,
    free_port,
    wait_until,
)
from tests.factories import PASSWORD, build_hall  # noqa: E402

SITE = ROOT / "deploy" / "nginx" / "antre.conf"


def nginx_config(work: Path, ports: list[int], front: int) -> Path:
    site = SITE.read_text(encoding="utf-8")
    site = site.replace("127.0.0.1:5081", f"127.0.0.1:{ports[0]}")
    site = site.replace("127.0.0.1:5082", f"127.0.0.1:{ports[1]}")
    site = site.replace("listen 80;", f"listen 127.0.0.1:{front};").replace("listen [::]:80;", "")
    (work / "antre.conf").write_text(site, encoding="utf-8")
    main = work / "nginx.conf"
    main.write_text(
        f"pid {work}/nginx.pid; error_log {work}/error.log; daemon off;\n"
        f"events {{}}\nhttp {{ access_log {work}/access.log; "
        f"client_body_temp_path {work}/body; proxy_temp_path {work}/proxy;\n"
        f"include {work}/antre.conf; }}\n",
        encoding="utf-8",
    )
    return main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/13")
    args = parser.parse_args()
    url = create_pg_database(args.pg)
    processes: list[subprocess.Popen[bytes]] = []
    with tempfile.TemporaryDirectory(prefix="antre-site-") as tmp:
        work = Path(tmp)
        try:
            engine = make_engine(url)
            upgrade(engine)
            engine.dispose()
            db = Database(url)
            with db.write() as session:
                hall = build_hall(session, dt.datetime.now(dt.UTC))
            db.dispose()
            secret = work / "secret_key"
            secret.write_text(secrets.token_urlsafe(40), encoding="utf-8")
            env = {k: v for k, v in os.environ.items() if not k.startswith("ANTRE_")}
            env.update(
                ANTRE_DATABASE_URL=url,
                ANTRE_MESSAGE_QUEUE=args.redis,
                ANTRE_SECRET_KEY_FILE=str(secret),
                ANTRE_PROXY_HOPS="1",
                PYTHONUNBUFFERED="1",
            )
            ports, front = [free_port(), free_port()], free_port()
            for port in ports:
                log = (work / f"server-{port}.log").open("wb")
                processes.append(
                    subprocess.Popen(
                        [sys.executable, "-m", "server.entry", "run", "--port", str(port)],
                        cwd=ROOT,
                        env=env,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                    )
                )
            config = nginx_config(work, ports, front)
            processes.append(subprocess.Popen(["nginx", "-c", str(config), "-p", str(work)]))
            check(f"http://127.0.0.1:{front}", ports, hall)
        finally:
            for process in reversed(processes):
                process.terminate()
            for process in reversed(processes):
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(10)
            drop_pg_database(args.pg, url)


def check(base: str, ports: list[int], hall: Any) -> None:
    def answers() -> bool:
        try:
            through = requests.post(base + "/api/v1/auth/login", json={}, timeout=1)
            direct = [
                requests.post(f"http://127.0.0.1:{p}/api/v1/auth/login", json={}, timeout=1)
                for p in ports
            ]
        except requests.RequestException:
            return False
        return through.status_code == 422 and all(r.status_code == 422 for r in direct)

    wait_until(answers, 30, "both processes behind nginx")
    heard: list[tuple[str, str]] = []
    boards = []
    for transports in (["polling"], ["polling", "websocket"], ["websocket"]):
        board = socketio.Client(reconnection=False)
        name = "+".join(transports)
        board.on("ticket.called", lambda p, n=name: heard.append((n, p["ticket"]["number"])))
        board.connect(
            base, auth={"token": hall.tokens["display-a"]}, transports=transports, wait_timeout=5
        )
        boards.append(board)
        print(f"board over {name}: connected, now on {board.transport()}")
    kiosk = requests.Session()
    kiosk.headers["Authorization"] = "Bearer " + hall.tokens["kiosk"]
    ticket = kiosk.post(
        base + "/api/v1/tickets", json={"service_id": hall.ktp}, headers={"Idempotency-Key": "k1"}
    ).json()["ticket"]
    officer = requests.Session()
    login = {"username": "petugas.dk", "password": PASSWORD}
    token = officer.post(base + "/api/v1/auth/login", json=login).json()["token"]
    officer.headers["Authorization"] = "Bearer " + token
    assert officer.post(f"{base}/api/v1/counters/{hall.c1}/open").ok
    assert officer.post(f"{base}/api/v1/counters/{hall.c1}/next").ok
    wait_until(lambda: len(heard) >= len(boards), 10, "every board to hear the call")
    print(f"issued {ticket['number']}; heard: {sorted(heard)}")
    for board in boards:
        board.disconnect()
    print("ok: REST and Socket.IO (polling, upgrade, websocket) through the nginx site")


if __name__ == "__main__":
    main()
