"""Enrolment: a one-time code (`audit-server enrol NAME`) that a device trades for a device token
of its own (`POST /enrol`), so no token ever travels in a URL.

Codes are 8 characters from an alphabet without look-alikes (no 0/O, 1/I/L): 31^8 ≈ 8.5·10^11
values, typed or read aloud easily. Unlike a 32-byte token, that space is small enough that a
plain digest in a stolen database could be reversed in hours, so a code is stored as an scrypt
hash (about 10 ms and 4 MB per guess; every code would take centuries of CPU). The salt is fixed
so that the hash stays an index lookup; the codes themselves are random, so a fixed salt gives
away nothing. A code works once, within 24 hours, for a user who is not revoked.

Wrong codes are rate-limited per client address. The attempts live in the database, not in
the app's memory: `audit-server serve --workers N` runs N processes that share only the
database (a limit in memory would allow N times the guesses, and reset on every restart).
Each attempt is recorded *before* its code is checked and forgotten when the code was right,
so concurrent guesses cannot slip past the count: the k-th attempt to commit sees k rows."""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import secrets
from dataclasses import dataclass
from urllib.parse import quote

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .accounts import AccountError, add_device_token
from .tables import EnrolmentAttempt, EnrolmentCode, User

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8
CODE_LIFETIME = dt.timedelta(hours=24)
WRONG_CODE_LIMIT = 10
WRONG_CODE_WINDOW = dt.timedelta(minutes=10)
_SCRYPT = {"salt": b"field-audit enrolment code v1", "n": 2**12, "r": 8, "p": 1, "dklen": 32}


def enrolment_link(app_url: str, server_url: str, code: str) -> str:
    """The app link that enrols a device: the app reads `enrol` and `server` on first load."""
    return f"{app_url.rstrip('/')}/?enrol={code}&server={quote(server_url, safe='')}"


def normalise_code(text: str) -> str | None:
    """The code as issued (upper case, no spaces or dashes), or None if it cannot be one."""
    code = "".join(text.split()).replace("-", "").upper()
    if len(code) != CODE_LENGTH or any(char not in ALPHABET for char in code):
        return None
    return code


def hash_code(code: str) -> str:
    return hashlib.scrypt(code.encode("ascii"), **_SCRYPT).hex()  # type: ignore[arg-type]


@dataclass(frozen=True)
class IssuedCode:
    code: str
    user_id: str
    role: str
    region: str | None
    expires_at: dt.datetime


def issue_code(session: Session, name: str, now: dt.datetime) -> IssuedCode:
    """A new one-time code for the active user `name` (committed)."""
    user = session.get(User, name)
    if user is None:
        raise AccountError(f"no user named {name!r}")
    if user.revoked_at is not None:
        raise AccountError(f"user {name!r} is revoked")
    for _attempt in range(5):  # a collision with a stored code is a 1-in-10^11 event; retry
        code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
        session.add(EnrolmentCode(code_hash=hash_code(code), user_id=name, created_at=now,
                                  expires_at=now + CODE_LIFETIME))
        try:
            session.commit()
        except IntegrityError:
            session.rollback()
            continue
        return IssuedCode(code, user.id, user.role, user.region, now + CODE_LIFETIME)
    raise AccountError("could not make a unique enrolment code; try again")


@dataclass(frozen=True)
class Enrolment:
    token: str
    name: str
    role: str
    region: str | None


def _aware(moment: dt.datetime) -> dt.datetime:
    """SQLite hands back naive datetimes; everything is stored in UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def redeem_code(session: Session, text: str, now: dt.datetime) -> Enrolment | None:
    """Trade a code for a new device token (committed), or None for a code that is malformed,
    unknown, used, expired or belongs to a revoked user (callers give one answer for all)."""
    code = normalise_code(text)
    if code is None:
        return None
    stored = session.scalars(select(EnrolmentCode).where(
        EnrolmentCode.code_hash == hash_code(code))).first()
    if stored is None or stored.used_at is not None or _aware(stored.expires_at) <= now:
        return None
    user = session.get(User, stored.user_id)
    if user is None or user.revoked_at is not None:
        return None
    # Claim the code with a conditional UPDATE: of two devices racing with one code, one wins.
    claimed = session.execute(update(EnrolmentCode)
                              .where(EnrolmentCode.id == stored.id, EnrolmentCode.used_at.is_(None))
                              .values(used_at=now))
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        session.rollback()
        return None
    token = add_device_token(session, user.id, now)
    session.commit()
    return Enrolment(token, user.id, user.role, user.region)


def begin_attempt(session: Session, client: str, now: dt.datetime) -> tuple[int, int | None]:
    """Record an attempt from `client` (committed) and say whether it may go on.

    Returns the attempt's id and None, or, when the client already made `WRONG_CODE_LIMIT`
    attempts in the window, the seconds until one of them expires (this attempt is forgotten)."""
    since = now - WRONG_CODE_WINDOW
    session.execute(delete(EnrolmentAttempt).where(EnrolmentAttempt.attempted_at <= since))
    attempt = EnrolmentAttempt(client=client[:64], attempted_at=now)
    session.add(attempt)
    session.commit()
    in_window = select(EnrolmentAttempt.attempted_at).where(
        EnrolmentAttempt.client == client[:64], EnrolmentAttempt.attempted_at > since)
    count = session.scalar(select(func.count()).select_from(in_window.subquery())) or 0
    if count <= WRONG_CODE_LIMIT:
        return attempt.id, None
    forget_attempt(session, attempt.id)
    oldest = session.scalar(select(func.min(EnrolmentAttempt.attempted_at)).where(
        EnrolmentAttempt.client == client[:64], EnrolmentAttempt.attempted_at > since))
    wait = (_aware(oldest) + WRONG_CODE_WINDOW - now).total_seconds() if oldest else 1.0
    return attempt.id, max(1, math.ceil(wait))


def forget_attempt(session: Session, attempt_id: int) -> None:
    """Drop an attempt that turned out right (or was refused unchecked): it is not a wrong code."""
    session.execute(delete(EnrolmentAttempt).where(EnrolmentAttempt.id == attempt_id))
    session.commit()
