"""Demo corrective actions: every state is there (and some overdue), a second run adds none,
and the same `now` gives the same actions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from audit_app.domain.actions import STATUSES
from sync_server.app import create_app
from sync_server.demo import load_demo
from sync_server.settings import REPO_CHECKLIST_DIR, Settings

NOW = dt.datetime(2026, 11, 23, 6, 0, tzinfo=dt.UTC)


def _settings(directory: Path) -> Settings:
    directory.mkdir()
    return Settings(data_dir=directory, checklist_dir=REPO_CHECKLIST_DIR)


def _actions(settings: Settings, token: str) -> list[dict]:  # type: ignore[type-arg]
    with TestClient(create_app(settings)) as client:
        answer = client.get("/api/v1/actions", params={"limit": 1000, "today": NOW.date().isoformat()},
                            headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 200
        return answer.json()  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, list[dict]]:  # type: ignore[type-arg]
    settings = _settings(tmp_path_factory.mktemp("demo") / "a")
    result = load_demo(settings, visits=60, now=NOW)
    assert result.actions_added == 18
    manager = next(login.token for login in result.logins if login.name == "demo-manager")
    return settings, _actions(settings, manager)


def test_the_demo_has_actions_in_every_state_and_some_overdue(loaded) -> None:  # type: ignore[no-untyped-def]
    _settings_, actions = loaded
    assert {a["status"] for a in actions} == set(STATUSES)
    assert any(a["overdue"] for a in actions)
    assert all(a["visit_id"] and a["item_key"] for a in actions)


def test_the_make_run_demo_has_overdue_actions_too(tmp_path: Path) -> None:
    """300 visits (make run's): the actions come from three weeks of failures, not the last
    days' alone, so some are overdue on the demo's today."""
    settings = _settings(tmp_path / "big")
    result = load_demo(settings, visits=300, now=NOW)
    manager = next(login.token for login in result.logins if login.name == "demo-manager")
    actions = _actions(settings, manager)
    assert len(actions) == 18 and {a["status"] for a in actions} == set(STATUSES)
    assert 1 <= sum(a["overdue"] for a in actions) < 18


def test_a_second_run_adds_no_action(loaded) -> None:  # type: ignore[no-untyped-def]
    settings, first = loaded
    again = load_demo(settings, visits=60, now=NOW)
    assert again.actions_added == 0
    manager = next(login.token for login in again.logins if login.name == "demo-manager")
    assert _actions(settings, manager) == first


def test_the_same_now_gives_the_same_actions(loaded, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _settings_, first = loaded
    other = _settings(tmp_path / "b")
    result = load_demo(other, visits=60, now=NOW)
    manager = next(login.token for login in result.logins if login.name == "demo-manager")
    assert _actions(other, manager) == first
