"""actions, action_events, action_photos: corrective actions and their append-only histories.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('actions',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('site_id', sa.String(length=64), nullable=False),
    sa.Column('visit_id', sa.String(length=64), nullable=True),
    sa.Column('item_key', sa.String(length=64), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('priority', sa.String(length=16), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('assignee', sa.String(length=64), nullable=True),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_on', sa.Date(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('event_count', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('last_resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('days_to_resolve', sa.Float(), nullable=True),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('first_recheck', sa.String(length=8), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_actions_created_by_users')),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_actions_site_id_sites')),
    sa.ForeignKeyConstraint(['visit_id'], ['visits.id'], name=op.f('fk_actions_visit_id_visits')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_actions'))
    )
    op.create_index(op.f('ix_actions_assignee'), 'actions', ['assignee'])
    op.create_index(op.f('ix_actions_created_by'), 'actions', ['created_by'])
    op.create_index(op.f('ix_actions_created_on'), 'actions', ['created_on'])
    op.create_index(op.f('ix_actions_site_id_item_key_status'), 'actions',
                    ['site_id', 'item_key', 'status'])
    op.create_index(op.f('ix_actions_status_due_on'), 'actions', ['status', 'due_on'])
    op.create_index(op.f('ix_actions_visit_id'), 'actions', ['visit_id'])
    op.create_table('action_events',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('action_id', sa.String(length=64), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('type', sa.String(length=16), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('cause', sa.String(length=32), nullable=True),
    sa.Column('root_cause', sa.Text(), nullable=True),
    sa.Column('photos', sa.Text(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('by', sa.String(length=64), nullable=False),
    sa.Column('visit_id', sa.String(length=64), nullable=True),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['actions.id'], name=op.f('fk_action_events_action_id_actions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_action_events'))
    )
    op.create_index(op.f('ix_action_events_action_id_seq'), 'action_events', ['action_id', 'seq'],
                    unique=True)
    op.create_table('action_photos',
    sa.Column('event_id', sa.String(length=64), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['action_events.id'], name=op.f('fk_action_photos_event_id_action_events')),
    sa.PrimaryKeyConstraint('event_id', 'sha256', name=op.f('pk_action_photos'))
    )
    op.create_index(op.f('ix_action_photos_sha256'), 'action_photos', ['sha256'])


def downgrade() -> None:
    op.drop_table('action_photos')
    op.drop_table('action_events')
    op.drop_table('actions')
