"""Where the report screens get their data: the server through `ReportsClient`, each answer
kept in the device's report cache, the cache answering (marked offline, with its "as of" time)
when the server cannot be reached. Blocking: call it from a worker thread."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Literal

from pydantic import TypeAdapter

from audit_app.domain import GroupBy

from .cache import Fetched, ReportCache, cache_key, fetch_or_cached
from .client import ReportsClient
from .models import (
    ActionGroupBy, ActionInfo, ActionReportAnswer, ComplianceAnswer, SiteInfo, TrendAnswer,
    VisitDetail, VisitSummary,
)

_COMPLIANCE = TypeAdapter(ComplianceAnswer)
_TREND = TypeAdapter(TrendAnswer)
_VISITS = TypeAdapter(list[VisitSummary])
_VISIT = TypeAdapter(VisitDetail)
_SITES = TypeAdapter(list[SiteInfo])
_ACTION_REPORT = TypeAdapter(ActionReportAnswer)
_ACTIONS = TypeAdapter(list[ActionInfo])


class ReportSource:
    def __init__(self, client: ReportsClient, cache: ReportCache,
                 now: Callable[[], dt.datetime]) -> None:
        self.client = client
        self.cache = cache
        self.now = now

    def compliance(self, group_by: GroupBy, params: Mapping[str, str]) -> Fetched[ComplianceAnswer]:
        return fetch_or_cached(self.cache, cache_key(f"compliance/{group_by}", params),
                               lambda: self.client.compliance(group_by, params), _COMPLIANCE,
                               self.now)

    def trend(self, group_by: Literal["site", "staff"], interval: str,
              params: Mapping[str, str]) -> Fetched[TrendAnswer]:
        return fetch_or_cached(self.cache, cache_key(f"trend/{group_by}/{interval}", params),
                               lambda: self.client.trend(group_by, interval, params), _TREND,
                               self.now)

    def visits(self, params: Mapping[str, str]) -> Fetched[list[VisitSummary]]:
        return fetch_or_cached(self.cache, cache_key("visits", params),
                               lambda: self.client.visits(params), _VISITS, self.now)

    def visit(self, visit_id: str) -> Fetched[VisitDetail]:
        return fetch_or_cached(self.cache, cache_key(f"visit/{visit_id}", {}),
                               lambda: self.client.visit(visit_id), _VISIT, self.now)

    def action_report(self, group_by: ActionGroupBy,
                      params: Mapping[str, str]) -> Fetched[ActionReportAnswer]:
        return fetch_or_cached(self.cache, cache_key(f"actions/{group_by}", params),
                               lambda: self.client.action_report(group_by, params), _ACTION_REPORT,
                               self.now)

    def site_actions(self, site_id: str, today: dt.date) -> Fetched[list[ActionInfo]]:
        """Every action of one site, overdue judged on `today` (the visit detail matches them
        to its failed items)."""
        params = {"site_id": site_id, "today": today.isoformat()}
        return fetch_or_cached(self.cache, cache_key("actions", params),
                               lambda: self.client.actions(params), _ACTIONS,
                               self.now)

    def sites(self) -> Fetched[list[SiteInfo]]:
        return fetch_or_cached(self.cache, cache_key("sites", {}), self.client.sites, _SITES,
                               self.now)

    def csv(self, group_by: GroupBy, params: Mapping[str, str]) -> bytes:
        """The server's CSV of the rows on screen (never from the cache: an export is fresh)."""
        return self.client.compliance_csv(group_by, params)

    def visit_pdf(self, visit_id: str, lang: str) -> bytes:
        """PDFs are made fresh by the server, never cached (like the CSV)."""
        return self.client.visit_pdf(visit_id, lang)

    def scorecard_pdf(self, params: Mapping[str, str], lang: str) -> bytes:
        return self.client.scorecard_pdf(params, lang)

    def photo(self, sha256: str, size: Literal["full", "thumb"] = "thumb") -> bytes:
        return self.client.photo(sha256, size)
