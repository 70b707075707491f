"""special openings (buka khusus): a date on which the hall or one agency opens specially

Revision ID: 0003
Revises: 0002
Create Date: 2027-01-04

A special opening opens the services of its scope on its date with its hours, even on a
weekday they are closed or a holiday (``shared.opening_hours``). Kiosks and the server's
``service_closed`` decision read it through the catalog cache, so the table raises the
catalog version like holidays do (migration 0002's triggers, made here for this table).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

TABLE = "special_openings"
_BUMP = "UPDATE catalog_version SET version = version + 1"


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def upgrade() -> None:
    op.create_table(TABLE,
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('opens', sa.String(length=5), nullable=False),
    sa.Column('closes', sa.String(length=5), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_special_openings_agency_id_agencies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_special_openings'))
    )
    op.create_index(op.f('ix_special_openings_date'), TABLE, ['date'], unique=False)
    if _sqlite():
        for event in ("INSERT", "UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER catalog_{TABLE}_{event.lower()} AFTER {event} ON {TABLE} "
                f"BEGIN {_BUMP}; END"
            )
        return
    op.execute(
        f"CREATE TRIGGER catalog_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
        f"ON {TABLE} FOR EACH STATEMENT EXECUTE FUNCTION catalog_changed()"
    )


def downgrade() -> None:
    if _sqlite():
        for event in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS catalog_{TABLE}_{event}")
    else:
        op.execute(f"DROP TRIGGER IF EXISTS catalog_changed ON {TABLE}")
    op.drop_index(op.f('ix_special_openings_date'), table_name=TABLE)
    op.drop_table(TABLE)
