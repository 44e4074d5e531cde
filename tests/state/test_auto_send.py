"""Auto-send against the real sync server (issue 12 point 12): three visits finalised while the
server cannot be reached wait ("3 waiting: offline"); when it comes back, the next automatic
try (one retry interval later) delivers all three, and nobody taps Sync."""

from __future__ import annotations

import asyncio
import random
from contextlib import asynccontextmanager

import pytest

from audit_app.state import AppState, DeviceAccess
from audit_app.state.auto_send import sync_gate
from audit_app.stopwatch import local_now
from audit_app.sync import Credentials, RetryPolicy, save_credentials
from tests.sync.conftest import LiveServer, free_port, live_server  # noqa: F401  (fixtures)
from tests.sync.server_state import latest_revisions

from .conftest import jpeg_bytes

ONE_TRY = RetryPolicy(attempts=1, connect_retries=0, timeout_s=5.0)   # a sync gives up at once
INTERVAL = RetryPolicy(base_delay_s=0.2, max_delay_s=0.5)              # auto-send's retry cap: 0.5 s
WAIT_S = 60.0    # a bound for waiting on conditions, not a speed target


async def until(condition, what: str) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + WAIT_S
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"never happened: {what}")
        await asyncio.sleep(0.02)


@asynccontextmanager
async def server_reachable_at(port: int, upstream_port: int):
    """The server "comes back" at `port`: a plain TCP relay to the live server."""
    async def relay(reader, writer):
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", upstream_port)

        async def pipe(source, sink):
            try:
                while data := await source.read(65536):
                    sink.write(data)
                    await sink.drain()
            except (ConnectionError, asyncio.CancelledError):
                pass
            finally:
                sink.close()
        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))
    server = await asyncio.start_server(relay, "127.0.0.1", port)
    try:
        yield
    finally:
        server.close()


async def finish_a_visit(app: AppState) -> None:
    app.open_new_visit()
    app.pick_checklist("retail-store-visit")
    app.pick_site("site-n1")
    assert await app.start_visit(), app.error
    for item in app.visit.checklist.items:
        if item.photo == "required":
            assert await app.add_photo(item.key, jpeg_bytes())
    await answer_all(app)
    assert await app.finalise(), app.error


async def answer_all(app: AppState) -> None:
    # answer_everything drives its own event loops; here the actions are awaited on this one.
    from audit_app.domain import Kind
    for item in app.visit.checklist.items:
        if not item.is_required:
            continue
        if item.kind is Kind.CHECK:
            ok = await app.answer_check(item.key, True)
        elif item.kind is Kind.TIMED:
            ok = await app.answer_duration(item.key, "1")
        elif item.kind is Kind.RATING:
            ok = await app.answer_rating(item.key, item.rating_scale)
        elif item.kind is Kind.COUNT:
            ok = await app.type_count(item.key, str(item.min or 0))
        elif item.kind is Kind.TEXT:
            ok = await app.answer_text(item.key, "fine")
        else:
            ok = True
        assert ok, (item.key, app.error)


@pytest.mark.usefixtures("live_server")
def test_three_visits_finalised_offline_reach_the_server_one_retry_after_it_returns(
        device, live_server: LiveServer):  # noqa: F811
    name, token = live_server.new_user("auditor")
    port = free_port()    # nothing listens here yet: the server is unreachable
    save_credentials(device.folder, Credentials(server_url=f"http://127.0.0.1:{port}", token=token))
    upstream_port = int(live_server.url.rsplit(":", 1)[1])

    async def scenario() -> None:
        app = AppState(DeviceAccess(device), now=local_now)
        await app.load()
        await app._save_prefs(setup_done=True, offline_only=False)
        app.sync.retry = ONE_TRY
        app.auto_send.policy, app.auto_send.rng = INTERVAL, random.Random(7)
        tries = []
        start = app.sync.start

        async def counted_start(**kwargs):
            tries.append(kwargs.get("automatic"))
            return await start(**kwargs)
        app.sync.start = counted_start     # counts every sync, to prove none was a user's tap
        for _ in range(3):
            await finish_a_visit(app)
        await until(lambda: app.auto_send.failures >= 3 and not app.auto_send.sending,
                    "three automatic tries fail while the server is away")
        assert app.home.pending == 3 and app.flash == "review.finalised"   # "waits to sync": true
        assert app.auto_send.home_line() == ("flow.auto_waiting_offline", {"count": 3})
        assert latest_revisions(live_server, name) == {}
        # the server comes back between two tries; the next one sends everything
        await until(lambda: not app.auto_send.sending and app.auto_send._retry is not None, "a retry waits")
        before = len(tries)
        async with server_reachable_at(port, upstream_port):
            await until(lambda: app.home.pending == 0 and not app.auto_send.sending, "all three sent")
            assert len(tries) - before == 1            # within one retry interval: the very next try
        assert set(tries) == {True}                    # every sync was automatic: no tap
        assert len(latest_revisions(live_server, name)) == 3
        assert app.auto_send.home_line() == ("flow.auto_all_sent", {})
        assert app.flash is None                       # no "waits to sync" beside "All sent"
        app.auto_send.stop()

    asyncio.run(scenario())


def test_auto_send_is_off_when_the_setting_says_so_and_one_sync_runs_per_device(device):
    async def scenario() -> None:
        app = AppState(DeviceAccess(device), now=local_now)
        await app.load()
        await app._save_prefs(setup_done=True, offline_only=False)
        assert app.auto_send.enabled
        assert await app.set_auto_send(False)
        assert not app.auto_send.enabled and app.auto_send.home_line() is None
        other = AppState(DeviceAccess(device), now=local_now)   # a second tab of the same phone
        await other.load()
        gate = sync_gate(device)
        assert gate.acquire(blocking=False)
        try:
            assert not await other.sync.start()                # refused while this device syncs
            assert other.sync.busy_elsewhere and not other.sync.running
        finally:
            gate.release()
    asyncio.run(scenario())
