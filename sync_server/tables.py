"""Database tables (SQLAlchemy 2 typed models). The Alembic migrations in `migrations/` create
exactly these; a test checks the two agree.

Reports are plain SQL over `observations`: one row per scored observation of every stored
revision, denormalised (site, staff, checklist, auditor, dates, weight, outcome) and flagged
`is_latest`, so a compliance report is one GROUP BY with `WHERE is_latest` and no joins."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger, Boolean, Date, DateTime, Float, ForeignKey, ForeignKeyConstraint, Index, Integer,
    MetaData, String, Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Stable constraint names so migrations can drop and alter them on every backend.
NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ID = String(64)
# SQLite only auto-increments INTEGER PRIMARY KEY; PostgreSQL gets a 64-bit identity.
ROW_ID = BigInteger().with_variant(Integer(), "sqlite")
UTC_TIME = DateTime(timezone=True)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class User(Base):
    """A person with a token. `id` is the name given to `audit-server create-user`."""

    __tablename__ = "users"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    role: Mapped[str] = mapped_column(String(16))  # auditor | manager | admin
    region: Mapped[str | None] = mapped_column(String(64))  # managers: limit to this region
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 hex of the token
    created_at: Mapped[dt.datetime] = mapped_column(UTC_TIME)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTC_TIME)


class ChecklistVersion(Base):
    """Every checklist version ever loaded; old versions stay readable for old visits."""

    __tablename__ = "checklists"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    body: Mapped[str] = mapped_column(Text)  # the checklist as JSON (domain model dump)
    loaded_at: Mapped[dt.datetime] = mapped_column(UTC_TIME)


class Site(Base):
    __tablename__ = "sites"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    region: Mapped[str | None] = mapped_column(String(64), index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(UTC_TIME)
    # Where the site is, for `far_check_in` / `no_check_in` (both or neither; docs/integrity.md).
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    radius_m: Mapped[float] = mapped_column(Float, default=300.0, server_default="300")


class Staff(Base):
    __tablename__ = "staff"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"), index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(UTC_TIME)


class VisitHead(Base):
    """One row per visit id: who owns it and its latest revision.

    Storing a revision first moves `latest_revision` forward with a conditional UPDATE (or
    INSERTs this row); that row lock is what serialises concurrent uploads of one visit."""

    __tablename__ = "visits"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    auditor_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    latest_revision: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(UTC_TIME)
    # The current review (history in `visit_reviews`): received | approved | has_issues | rejected.
    review_state: Mapped[str] = mapped_column(String(16), default="received",
                                              server_default="received", index=True)
    review_reason: Mapped[str | None] = mapped_column(Text)
    reviewed_by: Mapped[str | None] = mapped_column(ID)
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(UTC_TIME)


class VisitRevision(Base):
    """Every stored revision of a visit: the canonical JSON as received, its hash and score."""

    __tablename__ = "visit_revisions"

    visit_id: Mapped[str] = mapped_column(ForeignKey("visits.id"), primary_key=True)
    revision: Mapped[int] = mapped_column(Integer, primary_key=True)
    auditor_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"))
    checklist_id: Mapped[str] = mapped_column(ID)
    checklist_version: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[dt.datetime] = mapped_column(UTC_TIME)  # stored in UTC
    # The date where the visit happened: started_at's date in its own UTC offset.
    started_local_date: Mapped[dt.date] = mapped_column(Date)
    content_hash: Mapped[str] = mapped_column(String(64))  # audit_app.domain.content_hash
    body: Mapped[str] = mapped_column(Text)  # audit_app.domain.canonical_json
    received_at: Mapped[dt.datetime] = mapped_column(UTC_TIME)  # server clock
    applicable: Mapped[float] = mapped_column(Float)
    passed: Mapped[float] = mapped_column(Float)
    score: Mapped[float | None] = mapped_column(Float)
    visit_score: Mapped[float | None] = mapped_column(Float)
    knocked_out: Mapped[bool] = mapped_column(Boolean)
    # The revision's report totals, so site and checklist reports read one row per visit
    # instead of its 40 observations (a whole visit belongs to one site and one checklist).
    scored_observations: Mapped[int] = mapped_column(Integer, server_default="0")  # N/A included
    applicable_observations: Mapped[int] = mapped_column(Integer, server_default="0")
    critical_failures: Mapped[int] = mapped_column(Integer, server_default="0")
    is_latest: Mapped[bool] = mapped_column(Boolean)

    __table_args__ = (
        ForeignKeyConstraint(["checklist_id", "checklist_version"],
                             ["checklists.id", "checklists.version"]),
        Index(None, "is_latest", "site_id"),
        Index(None, "is_latest", "started_local_date"),
    )


_REPORT_COLUMNS = ("visit_id", "outcome", "weight", "critical")


class ObservationRow(Base):
    """One scored observation of one stored revision, with its server-computed outcome."""

    __tablename__ = "observations"

    id: Mapped[int] = mapped_column(ROW_ID, primary_key=True, autoincrement=True)
    visit_id: Mapped[str] = mapped_column(ID)
    revision: Mapped[int] = mapped_column(Integer)
    item_key: Mapped[str] = mapped_column(String(64))
    checklist_id: Mapped[str] = mapped_column(ID)
    checklist_version: Mapped[int] = mapped_column(Integer)
    site_id: Mapped[str] = mapped_column(ID)
    staff_id: Mapped[str | None] = mapped_column(ID)  # attributed per §3; None: counts for nobody
    auditor_id: Mapped[str] = mapped_column(ID)
    dimension: Mapped[str] = mapped_column(String(32))
    weight: Mapped[float] = mapped_column(Float)
    critical: Mapped[bool] = mapped_column(Boolean)
    outcome: Mapped[str] = mapped_column(String(4))  # pass | fail | na
    # The revision's visit_score, repeated so a site/checklist mean needs no join.
    visit_score: Mapped[float | None] = mapped_column(Float)
    started_at: Mapped[dt.datetime] = mapped_column(UTC_TIME)
    started_local_date: Mapped[dt.date] = mapped_column(Date)
    is_latest: Mapped[bool] = mapped_column(Boolean)

    __table_args__ = (
        ForeignKeyConstraint(["visit_id", "revision"],
                             ["visit_revisions.visit_id", "visit_revisions.revision"]),
        Index(None, "visit_id", "revision"),
        # Covering indexes for the report GROUP BYs (migration 0002): the group key, then the
        # visit (so per-visit totals stream in order), then every column the totals read.
        Index("ix_observations_report_site", "is_latest", "site_id", *_REPORT_COLUMNS),
        Index("ix_observations_report_staff", "is_latest", "staff_id", *_REPORT_COLUMNS),
        Index("ix_observations_report_item", "is_latest", "checklist_id", "item_key",
              *_REPORT_COLUMNS),
        Index("ix_observations_report_dimension", "is_latest", "dimension", *_REPORT_COLUMNS),
        Index(None, "is_latest", "started_local_date"),
        Index(None, "is_latest", "auditor_id"),
    )


class StaffVisitTotals(Base):
    """One staff member's report totals in one stored revision (migration 0008): the sums of
    the revision's observations attributed to them, so staff reports and the staff filter read
    a row per (visit, staff member) instead of 40 observations. Written with the observations
    and retired with them (`is_latest`); a row only for staff with an observation, N/A or not."""

    __tablename__ = "staff_visit_totals"

    visit_id: Mapped[str] = mapped_column(ID, primary_key=True)
    revision: Mapped[int] = mapped_column(Integer, primary_key=True)
    staff_id: Mapped[str] = mapped_column(ID, primary_key=True)
    site_id: Mapped[str] = mapped_column(ID)
    checklist_id: Mapped[str] = mapped_column(ID)
    auditor_id: Mapped[str] = mapped_column(ID)
    started_local_date: Mapped[dt.date] = mapped_column(Date)
    applicable: Mapped[float] = mapped_column(Float)
    passed: Mapped[float] = mapped_column(Float)
    applicable_observations: Mapped[int] = mapped_column(Integer)
    critical_failures: Mapped[int] = mapped_column(Integer)
    visit_score: Mapped[float | None] = mapped_column(Float)  # the revision's, for site means
    is_latest: Mapped[bool] = mapped_column(Boolean)

    __table_args__ = (
        ForeignKeyConstraint(["visit_id", "revision"],
                             ["visit_revisions.visit_id", "visit_revisions.revision"]),
        Index(None, "is_latest", "started_local_date"),
        Index(None, "is_latest", "staff_id"),
    )


class Photo(Base):
    """A stored photo. The file is `<data_dir>/photos/<file_name>`, a name the server made."""

    __tablename__ = "photos"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    file_name: Mapped[str] = mapped_column(String(100))
    media_type: Mapped[str] = mapped_column(String(20))  # image/jpeg | image/png
    bytes: Mapped[int] = mapped_column(BigInteger)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    uploaded_by: Mapped[str] = mapped_column(ForeignKey("users.id"))
    received_at: Mapped[dt.datetime] = mapped_column(UTC_TIME)


class DeviceToken(Base):
    """A token made by enrolling a device (`POST /enrol`). A user may have several; each works
    until it or the user is revoked. The user's own token (`users.token_hash`) is separate."""

    __tablename__ = "device_tokens"

    id: Mapped[int] = mapped_column(ROW_ID, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 hex of the token
    created_at: Mapped[dt.datetime] = mapped_column(UTC_TIME)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTC_TIME)


class EnrolmentCode(Base):
    """A one-time enrolment code (`audit-server enrol`), stored only as a slow hash."""

    __tablename__ = "enrolment_codes"

    id: Mapped[int] = mapped_column(ROW_ID, primary_key=True, autoincrement=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)  # enrolment.hash_code
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTC_TIME)
    expires_at: Mapped[dt.datetime] = mapped_column(UTC_TIME)
    used_at: Mapped[dt.datetime | None] = mapped_column(UTC_TIME)


class EnrolmentAttempt(Base):
    """An enrolment attempt not (yet) known to be right, per client address: the rate limit's
    memory. Rows older than the limit's window are deleted as new attempts arrive."""

    __tablename__ = "enrolment_attempts"

    id: Mapped[int] = mapped_column(ROW_ID, primary_key=True, autoincrement=True)
    client: Mapped[str] = mapped_column(String(64))
    attempted_at: Mapped[dt.datetime] = mapped_column(UTC_TIME)

    __table_args__ = (Index(None, "client", "attempted_at"), Index(None, "attempted_at"))


class VisitPhoto(Base):
    """Which photos each stored revision cites (its `photos` list): who may read a photo."""

    __tablename__ = "visit_photos"

    visit_id: Mapped[str] = mapped_column(ID, primary_key=True)
    revision: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)

    __table_args__ = (
        ForeignKeyConstraint(["visit_id", "revision"],
                             ["visit_revisions.visit_id", "visit_revisions.revision"]),
    )


class VisitReview(Base):
    """Every review change of a visit (who, when, state, reason). `reviewer_id` None: the server
    itself, when a new revision sent the visit back to `received`."""

    __tablename__ = "visit_reviews"

    id: Mapped[int] = mapped_column(ROW_ID, primary_key=True, autoincrement=True)
    visit_id: Mapped[str] = mapped_column(ForeignKey("visits.id"), index=True)
    revision: Mapped[int] = mapped_column(Integer)  # the revision the review was about
    state: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)
    reviewer_id: Mapped[str | None] = mapped_column(ID)
    at: Mapped[dt.datetime] = mapped_column(UTC_TIME)


class VisitFlag(Base):
    """One integrity signal of one stored revision (`sync_server/integrity.py`). Cross-visit
    signals name the other visit, and each of the two visits gets its own row."""

    __tablename__ = "visit_flags"

    id: Mapped[int] = mapped_column(ROW_ID, primary_key=True, autoincrement=True)
    visit_id: Mapped[str] = mapped_column(ID)
    revision: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(32), index=True)
    other_visit_id: Mapped[str | None] = mapped_column(ID, index=True)
    evidence: Mapped[str] = mapped_column(Text)  # JSON object

    __table_args__ = (
        ForeignKeyConstraint(["visit_id", "revision"],
                             ["visit_revisions.visit_id", "visit_revisions.revision"]),
        Index(None, "visit_id", "revision"),
    )


class VisitText(Base):
    """The normalised notes and text answers (20+ characters) of each revision, by SHA-256,
    so `copied_text` is an index lookup."""

    __tablename__ = "visit_texts"

    visit_id: Mapped[str] = mapped_column(ID, primary_key=True)
    revision: Mapped[int] = mapped_column(Integer, primary_key=True)
    text_hash: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)

    __table_args__ = (
        ForeignKeyConstraint(["visit_id", "revision"],
                             ["visit_revisions.visit_id", "visit_revisions.revision"]),
    )


class PhotoHash(Base):
    """A stored photo's 64-bit perceptual hash (imagehash.phash), also split into four 16-bit
    bands, each indexed: two hashes within Hamming distance 7 agree in at least one band up to
    one bit (pigeonhole), so `similar_photo` probes 4 × 17 band values, never scans."""

    __tablename__ = "photo_hashes"

    sha256: Mapped[str] = mapped_column(ForeignKey("photos.sha256"), primary_key=True)
    phash: Mapped[int] = mapped_column(BigInteger)  # signed two's complement of the 64 bits
    band0: Mapped[int] = mapped_column(Integer, index=True)
    band1: Mapped[int] = mapped_column(Integer, index=True)
    band2: Mapped[int] = mapped_column(Integer, index=True)
    band3: Mapped[int] = mapped_column(Integer, index=True)


class Action(Base):
    """A corrective action (migration 0006). The wire fields as created, then the figures the
    domain derives from its events (`audit_app.domain.actions.action_figures`), rewritten on
    every append so lists and reports read one row per action and never replay histories."""

    __tablename__ = "actions"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"))
    visit_id: Mapped[str | None] = mapped_column(ForeignKey("visits.id"), index=True)
    item_key: Mapped[str | None] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    priority: Mapped[str] = mapped_column(String(16))
    due_on: Mapped[dt.date] = mapped_column(Date)
    assignee: Mapped[str | None] = mapped_column(ID, index=True)
    created_by: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTC_TIME)
    created_on: Mapped[dt.date] = mapped_column(Date)  # created_at's date in its own offset
    content_hash: Mapped[str] = mapped_column(String(64))  # the create body, for replays
    received_at: Mapped[dt.datetime] = mapped_column(UTC_TIME)
    event_count: Mapped[int] = mapped_column(Integer)  # also the row every append claims first
    status: Mapped[str] = mapped_column(String(16))
    last_resolved_at: Mapped[dt.datetime | None] = mapped_column(UTC_TIME)
    days_to_resolve: Mapped[float | None] = mapped_column(Float)
    closed_on: Mapped[dt.date | None] = mapped_column(Date)
    first_recheck: Mapped[str | None] = mapped_column(String(8))  # verify | reopen

    __table_args__ = (
        Index(None, "site_id", "item_key", "status"),
        Index(None, "status", "due_on"),
        Index(None, "created_on"),
    )


class ActionEventRow(Base):
    """One event of an action, append-only. `by` is a user id or `system` (re-checks)."""

    __tablename__ = "action_events"

    id: Mapped[str] = mapped_column(ID, primary_key=True)  # made on the phone (or uuid5 by the server)
    action_id: Mapped[str] = mapped_column(ForeignKey("actions.id"))
    seq: Mapped[int] = mapped_column(Integer)  # 1, 2, … in the order the server appended them
    type: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    cause: Mapped[str | None] = mapped_column(String(32))
    root_cause: Mapped[str | None] = mapped_column(Text)
    photos: Mapped[str] = mapped_column(Text)  # JSON list of sha256
    at: Mapped[dt.datetime] = mapped_column(UTC_TIME)
    by: Mapped[str] = mapped_column(ID)
    visit_id: Mapped[str | None] = mapped_column(ID)  # the visit behind a system re-check
    content_hash: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[dt.datetime] = mapped_column(UTC_TIME)

    __table_args__ = (Index(None, "action_id", "seq", unique=True),)


class ActionPhoto(Base):
    """Which photos each action event cites: who may read a photo of a fix."""

    __tablename__ = "action_photos"

    event_id: Mapped[str] = mapped_column(ForeignKey("action_events.id"), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)
