"""notice pace: one row per channel, when its next notice may be sent at the earliest

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06

Until now each notice worker paced its sends with a token bucket of its own, so N
workers (the in-server one of every server process, every ``notify-worker``) sent up to
N times a channel's ``*_per_minute``: for Fonnte and Wablas the pace is what keeps the
hall's WhatsApp number from being banned. The row is shared by all of them
(docs/notifications.md#pace). No rows here: a channel's first send creates its row.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "notice_pace",
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("free_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("channel", name=op.f("pk_notice_pace")),
    )


def downgrade() -> None:
    op.drop_table("notice_pace")
