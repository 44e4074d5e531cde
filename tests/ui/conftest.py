"""Browser tests: Playwright from PyPI driving Debian's Chromium against the product's two servers.

Chromium comes from apt (`.ci/run` installs it; never `playwright install`). Without it the browser
tests skip on a developer's machine and FAIL in CI (CI=true), where they must run.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.ui.phone import ARTIFACTS, Phone
from tests.ui.product import Product
from tools.chromium import CHROMIUM, CHROMIUM_ARGS, PHONE_VIEWPORT


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)


def require_chromium() -> None:
    if CHROMIUM.exists():
        return
    message = f"{CHROMIUM} is missing (apt-get install chromium)"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message}; CI must run the browser tests")
    pytest.skip(message)


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    """One Chromium for tests/ui. Package scope, not session: Playwright's sync API keeps an
    event loop running in this thread while it lives, which would break later asyncio.run()."""
    require_chromium()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def product(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Product]:
    """Sync server (SQLite, demo data) and app server, each on a free port, stopped afterwards.
    A failed test leaves both servers' logs in test-artifacts/logs/<test>/."""
    running = Product(tmp_path)
    try:
        yield running.start()
    finally:
        running.stop()
        if request.node.stash.get(CALL_FAILED, False) and (tmp_path / "logs").is_dir():
            shutil.copytree(tmp_path / "logs", ARTIFACTS / "logs" / request.node.name, dirs_exist_ok=True)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    if report.when == "call":
        item.stash[CALL_FAILED] = report.failed
    return report


CALL_FAILED = pytest.StashKey[bool]()


@pytest.fixture
def new_phone(browser: Browser, request: pytest.FixtureRequest) -> Iterator:
    """Makes phones: each is a fresh browser profile (its own device id), 412x915. A failed
    test leaves each phone's last screen in test-artifacts/screens/FAILED-<test>-<n>.png."""
    phones: list[Phone] = []

    def make() -> Phone:
        context = browser.new_context(viewport=PHONE_VIEWPORT, device_scale_factor=1)
        phones.append(Phone(context.new_page()))
        return phones[-1]

    yield make
    for number, made in enumerate(phones):
        if request.node.stash.get(CALL_FAILED, False):
            made.screens_dir.mkdir(parents=True, exist_ok=True)
            made.page.screenshot(path=str(made.screens_dir / f"FAILED-{request.node.name}-{number}.png"))
        made.page.context.close()


@pytest.fixture
def phone(new_phone) -> Phone:
    return new_phone()
