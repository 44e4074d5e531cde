"""Review: who may review (role matrix), reasons, the kept history, a new revision going back
to `received`, the review filter, and rejected visits leaving the trend and the CSV."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import CAST, Server
from .visit_data import changed, visit_body


def review(server: Server, visit_id: str, who: str, state: str = "rejected",
           reason: str | None = "photos reused") -> Any:
    return server.client.put(f"/api/v1/visits/{visit_id}/review", headers=server.auth(who),
                             json={"state": state, "reason": reason})


def upload(server: Server, body: dict[str, Any], who: str = "auditor_a") -> None:
    answer = server.client.put(f"/api/v1/visits/{body['id']}", json=body, headers=server.auth(who))
    assert answer.status_code == 201, answer.text


# A north visit of auditor_a: who may review it.
EXPECTED = {"auditor_a": 403, "auditor_b": 403, "manager_north": 200, "manager_south": 404,
            "manager_all": 200, "admin": 200, "revoked": 401, "nobody": 401}


def test_only_a_manager_of_the_visits_region_or_an_admin_may_review(server: Server) -> None:
    body = visit_body(site_id="site-n1")
    upload(server, body)
    actual = {who: review(server, body["id"], who, "approved", None).status_code
              for who in [*CAST, "nobody"]}
    assert actual == EXPECTED
    assert review(server, "no-such-visit", "admin").status_code == 404


def test_has_issues_and_rejected_need_a_reason_in_both_languages(server: Server) -> None:
    body = visit_body()
    upload(server, body)
    for state in ("has_issues", "rejected"):
        answer = review(server, body["id"], "admin", state, "   ")
        assert answer.status_code == 422
        [detail] = answer.json()["error"]["details"]
        assert detail["code"] == "reason_required" and detail["message_zh"].endswith("。")
    assert review(server, body["id"], "admin", "approved", None).status_code == 200


def test_every_change_is_kept_and_a_new_revision_goes_back_to_received(server: Server) -> None:
    body = visit_body()
    upload(server, body)
    assert review(server, body["id"], "manager_north", "has_issues", "blurry photo").status_code == 200
    answer = review(server, body["id"], "admin", "rejected", "wrong shop")
    assert answer.json()["state"] == "rejected"
    assert [(h["state"], h["by"], h["reason"]) for h in answer.json()["history"]] == [
        ("has_issues", "manager_north", "blurry photo"), ("rejected", "admin", "wrong shop")]
    upload(server, changed(body, revision=2))
    detail = server.client.get(f"/api/v1/visits/{body['id']}", headers=server.auth("auditor_a")).json()
    assert detail["review"]["state"] == "received"
    assert [(h["state"], h["by"], h["revision"]) for h in detail["review_history"]] == [
        ("has_issues", "manager_north", 1), ("rejected", "admin", 1), ("received", None, 2)]


def test_the_visit_list_filters_by_review_and_shows_the_auditor_the_reason(server: Server) -> None:
    rejected, approved, untouched = visit_body(), visit_body(), visit_body()
    for body in (rejected, approved, untouched):
        upload(server, body)
    review(server, rejected["id"], "admin", "rejected", "the receipt is from another shop")
    review(server, approved["id"], "admin", "approved", None)

    def listed(who: str, **params: str) -> dict[str, tuple[str, str | None]]:
        answer = server.client.get("/api/v1/visits", params=params, headers=server.auth(who))
        assert answer.status_code == 200, answer.text
        return {row["id"]: (row["review_state"], row["review_reason"]) for row in answer.json()}

    assert listed("manager_north", review="rejected") == {
        rejected["id"]: ("rejected", "the receipt is from another shop")}
    assert set(listed("admin", review="received")) == {untouched["id"]}
    assert listed("auditor_a")[rejected["id"]] == ("rejected", "the receipt is from another shop")


@pytest.mark.parametrize("path", ["/api/v1/reports/trend?group_by=site&interval=day",
                                  "/api/v1/reports/compliance.csv?group_by=site"])
def test_a_rejected_visit_leaves_the_trend_and_the_csv_unless_included(server: Server,
                                                                       path: str) -> None:
    passing, failing = visit_body(), visit_body(greeted=False)
    upload(server, passing)
    upload(server, failing)

    def figures(extra: str = "") -> tuple[str, str]:
        answer = server.client.get(path + extra, headers=server.auth("manager_north"))
        assert answer.status_code == 200, answer.text
        if path.endswith("interval=day"):
            report = answer.json()
            return str(report["rows"][0]["rate"]), str(report["excluded_rejected"])
        rate_column = answer.text.splitlines()[0].split(",").index("rate")
        return answer.text.splitlines()[1].split(",")[rate_column], answer.headers["X-Excluded-Rejected"]

    before = figures()
    assert review(server, failing["id"], "manager_north").status_code == 200
    assert figures() == ("1.0", "1")
    assert figures("&include_rejected=true") == (before[0], "0")
    assert before[0] != "1.0"
