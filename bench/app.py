"""The field app in a real browser (Debian Chromium via Playwright), beside floors measured in
the same run on the same machine (figures from another machine move with the machine):

1. Cold start: seconds from launching the app server to the home screen usable in Chromium
   (a device already set up; browser launch included), beside a bare Flet app's cold start to
   its one button (bench/support/bare_app.py). Target: <= 1.5x the bare app's.
2. Tap to saved: a mouse click at a Pass button's centre -> the answer durable in the device's
   store file (polled every 1 ms), p50/p95 over N taps, beside the bare app's click -> 60 KB
   fsync'd file (the floor) and the store's own save latency (bench/store_latency.py's
   `record_observation` on a 10-visit phone). Target: p95 <= 2x the floor's p95.
3. Ten concurrent browser sessions, each its own device running a visit and tapping: the app
   server's RSS (idle, and peak under load) and the p95 tap-to-saved latency, beside the bare
   app under the same ten tabs. Target: p95 <= 2x the bare app's.
4. Where a tap's time goes, in process: the store call and the runner screen's rebuild
   (bench/support/tap_profile.py), beside the browser's total.

Run: python bench/app.py [--quick]"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.async_api import async_playwright  # noqa: E402

from bench.store_latency import Case, make_checklist  # noqa: E402
from bench.support.app_session import AppSession, enable_semantics, new_device_session  # noqa: E402
from bench.support.bare_session import bare_server, open_bare  # noqa: E402
from tools.chromium import CHROMIUM, CHROMIUM_ARGS, PHONE_VIEWPORT  # noqa: E402
from tools.servers import HOST, ServerProcess, app_server, free_port  # noqa: E402



def ms(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered) * 1e3, ordered[int(0.95 * (len(ordered) - 1))] * 1e3


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class PeakRss:
    """Samples a process's RSS every 50 ms on a thread; keeps the peak."""

    def __init__(self, pid: int):
        self.pid, self.peak, self._stop = pid, 0.0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.05):
            self.peak = max(self.peak, rss_mb(self.pid))

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def store_save_baseline(scratch: Path, samples: int) -> tuple[float, float]:
    """bench/store_latency.py's figure: one record_observation on a 10-visit phone."""
    case = Case(scratch / "store-baseline", make_checklist(), 10)
    for n in range(samples):
        case.round(n, baselines=False)
    case.store.close()
    return ms(case.times["store"])


async def cold_start(browser_type, scratch: Path, runs: int) -> list[tuple[float, float]]:
    """(seconds to HTTP answer, seconds to home usable) per run, one device set up beforehand."""
    data_dir, state_file = scratch / "cold-app", scratch / "cold-storage.json"
    results = []
    port = free_port()  # one origin for every run: the browser's storage (device id) is per origin
    for run in range(runs + 1):
        server = app_server(port, data_dir, scratch / "logs")
        start = time.perf_counter()
        server.start()
        try:
            server.wait_ready()
            http_ready = time.perf_counter() - start
            browser = await browser_type.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            context = await browser.new_context(
                viewport=PHONE_VIEWPORT, storage_state=str(state_file) if run else None)
            page = await context.new_page()
            page.set_default_timeout(60_000)
            await page.goto(server.url)
            await enable_semantics(page)
            if run == 0:  # set the device up once (offline only), keep the browser's storage
                await page.get_by_role("button", name="Offline only", exact=True).click()
            await page.get_by_role("button", name="New visit", exact=True).wait_for()
            usable = time.perf_counter() - start
            if run == 0:
                await context.storage_state(path=str(state_file))
            else:
                results.append((http_ready, usable))
            await browser.close()
        finally:
            server.stop()
    return results


async def bare_cold_start(browser_type, scratch: Path, runs: int) -> list[float]:
    """Seconds from launching the bare app to its Save button usable in Chromium, per run."""
    results = []
    for _ in range(runs):
        server = bare_server(free_port(), scratch / "bare-cold", scratch / "logs")
        start = time.perf_counter()
        server.start()
        try:
            server.wait_ready()
            browser = await browser_type.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            page = await (await browser.new_context(viewport=PHONE_VIEWPORT)).new_page()
            page.set_default_timeout(60_000)
            await page.goto(server.url)
            await enable_semantics(page)
            await page.get_by_role("button", name="Save", exact=True).wait_for()
            results.append(time.perf_counter() - start)
            await browser.close()
        finally:
            server.stop()
    return results


async def bare_taps(browser, server: ServerProcess, data_dir: Path, sessions: int,
                    taps: int) -> list[float]:
    """Click -> fsync'd 60 KB file on the bare app, `sessions` tabs tapping at once."""
    opened = [await open_bare(browser, server.url, data_dir, f"tab-{n}") for n in range(sessions)]
    for session in opened:  # warm up
        await session.tap_to_saved()
    per_session = await asyncio.gather(*(_bare_run(s, taps) for s in opened))
    for session in opened:
        await session.context.close()
    return [t for times in per_session for t in times]


async def _bare_run(session, taps: int) -> list[float]:
    return [await session.tap_to_saved() for _ in range(taps)]


def ratio(value: float, floor: float, target: float) -> str:
    times = value / floor if floor > 0 else float("inf")
    return f"{times:.2f}x the floor (target <= {target:g}x: {'met' if times <= target else 'NOT met'})"


async def tap_latency(session: AppSession, taps: int) -> list[float]:
    times = [await session.tap_to_saved() for _ in range(taps)]
    return [t for t in times if t is not None]


async def concurrent_sessions(browser, server: ServerProcess, data_dir: Path, sessions: int,
                              taps: int) -> tuple[list[float], float, int]:
    opened = [await new_device_session(browser, server.url, data_dir / "devices") for _ in range(sessions)]
    assert server.process is not None
    with PeakRss(server.process.pid) as peak:
        per_session = await asyncio.gather(*(tap_latency(s, taps) for s in opened))
    for session in opened:
        await session.context.close()
    return [t for times in per_session for t in times], peak.peak, sum(s.lost_taps for s in opened)


async def run(quick: bool) -> int:
    taps, cold_runs, sessions, taps_each = (5, 1, 2, 3) if quick else (50, 3, 10, 20)
    with tempfile.TemporaryDirectory(dir=ROOT) as scratch_name:
        scratch = Path(scratch_name)
        async with async_playwright() as playwright:
            print(f"Field app bench: app server on {HOST}, Debian Chromium headless at 412x915")
            starts = await cold_start(playwright.chromium, scratch, cold_runs)
            bare_starts = await bare_cold_start(playwright.chromium, scratch, cold_runs)
            for n, ((http, usable), bare) in enumerate(zip(starts, bare_starts), 1):
                print(f"cold start run {n}: app server answers HTTP {http:.2f} s; "
                      f"home screen usable in Chromium {usable:.2f} s | bare Flet app usable {bare:.2f} s")
            cold, bare_cold = statistics.median(u for _, u in starts), statistics.median(bare_starts)
            print(f"cold start median: {cold:.2f} s | floor (bare Flet app, same run): {bare_cold:.2f} s | "
                  f"{ratio(cold, bare_cold, 1.5)}")

            bare_dir = scratch / "bare"
            bare = bare_server(free_port(), bare_dir, scratch / "logs").start()
            try:
                bare.wait_ready()
                browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
                floor50, floor95 = ms(await bare_taps(browser, bare, bare_dir, 1, taps))
                bare_many50, bare_many95 = ms(await bare_taps(browser, bare, bare_dir, sessions, taps_each))
                await browser.close()
            finally:
                bare.stop()

            data_dir = scratch / "app"
            server = app_server(free_port(), data_dir, scratch / "logs").start()
            try:
                server.wait_ready()
                browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
                session = await new_device_session(browser, server.url, data_dir / "devices")
                await tap_latency(session, 3)  # warm up
                p50, p95 = ms(await tap_latency(session, taps))
                base50, base95 = store_save_baseline(scratch, max(taps, 50))
                print(f"tap to saved (1 session, {taps} Pass taps): p50 {p50:.1f} ms, p95 {p95:.1f} ms | "
                      f"floor (bare Flet app click -> 60 KB fsync'd file, same run): p50 {floor50:.1f} ms, "
                      f"p95 {floor95:.1f} ms | p95 {ratio(p95, floor95, 2)}")
                print(f"  store save alone (store_latency, 10 visits): p50 {base50:.2f} ms, p95 {base95:.2f} ms"
                      f" | clicks the page dropped (clicked again, not timed): {session.lost_taps}")
                await session.context.close()
                idle = rss_mb(server.process.pid)  # type: ignore[union-attr]
                times, peak, lost = await concurrent_sessions(browser, server, data_dir, sessions, taps_each)
                c50, c95 = ms(times)
                print(f"{sessions} concurrent sessions x {taps_each} taps: tap to saved p50 {c50:.1f} ms, "
                      f"p95 {c95:.1f} ms | bare Flet app, same {sessions} tabs: p50 {bare_many50:.1f} ms, "
                      f"p95 {bare_many95:.1f} ms | p95 {ratio(c95, bare_many95, 2)}")
                print(f"  app server RSS {idle:.0f} MB after one session, peak {peak:.0f} MB under load"
                      f" | clicks the page dropped: {lost}")
                await browser.close()
            finally:
                server.stop()
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a few samples (used by the test suite)")
    quick = parser.parse_args().quick
    status = asyncio.run(run(quick))
    from bench.support.tap_profile import profile_tap  # in process, after the browser part
    profile_tap(samples=5 if quick else 50)
    return status


if __name__ == "__main__":
    raise SystemExit(main())
