"""What one execution of the calling-order count costs in SQLAlchemy and SQLite, without
the rest of an issue: ``calling._ahead_statement`` run by ``Connection.execute`` on an
empty in-memory schema, for one line and one counter with the counters' state (an
issue's common shape) and for three lines and four counters.

    PYTHONPATH=. .venv/bin/python bench/ahead_count_bench.py

Run it in two trees alternately to compare them (docs/benchmarks.md, the third pass);
printed: the parameters SQLite is given, and the best of five rounds of 1,000 executions
(µs per execution).
"""

from __future__ import annotations

import datetime as dt
import time

from sqlalchemy import create_engine

from server.domain.calling import _ahead_statement
from server.models import Base

SHAPES = {
    "one line, one counter, with counters": (True, 3, 1, 1, True),
    "three lines, four counters": (True, 3, 3, 4, False),
}


def main() -> None:
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    params = {
        "today": dt.date(2026, 12, 6),
        "now": dt.datetime(2026, 12, 6, 3, tzinfo=dt.UTC),
        "group": 3,
        "slot": None,
        "queue_key": 1.0,
        "ticket_id": 5,
        "service_id": 1,
        **{f"service_{i}": i for i in range(3)},
        **{f"counter_{i}": i for i in range(4)},
    }
    with engine.connect() as conn:
        for name, (first, group, lines, counters, now) in SHAPES.items():
            statement = _ahead_statement(first, group, lines, counters, counters_now=now)
            compiled = statement.compile(dialect=engine.dialect)
            for _ in range(300):
                conn.execute(statement, params).one()
            rounds = []
            for _ in range(5):
                start = time.perf_counter()
                for _ in range(1000):
                    conn.execute(statement, params).one()
                rounds.append((time.perf_counter() - start) * 1000)
            positional = len(compiled.positiontup or ())
            print(f"{name}: {positional} parameters, {min(rounds):.1f} µs per execution")


if __name__ == "__main__":
    main()
