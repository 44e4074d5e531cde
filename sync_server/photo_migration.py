"""`audit-server migrate-photos`: copy the photos (and thumbnails) a node kept on its disk into
the configured S3-compatible bucket, before the nodes switch to `AUDIT_PHOTO_STORE=s3`.

Every photo is checked against its SHA-256 on the way (a file that does not match its hash is
reported, never copied), and every copy is read back and checked. It resumes: an object already
in the bucket with the right bytes is counted and skipped, a wrong one is replaced, so running
it again after an interruption finishes the job."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from .blob_store import BlobNotFound, BlobStore, LocalBlobStore
from .photo_store import thumbnail_key
from .tables import Photo

BATCH = 500


@dataclass
class MigrationReport:
    copied: int = 0
    already_there: int = 0
    replaced: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (key, why)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _copy_one(source: LocalBlobStore, target: BlobStore, key: str, content_type: str,
              expected_sha: str | None, report: MigrationReport) -> None:
    try:
        data = source.read(key)
    except BlobNotFound:
        if expected_sha is not None:  # a missing thumbnail is only made again on request
            report.failed.append((key, "missing on this node's disk"))
        return
    if expected_sha is not None and _sha256(data) != expected_sha:
        report.failed.append((key, "the file on disk does not match its SHA-256; not copied"))
        return
    if target.exists(key):
        if target.read(key) == data:
            report.already_there += 1
            return
        target.delete(key)  # a partial or wrong object from an interrupted copy
        report.replaced += 1
    target.put_new(key, data, content_type)
    if target.read(key) != data:
        report.failed.append((key, "the copy read back differs"))
        return
    report.copied += 1


def migrate_photos(session: Session, source: LocalBlobStore, target: BlobStore,
                   progress: Callable[[MigrationReport], None] | None = None) -> MigrationReport:
    """Copy every recorded photo and its thumbnail, in hash order, verifying each."""
    report = MigrationReport()
    after = ""
    while True:
        photos = session.scalars(select(Photo).where(Photo.sha256 > after)
                                 .order_by(Photo.sha256).limit(BATCH)).all()
        if not photos:
            return report
        for photo in photos:
            _copy_one(source, target, photo.file_name, photo.media_type, photo.sha256, report)
            _copy_one(source, target, thumbnail_key(photo), "image/jpeg", None, report)
        after = photos[-1].sha256
        if progress is not None:
            progress(report)
