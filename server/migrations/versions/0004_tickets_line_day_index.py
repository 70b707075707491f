"""an index for one day's waiting tickets of a few lines (people ahead, the calling order)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05

"People ahead" and a counter's calling order read the waiting tickets of all the lines a
counter serves (``service_id IN (...)``) for today. With only ``ix_tickets_line``
(service, state, queue key) and ``ix_tickets_day`` (date, state), SQLite took the day's
index and read every waiting ticket of the hall; this one answers it from the lines alone.
An index only: the table is not rebuilt, so its triggers (0002) stay.
"""

from __future__ import annotations

from alembic import op


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        'ix_tickets_line_day', 'tickets', ['service_id', 'state', 'service_date'], unique=False
    )


def downgrade() -> None:
    op.drop_index('ix_tickets_line_day', table_name='tickets')
