"""visit_photos: which photos each stored revision cites, filled from the stored bodies.

`GET /photos/{sha256}` reads it to decide who may see a photo.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

BATCH = 1000


def upgrade() -> None:
    visit_photos = op.create_table('visit_photos',
    sa.Column('visit_id', sa.String(length=64), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['visit_id', 'revision'], ['visit_revisions.visit_id', 'visit_revisions.revision'], name=op.f('fk_visit_photos_visit_id_revision_visit_revisions')),
    sa.PrimaryKeyConstraint('visit_id', 'revision', 'sha256', name=op.f('pk_visit_photos'))
    )
    op.create_index(op.f('ix_visit_photos_sha256'), 'visit_photos', ['sha256'])
    assert visit_photos is not None
    connection = op.get_bind()
    # Page through the bodies by key, so a large database is never read into memory at once.
    page = sa.text("SELECT visit_id, revision, body FROM visit_revisions "
                   "WHERE visit_id > :visit_id OR (visit_id = :visit_id AND revision > :revision) "
                   "ORDER BY visit_id, revision LIMIT :limit")
    after: dict[str, object] = {"visit_id": "", "revision": 0, "limit": BATCH}
    while True:
        revisions = connection.execute(page, after).all()
        if not revisions:
            break
        rows = [{"visit_id": visit_id, "revision": number, "sha256": sha}
                for visit_id, number, body in revisions
                for sha in sorted({photo["sha256"] for photo in json.loads(body).get("photos") or []})]
        if rows:
            op.bulk_insert(visit_photos, rows)
        after = {**after, "visit_id": revisions[-1][0], "revision": revisions[-1][1]}


def downgrade() -> None:
    op.drop_table('visit_photos')
