"""The phone's copy of an action from the server: its status derives from the counted events
only (a re-check by a since-rejected visit is kept but ignored, docs/integrity.md), and a
field a newer server adds does not make the copy unreadable."""

from __future__ import annotations

from pathlib import Path

from audit_app.store.actions import ActionBook

ACTION_ID = "7f1c9d3e-2b4a-4c5d-8e6f-0a1b2c3d4e5f"
VISIT_ID = "1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9"


def _copy(**verify: object) -> dict[str, object]:
    return {
        "id": ACTION_ID, "site_id": "site-n1", "visit_id": None, "item_key": None,
        "title": "Greet every customer", "priority": "urgent", "due_on": "2026-11-24",
        "assignee": None, "created_at": "2026-11-20T10:30:00+08:00", "created_by": "auditor_a",
        "status": "resolved", "history": [
            {"id": "2b2c3d4e-5f60-4718-8293-a4b5c6d7e8f0", "type": "resolve", "note": "briefed",
             "cause": "service_process", "root_cause": "no rule", "photos": [],
             "at": "2026-11-21T09:00:00+08:00", "by": "auditor_a", "visit_id": None},
            {"id": "3b2c3d4e-5f60-4718-8293-a4b5c6d7e8f1", "type": "verify", "note": None, "cause": None,
             "root_cause": None, "photos": [], "at": "2026-11-23T10:00:00+08:00", "by": "system",
             "visit_id": VISIT_ID, **verify}]}


def test_a_recheck_by_a_rejected_visit_is_shown_but_does_not_verify_the_action(tmp_path: Path) -> None:
    book = ActionBook(tmp_path / "actions.json")
    book.store_server_copies([_copy(counted=False)])
    view = book.view(ACTION_ID)
    assert view is not None
    assert [event.type for event in view.history] == ["resolve", "verify"]
    assert view.status == "resolved"
    book.store_server_copies([_copy(counted=True)])
    assert book.view(ACTION_ID).status == "verified"


def test_a_field_a_newer_server_adds_to_an_event_is_ignored(tmp_path: Path) -> None:
    book = ActionBook(tmp_path / "actions.json")
    book.store_server_copies([_copy(decided_by_revision=2)])
    assert book.view(ACTION_ID).status == "verified"
