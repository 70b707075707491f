"""a service's *standar pelayanan*: ``services.requirements``, ``fee``, ``completion``

Revision ID: 0006
Revises: 0005
Create Date: 2027-01-12

What a visitor must bring, what the service costs and how long it takes were kept in each
kiosk's own TOML, so the kiosks, the ticket page and (later) the booking page could say
different things. They now belong to the service and are edited in the console. Existing
rows get an empty standard (no requirements, no fee, no completion text), which every
client shows as "no standard".
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('services', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('requirements', sa.JSON(), nullable=False, server_default='[]')
        )
        batch_op.add_column(
            sa.Column('fee', sa.String(length=200), nullable=False, server_default='')
        )
        batch_op.add_column(
            sa.Column('completion', sa.String(length=200), nullable=False, server_default='')
        )


def downgrade() -> None:
    with op.batch_alter_table('services', schema=None) as batch_op:
        batch_op.drop_column('completion')
        batch_op.drop_column('fee')
        batch_op.drop_column('requirements')
