"""Who may have a visit's PDF: exactly who may read the visit (GET /visits/{id}); everyone
else gets 404 as for the visit itself, so a PDF leaks nothing a visit would not."""

from __future__ import annotations

from tests.server.conftest import Server
from tests.server.visit_data import visit_body

READERS = {"auditor_a", "manager_north", "manager_all", "admin"}


def test_the_visit_pdf_answers_exactly_like_the_visit(server: Server) -> None:
    body = visit_body(site_id="site-n1")
    stored = server.client.put(f"/api/v1/visits/{body['id']}", json=body, headers=server.auth("auditor_a"))
    assert stored.status_code == 201, stored.text
    statuses = {}
    for who in ("auditor_a", "auditor_b", "manager_north", "manager_south", "manager_all",
                "admin", "revoked", "nobody"):
        visit = server.client.get(f"/api/v1/visits/{body['id']}", headers=server.auth(who))
        pdf = server.client.get(f"/api/v1/visits/{body['id']}.pdf", params={"lang": "zh"},
                                headers=server.auth(who))
        statuses[who] = (visit.status_code, pdf.status_code)
        if pdf.status_code == 200:
            assert pdf.content.startswith(b"%PDF-") and b"North One" not in pdf.content[:0]
            assert pdf.headers["content-type"] == "application/pdf"
            assert "attachment" in pdf.headers["content-disposition"]
        else:
            assert pdf.json()["error"]["code"] in ("not_found", "unauthorized")
    assert statuses == {who: ((200, 200) if who in READERS else (401, 401)
                              if who in ("revoked", "nobody") else (404, 404))
                        for who in statuses}


def test_an_unknown_visit_or_language_is_refused(server: Server) -> None:
    assert server.client.get("/api/v1/visits/no-such-visit.pdf",
                             headers=server.auth("admin")).status_code == 404
    body = visit_body(site_id="site-s1", staff_ids=["staff-3"])
    server.client.put(f"/api/v1/visits/{body['id']}", json=body, headers=server.auth("auditor_b"))
    wrong = server.client.get(f"/api/v1/visits/{body['id']}.pdf", params={"lang": "fr"},
                              headers=server.auth("admin"))
    assert wrong.status_code == 422
