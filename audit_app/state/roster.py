"""Sites and staff for the new-visit screen, from the roster the sync client cached.

Works with no network: the roster is a file in the device folder, read once per load."""

from __future__ import annotations

from dataclasses import dataclass

from audit_app.device import Device


@dataclass(frozen=True)
class StaffChoice:
    id: str
    name: str


@dataclass(frozen=True)
class SiteChoice:
    id: str
    name: str
    staff: tuple[StaffChoice, ...]


@dataclass(frozen=True)
class RosterView:
    sites: tuple[SiteChoice, ...]
    role: str | None          # the signed-in user's role (auditor, manager, admin), if known
    user_name: str | None

    @classmethod
    def empty(cls) -> RosterView:
        return cls(sites=(), role=None, user_name=None)

    def site(self, site_id: str | None) -> SiteChoice | None:
        return next((s for s in self.sites if s.id == site_id), None)

    def site_name(self, site_id: str) -> str:
        site = self.site(site_id)
        return site.name if site else site_id

    def staff_ids(self, site_id: str | None) -> list[str]:
        site = self.site(site_id)
        return [s.id for s in site.staff] if site else []


def load_roster_view(device: Device) -> RosterView:
    """The cached roster (call under the device lock), or an empty one before the first pull."""
    try:
        from audit_app.sync import load_roster
    except ImportError:
        return RosterView.empty()
    roster = load_roster(device)
    if roster is None:
        return RosterView.empty()
    sites = tuple(SiteChoice(site.id, site.name, tuple(StaffChoice(s.id, s.name) for s in site.staff))
                  for site in roster.sites)
    me = roster.me
    return RosterView(sites=sites, role=me.role if me else None, user_name=me.name if me else None)
