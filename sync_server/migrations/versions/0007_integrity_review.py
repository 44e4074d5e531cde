"""Integrity signals and review: site coordinates, the visit's review state and history,
stored flags, the text and perceptual-hash indexes.

Existing visits start `received` with no flags; existing photos have no perceptual hash until
they are uploaded again (similar_photo then covers only photos stored from now on).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

ROW_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table('sites') as batch:
        batch.add_column(sa.Column('lat', sa.Float(), nullable=True))
        batch.add_column(sa.Column('lon', sa.Float(), nullable=True))
        batch.add_column(sa.Column('radius_m', sa.Float(), server_default='300', nullable=False))
    with op.batch_alter_table('visits') as batch:
        batch.add_column(sa.Column('review_state', sa.String(length=16), server_default='received',
                                   nullable=False))
        batch.add_column(sa.Column('review_reason', sa.Text(), nullable=True))
        batch.add_column(sa.Column('reviewed_by', sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True))
    op.create_index(op.f('ix_visits_review_state'), 'visits', ['review_state'])
    op.create_table('visit_reviews',
    sa.Column('id', ROW_ID, autoincrement=True, nullable=False),
    sa.Column('visit_id', sa.String(length=64), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('reviewer_id', sa.String(length=64), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['visit_id'], ['visits.id'], name=op.f('fk_visit_reviews_visit_id_visits')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit_reviews'))
    )
    op.create_index(op.f('ix_visit_reviews_visit_id'), 'visit_reviews', ['visit_id'])
    op.create_table('visit_flags',
    sa.Column('id', ROW_ID, autoincrement=True, nullable=False),
    sa.Column('visit_id', sa.String(length=64), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('other_visit_id', sa.String(length=64), nullable=True),
    sa.Column('evidence', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['visit_id', 'revision'], ['visit_revisions.visit_id', 'visit_revisions.revision'], name=op.f('fk_visit_flags_visit_id_revision_visit_revisions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit_flags'))
    )
    op.create_index(op.f('ix_visit_flags_code'), 'visit_flags', ['code'])
    op.create_index(op.f('ix_visit_flags_other_visit_id'), 'visit_flags', ['other_visit_id'])
    op.create_index(op.f('ix_visit_flags_visit_id_revision'), 'visit_flags', ['visit_id', 'revision'])
    op.create_table('visit_texts',
    sa.Column('visit_id', sa.String(length=64), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('text_hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['visit_id', 'revision'], ['visit_revisions.visit_id', 'visit_revisions.revision'], name=op.f('fk_visit_texts_visit_id_revision_visit_revisions')),
    sa.PrimaryKeyConstraint('visit_id', 'revision', 'text_hash', name=op.f('pk_visit_texts'))
    )
    op.create_index(op.f('ix_visit_texts_text_hash'), 'visit_texts', ['text_hash'])
    op.create_table('photo_hashes',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('phash', sa.BigInteger(), nullable=False),
    sa.Column('band0', sa.Integer(), nullable=False),
    sa.Column('band1', sa.Integer(), nullable=False),
    sa.Column('band2', sa.Integer(), nullable=False),
    sa.Column('band3', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['sha256'], ['photos.sha256'], name=op.f('fk_photo_hashes_sha256_photos')),
    sa.PrimaryKeyConstraint('sha256', name=op.f('pk_photo_hashes'))
    )
    for band in range(4):
        op.create_index(op.f(f'ix_photo_hashes_band{band}'), 'photo_hashes', [f'band{band}'])


def downgrade() -> None:
    op.drop_table('photo_hashes')
    op.drop_table('visit_texts')
    op.drop_table('visit_flags')
    op.drop_table('visit_reviews')
    op.drop_index(op.f('ix_visits_review_state'), table_name='visits')
    with op.batch_alter_table('visits') as batch:
        for column in ('reviewed_at', 'reviewed_by', 'review_reason', 'review_state'):
            batch.drop_column(column)
    with op.batch_alter_table('sites') as batch:
        for column in ('radius_m', 'lon', 'lat'):
            batch.drop_column(column)
