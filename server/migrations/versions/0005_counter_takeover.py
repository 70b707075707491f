"""who a counter was taken from: ``counter_events.from_user_id``

Revision ID: 0005
Revises: 0004
Create Date: 2027-01-11

Only the officer holding a counter open drives it; an admin or the agency's supervisor may
take it over. The takeover is logged as a ``taken_over`` event by the new holder
(``user_id``) with the one it was taken from here, so the log says who took it from whom.
A nullable column: the table's rows so far are unchanged. SQLite cannot add a foreign key
by ALTER, so the batch mode copies the table there (it carries no triggers).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('counter_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('from_user_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_counter_events_from_user_id_users'), 'users', ['from_user_id'], ['id']
        )


def downgrade() -> None:
    with op.batch_alter_table('counter_events', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_counter_events_from_user_id_users'), type_='foreignkey'
        )
        batch_op.drop_column('from_user_id')
