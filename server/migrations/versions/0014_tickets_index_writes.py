"""fewer index entries written per ticket (one redundant index dropped, two made
partial), and a line's counters found by their service

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07

Every index of ``tickets`` is written when a ticket is issued, and those holding its
state again at each call, start and finish: a page each in the commit's WAL frames.
- ``ix_tickets_line`` (service, state, queue key) is dropped: ``ix_tickets_line_day``
  (service, state, day, 0004) answers every query that used it, and the few that sort a
  line's waiting tickets by their key (a transfer to the front, a requeue) sort a line's
  handful of rows.
- ``ix_tickets_target`` and ``ix_tickets_finished`` hold only the tickets they are read
  for: those sent to a counter, and those finished. A new ticket is neither, so it no
  longer writes an entry to either (every query on them compares the column, which tells
  SQLite and PostgreSQL alike that it is not NULL).
- ``ix_counter_services_service``: the counters serving one service (the line's open
  counters, counted for every ticket issued and every line's figures) were found by
  scanning every counter's services.
Indexes only: no table is rebuilt, so their triggers (0002) stay.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

TARGETED = "target_counter_id IS NOT NULL"
FINISHED = "finished_at IS NOT NULL"


def _partial(name: str, columns: list[str], where: str) -> None:
    op.create_index(
        name,
        "tickets",
        columns,
        unique=False,
        sqlite_where=sa.text(where),
        postgresql_where=sa.text(where),
    )


def upgrade() -> None:
    op.drop_index("ix_tickets_line", table_name="tickets")
    op.drop_index("ix_tickets_target", table_name="tickets")
    _partial("ix_tickets_target", ["target_counter_id", "state"], TARGETED)
    op.drop_index("ix_tickets_finished", table_name="tickets")
    _partial("ix_tickets_finished", ["service_id", "finished_at"], FINISHED)
    op.create_index(
        "ix_counter_services_service", "counter_services", ["service_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_counter_services_service", table_name="counter_services")
    op.drop_index("ix_tickets_finished", table_name="tickets")
    op.create_index("ix_tickets_finished", "tickets", ["service_id", "finished_at"], unique=False)
    op.drop_index("ix_tickets_target", table_name="tickets")
    op.create_index("ix_tickets_target", "tickets", ["target_counter_id", "state"], unique=False)
    op.create_index(
        "ix_tickets_line", "tickets", ["service_id", "state", "queue_key"], unique=False
    )
