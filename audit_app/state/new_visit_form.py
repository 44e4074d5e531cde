"""What the new-visit screen offers (pure): nothing preselected but the checklist of the last
visit this phone started, sites this auditor already visited with the chosen checklist first,
and a search once there are more sites than fit a screen."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from audit_app.domain import Checklist
from audit_app.store import VisitSummary

from .roster import SiteChoice

SEARCH_ABOVE = 8      # more sites than this: the list gets a search field


@dataclass
class NewVisitForm:
    checklist_id: str | None = None
    site_id: str | None = None
    staff_ids: tuple[str, ...] = ()
    peak: bool = False
    site_query: str = ""


@dataclass(frozen=True)
class SiteOption:
    id: str
    name: str
    visited: bool        # this phone already has a visit there with the chosen checklist


def remembered_form(summaries: Iterable[VisitSummary], checklists: Sequence[Checklist]) -> NewVisitForm:
    """The checklist of the last visit started on this phone (if it is still offered), nothing
    else: preselecting its site too would put the next shop's visit one tap from the wrong place."""
    known = {c.id for c in checklists}
    latest = max((s for s in summaries if s.checklist_id in known), key=lambda s: s.started_at, default=None)
    return NewVisitForm(checklist_id=latest.checklist_id if latest else None)


def site_options(sites: Sequence[SiteChoice], summaries: Iterable[VisitSummary],
                 checklist_id: str | None, query: str = "") -> list[SiteOption]:
    """Sites visited with this checklist first (latest first), then the rest in roster order;
    filtered by `query` (in the name or the site's code, ignoring case)."""
    last_visit: dict[str, object] = {}
    for summary in summaries:
        if checklist_id is not None and summary.checklist_id == checklist_id:
            seen = last_visit.get(summary.site_id)
            if seen is None or summary.started_at > seen:
                last_visit[summary.site_id] = summary.started_at
    order = {site.id: index for index, site in enumerate(sites)}
    visited = sorted((s for s in sites if s.id in last_visit), key=lambda s: last_visit[s.id], reverse=True)
    rest = [s for s in sites if s.id not in last_visit]
    wanted = query.strip().casefold()
    return [SiteOption(s.id, s.name, s.id in last_visit) for s in [*visited, *sorted(rest, key=lambda s: order[s.id])]
            if not wanted or wanted in s.name.casefold() or wanted in s.id.casefold()]


def needs_search(sites: Sequence[SiteChoice]) -> bool:
    return len(sites) > SEARCH_ABOVE
