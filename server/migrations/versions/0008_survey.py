"""survey (SKM): ``survey_responses``, ``survey_wording``, ``survey_extra_questions``,
``survey_extra_answers``

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06

The visitors' satisfaction survey of PermenPANRB 14/2017 (docs/skm.md). A response is
tied to its ticket only by a nullable unique ``ticket_id`` (the one-response rule); what
the IKM is computed from is copied into the response, so ``prune`` may delete the ticket
and the figures stay.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

ELEMENTS = range(1, 10)


def upgrade() -> None:
    op.create_table('survey_extra_questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.String(length=300), nullable=False),
    sa.Column('question_en', sa.String(length=300), nullable=False),
    sa.Column('levels_id', sa.JSON(), nullable=False),
    sa.Column('levels_en', sa.JSON(), nullable=False),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_extra_questions'))
    )
    op.create_table('survey_wording',
    sa.Column('element', sa.String(length=4), nullable=False),
    sa.Column('question_id', sa.String(length=300), nullable=False),
    sa.Column('question_en', sa.String(length=300), nullable=False),
    sa.Column('levels_id', sa.JSON(), nullable=False),
    sa.Column('levels_en', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by'], ['users.id'], name=op.f('fk_survey_wording_updated_by_users')),
    sa.PrimaryKeyConstraint('element', name=op.f('pk_survey_wording'))
    )
    op.create_table('survey_responses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=True),
    sa.Column('service_date', sa.Date(), nullable=False),
    sa.Column('answered_at', sa.DateTime(), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('counter_id', sa.Integer(), nullable=True),
    sa.Column('officer_id', sa.Integer(), nullable=True),
    sa.Column('wait_seconds', sa.Integer(), nullable=True),
    sa.Column('service_seconds', sa.Integer(), nullable=True),
    sa.Column('target_wait_minutes', sa.Integer(), nullable=False),
    sa.Column('visit_hour', sa.Integer(), nullable=False),
    sa.Column('gender', sa.String(length=16), nullable=True),
    sa.Column('age_group', sa.String(length=16), nullable=True),
    sa.Column('education', sa.String(length=16), nullable=True),
    sa.Column('occupation', sa.String(length=16), nullable=True),
    *(sa.Column(f'u{i}', sa.Integer(), nullable=False) for i in ELEMENTS),
    sa.Column('had_suggestion', sa.Boolean(), nullable=False),
    sa.Column('suggestion', sa.String(length=1000), nullable=True),
    sa.Column('handled_by', sa.Integer(), nullable=True),
    sa.Column('handled_at', sa.DateTime(), nullable=True),
    sa.Column('reply', sa.String(length=1000), nullable=True),
    *(sa.CheckConstraint(f'u{i} BETWEEN 1 AND 4', name=op.f(f'ck_survey_responses_u{i}_level')) for i in ELEMENTS),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_survey_responses_agency_id_agencies')),
    sa.ForeignKeyConstraint(['counter_id'], ['counters.id'], name=op.f('fk_survey_responses_counter_id_counters')),
    sa.ForeignKeyConstraint(['handled_by'], ['users.id'], name=op.f('fk_survey_responses_handled_by_users')),
    sa.ForeignKeyConstraint(['officer_id'], ['users.id'], name=op.f('fk_survey_responses_officer_id_users')),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_survey_responses_service_id_services')),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_survey_responses_ticket_id_tickets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_responses')),
    sa.UniqueConstraint('ticket_id', name=op.f('uq_survey_responses_ticket_id'))
    )
    op.create_index('ix_survey_responses_day', 'survey_responses', ['service_date', 'agency_id'], unique=False)
    op.create_table('survey_extra_answers',
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.CheckConstraint('value BETWEEN 1 AND 4', name=op.f('ck_survey_extra_answers_value_level')),
    sa.ForeignKeyConstraint(['question_id'], ['survey_extra_questions.id'], name=op.f('fk_survey_extra_answers_question_id_survey_extra_questions')),
    sa.ForeignKeyConstraint(['response_id'], ['survey_responses.id'], name=op.f('fk_survey_extra_answers_response_id_survey_responses')),
    sa.PrimaryKeyConstraint('response_id', 'question_id', name=op.f('pk_survey_extra_answers'))
    )


def downgrade() -> None:
    op.drop_table('survey_extra_answers')
    op.drop_index('ix_survey_responses_day', table_name='survey_responses')
    op.drop_table('survey_responses')
    op.drop_table('survey_wording')
    op.drop_table('survey_extra_questions')
