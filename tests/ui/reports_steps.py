"""Steps through the manager's reports in the browser, by the accessible names the catalogue
gives (either language), and the API answers the screens must agree with."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
from playwright.sync_api import Locator

from audit_app.i18n import t
from audit_app.reports.filters import Period, ReportFilter, query_params

from tests.ui.journeys import leave_reports_for_home
from tests.ui.phone import Phone
from tests.ui.product import Product, demo_tokens
from tools.servers import ROOT, audit_server_command, sync_server_env


def pinned_demo_product(root: Path, today: dt.date, visits: int = 150) -> Iterator[Product]:
    """A module fixture's body: the product with `visits` demo visits, its calendar pinned to
    `today` (so every figure is computed from it), stopped afterwards."""
    running = Product(root, today=today)
    try:
        yield running.start(demo_visits=visits)
    finally:
        running.stop()


def api_as(product: Product, who: str) -> httpx.Client:
    """The sync server's API as a demo user (what the screens must agree with)."""
    return httpx.Client(base_url=product.server_url + "/api/v1", timeout=30.0,
                        headers={"Authorization": f"Bearer {demo_tokens(product.demo_output)[who]}"})


def fresh_link(product: Product, name: str) -> str:
    """A new one-time enrolment link for a demo user (each phone in a test enrols anew)."""
    done = subprocess.run(
        audit_server_command("enrol", name, "--app-url", product.app_url, "--server-url", product.server_url),
        env=sync_server_env(product.root / "server"), cwd=ROOT, capture_output=True, text=True, check=True)
    return next(line.removeprefix("link: ") for line in done.stdout.splitlines() if line.startswith("link: "))


def percent(rate: float) -> str:
    return f"{rate * 100:.1f}%"


def enrol(phone: Phone, link: str, lang: str) -> None:
    """Open a demo manager's or admin's enrolment link (the app enrols itself and opens on
    Reports, in English), go Back to Home, then choose the language in Settings."""
    phone.open(link)
    shown, phone.lang = phone.lang, "en"
    leave_reports_for_home(phone)
    phone.lang = shown
    if lang != "en":
        phone.tap_button(t("en", "home.settings"))
        phone.tap_button("中文")
        phone.wait_for_text(t(lang, "settings.title"))
        phone.page.go_back()  # the browser's back button, as a user would
        phone.button(t(lang, "home.new_visit")).wait_for()


def open_reports(phone: Phone, lang: str) -> None:
    phone.tap_until(phone.button(t(lang, "reports.open")).first,
                    phone.text(t(lang, "reports.line.target", pct="90")))


def switch(phone: Phone, lang: str, key: str, line_key: str, pct: str) -> None:
    phone.tap_button(t(lang, key))
    phone.wait_for_text(t(lang, line_key, pct=pct))


def period_params(today: dt.date, period: Period | None = None) -> dict[str, str]:
    """`from`/`to` of a period preset (default: the reports' default period) on `today`, by the
    app's own rule, so the test follows whatever the app shows."""
    chosen = ReportFilter() if period is None else ReportFilter(period=period)
    return query_params(chosen, today, region_allowed=True)


def compliance(api: httpx.Client, group_by: str, params: dict[str, str]) -> list[dict]:
    answer = api.get("/reports/compliance", params={**params, "group_by": group_by})
    answer.raise_for_status()
    return answer.json()["rows"]


def assert_chart_and_table_show(phone: Phone, rows: list[dict]) -> None:
    """Each row's rate and n label its bar, and its rate is in the table, weakest on top."""
    tops = []
    for row in rows:
        bar_label = phone.text(f"{percent(row['rate'])} · n {row['observations']}", exact=False).first
        bar_label.wait_for()
        cell = phone.text(percent(row["rate"]), exact=False).first  # a table cell or a phone card
        cell.wait_for()
        tops.append((row["rate"], bar_label.bounding_box()["y"]))
    ordered = [y for _, y in sorted(tops)]
    assert ordered == sorted(ordered), "bars are not weakest first"


# A report answer's chart and table can paint a second after the screen appeared on a busy
# machine: a report's picture must hold still longer than other screens'.
REPORT_QUIET_S = 1.5


def settle(phone: Phone, shot: str, shows: Locator | str | re.Pattern[str]) -> None:
    """Wait for `shows` of the new screen, then until it has finished sliding in (Flutter
    ignores taps during the transition) and its report has painted, and keep its picture."""
    phone.screenshot(shot, shows, quiet_s=REPORT_QUIET_S)


def set_period(phone: Phone, lang: str, period_key: str, shot: str) -> None:
    phone.tap_button(t(lang, "reports.nav.filters"))
    settle(phone, shot, phone.button(t(lang, "reports.filter.apply")))
    phone.tap(phone.role("radio", t(lang, period_key)))
    phone.tap_button(t(lang, "reports.filter.apply"))
    settle(phone, shot + "-applied", re.compile(re.escape(t(lang, period_key)) + " · "))


def visit_with_photo(api: httpx.Client, site_id: str, params: dict[str, str]) -> dict:
    """The newest visit at the site (as the app lists them) that cites a photo."""
    listed = api.get("/visits", params={**params, "site_id": site_id, "sort": "started", "limit": 200})
    listed.raise_for_status()
    for summary in listed.json():
        detail = api.get(f"/visits/{summary['id']}").raise_for_status().json()
        if detail["visit"]["photos"]:
            return summary
    raise AssertionError(f"no visit with a photo at {site_id}")


def row_title(summary: dict) -> str:
    """The visit list's title of a visit: its local date, then the score."""
    score = "–" if summary["visit_score"] is None else percent(summary["visit_score"])
    return f"{summary['started_local_date']} · {score}"
