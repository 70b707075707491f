"""notice channel settings: the console's values of the [notify] keys

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06

An admin sets up the notice channels on the console (docs/notifications.md#di-konsol);
a key the file or the environment sets wins over its row. Secrets are stored sealed
with the hall's key. No catalog triggers: the servers and the notice worker notice a
change by the sum of the rows' ``revision`` (server.channel_settings).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('notice_channel_settings',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.String(length=2000), nullable=True),
    sa.Column('sealed', sa.Boolean(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by'], ['users.id'], name=op.f('fk_notice_channel_settings_updated_by_users')),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_notice_channel_settings'))
    )


def downgrade() -> None:
    op.drop_table('notice_channel_settings')
