"""The server's report and visit answers as the app reads them (CONTRACT.md §3–4).

The app never imports the server: these mirror `sync_server.schemas` and the report answers,
and ignore fields they do not know, so a newer server does not break an older phone."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict

from audit_app.domain import GroupBy, GroupRow, Visit


class Answer(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class ComplianceAnswer(Answer):
    group_by: GroupBy
    target: float
    award_floor: float
    rows: list[GroupRow]
    excluded_rejected: int = 0          # visits a manager rejected, left out of these rows


TrendGroupBy = Literal["site", "staff"]
Interval = Literal["day", "week", "month"]


class TrendRow(Answer):
    period: dt.date
    key: str
    label: str
    rate: float | None
    observations: int
    applicable: float | None = None  # server additions: pooled weights behind `rate`
    passed: float | None = None


class TrendAnswer(Answer):
    group_by: TrendGroupBy
    interval: Interval
    rows: list[TrendRow]


class VisitSummary(Answer):
    id: str
    revision: int
    auditor_id: str
    site_id: str
    checklist_id: str
    checklist_version: int
    started_at: dt.datetime
    started_local_date: dt.date | None = None  # server addition; older servers: from started_at
    received_at: dt.datetime
    visit_score: float | None
    knocked_out: bool


class ObservationOutcome(Answer):
    item_key: str
    outcome: Literal["pass", "fail", "na"]
    staff_id: str | None
    dimension: str
    weight: float
    critical: bool


class FlagInfo(Answer):
    """One integrity signal the server raised on the visit (docs/integrity.md)."""

    code: str
    message: str
    message_zh: str


class ReviewInfo(Answer):
    state: str = "received"             # received | approved | has_issues | rejected
    reason: str | None = None


class VisitDetail(Answer):
    visit: Visit
    auditor_id: str
    received_at: dt.datetime
    applicable: float
    passed: float
    score: float | None
    visit_score: float | None
    knocked_out: bool
    outcomes: list[ObservationOutcome]
    missing_photos: list[str]
    flags: list[FlagInfo] = []
    review: ReviewInfo = ReviewInfo()


class SiteInfo(Answer):
    """A site from `GET /sites` (staff left out: the report rows name them)."""

    id: str
    name: str
    region: str | None


class ActionGroup(Answer):
    """One row of `GET /reports/actions` (docs/actions.md): an action's status counts per group."""

    key: str | None
    label: str | None = None
    total: int
    open: int
    in_progress: int
    resolved: int
    verified: int
    reopened: int
    cant_do: int
    overdue: int
    median_days_to_resolve: float | None = None
    verified_first_time_rate: float | None = None


ActionGroupBy = Literal["site", "item", "assignee"]


class ActionReportAnswer(Answer):
    group_by: ActionGroupBy
    today: dt.date
    rows: list[ActionGroup]
    excluded_rejected: int = 0          # actions raised from rejected visits, left out


class ActionInfo(Answer):
    """An action as `GET /actions` lists it: what the visit detail shows beside a failed item."""

    id: str
    site_id: str
    visit_id: str | None = None
    item_key: str | None = None
    title: str
    due_on: dt.date
    assignee: str | None = None
    created_at: dt.datetime
    status: str
    overdue: bool = False
