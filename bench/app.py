"""The field app in a real browser (Debian Chromium via Playwright), beside baselines.

1. Cold start: seconds from launching the app server to the home screen usable in Chromium
   (a device already set up; browser launch included), beside the server answering HTTP.
2. Tap to saved: a mouse click at a Pass button's centre -> the answer durable in the device's
   store file (polled every 1 ms), p50/p95 over N taps, beside the store's own save latency
   (bench/store_latency.py's `record_observation` on a 10-visit phone, measured here too).
3. Ten concurrent browser sessions, each its own device running a visit and tapping: the app
   server's RSS (idle, and peak under load) and the p95 tap-to-saved latency.

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


async def tap_latency(session: AppSession, taps: int) -> list[float]:
    pass_xy = await session.button_centre("Pass")
    fail_xy = await session.button_centre("Fail")
    return [await session.tap_to_saved(pass_xy, fail_xy) for _ in range(taps)]


async def concurrent_sessions(browser, server: ServerProcess, data_dir: Path, sessions: int,
                              taps: int) -> tuple[list[float], float]:
    opened = [await new_device_session(browser, server.url, data_dir / "devices") for _ in range(sessions)]
    assert server.process is not None
    with PeakRss(server.process.pid) as peak:
        per_session = await asyncio.gather(*(tap_latency(s, taps) for s in opened))
    for session in opened:
        await session.context.close()
    return [t for times in per_session for t in times], peak.peak


async def run(quick: bool) -> int:
    taps, cold_runs, sessions, taps_each = (5, 1, 2, 3) if quick else (50, 3, 10, 20)
    with tempfile.TemporaryDirectory(dir=ROOT) as scratch_name:
        scratch = Path(scratch_name)
        async with async_playwright() as playwright:
            print(f"Field app bench: app server on {HOST}, Debian Chromium headless at 412x915")
            starts = await cold_start(playwright.chromium, scratch, cold_runs)
            for n, (http, usable) in enumerate(starts, 1):
                print(f"cold start run {n}: app server answers HTTP {http:.2f} s; "
                      f"home screen usable in Chromium {usable:.2f} s")
            print(f"cold start median: {statistics.median(u for _, u in starts):.2f} s "
                  f"(baseline: FLET_NOTES measured 5-6 s to the first usable screen)")

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
                      f"baseline store save (store_latency, 10 visits): p50 {base50:.2f} ms, "
                      f"p95 {base95:.2f} ms | FLET_NOTES floor click->fsync'd save 9-11 / 16-20 ms")
                await session.context.close()
                idle = rss_mb(server.process.pid)  # type: ignore[union-attr]
                times, peak = await concurrent_sessions(browser, server, data_dir, sessions, taps_each)
                c50, c95 = ms(times)
                print(f"{sessions} concurrent sessions x {taps_each} taps: tap to saved p50 {c50:.1f} ms, "
                      f"p95 {c95:.1f} ms | app server RSS {idle:.0f} MB after one session, "
                      f"peak {peak:.0f} MB under load (baseline: FLET_NOTES ~58 MB idle, "
                      f"<1 MB per session; p95 0.25-0.5 s for ten busy sessions)")
                await browser.close()
            finally:
                server.stop()
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a few samples (used by the test suite)")
    return asyncio.run(run(parser.parse_args().quick))


if __name__ == "__main__":
    raise SystemExit(main())
