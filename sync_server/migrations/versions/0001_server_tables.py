"""Server tables: users, checklists, sites, staff, visits, revisions, observations, photos.

Revision ID: 0001
Revises: 
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('checklists',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('loaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', 'version', name=op.f('pk_checklists'))
    )
    op.create_table('sites',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('region', sa.String(length=64), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sites'))
    )
    op.create_index(op.f('ix_sites_region'), 'sites', ['region'])

    op.create_table('users',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('region', sa.String(length=64), nullable=True),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_users_token_hash'))
    )
    op.create_table('photos',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('file_name', sa.String(length=100), nullable=False),
    sa.Column('media_type', sa.String(length=20), nullable=False),
    sa.Column('bytes', sa.BigInteger(), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('uploaded_by', sa.String(length=64), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['uploaded_by'], ['users.id'], name=op.f('fk_photos_uploaded_by_users')),
    sa.PrimaryKeyConstraint('sha256', name=op.f('pk_photos'))
    )
    op.create_table('staff',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('site_id', sa.String(length=64), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_staff_site_id_sites')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff'))
    )
    op.create_index(op.f('ix_staff_site_id'), 'staff', ['site_id'])

    op.create_table('visits',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('auditor_id', sa.String(length=64), nullable=False),
    sa.Column('latest_revision', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['auditor_id'], ['users.id'], name=op.f('fk_visits_auditor_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visits'))
    )
    op.create_index(op.f('ix_visits_auditor_id'), 'visits', ['auditor_id'])

    op.create_table('visit_revisions',
    sa.Column('visit_id', sa.String(length=64), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('auditor_id', sa.String(length=64), nullable=False),
    sa.Column('site_id', sa.String(length=64), nullable=False),
    sa.Column('checklist_id', sa.String(length=64), nullable=False),
    sa.Column('checklist_version', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_local_date', sa.Date(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('applicable', sa.Float(), nullable=False),
    sa.Column('passed', sa.Float(), nullable=False),
    sa.Column('score', sa.Float(), nullable=True),
    sa.Column('visit_score', sa.Float(), nullable=True),
    sa.Column('knocked_out', sa.Boolean(), nullable=False),
    sa.Column('is_latest', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['auditor_id'], ['users.id'], name=op.f('fk_visit_revisions_auditor_id_users')),
    sa.ForeignKeyConstraint(['checklist_id', 'checklist_version'], ['checklists.id', 'checklists.version'], name=op.f('fk_visit_revisions_checklist_id_checklist_version_checklists')),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_visit_revisions_site_id_sites')),
    sa.ForeignKeyConstraint(['visit_id'], ['visits.id'], name=op.f('fk_visit_revisions_visit_id_visits')),
    sa.PrimaryKeyConstraint('visit_id', 'revision', name=op.f('pk_visit_revisions'))
    )
    op.create_index(op.f('ix_visit_revisions_auditor_id'), 'visit_revisions', ['auditor_id'])
    op.create_index(op.f('ix_visit_revisions_is_latest_site_id'), 'visit_revisions', ['is_latest', 'site_id'])
    op.create_index(op.f('ix_visit_revisions_is_latest_started_local_date'), 'visit_revisions', ['is_latest', 'started_local_date'])

    op.create_table('observations',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('visit_id', sa.String(length=64), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('item_key', sa.String(length=64), nullable=False),
    sa.Column('checklist_id', sa.String(length=64), nullable=False),
    sa.Column('checklist_version', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.String(length=64), nullable=False),
    sa.Column('staff_id', sa.String(length=64), nullable=True),
    sa.Column('auditor_id', sa.String(length=64), nullable=False),
    sa.Column('dimension', sa.String(length=32), nullable=False),
    sa.Column('weight', sa.Float(), nullable=False),
    sa.Column('critical', sa.Boolean(), nullable=False),
    sa.Column('outcome', sa.String(length=4), nullable=False),
    sa.Column('visit_score', sa.Float(), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_local_date', sa.Date(), nullable=False),
    sa.Column('is_latest', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['visit_id', 'revision'], ['visit_revisions.visit_id', 'visit_revisions.revision'], name=op.f('fk_observations_visit_id_revision_visit_revisions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_observations'))
    )
    op.create_index(op.f('ix_observations_is_latest_auditor_id'), 'observations', ['is_latest', 'auditor_id'])
    op.create_index(op.f('ix_observations_is_latest_checklist_id_item_key'), 'observations', ['is_latest', 'checklist_id', 'item_key'])
    op.create_index(op.f('ix_observations_is_latest_dimension'), 'observations', ['is_latest', 'dimension'])
    op.create_index(op.f('ix_observations_is_latest_site_id'), 'observations', ['is_latest', 'site_id'])
    op.create_index(op.f('ix_observations_is_latest_staff_id'), 'observations', ['is_latest', 'staff_id'])
    op.create_index(op.f('ix_observations_is_latest_started_local_date'), 'observations', ['is_latest', 'started_local_date'])
    op.create_index(op.f('ix_observations_visit_id_revision'), 'observations', ['visit_id', 'revision'])



def downgrade() -> None:
    op.drop_table('observations')
    op.drop_table('visit_revisions')
    op.drop_table('visits')
    op.drop_table('staff')
    op.drop_table('photos')
    op.drop_table('users')
    op.drop_table('sites')
    op.drop_table('checklists')
