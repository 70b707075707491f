"""notice texts: the console's wording of each notice kind, over the defaults

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06

An admin edits the words of the notices to visitors' phones on the console
(docs/notifications.md#the-texts-editor); a kind and language with no row says the
default of ``server.domain.notices.texts``. The triggers read the table through the
catalog cache, so it raises the catalog version like the other configuration tables
(migration 0002's triggers, made here for this table).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

TABLE = "notice_texts"
_BUMP = "UPDATE catalog_version SET version = version + 1"


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def upgrade() -> None:
    op.create_table(TABLE,
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('text', sa.String(length=1000), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by'], ['users.id'], name=op.f('fk_notice_texts_updated_by_users')),
    sa.PrimaryKeyConstraint('kind', 'language', name=op.f('pk_notice_texts'))
    )
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
    op.drop_table(TABLE)
