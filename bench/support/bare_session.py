"""Tabs of the bare Flet app (bench/support/bare_app.py) for the benchmarks' floors: open one,
click Save, wait until its fsync'd file holds the new count."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from playwright.async_api import Browser, BrowserContext, Page

from bench.support.app_session import POLL_S, enable_semantics
from tools.chromium import PHONE_VIEWPORT
from tools.servers import HOST, ServerProcess, app_server_env

BARE_APP = Path(__file__).with_name("bare_app.py")
SAVED_FILE = "saved.json"


def bare_server(port: int, data_dir: Path, log_dir: Path) -> ServerProcess:
    """The bare app, served like the field app (same environment, web mode, no CDN)."""
    return ServerProcess(name="bare Flet app", command=[sys.executable, str(BARE_APP)],
                         env=app_server_env(port, data_dir), url=f"http://{HOST}:{port}",
                         ready_path="/", log_path=log_dir / "bare-app.log")


def saved_count(path: Path) -> int:
    try:
        return int(json.loads(path.read_text(encoding="utf-8"))["count"])
    except (FileNotFoundError, ValueError, KeyError):
        return 0


@dataclass
class BareSession:
    context: BrowserContext
    page: Page
    file: Path
    centre: tuple[float, float]
    count: int = 0

    async def tap_to_saved(self, timeout_s: float = 30.0) -> float:
        """Seconds from a mouse click on Save to the file holding the new count."""
        self.count += 1
        start = time.perf_counter()
        await self.page.mouse.click(*self.centre)
        seen = None
        deadline = start + timeout_s
        while True:
            try:
                stat = self.file.stat()
                version = (stat.st_ino, stat.st_mtime_ns)
            except FileNotFoundError:
                version = None
            if version != seen:
                seen = version
                if saved_count(self.file) >= self.count:
                    return time.perf_counter() - start
            if time.perf_counter() > deadline:
                raise TimeoutError(f"count {self.count} never reached {self.file}")
            await asyncio.sleep(POLL_S)


async def open_bare(browser: Browser, url: str, data_dir: Path, name: str) -> BareSession:
    context = await browser.new_context(viewport=PHONE_VIEWPORT)
    page = await context.new_page()
    page.set_default_timeout(60_000)
    await page.goto(f"{url}/?dev={name}")
    await enable_semantics(page)
    button = page.get_by_role("button", name="Save", exact=True)
    await button.wait_for()
    box = await button.bounding_box()
    assert box is not None
    return BareSession(context, page, data_dir / name / SAVED_FILE,
                       (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2))
