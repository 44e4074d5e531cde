"""Integrity signals computed by the server when a revision is stored (docs/integrity.md).

The rules that need only the visit are in `audit_app.domain.integrity`; this module adds the
cross-visit ones, each an index lookup: `duplicate_photo` (visit_photos by sha256),
`copied_text` (visit_texts by text hash), `similar_photo` (photo_hashes by band).

Timing: a revision's photo and text index rows are written with the revision, and so are the
flags that need only the visit (too_fast, clock_skew, the check-in flags): in its own
transaction, or its savepoint of a batch's transaction. The cross-visit flags are computed after
that transaction commits, and written in one transaction per request (none when no stored visit
cites a photo or a comparable text, the usual honest visit). Of two visits stored at once, the
one whose flags are computed second therefore sees the other, and a cross-visit flag is written
on both visits; computed inside the storing transaction, two PostgreSQL transactions (read
committed) storing copies at once would each miss the other's uncommitted rows. Within a batch,
a visit pairs only with the batch's earlier visits, as one PUT after another would have. A photo
uploaded after its visit gets its similarity checked when it arrives. Flags never change a score."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import imagehash
from PIL import Image
from sqlalchemy import and_, delete, insert, or_, select
from sqlalchemy.orm import Session, sessionmaker

from audit_app.domain import Checklist, Visit
from audit_app.domain.integrity import (
    DEFAULT_RADIUS_M, Flag, check_in_flags, clock_skew, comparable_texts, flag_message, too_fast,
)

from .tables import PhotoHash, Site, VisitFlag, VisitHead, VisitPhoto, VisitText

# Hamming distance between 64-bit pHashes at or under which two photos are "similar". Chosen
# from bench/integrity.py's measurement on re-saved, resized, brightened and cropped copies:
# every re-saved, resized and ±20 % brightness copy is within 6, half of the 5 % crops are,
# and no two different scenes came closer than 16. With 4 bands, any distance ≤ 7 leaves one
# band within 1 bit, which the band probe below finds.
SIMILAR_DISTANCE = 6
BANDS = 4
BAND_BITS = 16


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def text_rows(visit: Visit, checklist: Checklist) -> list[dict[str, object]]:
    """The `visit_texts` rows of one revision (written with it)."""
    return [{"visit_id": visit.id, "revision": visit.revision, "text_hash": text_hash(text)}
            for text in sorted(comparable_texts(visit, checklist))]


def perceptual_hash(body: bytes) -> int:
    """The photo's 64-bit pHash as an unsigned int."""
    with Image.open(io.BytesIO(body)) as image:
        # JPEG: decode at a reduced scale (pHash looks at 32×32 anyway); the same path for
        # every photo, so stored and new hashes are comparable.
        image.draft("RGB", (256, 256))
        return int(str(imagehash.phash(image)), 16)


def bands(value: int) -> list[int]:
    mask = (1 << BAND_BITS) - 1
    return [(value >> (BAND_BITS * index)) & mask for index in range(BANDS)]


def _signed(value: int) -> int:
    return value - (1 << 64) if value >= 1 << 63 else value


def photo_hash_row(sha256: str, value: int) -> dict[str, object]:
    return {"sha256": sha256, "phash": _signed(value),
            **{f"band{index}": band for index, band in enumerate(bands(value))}}


def similar_hashes(session: Session, value: int, limit: int = SIMILAR_DISTANCE) -> dict[str, int]:
    """Stored photos within `limit` of `value` (itself included): sha256 → distance.

    Each band is probed with its own value and the 16 one-bit neighbours on its index."""
    probes = []
    for index, band in enumerate(bands(value)):
        values = [band] + [band ^ (1 << bit) for bit in range(BAND_BITS)]
        probes.append(getattr(PhotoHash, f"band{index}").in_(values))
    found = {}
    for sha, stored in session.execute(select(PhotoHash.sha256, PhotoHash.phash).where(or_(*probes))):
        distance = ((stored & ((1 << 64) - 1)) ^ value).bit_count()
        if distance <= limit:
            found[sha] = distance
    return found


def _latest_citing(session: Session, shas: Iterable[str]) -> list[tuple[str, int, str]]:
    """(visit_id, latest revision, sha256) for the latest revisions citing any of `shas`."""
    wanted = sorted(set(shas))
    if not wanted:
        return []
    return [tuple(row) for row in session.execute(  # type: ignore[misc]
        select(VisitPhoto.visit_id, VisitPhoto.revision, VisitPhoto.sha256)
        .join(VisitHead, and_(VisitHead.id == VisitPhoto.visit_id,
                              VisitHead.latest_revision == VisitPhoto.revision))
        .where(VisitPhoto.sha256.in_(wanted)))]


def _pair(code: str, own: tuple[str, int], other: tuple[str, int],
          evidence: dict[str, Any], other_evidence: dict[str, Any]) -> list[dict[str, object]]:
    """A cross-visit flag as two rows, one on each visit, each naming the other."""
    return [
        {"visit_id": own[0], "revision": own[1], "code": code, "other_visit_id": other[0],
         "evidence": json.dumps({**evidence, "other_visit": other[0]}, sort_keys=True)},
        {"visit_id": other[0], "revision": other[1], "code": code, "other_visit_id": own[0],
         "evidence": json.dumps({**other_evidence, "other_visit": own[0]}, sort_keys=True)}]


def _similar_rows(session: Session, own: tuple[str, int], photos: dict[str, int],
                  later: frozenset[str] = frozenset()) -> list[dict[str, object]]:
    """`similar_photo` rows for the revision `own` whose photos have these hashes (not with the
    visits in `later`)."""
    rows: list[dict[str, object]] = []
    for sha, value in sorted(photos.items()):
        near = {other: d for other, d in similar_hashes(session, value).items() if other != sha}
        for visit_id, revision, other_sha in _latest_citing(session, near):
            if visit_id != own[0] and visit_id not in later:
                distance = near[other_sha]
                rows += _pair("similar_photo", own, (visit_id, revision),
                              {"photo": sha, "other_photo": other_sha, "distance": distance},
                              {"photo": other_sha, "other_photo": sha, "distance": distance})
    return rows


def needs_lookups(visit: Visit, checklist: Checklist) -> bool:
    """Whether other visits could share a flag with this one (it cites photos or long texts)."""
    return bool(visit.photos) or bool(comparable_texts(visit, checklist))


def store_cross_flags(sessions: sessionmaker[Session],
                      revisions: Sequence[tuple[Visit, Checklist]]) -> None:
    """After `revisions` (in the order they were stored) committed: their cross-visit flags,
    replacing what other visits said about their earlier revisions. Each pairs with what was
    stored before it, not with the revisions after it in `revisions`. Read first; the write
    transaction is opened only when there is something to write."""
    wanted = [(visit, checklist) for visit, checklist in revisions if needs_lookups(visit, checklist)]
    if not wanted:
        return
    with sessions() as session:
        found = [cross_flag_rows(session, visit, checklist,
                                 frozenset(later.id for later, _ in wanted[index + 1:]))
                 for index, (visit, checklist) in enumerate(wanted)]
    replaced = [visit.id for (visit, _), rows in zip(wanted, found, strict=True)
                if rows or visit.revision > 1]
    if replaced:
        with sessions.begin() as session:
            session.execute(delete(VisitFlag).where(VisitFlag.other_visit_id.in_(replaced)))
            rows = [row for visit_rows in found for row in visit_rows]
            if rows:
                session.execute(insert(VisitFlag), rows)


@dataclass(frozen=True)
class SitePoint:
    """Where a site is, as the check-in flags need it (no coordinates: no check-in flags)."""

    lat: float | None
    lon: float | None
    radius_m: float = DEFAULT_RADIUS_M


def site_point(site: Site | None) -> SitePoint:
    if site is None:
        return SitePoint(None, None)
    return SitePoint(site.lat, site.lon,
                     site.radius_m if site.radius_m is not None else DEFAULT_RADIUS_M)


def own_flag_rows(visit: Visit, checklist: Checklist, received_at: dt.datetime,
                  site: SitePoint) -> list[dict[str, object]]:
    """Rows of the signals that need only the visit, its checklist, its site and the clock."""
    flags: list[Flag] = [*too_fast(visit, checklist), *clock_skew(visit, received_at),
                         *check_in_flags(visit, site.lat, site.lon, site.radius_m)]
    return [{"visit_id": visit.id, "revision": visit.revision, "code": flag.code,
             "other_visit_id": None, "evidence": json.dumps(flag.evidence, sort_keys=True)}
            for flag in flags]


def cross_flag_rows(session: Session, visit: Visit, checklist: Checklist,
                    later: frozenset[str] = frozenset()) -> list[dict[str, object]]:
    """The cross-visit `visit_flags` rows of the revision `visit` and of the other visits it
    points at, leaving out the visits in `later` (stored after it in the same batch)."""
    own = (visit.id, visit.revision)
    rows: list[dict[str, object]] = []
    shas = {photo.sha256 for photo in visit.photos}
    for visit_id, revision, sha in _latest_citing(session, shas):
        if visit_id != visit.id and visit_id not in later:
            rows += _pair("duplicate_photo", own, (visit_id, revision), {"photo": sha}, {"photo": sha})
    hashes = [text_hash(text) for text in comparable_texts(visit, checklist)]
    if hashes:
        for visit_id, revision in session.execute(
                select(VisitText.visit_id, VisitText.revision).distinct()
                .join(VisitHead, and_(VisitHead.id == VisitText.visit_id,
                                      VisitHead.latest_revision == VisitText.revision))
                .where(VisitText.text_hash.in_(hashes), VisitText.visit_id != visit.id)):
            if visit_id not in later:
                rows += _pair("copied_text", own, (visit_id, revision), {}, {})
    if shas:
        stored = {sha: value for sha, value in session.execute(
            select(PhotoHash.sha256, PhotoHash.phash).where(PhotoHash.sha256.in_(sorted(shas))))}
        rows += _similar_rows(session, own, {sha: v & ((1 << 64) - 1) for sha, v in stored.items()},
                              later)
    return rows


def index_photo(sessions: sessionmaker[Session], sha256: str, body: bytes) -> None:
    """After a photo is stored: its pHash, then the visits citing it that now look like others."""
    value = perceptual_hash(body)
    with sessions.begin() as session:
        photo_arrived(session, sha256, value)


def photo_arrived(session: Session, sha256: str, value: int) -> None:
    """Store a new photo's pHash and flag the visits citing it that now look like others."""
    session.execute(insert(PhotoHash), [photo_hash_row(sha256, value)])
    rows: list[dict[str, object]] = []
    for visit_id, revision, _sha in _latest_citing(session, [sha256]):
        rows += _similar_rows(session, (visit_id, revision), {sha256: value})
    if rows:
        session.execute(insert(VisitFlag), rows)


def public_flags(session: Session, revisions: Sequence[tuple[str, int]]) -> dict[str, list[dict[str, Any]]]:
    """visit_id → its flags `{code, message, message_zh, evidence}` for these revisions,
    identical ones once (two concurrent computations may both have written a pair)."""
    if not revisions:
        return {}
    wanted = or_(*(and_(VisitFlag.visit_id == v, VisitFlag.revision == r) for v, r in revisions))
    found: dict[str, list[dict[str, Any]]] = {visit_id: [] for visit_id, _ in revisions}
    seen: set[tuple[str, str, str]] = set()
    for visit_id, code, evidence in session.execute(
            select(VisitFlag.visit_id, VisitFlag.code, VisitFlag.evidence)
            .where(wanted).order_by(VisitFlag.id)):
        if (visit_id, code, evidence) in seen:
            continue
        seen.add((visit_id, code, evidence))
        loaded = json.loads(evidence)
        message, message_zh = flag_message(code, loaded)
        found[visit_id].append({"code": code, "message": message, "message_zh": message_zh,
                                "evidence": loaded})
    return found
