"""The yardstick for the issue path: the least a Flask-SocketIO + SQLAlchemy server can
do for a ticket, under the same process model and the same load generator as Antre.

    .venv/bin/python bench/server_bench.py --entry-module bench.reference_app --skip-calls

``POST /api/v1/tickets`` here increments the service's number row, inserts the ticket,
emits it to the service's room and answers JSON; nothing else (no login lookup, no
idempotency, no opening hours, no calling order, no estimate, no event log). Antre's
issue does all of those, so it can only be slower; ``bench/reference_ratio.py`` runs
the two alternately and prints how much slower (docs/benchmarks.md keeps the figures).

It takes the command line ``server.entry`` takes (``run --host H --port P --async-mode
M``), uses the database the bench prepared (``ANTRE_DATABASE_URL``, tables of its own)
through Antre's engine factory, so SQLite runs with the same journal, sync and busy
settings, and picks the async mode through Antre's entry point, so eventlet is patched
in the same way.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from server.entry import prepare_async_mode  # noqa: E402


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="reference issue server for the bench")
    parser.add_argument("command", choices=("run",))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    parser.add_argument("--async-mode", choices=("eventlet", "threading"), default="eventlet")
    return parser.parse_args(argv)


def create_app(database_url: str, async_mode: str) -> Any:
    """The whole reference server: two tables, two routes, one room per service."""
    from flask import Flask, jsonify, request
    from flask_socketio import SocketIO
    from sqlalchemy import Column, DateTime, Integer, MetaData, Table, insert, text

    from server.db import make_engine

    engine = make_engine(database_url)
    metadata = MetaData()
    Table(
        "reference_numbers",
        metadata,
        Column("service_id", Integer, primary_key=True),
        Column("last_number", Integer, nullable=False),
    )
    tickets = Table(
        "reference_tickets",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("service_id", Integer, nullable=False),
        Column("number", Integer, nullable=False),
        Column("issued_at", DateTime(timezone=True), nullable=False),
    )
    metadata.create_all(engine)
    next_number = text(
        "INSERT INTO reference_numbers (service_id, last_number) VALUES (:service, 1) "
        "ON CONFLICT (service_id) DO UPDATE SET last_number = last_number + 1 "
        "RETURNING last_number"
    )

    app = Flask("reference")
    socketio = SocketIO(app, async_mode=async_mode, logger=False, engineio_logger=False)

    @app.get("/api/v1/auth/me")
    def me() -> Any:
        return jsonify({"kind": "reference"})

    @app.post("/api/v1/tickets")
    def issue() -> Any:
        if not request.headers.get("Authorization", "").startswith("Bearer "):
            return jsonify({"error": {"code": "unauthenticated"}}), 401
        body = request.get_json(silent=True)
        service = body.get("service_id") if isinstance(body, dict) else None
        if not isinstance(service, int) or isinstance(service, bool):
            return jsonify({"error": {"code": "validation_error"}}), 422
        now = dt.datetime.now(dt.UTC)
        with engine.begin() as conn:
            number = conn.execute(next_number, {"service": service}).scalar_one()
            ticket_id = conn.execute(
                insert(tickets).values(service_id=service, number=number, issued_at=now)
            ).inserted_primary_key[0]
        ticket = {
            "id": ticket_id,
            "service_id": service,
            "number": f"R-{number:03d}",
            "issued_at": now.isoformat(),
        }
        socketio.emit("ticket.issued", {"ticket": ticket}, to=f"service:{service}")
        return jsonify({"ticket": ticket}), 201

    return app, socketio


def main(argv: list[str] | None = None) -> None:
    args = parse_args(list(sys.argv[1:] if argv is None else argv))
    prepare_async_mode(args.async_mode)
    app, socketio = create_app(os.environ["ANTRE_DATABASE_URL"], args.async_mode)
    extra: dict[str, Any] = (
        {"allow_unsafe_werkzeug": True} if args.async_mode == "threading" else {}
    )
    print(f"reference server on http://{args.host}:{args.port} ({args.async_mode})", flush=True)
    socketio.run(app, host=args.host, port=args.port, log_output=False, **extra)


if __name__ == "__main__":
    main()
