"""Pull: who the caller is, the sites-and-staff roster, checklist versions the phone lacks, and
(for auditors) the reviews of their visits that need attention.

Me first: it is the cheapest call and tells at once whether the token still works."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from audit_app.device import Device
from audit_app.domain import Checklist

from .http import SyncApi
from .review_states import pull_review_states
from .roster import Me, Roster, RosterSite, save_roster


def pull(device: Device, api: SyncApi, now: Callable[[], datetime]) -> list[tuple[str, int]]:
    """Fetch me, sites and checklists; cache them. Returns the checklist versions newly stored.

    Raises what `SyncApi.call` raises; nothing is written unless all three answers arrived."""
    me = api.call("GET", "/me", Me, ok=(200,))
    sites = api.call("GET", "/sites", list[RosterSite], ok=(200,))
    checklists = api.call("GET", "/checklists", list[Checklist], ok=(200,))
    with device.lock:
        known = device.store.checklists.refs()
    added = []
    for checklist in checklists:
        if checklist.ref not in known:
            with device.lock:
                device.store.checklists.store_checklist(checklist)
            added.append(checklist.ref)
    save_roster(device, Roster(sites=sites, me=me, fetched_at=now()))
    if me.role == "auditor":
        pull_review_states(device, api, now)
    return added
