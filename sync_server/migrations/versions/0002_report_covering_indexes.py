"""Covering indexes for the compliance reports: each report GROUP BY reads only its index.

The four (is_latest, key) indexes of 0001 become (is_latest, key, visit_id, outcome, weight,
critical); the old ones are prefixes of the new, so nothing else loses an index.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

TOTALS = ['visit_id', 'outcome', 'weight', 'critical']
# (old index, new index, group key columns)
REPLACED = [
    ('ix_observations_is_latest_site_id', 'ix_observations_report_site', ['site_id']),
    ('ix_observations_is_latest_staff_id', 'ix_observations_report_staff', ['staff_id']),
    ('ix_observations_is_latest_checklist_id_item_key', 'ix_observations_report_item',
     ['checklist_id', 'item_key']),
    ('ix_observations_is_latest_dimension', 'ix_observations_report_dimension', ['dimension']),
]


def upgrade() -> None:
    for old, new, keys in REPLACED:
        op.create_index(new, 'observations', ['is_latest', *keys, *TOTALS])
        op.drop_index(old, table_name='observations')


def downgrade() -> None:
    for old, new, keys in REPLACED:
        op.create_index(old, 'observations', ['is_latest', *keys])
        op.drop_index(new, table_name='observations')
