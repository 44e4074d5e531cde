"""Users and their tokens. Library functions the CLI and tests call alike.

A token is shown once and stored only as its SHA-256 hash; a token of 32 random bytes needs no
slow hash (nothing to brute-force), and a plain digest can be looked up by index.

A user has their own token (made by `create-user`) and one device token per enrolled device
(`device_tokens`, made by `enrolment.redeem_code`); any of them not revoked signs them in."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Literal, get_args

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from .tables import DeviceToken, User

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


def revoke_user(session: Session, name: str, *, now: dt.datetime | None = None) -> int:
    """Revoke a user's token and every device token; their stored visits stay.

    Returns how many device tokens this revoked."""
    user = session.get(User, name)
    if user is None:
        raise AccountError(f"no user named {name!r}")
    now = now or dt.datetime.now(dt.UTC)
    if user.revoked_at is None:
        user.revoked_at = now
    devices = session.execute(update(DeviceToken)
                              .where(DeviceToken.user_id == name, DeviceToken.revoked_at.is_(None))
                              .values(revoked_at=now))
    session.commit()
    return int(devices.rowcount)  # type: ignore[attr-defined]


def add_device_token(session: Session, user_id: str, now: dt.datetime) -> str:
    """A new device token for `user_id` (added to the session; the caller commits)."""
    token = secrets.token_urlsafe(32)
    session.add(DeviceToken(user_id=user_id, token_hash=hash_token(token), created_at=now))
    return token


def user_for_token(session: Session, token: str) -> User | None:
    """The active user owning `token` (their own or a device's), or None (unknown or revoked)."""
    digest = hash_token(token)
    user = session.scalars(select(User).where(User.token_hash == digest)).first()
    if user is None:
        user = session.scalars(select(User).join(DeviceToken, DeviceToken.user_id == User.id)
                               .where(DeviceToken.token_hash == digest,
                                      DeviceToken.revoked_at.is_(None))).first()
    if user is None or user.revoked_at is not None:
        return None
    return user
