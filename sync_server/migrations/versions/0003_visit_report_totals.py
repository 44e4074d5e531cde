"""Per-revision report totals on visit_revisions, filled from the observations already stored.

Site and checklist reports then sum one row per visit instead of one per observation.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

COUNTS = {
    'scored_observations': "1 = 1",
    'applicable_observations': "o.outcome <> 'na'",
    'critical_failures': "o.outcome = 'fail' AND o.critical",
}


def upgrade() -> None:
    with op.batch_alter_table('visit_revisions') as batch:
        for name in COUNTS:
            batch.add_column(sa.Column(name, sa.Integer(), nullable=False, server_default='0'))
    for name, condition in COUNTS.items():
        op.execute(f"UPDATE visit_revisions SET {name} = (SELECT count(*) FROM observations o "
                   "WHERE o.visit_id = visit_revisions.visit_id "
                   f"AND o.revision = visit_revisions.revision AND {condition})")


def downgrade() -> None:
    with op.batch_alter_table('visit_revisions') as batch:
        for name in COUNTS:
            batch.drop_column(name)
