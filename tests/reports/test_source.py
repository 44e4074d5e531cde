"""The reports client against a real sync server with demo data: answers parse, the chart shows
the server's rates, refusals are the server's word, and the last report stays readable offline
with its "as of" time."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from audit_app.checklist_files import load_checklist_dir
from audit_app.reports.cache import CACHE_FILE, ReportCache
from audit_app.reports.charts import overview
from audit_app.reports.formats import duration
from audit_app.reports.client import NotAllowed, NotFound, ReportsClient, ServerUnreachable, TokenRefused
from audit_app.reports.labels import Labeller
from audit_app.reports.source import ReportSource
from audit_app.reports.visits import visit_rows, visit_view

from .demo_server import RunningServer, start_server

PARAMS = {"from": "2026-09-01", "to": "2026-11-23"}


def source(url: str, token: str, folder: Path, at: dt.datetime) -> ReportSource:
    return ReportSource(ReportsClient(url, token), ReportCache(folder), lambda: at)


def test_site_chart_shows_the_rates_the_server_answers(demo_server: RunningServer, tmp_path: Path) -> None:
    at = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)
    reports = source(demo_server.url, demo_server.tokens["demo-manager"], tmp_path, at)
    fetched = reports.compliance("site", PARAMS)
    reports.client.close()
    assert (fetched.offline, fetched.as_of) == (False, at)
    rows = fetched.answer.rows
    assert len(rows) == 6
    result = overview(fetched.answer, Labeller(load_checklist_dir(), "en"))
    by_key = {r.key: r for r in rows}
    assert {b.key: b.rate_pct for b in result.chart.bars} == {
        key: r.rate * 100 for key, r in by_key.items() if r.rate is not None}
    assert result.chart.bars[0].key == min(rows, key=lambda r: r.rate or 0).key


def test_regional_manager_gets_their_region_and_a_403_for_another(demo_server: RunningServer,
                                                                   tmp_path: Path) -> None:
    with ReportsClient(demo_server.url, demo_server.tokens["demo-manager-east"]) as client:
        keys = {r.key for r in client.compliance("site", PARAMS).rows}
        assert keys == {"demo-east-1", "demo-east-2", "demo-east-3"}
        with pytest.raises(NotAllowed):
            client.compliance("site", {**PARAMS, "region": "south"})
    with ReportsClient(demo_server.url, "not-a-token") as stranger, pytest.raises(TokenRefused):
        stranger.compliance("site", PARAMS)
    with ReportsClient(demo_server.url, demo_server.tokens["demo-auditor"]) as auditor, \
            pytest.raises(NotAllowed):
        auditor.compliance("site", PARAMS)


def test_drill_down_lists_a_sites_visits_and_shows_one_with_thresholds(
        demo_server: RunningServer) -> None:
    client = ReportsClient(demo_server.url, demo_server.tokens["demo-manager"])
    labeller = Labeller(load_checklist_dir(), "zh-CN")
    visits = client.visits({**PARAMS, "site_id": "demo-east-2"})
    assert visits and {v.site_id for v in visits} == {"demo-east-2"}
    rows = visit_rows(visits, labeller)
    assert [r.date_text for r in rows] == sorted((r.date_text for r in rows), reverse=True)
    detail = client.visit(rows[0].id)
    checklist = labeller.checklist(detail.visit.checklist_id, detail.visit.checklist_version)
    assert checklist is not None
    view = visit_view(detail, checklist, labeller)
    assert len(view.lines) == len(detail.visit.observations)
    timed = [line for line in view.lines if line.threshold_text is not None]
    assert timed and all(line.value_text for line in timed if line.outcome != "na")
    first = timed[0]
    item = checklist.item_map[first.item_key]
    assert first.text == item.text.zh
    assert first.threshold_text == duration(item.threshold_for(detail.visit.context.peak), item.unit)
    south_visit = client.visits({**PARAMS, "site_id": "demo-south-1"}, limit=1)[0].id
    client.close()
    with ReportsClient(demo_server.url, demo_server.tokens["demo-manager-east"]) as east:
        with pytest.raises(NotFound):
            east.visit(south_visit)


def test_last_report_stays_readable_offline_with_its_as_of_time(demo_settings, tmp_path: Path) -> None:
    settings, tokens = demo_settings
    running = start_server(settings, tokens)
    fetched_at = dt.datetime(2026, 11, 23, 9, 30, tzinfo=dt.UTC)
    first = source(running.url, tokens["demo-manager"], tmp_path, fetched_at)
    online = first.compliance("staff", PARAMS)
    first.client.close()
    running.stop()
    later = source(running.url, tokens["demo-manager"], tmp_path,
                   fetched_at + dt.timedelta(hours=5))
    offline = later.compliance("staff", PARAMS)
    assert offline.offline and offline.as_of == fetched_at
    assert offline.answer == online.answer
    with pytest.raises(ServerUnreachable):  # another filter was never fetched: nothing to show
        later.compliance("staff", {**PARAMS, "site_id": "demo-east-1"})
    later.client.close()


def test_damaged_cache_file_is_a_miss_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / CACHE_FILE).write_text("{not json", encoding="utf-8")
    assert ReportCache(tmp_path).get("compliance/site?") is None
    cache = ReportCache(tmp_path)
    at = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    cache.put("k", '{"a": 1}', at)
    assert cache.get("k") == ('{"a": 1}', at)


def test_a_visit_shows_its_review_and_its_flags_in_the_readers_language(demo_server: RunningServer) -> None:
    with ReportsClient(demo_server.url, demo_server.tokens["demo-manager"]) as client:
        (rejected,) = client.visits({"review": "rejected"}, limit=1)
        detail = client.visit(rejected.id)
        honest = [v for v in client.visits({"flagged": "false", "review": "received"}, limit=1)]
        plain = client.visit(honest[0].id)
    assert detail.flags, "the demo's rejected visit is the one answered too fast"
    checklist = Labeller(load_checklist_dir(), "zh-CN")
    zh = visit_view(detail, checklist.checklist(detail.visit.checklist_id, detail.visit.checklist_version),
                    checklist)
    assert zh.review_state == "rejected" and "答题速度过快" in (zh.review_reason or "")
    assert zh.flags == tuple(flag.message_zh for flag in detail.flags)
    english = Labeller(load_checklist_dir(), "en")
    en = visit_view(detail, None, english)
    assert en.flags == tuple(flag.message for flag in detail.flags)
    unflagged = visit_view(plain, None, english)
    assert unflagged.flags == () and unflagged.review_state == "received" and unflagged.review_reason is None
