"""Per-revision totals of each staff member (`staff_visit_totals`), filled from the observations
already stored, so staff reports read one row per (visit, staff member) instead of 40.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

# Every column but the sums is the same on all of a revision's observations, so grouping by
# them too keeps one row per (visit, revision, staff member).
BACKFILL = """
INSERT INTO staff_visit_totals (visit_id, revision, staff_id, site_id, checklist_id, auditor_id,
    started_local_date, applicable, passed, applicable_observations, critical_failures,
    visit_score, is_latest)
SELECT visit_id, revision, staff_id, site_id, checklist_id, auditor_id, started_local_date,
    SUM(CASE WHEN outcome <> 'na' THEN weight ELSE 0.0 END),
    SUM(CASE WHEN outcome = 'pass' THEN weight ELSE 0.0 END),
    SUM(CASE WHEN outcome <> 'na' THEN 1 ELSE 0 END),
    SUM(CASE WHEN outcome = 'fail' AND critical THEN 1 ELSE 0 END),
    visit_score, is_latest
FROM observations WHERE staff_id IS NOT NULL
GROUP BY visit_id, revision, staff_id, site_id, checklist_id, auditor_id, started_local_date,
    visit_score, is_latest
"""


def upgrade() -> None:
    op.create_table('staff_visit_totals',
    sa.Column('visit_id', sa.String(length=64), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.String(length=64), nullable=False),
    sa.Column('site_id', sa.String(length=64), nullable=False),
    sa.Column('checklist_id', sa.String(length=64), nullable=False),
    sa.Column('auditor_id', sa.String(length=64), nullable=False),
    sa.Column('started_local_date', sa.Date(), nullable=False),
    sa.Column('applicable', sa.Float(), nullable=False),
    sa.Column('passed', sa.Float(), nullable=False),
    sa.Column('applicable_observations', sa.Integer(), nullable=False),
    sa.Column('critical_failures', sa.Integer(), nullable=False),
    sa.Column('visit_score', sa.Float(), nullable=True),
    sa.Column('is_latest', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['visit_id', 'revision'], ['visit_revisions.visit_id', 'visit_revisions.revision'], name=op.f('fk_staff_visit_totals_visit_id_revision_visit_revisions')),
    sa.PrimaryKeyConstraint('visit_id', 'revision', 'staff_id', name=op.f('pk_staff_visit_totals'))
    )
    op.create_index(op.f('ix_staff_visit_totals_is_latest_started_local_date'), 'staff_visit_totals',
                    ['is_latest', 'started_local_date'])
    op.create_index(op.f('ix_staff_visit_totals_is_latest_staff_id'), 'staff_visit_totals',
                    ['is_latest', 'staff_id'])
    op.execute(BACKFILL)


def downgrade() -> None:
    op.drop_table('staff_visit_totals')
