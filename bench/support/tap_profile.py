"""Where a Pass tap's server-side time goes, measured in process on a fresh offline phone with
a retail visit open (no browser): the whole handler (`AppState.answer_check`: the store call on
the device's worker plus the state change), the store call alone (`record_observation`), and
the redraw (the runner screen rebuilt from state, as the page does after every action). What
the browser adds on top (event transport, diff, patch, paint) is the browser total minus these.

The store call and the redraw are also run under cProfile (the handler itself only waits on
the device's worker thread, so profiling it shows the event loop's poll): their top functions
by own time are printed."""

from __future__ import annotations

import asyncio
import cProfile
import io
import pstats
import statistics
import tempfile
import time
from pathlib import Path

from audit_app.device import open_device
from audit_app.state import AppState, DeviceAccess
from audit_app.views import Services, build_view
from flet.components.component import Renderer

ITEM = "not_ignored_on_entry"
ROOT = Path(__file__).resolve().parents[2]


def _ms(samples: list[float]) -> str:
    ordered = sorted(samples)
    return (f"p50 {statistics.median(ordered) * 1e3:.2f} ms, "
            f"p95 {ordered[int(0.95 * (len(ordered) - 1))] * 1e3:.2f} ms")


async def _add_photo(_key: str | None) -> None:
    return None


def profile_tap(samples: int = 50, top: int = 12) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        device = open_device(Path(scratch) / "device")
        try:
            app = AppState(DeviceAccess(device))
            loop = asyncio.new_event_loop()
            loop.run_until_complete(app.load())
            loop.run_until_complete(app.choose_offline_only())
            app.open_new_visit()
            app.pick_checklist("retail-store-visit")
            app.pick_site("site-001")
            assert loop.run_until_complete(app.start_visit()), app.error
            services = Services(add_photo=_add_photo)
            handler, store, redraw = [], [], []
            store_profile, redraw_profile = cProfile.Profile(), cProfile.Profile()
            for n in range(samples + 3):
                passed = n % 2 == 0
                start = time.perf_counter()
                assert loop.run_until_complete(app.answer_check(ITEM, passed)), app.error
                mid = time.perf_counter()
                redraw_profile.enable()
                Renderer().render(build_view, app, services)
                redraw_profile.disable()
                end = time.perf_counter()
                repo = device.store.visits
                before = time.perf_counter()
                store_profile.enable()
                with device.lock:
                    repo.record_observation(app.visit.visit_id, ITEM, value=not passed, note=None,
                                            staff_id=None, now=app.now())
                store_profile.disable()
                after = time.perf_counter()
                if n >= 3:  # warm-up taps left out
                    handler.append(mid - start)
                    redraw.append(end - mid)
                    store.append(after - before)
            loop.close()
        finally:
            device.close()
    print(f"where a tap goes (in process, {samples} taps): handler answer_check {_ms(handler)} | "
          f"of which store call record_observation {_ms(store)} | redraw (runner screen rebuilt) "
          f"{_ms(redraw)}")
    for name, profile in (("store call", store_profile), ("redraw", redraw_profile)):
        text = io.StringIO()
        pstats.Stats(profile, stream=text).sort_stats("tottime").print_stats(top)
        print(f"  {name} profile (own time, top {top}: ncalls tottime percall cumtime percall where):")
        for line in text.getvalue().splitlines():
            parts = line.split()
            if len(parts) >= 6 and parts[0][0].isdigit():
                print("   ", " ".join(parts[:5]), " ".join(parts[5:]).replace(str(ROOT) + "/", "")[-90:])

if __name__ == "__main__":
    profile_tap()
