"""Compliance reports through the HTTP API: hand-computed rows, every filter, local dates,
CSV, region scoping and validation. Runs on SQLite and PostgreSQL (the `server` fixture)."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path
from typing import Any

import pytest

from audit_app.domain import GroupRow, wilson_interval
from sync_server.settings import Settings

from .conftest import CHECKLIST_DIR, Server, fresh_database_url
from .visit_data import new_id, visit_body

REPORTS = "/api/v1/reports"
# A second checklist, so the checklist filter and grouping have two keys.
KIOSK_YAML = """
id: kiosk-check
version: 1
title: {en: "Kiosk check", zh: "自助机检查"}
mode: inspection
sections:
  - key: main
    title: {en: "Main", zh: "主要"}
    items:
      - key: screen_clean
        text: {en: "Screen clean", zh: "屏幕干净"}
        kind: check
        dimension: tangibles
        attribution: site
        source: "test"
"""


@pytest.fixture
def settings(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    checklist_dir = tmp_path / "checklists"
    shutil.copytree(CHECKLIST_DIR, checklist_dir)
    (checklist_dir / "kiosk-check.yaml").write_text(KIOSK_YAML, encoding="utf-8")
    return Settings(database_url=fresh_database_url(backend, request, tmp_path),
                    data_dir=tmp_path, checklist_dir=checklist_dir)


def upload(server: Server, who: str, body: dict[str, Any]) -> None:
    answer = server.client.put(f"/api/v1/visits/{body['id']}", json=body, headers=server.auth(who))
    assert answer.status_code == 201, answer.text


def kiosk_body(*, site_id: str, clean: bool, started_at: str) -> dict[str, Any]:
    return {"id": new_id(), "checklist_id": "kiosk-check", "checklist_version": 1,
            "site_id": site_id, "staff_ids": [], "started_at": started_at,
            "finished_at": started_at,
            "observations": [{"item_key": "screen_clean", "value": clean,
                              "recorded_at": started_at}]}


@pytest.fixture
def three_visits(server: Server) -> Server:
    """V1 (n1, staff-1, 11-20 +08, revised to all-pass), V2 (n1, staff-2, 11-19, knocked out),
    V3 (s1, staff-3, auditor B, 11-20 23:30 -05:00 = 11-21 in UTC)."""
    v1 = new_id()
    upload(server, "auditor_a", visit_body(v1, greeted=False))  # revision 1: replaced below
    upload(server, "auditor_a", visit_body(v1, revision=2))
    upload(server, "auditor_a", _v2())
    upload(server, "auditor_b", _v3())
    return server


def _v2() -> dict[str, Any]:
    body = visit_body(staff_ids=["staff-2"], greeted=False, greet_time=5.0, friendliness=3)
    body["observations"].append({"item_key": "tidy_floor", "na": True,
                                 "recorded_at": "2026-11-19T10:00:05+08:00"})
    body["started_at"] = "2026-11-19T10:00:00+08:00"
    body["finished_at"] = "2026-11-19T10:20:00+08:00"
    return body


def _v3() -> dict[str, Any]:
    body = visit_body(site_id="site-s1", staff_ids=["staff-3"], queue_length=5, friendliness=4)
    for obs in body["observations"]:
        if obs["item_key"] == "greet_time":
            obs["na"] = True
    body["started_at"] = "2026-11-20T23:30:00-05:00"
    body["finished_at"] = "2026-11-20T23:50:00-05:00"
    return body


def report(server: Server, who: str = "manager_all", **params: Any) -> list[dict[str, Any]]:
    answer = server.client.get(f"{REPORTS}/compliance", params=params, headers=server.auth(who))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["group_by"] == params["group_by"]
    assert (body["target"], body["award_floor"]) == (0.9, 0.8)
    return body["rows"]  # type: ignore[no-any-return]


def totals(rows: list[dict[str, Any]]) -> dict[str, tuple[Any, ...]]:
    """key → (applicable, passed, observations, visits, critical_failures)."""
    return {row["key"]: (row["applicable"], row["passed"], row["observations"], row["visits"],
                         row["critical_failures"]) for row in rows}


def test_site_rows_are_the_hand_computed_totals_of_latest_revisions(three_visits: Server) -> None:
    rows = report(three_visits, group_by="site")
    assert totals(rows) == {"site-n1": (10, 6, 8, 2, 1), "site-s1": (4, 3, 3, 1, 0)}
    north, south = rows
    assert set(north) == set(GroupRow.model_fields)
    assert north["label"] == "North One" and south["label"] == "South One"
    assert north["rate"] == pytest.approx(0.6)
    assert north["visit_score_mean"] == pytest.approx(0.5)  # V1 1.0, V2 knocked out 0.0
    assert south["visit_score_mean"] == pytest.approx(0.75)
    assert (north["ci_low"], north["ci_high"]) == pytest.approx(wilson_interval(0.6, 8))
    assert north["below_target"] is True and north["small_sample"] is True
    assert north["below_award_floor"] is None  # staff rows only


def test_staff_rows_leave_out_site_items_and_flag_the_award_floor(three_visits: Server) -> None:
    rows = report(three_visits, group_by="staff")
    assert totals(rows) == {"staff-1": (4, 4, 3, 1, 0), "staff-2": (4, 0, 3, 1, 1),
                            "staff-3": (3, 3, 2, 1, 0)}
    by_key = {row["key"]: row for row in rows}
    assert by_key["staff-2"]["label"] == "Wang Wei"
    assert by_key["staff-2"]["below_award_floor"] is True
    assert by_key["staff-1"]["below_award_floor"] is False
    assert all(row["visit_score_mean"] is None for row in rows)


def test_dimension_rows_include_a_group_that_is_all_na(three_visits: Server) -> None:
    rows = report(three_visits, group_by="dimension")
    assert totals(rows) == {"customer_orientation": (3, 2, 3, 3, 1),
                            "empathy": (6, 4, 3, 3, 0),
                            "responsiveness": (5, 3, 5, 3, 0),
                            "tangibles": (0, 0, 0, 0, 0)}  # V2's only tangibles item was N/A
    tangibles = rows[-1]
    assert tangibles["label"] == "Tangibles (environment)"
    assert (tangibles["rate"], tangibles["ci_low"], tangibles["below_target"]) == (None, None, None)


def test_a_visit_with_only_na_observations_in_a_group_is_not_one_of_its_visits(
        three_visits: Server) -> None:
    """V4 at s1 answers every scored item N/A: each row keeps V3's figures (CONTRACT §3), by
    every SQL path (per-visit totals, per-(key, visit) totals, item rows, the staff filter)."""
    body = visit_body(site_id="site-s1", staff_ids=["staff-3"])
    for obs in body["observations"]:
        if obs["item_key"] != "remarks":
            obs["na"] = True
    upload(three_visits, "auditor_a", body)
    assert totals(report(three_visits, group_by="site"))["site-s1"] == (4, 3, 3, 1, 0)
    assert totals(report(three_visits, group_by="checklist")) == {"shop-visit": (14, 9, 11, 3, 1)}
    assert totals(report(three_visits, group_by="staff"))["staff-3"] == (3, 3, 2, 1, 0)
    items = totals(report(three_visits, group_by="item"))
    assert items["shop-visit/friendliness"] == (6, 4, 3, 3, 0)
    assert totals(report(three_visits, group_by="dimension"))["empathy"] == (6, 4, 3, 3, 0)
    by_staff_filter = totals(report(three_visits, group_by="site", staff_id="staff-3"))
    assert by_staff_filter == {"site-s1": (3, 3, 2, 1, 0)}


def test_item_and_checklist_rows(three_visits: Server) -> None:
    items = {row["key"]: row for row in report(three_visits, group_by="item")}
    assert sorted(items) == ["shop-visit/friendliness", "shop-visit/greet_time",
                             "shop-visit/greeted", "shop-visit/queue_length",
                             "shop-visit/tidy_floor"]
    assert items["shop-visit/friendliness"]["label"] == "Friendliness"
    assert totals([items["shop-visit/greet_time"]]) == {"shop-visit/greet_time": (2, 1, 2, 2, 0)}
    checklist = report(three_visits, group_by="checklist")
    assert totals(checklist) == {"shop-visit": (14, 9, 11, 3, 1)}
    assert checklist[0]["label"] == "Shop visit (test)"
    assert checklist[0]["visit_score_mean"] == pytest.approx((1 + 0 + 0.75) / 3)


@pytest.mark.parametrize(("params", "expected"), [
    ({"from": "2026-11-20", "to": "2026-11-20"}, {"site-n1": (5, 5, 4, 1, 0), "site-s1": (4, 3, 3, 1, 0)}),
    ({"from": "2026-11-21"}, {}),  # V3 is 11-21 in UTC but happened on 11-20
    ({"to": "2026-11-19"}, {"site-n1": (5, 1, 4, 1, 1)}),
    ({"site_id": "site-s1"}, {"site-s1": (4, 3, 3, 1, 0)}),
    ({"region": "north"}, {"site-n1": (10, 6, 8, 2, 1)}),
    ({"region": "nowhere"}, {}),
    ({"checklist_id": "shop-visit"}, {"site-n1": (10, 6, 8, 2, 1), "site-s1": (4, 3, 3, 1, 0)}),
    ({"checklist_id": "nothing"}, {}),
    ({"staff_id": "staff-2"}, {"site-n1": (4, 0, 3, 1, 1)}),
    ({"auditor_id": "auditor_b"}, {"site-s1": (4, 3, 3, 1, 0)}),
    ({"auditor_id": "auditor_a", "from": "2026-11-20"}, {"site-n1": (5, 5, 4, 1, 0)}),
])
def test_each_filter_narrows_the_rows(three_visits: Server, params: dict[str, str],
                                      expected: dict[str, tuple[Any, ...]]) -> None:
    assert totals(report(three_visits, group_by="site", **params)) == expected


def test_staff_filter_keeps_the_visit_mean_of_that_staff_members_visits(three_visits: Server) -> None:
    [row] = report(three_visits, group_by="site", staff_id="staff-2")
    assert row["visit_score_mean"] == 0.0


def test_checklist_filter_and_grouping_with_two_checklists(server: Server) -> None:
    upload(server, "auditor_a", visit_body())
    upload(server, "auditor_a", kiosk_body(site_id="site-n1", clean=False,
                                           started_at="2026-11-20T09:00:00+08:00"))
    assert totals(report(server, group_by="checklist")) == {
        "kiosk-check": (1, 0, 1, 1, 0), "shop-visit": (5, 5, 4, 1, 0)}
    assert totals(report(server, group_by="site", checklist_id="kiosk-check")) == {
        "site-n1": (1, 0, 1, 1, 0)}
    assert report(server, group_by="checklist")[0]["label"] == "Kiosk check"


def test_regional_manager_sees_only_their_region(three_visits: Server) -> None:
    assert set(totals(report(three_visits, "manager_north", group_by="site"))) == {"site-n1"}
    assert set(totals(report(three_visits, "manager_south", group_by="staff"))) == {"staff-3"}
    assert report(three_visits, "manager_north", group_by="site", site_id="site-s1") == []
    assert set(totals(report(three_visits, "admin", group_by="site"))) == {"site-n1", "site-s1"}


def test_regional_manager_asking_for_another_region_is_refused(three_visits: Server) -> None:
    for path in ("compliance", "compliance.csv", "trend"):
        answer = three_visits.client.get(f"{REPORTS}/{path}",
                                         params={"group_by": "site", "region": "south"},
                                         headers=three_visits.auth("manager_north"))
        assert answer.status_code == 403
        assert answer.json()["error"]["code"] == "forbidden"
    own = three_visits.client.get(f"{REPORTS}/compliance", params={"group_by": "site", "region": "north"},
                                  headers=three_visits.auth("manager_north"))
    assert own.status_code == 200


@pytest.mark.parametrize("who,status", [("auditor_a", 403), ("revoked", 401), ("nobody", 401),
                                        ("manager_all", 200), ("admin", 200)])
@pytest.mark.parametrize("path", ["compliance", "compliance.csv", "trend"])
def test_reports_need_a_manager_or_admin(server: Server, who: str, status: int, path: str) -> None:
    answer = server.client.get(f"{REPORTS}/{path}", params={"group_by": "site"},
                               headers=server.auth(who))
    assert answer.status_code == status
    if status != 200:
        assert answer.json()["error"]["code"] in ("forbidden", "unauthorized")


@pytest.mark.parametrize("params", [
    {"group_by": "region"}, {}, {"group_by": "site", "from": "2026-13-01"},
    {"group_by": "site", "to": "yesterday"},
    {"group_by": "site", "from": "2026-11-21", "to": "2026-11-20"},
    {"group_by": "site", "auditor_id": "\x00"}, {"group_by": "site", "region": "north\n"},
    {"group_by": "site", "site_id": "x" * 65},
])
def test_bad_report_queries_are_422_with_the_error_body(server: Server, params: dict[str, str]) -> None:
    for path in ("compliance", "compliance.csv"):
        answer = server.client.get(f"{REPORTS}/{path}", params=params, headers=server.auth("admin"))
        assert answer.status_code == 422
        error = answer.json()["error"]
        assert error["code"] == "invalid_request" and error["details"]


def test_csv_has_the_same_rows_as_json(three_visits: Server) -> None:
    answer = three_visits.client.get(f"{REPORTS}/compliance.csv", params={"group_by": "dimension"},
                                     headers=three_visits.auth("manager_all"))
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    records = list(csv.DictReader(io.StringIO(answer.text)))
    assert list(records[0]) == list(GroupRow.model_fields)
    rows = report(three_visits, group_by="dimension")
    assert [r["key"] for r in records] == [row["key"] for row in rows]
    for record, row in zip(records, rows, strict=True):
        assert float(record["applicable"]) == row["applicable"]
        assert int(record["observations"]) == row["observations"]
        assert record["below_target"] == {True: "true", False: "false", None: ""}[row["below_target"]]
        assert record["rate"] == ("" if row["rate"] is None else str(row["rate"]))


def test_csv_of_no_rows_is_just_the_header(server: Server) -> None:
    answer = server.client.get(f"{REPORTS}/compliance.csv", params={"group_by": "staff"},
                               headers=server.auth("admin"))
    assert answer.text == ",".join(GroupRow.model_fields) + "\r\n"
