"""notices to the visitor's phone: ``notice_subscriptions``, ``notices``

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06

An outbox of messages to WhatsApp, Telegram or SMS (docs/notifications.md), written in
the transaction of the event that causes them and sent by a worker. Not the Socket.IO
push numbering of ``room_seqs``. The visitor's address is kept in the subscription only.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

STATES = ('queued', 'sending', 'sent', 'delivered', 'failed', 'expired')


def upgrade() -> None:
    op.create_table('notice_subscriptions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=True),
    sa.Column('booking_id', sa.Integer(), nullable=True),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('address', sa.String(length=32), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('consented_at', sa.DateTime(), nullable=False),
    sa.Column('unsubscribed_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint('ticket_id IS NOT NULL OR booking_id IS NOT NULL', name=op.f('ck_notice_subscriptions_ticket_or_booking')),
    sa.ForeignKeyConstraint(['booking_id'], ['bookings.id'], name=op.f('fk_notice_subscriptions_booking_id_bookings')),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_notice_subscriptions_ticket_id_tickets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notice_subscriptions'))
    )
    op.create_index('ix_notice_subscriptions_booking', 'notice_subscriptions', ['booking_id'], unique=False)
    op.create_index('ix_notice_subscriptions_ticket', 'notice_subscriptions', ['ticket_id'], unique=False)
    op.create_table('notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subscription_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('body', sa.String(length=1000), nullable=True),
    sa.Column('template', sa.String(length=64), nullable=True),
    sa.Column('parameters', sa.JSON(), nullable=True),
    sa.Column('idempotency_key', sa.String(length=64), nullable=False),
    sa.Column('state', sa.Enum(*STATES, name='notice_state', native_enum=False, length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('deadline', sa.DateTime(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(), nullable=False),
    sa.Column('lease_owner', sa.String(length=64), nullable=True),
    sa.Column('lease_until', sa.DateTime(), nullable=True),
    sa.Column('interrupted', sa.Boolean(), nullable=False),
    sa.Column('provider_message_id', sa.String(length=128), nullable=True),
    sa.Column('reason', sa.String(length=200), nullable=True),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.Column('delivered_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['subscription_id'], ['notice_subscriptions.id'], name=op.f('fk_notices_subscription_id_notice_subscriptions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notices')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_notices_idempotency_key'))
    )
    op.create_index('ix_notices_due', 'notices', ['state', 'channel', 'next_attempt_at'], unique=False)
    op.create_index('ix_notices_subscription', 'notices', ['subscription_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_notices_subscription', table_name='notices')
    op.drop_index('ix_notices_due', table_name='notices')
    op.drop_table('notices')
    op.drop_index('ix_notice_subscriptions_ticket', table_name='notice_subscriptions')
    op.drop_index('ix_notice_subscriptions_booking', table_name='notice_subscriptions')
    op.drop_table('notice_subscriptions')
