"""422 visit problems carry a Chinese message beside the English one (the phone shows either)."""

from __future__ import annotations

from .conftest import Server
from .visit_data import visit_body


def test_server_only_problems_come_with_chinese_messages(server: Server) -> None:
    body = visit_body(site_id="site-nowhere", staff_ids=["staff-ghost"])
    answer = server.client.put(f"/api/v1/visits/{body['id']}", json=body, headers=server.auth("auditor_a"))
    assert answer.status_code == 422
    details = {d["code"]: d for d in answer.json()["error"]["details"]}
    assert details["unknown_site"]["message_zh"] == "门店 site-nowhere 在服务器上不存在"
    assert details["unknown_staff"]["message_zh"] == "员工 staff-ghost 在服务器上不存在"


def test_domain_problems_pass_their_chinese_message_through(server: Server) -> None:
    body = visit_body(site_id="site-n1")
    body["observations"] = []  # every required item unanswered
    answer = server.client.put(f"/api/v1/visits/{body['id']}", json=body, headers=server.auth("auditor_a"))
    assert answer.status_code == 422
    missing = [d for d in answer.json()["error"]["details"] if d["code"] == "missing_required"]
    assert missing and all("必答项目尚未作答" in d["message_zh"] for d in missing)
