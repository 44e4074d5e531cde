"""Benchmark: seconds from tapping "By staff" on the Reports screen to the staff chart drawn in
Chromium, beside the same API call alone (GET /reports/compliance?group_by=staff, same filters),
with 1,000,000 observations on the server (bench/server_reports.py's data: 25,000 visits × 40,
50 sites, 250 staff). Target: UI ≤ 2× the API call + 300 ms.

"Drawn" is measured twice: from the tap's pointerdown to the staff pager ("1–25 of 250")
appearing in Flutter's accessibility tree (the frame holding the new chart is built), and from
the tap to the chart's pixels changing (clipped screenshots polled back to back).
The chart shows 25 bars a page (weakest first); the pager turns chart and table together.

Run: python bench/reports_ui.py [--quick] [--repeats N]"""

from __future__ import annotations

import argparse
import os
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx
from playwright.sync_api import Page, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from sqlalchemy import Engine, text

from support.server import (  # noqa: I001  (support puts the repository on sys.path)
    ITEMS_PER_VISIT, ROOT, bench_checklist, write_checklist_dir,
)
from server_reports import SITES, STAFF_PER_SITE, bulk_load, populate  # noqa: E402
from sync_server.db import make_engine  # noqa: E402
from sync_server.settings import Settings  # noqa: E402
from tools.servers import HOST, ServerProcess, app_server, audit_server_command, free_port  # noqa: E402

sys.path.insert(0, str(ROOT / "tests" / "ui"))
from phone import Phone, settled_screenshot  # noqa: E402
from tools.chromium import CHROMIUM_ARGS  # noqa: E402

WINDOW_DAYS = 56  # "Last 8 weeks" in the app: the bench's visits are moved into it
TARGET_FACTOR, TARGET_EXTRA_S = 2.0, 0.3
STAFF_PAGE = f"1–25 of {SITES * STAFF_PER_SITE}"
SITE_PAGE = f"1–25 of {SITES}"


def sync_server(data_dir: Path, checklist_dir: Path, logs: Path) -> ServerProcess:
    port = free_port()
    env = {"AUDIT_DATA_DIR": str(data_dir), "AUDIT_CHECKLIST_DIR": str(checklist_dir),
           "PATH": "/usr/bin:/bin"}
    return ServerProcess(name="sync server", command=audit_server_command(
        "serve", "--host", HOST, "--port", str(port)), env=env, url=f"http://{HOST}:{port}",
        ready_path="/healthz", log_path=logs / "sync-server.log")


def into_last_8_weeks(engine: Engine, today: dt.date) -> None:
    """Spread the visits (generated from 2026-06-01, 11 minutes apart) over the 56 days ending
    today, one local date per visit, so the app's "Last 8 weeks" covers every observation."""
    first = today - dt.timedelta(days=WINDOW_DAYS - 1)
    day = "date(:first, '+' || (CAST(substr(visit_id, 2) AS INTEGER) % :days) || ' days')"
    with engine.begin() as connection:
        for table in ("observations", "visit_revisions"):
            connection.execute(text(f"UPDATE {table} SET started_local_date = {day}"),
                               {"first": first.isoformat(), "days": WINDOW_DAYS})
        connection.execute(text("ANALYZE"))


def api_seconds(server_url: str, token: str, repeats: int, today: dt.date) -> float:
    params = {"group_by": "staff", "from": (today - dt.timedelta(days=WINDOW_DAYS - 1)).isoformat(),
              "to": today.isoformat()}
    with httpx.Client(base_url=server_url + "/api/v1", timeout=120,
                      headers={"Authorization": f"Bearer {token}"}) as http:
        http.get("/reports/compliance", params=params).raise_for_status()  # warm-up
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            rows = http.get("/reports/compliance", params=params).raise_for_status().json()["rows"]
            times.append(time.perf_counter() - started)
    assert len(rows) == SITES * STAFF_PER_SITE, len(rows)
    return statistics.median(times)


def tap_centre(page: Page, name: str) -> None:
    """A tap at the control's centre (locator.click adds ~40 ms of its own checks)."""
    button = page.get_by_role("button", name=name, exact=True).first
    button.wait_for()
    box = button.bounding_box()
    if box is None:
        page.screenshot(path=str(Path(tempfile.gettempdir()) / "reports_ui-failed.png"))
    assert box is not None, name
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def connect_and_open_reports(phone: Phone, app_url: str, server_url: str, token: str) -> None:
    """First run with the manager's token, Reports, then the last 8 weeks (every visit).
    Each new screen is let settle first: Flutter ignores taps while a screen slides in."""
    phone.open(app_url)
    phone.tap_button("English")
    phone.fill(phone.textbox("Server address"), server_url)
    phone.fill(phone.textbox("Token"), token)
    phone.tap_button("Connect with token")
    phone.button("Reports").wait_for(timeout=120_000)
    phone.screenshot("home")
    phone.tap_button("Reports")
    phone.text("As of ", exact=False).first.wait_for(timeout=120_000)
    phone.screenshot("reports")
    phone.tap_button("Filters")
    phone.button("Apply filters").wait_for()
    phone.screenshot("filters")
    phone.tap(phone.role("radio", "Last 8 weeks"))
    phone.tap_button("Apply filters")
    phone.wait_for_text("Last 8 weeks · ")
    phone.page.get_by_text(SITE_PAGE).wait_for(timeout=120_000)
    phone.screenshot("custom")


CHART_CLIP = {"x": 0, "y": 330, "width": 412, "height": 260}  # the first bars and their names
WATCH_JS = """(pager) => { window.__tap = null; window.__built = null;
  document.addEventListener('pointerdown', () => { window.__tap ??= performance.now(); },
                            {capture: true, once: true});
  const seen = () => (document.querySelector('flt-semantics-host')?.innerText || '').includes(pager);
  const observer = new MutationObserver(() => {
    if (window.__tap !== null && window.__built === null && seen()) {
      window.__built = performance.now(); observer.disconnect(); } });
  observer.observe(document.body, {subtree: true, childList: true, characterData: true}); }"""


def show_sites(phone: Phone) -> None:
    """Untimed reset to "By site", settled. A tap landing mid-redraw can be lost: tap again."""
    for _attempt in range(5):
        settled_screenshot(phone.page)
        phone.tap_button("By site")
        try:
            phone.page.get_by_text(SITE_PAGE).wait_for(timeout=15_000)
            break
        except PlaywrightTimeout:
            continue
    settled_screenshot(phone.page)


def staff_picture(phone: Phone) -> bytes:
    """The first staff bars as they look once drawn (the data does not change between runs)."""
    show_sites(phone)
    phone.tap_button("By staff")
    phone.page.get_by_text(STAFF_PAGE).wait_for(timeout=120_000)
    settled_screenshot(phone.page)
    return phone.page.screenshot(clip=CHART_CLIP)


def ui_seconds(phone: Phone, drawn: bytes) -> tuple[float, float] | None:
    """Tap "By staff" (from "By site"): seconds from the tap's pointerdown to the staff pager in
    the accessibility tree (the frame holding the new chart is built), and from the tap to the
    chart area showing the drawn staff bars (clipped screenshots polled back to back, ~30–60 ms
    apart). None when the tap did not register (the caller tries again)."""
    page = phone.page
    show_sites(phone)
    page.evaluate(WATCH_JS, STAFF_PAGE)
    started = time.perf_counter()
    tap_centre(page, "By staff")
    while page.screenshot(clip=CHART_CLIP) != drawn:
        if time.perf_counter() - started > 20:
            return None
    painted = time.perf_counter() - started
    tapped, built = page.evaluate("() => [window.__tap, window.__built]")
    if os.environ.get("PROBE"):
        print("ws after tap (ms, bytes; negative = sent):",
              page.evaluate("(t) => window.__ws.filter(m => m[0] >= t).map(m => [Math.round(m[0] - t), m[1]])", tapped),
              "built", round(built - tapped))
    if tapped is None or built is None:
        return None
    return (built - tapped) / 1000, painted


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2,000 visits instead of 25,000")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    visits = 2_000 if args.quick else 25_000
    checklist = bench_checklist()
    with tempfile.TemporaryDirectory(prefix="bench-reports-ui-") as tmp:
        root = Path(tmp)
        checklist_dir = write_checklist_dir(root / "checklists", checklist)
        settings = Settings(data_dir=root / "server", checklist_dir=checklist_dir)
        token = populate(settings)
        engine = make_engine(settings)
        load_s = bulk_load(engine, checklist, visits)
        today = dt.date.today()  # one date for the data, the API call and the app (pinned to it)
        into_last_8_weeks(engine, today)
        engine.dispose()
        sync = sync_server(root / "server", checklist_dir, root / "logs")
        app = app_server(free_port(), root / "app", root / "logs", today)
        try:
            for server in (sync, app):
                server.start()
            for server in (sync, app):
                server.wait_ready()
            api_s = api_seconds(sync.url, token, args.repeats, today)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 412, "height": 915})
                if os.environ.get("PROBE"):
                    page.add_init_script("""(() => { window.__ws = []; const Orig = window.WebSocket;
                      window.WebSocket = function(...a) { const ws = new Orig(...a);
                        ws.addEventListener('message', (m) => window.__ws.push([performance.now(),
                          m.data.byteLength || m.data.size || m.data.length]));
                        const send = ws.send.bind(ws);
                        ws.send = (d) => { window.__ws.push([performance.now(), -(d.byteLength || d.length)]); send(d); };
                        return ws; }; window.WebSocket.prototype = Orig.prototype; })()""")
                page.set_default_timeout(60_000)
                phone = Phone(page, screens_dir=root / "screens")
                try:
                    connect_and_open_reports(phone, app.url, sync.url, token)
                    drawn = staff_picture(phone)  # also the warm-up: code paths, fonts
                    runs, lost = [], 0
                    while len(runs) < args.repeats and lost < args.repeats:
                        measured = ui_seconds(phone, drawn)
                        lost += measured is None
                        if measured is not None:
                            runs.append(measured)
                    api_after_s = api_seconds(sync.url, token, args.repeats, today)
                except Exception:  # keep the screen that did not come, for whoever runs this
                    page.screenshot(path=str(Path(tempfile.gettempdir()) / "reports_ui-failed.png"))
                    raise
                browser.close()
        finally:
            for server in (app, sync):
                server.stop()
    built = statistics.median(r[0] for r in runs)
    painted = statistics.median(r[1] for r in runs)
    # The API alone is timed before and after the browser runs; the faster figure sets the
    # (stricter) target.
    api_s = min(api_s, api_after_s)
    target = TARGET_FACTOR * api_s + TARGET_EXTRA_S
    print(f"  ({lost} tap(s) not registered and repeated)") if lost else None
    print(f"reports_ui: {visits * ITEMS_PER_VISIT:,} observations ({visits:,} visits × {ITEMS_PER_VISIT}), "
          f"{SITES * STAFF_PER_SITE} staff; bulk load {load_s:.1f} s; median of {args.repeats}")
    print(f"  API GET /reports/compliance?group_by=staff alone   {api_s:6.3f} s "
          f"(faster of before/after the browser runs)")
    print(f"  tap 'By staff' -> staff chart built (a11y tree)    {built:6.3f} s")
    print(f"  tap 'By staff' -> staff chart painted (pixels)     {painted:6.3f} s")
    print(f"  target <= {TARGET_FACTOR:g} x API + {TARGET_EXTRA_S * 1000:.0f} ms = {target:.3f} s: "
          f"{'MET' if painted <= target else 'MISSED'} (painted)")
    return 0  # figures are reported, not asserted


if __name__ == "__main__":
    sys.exit(main())
