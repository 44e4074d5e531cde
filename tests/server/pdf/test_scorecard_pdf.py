"""The scorecard PDF: managers of the site's region and admins get it, others 404; its figures
are the `/reports` figures (one query code), in the asked language; rejected visits are left
out of the figures and the visit list, and counted."""

from __future__ import annotations

from pathlib import Path

import pytest

from audit_app.domain.formats import percent, percent_range
from sync_server.pdf.words import Words
from tests.server.conftest import Server
from tests.server.visit_data import visit_body

from .conftest import need_poppler, pdf_text

PERIOD = {"from": "2026-11-01", "to": "2026-11-30"}


def squeeze(text: str) -> str:
    return "".join(text.split())


def add_visits(server: Server) -> None:
    bodies = [visit_body(site_id="site-n1", staff_ids=["staff-1"]),
              visit_body(site_id="site-n1", staff_ids=["staff-2"], greet_time=7.5, friendliness=2),
              visit_body(site_id="site-n1", staff_ids=["staff-2"], greeted=False),
              visit_body(site_id="site-s1", staff_ids=["staff-3"], queue_length=6)]
    for body in bodies:
        answer = server.client.put(f"/api/v1/visits/{body['id']}", json=body,
                                   headers=server.auth("auditor_a"))
        assert answer.status_code == 201, answer.text


def test_who_may_have_which_scorecard(server: Server) -> None:
    add_visits(server)
    site = {**PERIOD, "site_id": "site-n1"}
    cases = [("manager_north", site, 200), ("manager_all", site, 200), ("admin", site, 200),
             ("manager_south", site, 404), ("auditor_a", site, 404), ("revoked", site, 401),
             ("manager_north", PERIOD, 200), ("manager_south", {**PERIOD, "region": "north"}, 404),
             ("auditor_a", PERIOD, 404), ("admin", {**PERIOD, "site_id": "no-such-site"}, 404),
             ("admin", {**PERIOD, "region": "nowhere"}, 404)]
    got = []
    for who, params, _ in cases:
        answer = server.client.get("/api/v1/reports/scorecard.pdf", params=params,
                                   headers=server.auth(who))
        got.append((who, params, answer.status_code))
        if answer.status_code == 200:
            assert answer.content.startswith(b"%PDF-")
    assert got == cases
    backwards = server.client.get("/api/v1/reports/scorecard.pdf", headers=server.auth("admin"),
                                  params={"from": "2026-12-01", "to": "2026-11-01"})
    assert backwards.status_code == 422
    too_long = server.client.get("/api/v1/reports/scorecard.pdf", headers=server.auth("admin"),
                                 params={"from": "0001-01-01", "to": "9999-12-31"})
    assert too_long.status_code == 422 and "371 days" in too_long.text


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_site_scorecard_shows_the_report_figures(server: Server, lang: str, tmp_path: Path) -> None:
    need_poppler()
    add_visits(server)
    auth = server.auth("manager_north")
    answer = server.client.get("/api/v1/reports/scorecard.pdf",
                               params={**PERIOD, "site_id": "site-n1", "lang": lang}, headers=auth)
    assert answer.status_code == 200, answer.text
    text = squeeze(pdf_text(answer.content, tmp_path))
    site = server.client.get("/api/v1/reports/compliance", headers=auth,
                             params={**PERIOD, "site_id": "site-n1", "group_by": "site"}).json()
    [row] = site["rows"]
    assert "NorthOne" in text
    assert squeeze(percent(row["rate"])) in text
    assert squeeze(percent_range(row["ci_low"], row["ci_high"])) in text
    staff = server.client.get("/api/v1/reports/compliance", headers=auth,
                              params={**PERIOD, "site_id": "site-n1", "group_by": "staff"}).json()
    for staff_row in staff["rows"]:
        assert squeeze(staff_row["label"]) in text and percent(staff_row["rate"]) in text
    assert ("Target90.0%" if lang == "en" else "目标90.0%") in text
    # the weakest items in the asked language, with their source
    assert ("Secondstogreeting" if lang == "en" else "问候用时") in text and "test" in text
    assert "SouthOne" not in text


def test_a_region_scorecard_has_a_comparison_page_and_a_page_per_site(server: Server,
                                                                      tmp_path: Path) -> None:
    need_poppler()
    add_visits(server)
    answer = server.client.get("/api/v1/reports/scorecard.pdf", params={**PERIOD, "lang": "en"},
                               headers=server.auth("admin"))
    assert answer.status_code == 200, answer.text
    pages = pdf_text(answer.content, tmp_path).split("\f")
    assert "Region scorecard: all regions" in pages[0] and "Sites compared" in pages[0]
    assert "North One (site-n1)" in pages[1] and "South One (site-s1)" in " ".join(pages[2:])
    north = server.client.get("/api/v1/reports/scorecard.pdf", params={**PERIOD, "lang": "en"},
                              headers=server.auth("manager_north"))
    text = pdf_text(north.content, tmp_path)
    assert "Region scorecard: north" in text and "South One" not in text


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_rejected_visits_leave_the_figures_and_the_visit_list_and_are_counted(
        server: Server, lang: str, tmp_path: Path) -> None:
    need_poppler()
    add_visits(server)
    rejected = visit_body(site_id="site-n1", staff_ids=["staff-1"], greeted=False, greet_time=9.0)
    assert server.client.put(f"/api/v1/visits/{rejected['id']}", json=rejected,
                             headers=server.auth("auditor_b")).status_code == 201
    auth = server.auth("manager_north")
    review = server.client.put(f"/api/v1/visits/{rejected['id']}/review", headers=auth,
                               json={"state": "rejected", "reason": "made up"})
    assert review.status_code == 200, review.text
    site = server.client.get("/api/v1/reports/compliance", headers=auth,
                             params={**PERIOD, "site_id": "site-n1", "group_by": "site"}).json()
    assert site["excluded_rejected"] == 1
    [row] = site["rows"]
    words = Words(lang)  # type: ignore[arg-type]
    counted = squeeze(words("pdf.scorecard.excluded_rejected", count=1))
    answer = server.client.get("/api/v1/reports/scorecard.pdf", headers=auth,
                               params={**PERIOD, "site_id": "site-n1", "lang": lang})
    text = squeeze(pdf_text(answer.content, tmp_path))
    assert counted in text
    assert squeeze(words("pdf.scorecard.sample", observations=row["observations"],
                         visits=row["visits"], critical=row["critical_failures"])) in text
    assert squeeze(percent(row["rate"])) in text
    # The visit list: auditor_a's three visits at site-n1, not auditor_b's rejected one.
    visits = text[text.index(squeeze(words("pdf.scorecard.visits"))):]
    assert visits.count("auditor_a") == 3 and "auditor_b" not in visits
    region = server.client.get("/api/v1/reports/scorecard.pdf", headers=auth,
                               params={**PERIOD, "lang": lang})
    pages = pdf_text(region.content, tmp_path).split("\f")
    assert counted in squeeze(pages[0])  # the comparison page: the region's total
