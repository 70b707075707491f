"""bookings (antrean online): ``booking_settings``, ``booking_bands``, ``bookings``,
``booking_events``

Revision ID: 0007
Revises: 0006
Create Date: 2027-01-13

A visitor books a slot of a service ahead and checks in at the kiosk (docs/booking.md).
The settings and bands are part of the catalogue (the kiosks show the check-in button
when any service takes bookings), so they bump ``catalog_version`` as the other catalogue
tables do. Bookings hold the only copy of a booker's name, phone and NIK (encrypted).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

CATALOGUE = ("booking_settings", "booking_bands")
_BUMP = "UPDATE catalog_version SET version = version + 1"


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def upgrade() -> None:
    op.create_table('booking_settings',
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('days_ahead', sa.Integer(), nullable=False),
    sa.Column('slot_minutes', sa.Integer(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('online_share', sa.Float(), nullable=False),
    sa.Column('cutoff_minutes', sa.Integer(), nullable=False),
    sa.Column('check_in_before_minutes', sa.Integer(), nullable=False),
    sa.Column('check_in_after_minutes', sa.Integer(), nullable=False),
    sa.Column('late', sa.Enum('walk_in', 'refuse', name='late_check_in', native_enum=False, length=16), nullable=False),
    sa.Column('queue_rule', sa.Enum('slot_time', 'reservation', 'due_first', name='booking_queue_rule', native_enum=False, length=16), nullable=False),
    sa.Column('nik_required', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_booking_settings_service_id_services')),
    sa.PrimaryKeyConstraint('service_id', name=op.f('pk_booking_settings'))
    )
    op.create_table('booking_bands',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('starts', sa.String(length=5), nullable=False),
    sa.Column('ends', sa.String(length=5), nullable=False),
    sa.Column('quota', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_booking_bands_service_id_services')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_booking_bands'))
    )
    op.create_index(op.f('ix_booking_bands_service_id'), 'booking_bands', ['service_id'], unique=False)
    op.create_table('bookings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=8), nullable=False),
    sa.Column('manage_hash', sa.String(length=64), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('service_date', sa.Date(), nullable=False),
    sa.Column('slot_start', sa.DateTime(), nullable=False),
    sa.Column('slot_minutes', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('booked', 'checked_in', 'cancelled', 'no_show', name='booking_state', native_enum=False, length=16), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=True),
    sa.Column('phone', sa.String(length=16), nullable=True),
    sa.Column('phone_hash', sa.String(length=64), nullable=True),
    sa.Column('nik_cipher', sa.String(length=200), nullable=True),
    sa.Column('nik_hash', sa.String(length=64), nullable=True),
    sa.Column('nik_last4', sa.String(length=4), nullable=True),
    sa.Column('active_phone', sa.String(length=64), nullable=True),
    sa.Column('active_nik', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('checked_in_at', sa.DateTime(), nullable=True),
    sa.Column('late', sa.Boolean(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=True),
    sa.Column('ended_at', sa.DateTime(), nullable=True),
    sa.Column('cancelled_by', sa.String(length=16), nullable=True),
    sa.Column('cancel_reason', sa.String(length=300), nullable=True),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_bookings_service_id_services')),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_bookings_ticket_id_tickets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bookings')),
    sa.UniqueConstraint('code', name=op.f('uq_bookings_code')),
    sa.UniqueConstraint('service_id', 'service_date', 'active_nik', name='uq_bookings_nik'),
    sa.UniqueConstraint('service_id', 'service_date', 'active_phone', name='uq_bookings_phone'),
    sa.UniqueConstraint('ticket_id', name=op.f('uq_bookings_ticket_id'))
    )
    op.create_index('ix_bookings_day', 'bookings', ['service_date', 'state'], unique=False)
    op.create_index('ix_bookings_phone_hash', 'bookings', ['phone_hash'], unique=False)
    op.create_index('ix_bookings_slot', 'bookings', ['service_id', 'slot_start'], unique=False)
    op.create_table('booking_events',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('booking_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('device_id', sa.Integer(), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['booking_id'], ['bookings.id'], name=op.f('fk_booking_events_booking_id_bookings')),
    sa.ForeignKeyConstraint(['device_id'], ['devices.id'], name=op.f('fk_booking_events_device_id_devices')),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_booking_events_service_id_services')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_booking_events_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_booking_events'))
    )
    op.create_index('ix_booking_events_at', 'booking_events', ['at'], unique=False)
    op.create_index(op.f('ix_booking_events_booking_id'), 'booking_events', ['booking_id'], unique=False)
    for table in CATALOGUE:
        _bump_on_change(table)


def _bump_on_change(table: str) -> None:
    if _sqlite():
        for event in ("INSERT", "UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER catalog_{table}_{event.lower()} AFTER {event} ON {table} "
                f"BEGIN {_BUMP}; END"
            )
        return
    op.execute(
        f"CREATE TRIGGER catalog_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
        f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION catalog_changed()"
    )


def downgrade() -> None:
    for table in CATALOGUE:
        if _sqlite():
            for event in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS catalog_{table}_{event}")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS catalog_changed ON {table}")
    op.drop_index(op.f('ix_booking_events_booking_id'), table_name='booking_events')
    op.drop_index('ix_booking_events_at', table_name='booking_events')
    op.drop_table('booking_events')
    op.drop_index('ix_bookings_slot', table_name='bookings')
    op.drop_index('ix_bookings_phone_hash', table_name='bookings')
    op.drop_index('ix_bookings_day', table_name='bookings')
    op.drop_table('bookings')
    op.drop_index(op.f('ix_booking_bands_service_id'), table_name='booking_bands')
    op.drop_table('booking_bands')
    op.drop_table('booking_settings')
