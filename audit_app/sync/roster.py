"""Sites, staff and who the user is, cached in `roster.json` so a visit can start offline."""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, BaseModel, ValidationError

from audit_app.device import Device

from .files import write_atomically

ROSTER_FILE = "roster.json"


class RosterStaff(BaseModel):
    id: str
    name: str
    site_id: str


class RosterSite(BaseModel):
    id: str
    name: str
    region: str | None
    staff: list[RosterStaff]


class Me(BaseModel):
    name: str
    role: Literal["auditor", "manager", "admin"]
    region: str | None


class Roster(BaseModel):
    sites: list[RosterSite]
    me: Me | None
    fetched_at: AwareDatetime


def load_roster(device: Device) -> Roster | None:
    """The cached roster, or None before the first successful pull (or if the file is damaged)."""
    path = device.folder / ROSTER_FILE
    with device.lock:
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
    try:
        return Roster.model_validate_json(text)
    except ValidationError:
        return None


def save_roster(device: Device, roster: Roster) -> None:
    """Replace the cached roster atomically (temp file, fsync, rename)."""
    data = roster.model_dump_json(indent=1).encode("utf-8")
    with device.lock:
        write_atomically(device.folder, ROSTER_FILE, data, mode=0o644)
