"""Demo data: visits from the bundled checklists, a manager sees real reports, a second run
re-uses everything and replaces the demo tokens."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

from sync_server.app import create_app
from sync_server.cli import run
from sync_server.demo import (
    DAYS, DUPLICATE_SITE, FAR_CHECK_IN, REVIEWS, SIMILAR_SITE, SITES, TOO_FAST, USERS, _visit_id,
    load_demo,
)
from sync_server.settings import REPO_CHECKLIST_DIR, Settings

from .conftest import fresh_database_url

NOW = dt.datetime(2026, 11, 23, 6, 0, tzinfo=dt.UTC)


@pytest.fixture
def settings(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    return Settings(database_url=fresh_database_url(backend, request, tmp_path),
                    data_dir=tmp_path, checklist_dir=REPO_CHECKLIST_DIR)


def get(client: TestClient, token: str, path: str, **params: str) -> dict:  # type: ignore[type-arg]
    answer = client.get(f"/api/v1{path}", params=params, headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.text
    return answer.json()  # type: ignore[no-any-return]


def test_demo_creates_visits_a_manager_can_report_on(settings: Settings) -> None:
    result = load_demo(settings, visits=60, now=NOW)
    assert (result.visits_added, result.visits_already_there) == (60, 0)
    assert result.sites == len(SITES) and 3 * len(SITES) <= result.staff <= 5 * len(SITES)
    tokens = {login.name: login.token for login in result.logins}
    assert {login.role for login in result.logins} == {"auditor", "manager", "admin"}
    with TestClient(create_app(settings)) as client:
        report = get(client, tokens["demo-manager"], "/reports/compliance", group_by="site")
        rows = report["rows"]
        assert [row["key"] for row in rows] == sorted(site[0] for site in SITES)
        # The demo rejects one visit (docs/integrity.md): it leaves the numbers.
        assert report["excluded_rejected"] == 1
        assert sum(row["visits"] for row in rows) == 59
        assert all(row["observations"] > 0 and 0 < row["rate"] <= 1 for row in rows)
        staff = get(client, tokens["demo-manager"], "/reports/compliance", group_by="staff")["rows"]
        assert len(staff) >= len(SITES) and all(" " in row["label"] for row in staff)
        east = get(client, tokens["demo-manager-east"], "/reports/compliance", group_by="site")["rows"]
        assert {row["key"] for row in east} == {s[0] for s in SITES if s[2] == "east"}
        weeks = get(client, tokens["demo-admin"], "/reports/trend", group_by="site", interval="week")
        periods = {row["period"] for row in weeks["rows"]}
        assert len(periods) >= DAYS // 7 - 1
        assert min(periods) >= (NOW.date() - dt.timedelta(days=DAYS + 7)).isoformat()
        listed = client.get("/api/v1/visits", params={"limit": 1000},
                            headers={"Authorization": f"Bearer {tokens['demo-admin']}"}).json()
        assert len(listed) == 60


def test_second_demo_run_adds_nothing_twice_and_replaces_tokens(settings: Settings) -> None:
    first = load_demo(settings, visits=20, now=NOW)
    second = load_demo(settings, visits=30, now=NOW + dt.timedelta(days=1))
    assert (second.visits_added, second.visits_already_there) == (10, 20)
    assert all(login.replaced for login in second.logins)
    with TestClient(create_app(settings)) as client:
        old = {login.name: login.token for login in first.logins}["demo-manager"]
        new = {login.name: login.token for login in second.logins}["demo-manager"]
        assert client.get("/api/v1/reports/compliance", params={"group_by": "site"},
                          headers={"Authorization": f"Bearer {old}"}).status_code == 401
        rows = get(client, new, "/reports/compliance", group_by="checklist",
                   include_rejected="true")["rows"]
        assert sum(row["visits"] for row in rows) == 30


# What `make run` parses: `  <name>  <role>[ (region)]  <link>`.
LINK_LINE = re.compile(r"^\s+(?P<name>\S+)\s+(?P<role>admin|manager|auditor)\b(?P<scope>.*?)"
                       r"\s+(?P<link>https?://\S+[?&]enrol=\S+)\s*$")


def test_demo_command_prints_every_login(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    environ = {"AUDIT_DATA_DIR": str(tmp_path)}
    assert run(["demo", "--visits", "5"], environ) == 0
    printed = capsys.readouterr().out
    assert "5 added" in printed
    for name in ("demo-admin", "demo-manager", "demo-manager-east", "demo-auditor"):
        line = next(line for line in printed.splitlines() if line.strip().startswith(name + " "))
        assert len(line.split()[-1]) >= 40  # the token itself


def test_demo_command_prints_an_enrolment_link_per_user_that_enrols_as_that_user(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    environ = {"AUDIT_DATA_DIR": str(tmp_path)}
    assert run(["demo", "--visits", "2", "--app-url", "http://127.0.0.1:8551",
                "--server-url", "http://127.0.0.1:8081"], environ) == 0
    lines = [match for line in capsys.readouterr().out.splitlines()
             if (match := LINK_LINE.match(line))]
    assert [(m["name"], m["role"], m["scope"].strip()) for m in lines] == [
        (name, role, f"({region})" if region else "") for name, role, region in USERS]
    with TestClient(create_app(Settings(data_dir=tmp_path))) as client:
        for match in lines:
            query = parse_qs(urlsplit(match["link"]).query)
            assert match["link"].startswith("http://127.0.0.1:8551/?enrol=")
            assert query["server"] == ["http://127.0.0.1:8081"]
            answer = client.post("/api/v1/enrol", json={"code": query["enrol"][0]})
            assert answer.status_code == 201, answer.text
            assert (answer.json()["name"], answer.json()["role"]) == (match["name"], match["role"])


def test_demo_without_checklists_is_a_clear_error(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    environ = {"AUDIT_DATA_DIR": str(tmp_path), "AUDIT_CHECKLIST_DIR": str(tmp_path / "none")}
    assert run(["demo"], environ) == 1
    assert "no checklists" in capsys.readouterr().err


def test_demo_photos_belong_to_their_sites_region(settings: Settings) -> None:
    result = load_demo(settings, visits=60, now=NOW)
    tokens = {login.name: login.token for login in result.logins}
    region = {site[0]: site[2] for site in SITES}
    with TestClient(create_app(settings)) as client:
        admin = {"Authorization": f"Bearer {tokens['demo-admin']}"}
        photo_region: dict[str, set[str]] = {}
        for summary in client.get("/api/v1/visits", params={"limit": 1000}, headers=admin).json():
            visit = get(client, tokens["demo-admin"], f"/visits/{summary['id']}")["visit"]
            for photo in visit["photos"]:
                photo_region.setdefault(photo["sha256"], set()).add(region[visit["site_id"]])
        assert all(len(regions) == 1 for regions in photo_region.values())
        by_region = {regions.pop(): sha for sha, regions in photo_region.items()}
        east = {"Authorization": f"Bearer {tokens['demo-manager-east']}"}
        assert client.get(f"/api/v1/photos/{by_region['east']}", params={"size": "thumb"},
                          headers=east).status_code == 200
        assert client.get(f"/api/v1/photos/{by_region['south']}", headers=east).status_code == 404


def test_demo_has_flagged_and_reviewed_visits_and_site_coordinates(settings: Settings) -> None:
    result = load_demo(settings, visits=60, now=NOW)
    admin = {"Authorization": f"Bearer {next(l.token for l in result.logins if l.name == 'demo-admin')}"}
    with TestClient(create_app(settings)) as client:
        sites = client.get("/api/v1/sites", headers=admin).json()
        assert all(site["lat"] is not None and site["lon"] is not None for site in sites)
        listed = client.get("/api/v1/visits", params={"limit": 1000}, headers=admin).json()
        by_code: dict[str, set[str]] = {}
        for row in listed:
            for flag in row["flags"]:
                by_code.setdefault(flag["code"], set()).add(row["site_id"])
        assert by_code.pop("duplicate_photo") == {DUPLICATE_SITE}
        assert by_code.pop("similar_photo") == {SIMILAR_SITE}
        assert set(by_code) == {"far_check_in", "no_check_in", "copied_text", "too_fast"}
        states = {row["id"]: row["review_state"] for row in listed}
        assert {states[_visit_id(2026, n)] for n in REVIEWS} == {"rejected", "has_issues", "approved"}
        fast = {row["id"] for row in listed if any(f["code"] == "too_fast" for f in row["flags"])}
        far = {row["id"] for row in listed if any(f["code"] == "far_check_in" for f in row["flags"])}
        assert (fast, far) == ({_visit_id(2026, TOO_FAST)}, {_visit_id(2026, FAR_CHECK_IN)})
