"""View-models of the corrective actions in the manager's reports: the Actions view of
`GET /reports/actions` (per site, assignee or item) and, in one visit's detail, the action
that follows up each failed item. Words are i18n keys; the views translate them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from audit_app.domain.actions import STILL_OPEN

from . import formats
from .labels import Labeller
from .models import ActionGroup, ActionInfo, ActionReportAnswer

# The label of a row whose key is empty: an action nobody is assigned to, or raised without an item.
# (Every action has a site.)
NO_KEY_LABEL = {"assignee": "reports_actions.unassigned", "item": "reports_actions.no_item"}


@dataclass(frozen=True)
class ActionReportLine:
    key: str | None
    label: str | None      # None: the row of actions without an assignee (or item): `label_key`
    label_key: str | None
    total: int
    still_open: int        # open, in progress or reopened: someone still has to act
    overdue: int           # still open past the due date
    in_progress: int
    reopened: int          # re-opened by a re-check or a manager (counted in still_open)
    resolved: int          # fixed, waiting for the next visit's re-check
    verified: int
    cant_do: int
    median_days: str | None         # days from raising to the first resolve, e.g. "2.5"
    first_time_text: str            # share verified at the first re-check, "75.0%" or "–"


@dataclass(frozen=True)
class ActionTotals:
    total: int
    still_open: int
    overdue: int
    resolved: int
    verified: int
    cant_do: int


@dataclass(frozen=True)
class ActionReportView:
    group_by: str
    today: str                      # the date overdue was judged on
    lines: tuple[ActionReportLine, ...]
    totals: ActionTotals
    excluded_rejected: int = 0


def _label(group_by: str, row: ActionGroup, labeller: Labeller) -> str | None:
    if row.key is None:
        return None
    if group_by == "item":
        return labeller.item_text(row.key)
    return row.label or row.key


def action_line(group_by: str, row: ActionGroup, labeller: Labeller) -> ActionReportLine:
    label = _label(group_by, row, labeller)
    median = row.median_days_to_resolve
    return ActionReportLine(
        key=row.key, label=label, label_key=NO_KEY_LABEL.get(group_by, "reports_actions.no_item") if label is None else None,
        total=row.total, still_open=row.open + row.in_progress + row.reopened, overdue=row.overdue,
        in_progress=row.in_progress, reopened=row.reopened, resolved=row.resolved,
        verified=row.verified, cant_do=row.cant_do,
        median_days=None if median is None else f"{median:.1f}",
        first_time_text=formats.percent(row.verified_first_time_rate))


def action_report(answer: ActionReportAnswer, labeller: Labeller) -> ActionReportView:
    """Most overdue first, then most still open (what needs chasing), then by name; the
    totals over every row (a median or a rate cannot be summed, so the totals have none)."""
    lines = [action_line(answer.group_by, row, labeller) for row in answer.rows]
    lines.sort(key=lambda line: (-line.overdue, -line.still_open, line.label is None, line.label or ""))
    totals = ActionTotals(total=sum(x.total for x in lines), still_open=sum(x.still_open for x in lines),
                          overdue=sum(x.overdue for x in lines), resolved=sum(x.resolved for x in lines),
                          verified=sum(x.verified for x in lines), cant_do=sum(x.cant_do for x in lines))
    return ActionReportView(group_by=answer.group_by, today=answer.today.isoformat(), lines=tuple(lines),
                            totals=totals, excluded_rejected=answer.excluded_rejected)


@dataclass(frozen=True)
class LineAction:
    """The action that follows up a failed item, as the visit detail shows it."""

    id: str
    status: str            # an `actions.status.*` key's last part
    overdue: bool
    assignee: str | None
    due_text: str
    raised_here: bool      # raised from this visit (else an earlier one this visit failed again)


def failed_item_actions(visit_id: str, started_at: dt.datetime, failed: Sequence[str],
                        actions: Sequence[ActionInfo]) -> dict[str, LineAction]:
    """For each failed item key, its action: the one raised from this visit; else the site's
    action of the same item raised before the visit that is still open or awaiting its
    re-check (the server comments on, or re-opens, that one instead of raising a second)."""
    found: dict[str, LineAction] = {}
    for key in failed:
        own = [a for a in actions if a.visit_id == visit_id and a.item_key == key]
        earlier = [a for a in actions if a.visit_id != visit_id and a.item_key == key
                   and a.created_at <= started_at
                   and (a.status in STILL_OPEN or a.status == "resolved")]
        chosen = max(own or earlier, key=lambda a: (a.created_at, a.id), default=None)
        if chosen is not None:
            found[key] = LineAction(id=chosen.id, status=chosen.status, overdue=chosen.overdue,
                                    assignee=chosen.assignee, due_text=chosen.due_on.isoformat(),
                                    raised_here=bool(own))
    return found
