"""View-models of corrective actions in the manager's reports: the Actions view's rows and
totals from a `/reports/actions` answer, and which action a visit's failed item shows."""

from __future__ import annotations

import datetime as dt

from audit_app.checklist_files import load_checklist_dir
from audit_app.reports.actions import action_report, failed_item_actions
from audit_app.reports.labels import Labeller
from audit_app.reports.models import ActionGroup, ActionInfo, ActionReportAnswer
from sync_server.settings import REPO_CHECKLIST_DIR

EN = Labeller([], "en")
TZ = dt.timezone(dt.timedelta(hours=8))
VISIT_START = dt.datetime(2026, 11, 20, 10, 0, tzinfo=TZ)


def group(key: str | None, *, label: str | None = None, open: int = 0, in_progress: int = 0,
          reopened: int = 0, resolved: int = 0, verified: int = 0, cant_do: int = 0, overdue: int = 0,
          median: float | None = None, first_time: float | None = None) -> ActionGroup:
    total = open + in_progress + reopened + resolved + verified + cant_do
    return ActionGroup(key=key, label=label, total=total, open=open, in_progress=in_progress,
                       resolved=resolved, verified=verified, reopened=reopened, cant_do=cant_do,
                       overdue=overdue, median_days_to_resolve=median, verified_first_time_rate=first_time)


def answer(group_by: str, rows: list[ActionGroup], excluded: int = 0) -> ActionReportAnswer:
    return ActionReportAnswer(group_by=group_by, today=dt.date(2026, 11, 23), rows=rows,  # type: ignore[arg-type]
                              excluded_rejected=excluded)


def test_rows_count_open_in_progress_and_reopened_as_still_open_most_overdue_first() -> None:
    view = action_report(answer("site", [
        group("a", label="Alpha", open=1, resolved=2, verified=3, median=2.25, first_time=0.75),
        group("b", label="Beta", open=1, in_progress=1, reopened=1, overdue=2),
        group("c", label="Gamma", open=2, in_progress=2),
    ], excluded=1), EN)
    assert [line.label for line in view.lines] == ["Beta", "Gamma", "Alpha"]
    beta, gamma, alpha = view.lines
    assert (beta.still_open, beta.overdue, beta.reopened) == (3, 2, 1)
    assert gamma.still_open == 4 and gamma.overdue == 0
    assert (alpha.resolved, alpha.verified, alpha.median_days, alpha.first_time_text) == (2, 3, "2.2", "75.0%")
    assert beta.median_days is None and beta.first_time_text == "–"
    totals = view.totals
    assert (totals.total, totals.still_open, totals.overdue, totals.resolved, totals.verified) == (13, 8, 2, 2, 3)
    assert view.today == "2026-11-23" and view.excluded_rejected == 1


def test_item_rows_read_the_items_text_in_the_managers_language_and_no_assignee_is_named() -> None:
    checklists = load_checklist_dir(REPO_CHECKLIST_DIR)
    zh = Labeller(checklists, "zh-CN")
    (item,) = action_report(answer("item", [group("greet_within_3s", open=1)]), zh).lines
    assert item.label is not None and "3" in item.label and item.label != "greet_within_3s"
    assert any("\u4e00" <= ch <= "\u9fff" for ch in item.label)
    (unknown,) = action_report(answer("item", [group("no_such_item", open=1)]), zh).lines
    assert unknown.label == "no_such_item"
    rows = action_report(answer("assignee", [group(None, open=1), group("demo-manager", open=1)]), EN).lines
    assert [(line.label, line.label_key) for line in rows] == [
        ("demo-manager", None), (None, "reports_actions.unassigned")]


def info(action_id: str, item_key: str, status: str, *, visit_id: str | None = "v1",
         created_at: dt.datetime = VISIT_START + dt.timedelta(minutes=30), overdue: bool = False,
         assignee: str | None = "demo-manager") -> ActionInfo:
    return ActionInfo(id=action_id, site_id="s1", visit_id=visit_id, item_key=item_key, title="t",
                      due_on=dt.date(2026, 11, 24), assignee=assignee, created_at=created_at,
                      status=status, overdue=overdue)


def test_a_failed_item_shows_the_action_raised_from_this_visit() -> None:
    found = failed_item_actions("v1", VISIT_START, ["sign", "floor"], [
        info("a1", "sign", "resolved", assignee=None), info("a2", "other", "open")])
    assert set(found) == {"sign"}
    sign = found["sign"]
    assert (sign.id, sign.status, sign.assignee, sign.due_text, sign.raised_here) == (
        "a1", "resolved", None, "2026-11-24", True)


def test_without_its_own_action_a_failure_shows_the_earlier_action_still_in_the_loop() -> None:
    before = VISIT_START - dt.timedelta(days=2)
    found = failed_item_actions("v1", VISIT_START, ["sign", "floor", "door"], [
        info("old-open", "sign", "reopened", visit_id="v0", created_at=before, overdue=True),
        info("old-done", "floor", "verified", visit_id="v0", created_at=before),
        info("later", "door", "open", visit_id="v2", created_at=VISIT_START + dt.timedelta(days=1)),
    ])
    assert set(found) == {"sign"}  # a verified one closed that loop; a later one is not this failure's
    assert found["sign"].raised_here is False and found["sign"].overdue is True
