"""catalog version: a number raised by triggers whenever the hall's configuration changes

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29

``server.domain.catalog`` caches settings, holidays and the zones of each service per
process, and reads ``catalog_version`` in every transaction to know whether what it
holds is still current. The triggers below raise the version in the same transaction as
any change of those tables, by any process or tool, so no cache can outlive a change.

SQLite drops a table's triggers with the table: a later migration that rebuilds one of
the watched tables (``batch_alter_table`` copies it) must create its triggers again;
``tests/server/test_catalog.py`` checks that every watched table has them at head.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

# table -> the columns whose change matters (None: every column, and every insert/delete).
WATCHED: dict[str, tuple[str, ...] | None] = {
    "settings": None,
    "holidays": None,
    "agencies": None,
    "series": None,
    "services": None,
    "zones": None,
    "counter_services": None,
    # Counters change at every call (state, current ticket); only these are configuration.
    "counters": ("agency_id", "zone_id", "label", "active"),
}
_BUMP = "UPDATE catalog_version SET version = version + 1"


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def upgrade() -> None:
    op.create_table('catalog_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.CheckConstraint('id = 1', name=op.f('ck_catalog_version_one_row')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalog_version'))
    )
    op.execute("INSERT INTO catalog_version (id, version) VALUES (1, 1)")
    if _sqlite():
        for table, columns in WATCHED.items():
            for event in ("INSERT", "UPDATE", "DELETE"):
                when = f"UPDATE OF {', '.join(columns)}" if event == "UPDATE" and columns else event
                op.execute(
                    f"CREATE TRIGGER catalog_{table}_{event.lower()} AFTER {when} ON {table} "
                    f"BEGIN {_BUMP}; END"
                )
        return
    op.execute(
        "CREATE FUNCTION catalog_changed() RETURNS trigger LANGUAGE plpgsql AS "
        f"$$ BEGIN {_BUMP}; RETURN NULL; END $$"
    )
    for table, columns in WATCHED.items():
        update = f"UPDATE OF {', '.join(columns)}" if columns else "UPDATE"
        op.execute(
            f"CREATE TRIGGER catalog_changed AFTER INSERT OR {update} OR DELETE OR TRUNCATE "
            f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION catalog_changed()"
        )


def downgrade() -> None:
    if _sqlite():
        for table in WATCHED:
            for event in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS catalog_{table}_{event}")
    else:
        for table in WATCHED:
            op.execute(f"DROP TRIGGER IF EXISTS catalog_changed ON {table}")
        op.execute("DROP FUNCTION IF EXISTS catalog_changed()")
    op.drop_table('catalog_version')
