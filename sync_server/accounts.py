"""Users and their tokens. Library functions the CLI and tests call alike.

A token is shown once and stored only as its SHA-256 hash; a token of 32 random bytes needs no
slow hash (nothing to brute-force), and a plain digest can be looked up by index."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Literal, get_args

from sqlalchemy import select
from sqlalchemy.orm import Session

from .tables import User

Role = Literal["auditor", "manager", "admin"]
ROLES: tuple[Role, ...] = get_args(Role)


class AccountError(ValueError):
    """A user command that cannot be done (duplicate name, unknown user, bad role)."""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_user(session: Session, name: str, role: str, region: str | None = None,
                *, now: dt.datetime | None = None) -> str:
    """Create a user and return their new token (the only time it exists in clear)."""
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    if not name or len(name) > 64:
        raise AccountError("name must be 1 to 64 characters")
    if session.get(User, name) is not None:
        raise AccountError(f"user {name!r} already exists")
    token = secrets.token_urlsafe(32)
    session.add(User(id=name, role=role, region=region or None, token_hash=hash_token(token),
                     created_at=now or dt.datetime.now(dt.UTC)))
    session.commit()
    return token


def revoke_user(session: Session, name: str, *, now: dt.datetime | None = None) -> None:
    """Revoke a user's token; their stored visits stay."""
    user = session.get(User, name)
    if user is None:
        raise AccountError(f"no user named {name!r}")
    if user.revoked_at is None:
        user.revoked_at = now or dt.datetime.now(dt.UTC)
        session.commit()


def user_for_token(session: Session, token: str) -> User | None:
    """The active user owning `token`, or None (unknown or revoked)."""
    user = session.scalars(select(User).where(User.token_hash == hash_token(token))).first()
    if user is None or user.revoked_at is not None:
        return None
    return user
