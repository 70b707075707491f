"""notices: the gateway's second message id, for its delivery reports

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06

Fonnte's status webhook names a message by its ``id`` (the one ``/send`` answered) and,
in the same report, by a ``stateid``; WhatsApp's later "delivered" and "read" come with
the ``stateid`` only (docs/notifications.md#delivery-reports-from-the-gateways). The
column keeps it, so those reports find their notice.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("notices", sa.Column("provider_state_id", sa.String(length=128), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("notices") as batch:
        batch.drop_column("provider_state_id")
