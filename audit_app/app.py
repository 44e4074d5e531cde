"""The Flet app: one `AppState` per page on the device of that browser (or phone).

    python -m audit_app serve-app          # web app on 127.0.0.1:$APP_PORT, offline (no CDN);
                                           # audit_app/web_server.py serves it

Data root: `FLET_APP_STORAGE_DATA` (a packaged phone), else `AUDIT_APP_DATA_DIR`, else
`./var/app`. Each browser is one device: a device id kept in the browser
(`ft.SharedPreferences`) names its folder `devices/<id>` under the root, so a reload or a
restart of the app server finds the same drafts. An enrolment link
(`/?enrol=CODE&server=URL`) enrols the device, on its first load or in a tab already open
(refused while an enrolled phone holds unsynced visits).

`AUDIT_APP_TODAY=YYYY-MM-DD` pins the app's calendar date (the time of day stays the machine's):
demos and browser tests use it so the reports' periods and the demo data agree on any day."""

from __future__ import annotations

import asyncio
import logging
import os
import re
import uuid
from collections.abc import Callable, Mapping
from datetime import date, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import flet as ft

from audit_app.client_calls import ClientCalls, PageGone
from audit_app.device import Device, open_device
from audit_app.evidence import clean_unreferenced_photos
from audit_app.route_echoes import RouteEchoes
from audit_app.state import AppState, DeviceAccess, DeviceRegistry
from audit_app.stopwatch import local_now
from audit_app.views import Services, broken_view, build_view
from audit_app.views.check_in import make_locate
from audit_app.views.camera import make_take_fix_photo, make_take_photo
from audit_app.web_server import ASSETS_DIR

log = logging.getLogger(__name__)

CJK_FONT = "fonts/NotoSansSC-Subset.otf"
DEVICE_ID_KEY = "field_audit.device_id"
_DEVICE_ID = re.compile(r"^[0-9a-f]{32}$")


def data_root(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    chosen = env.get("FLET_APP_STORAGE_DATA") or env.get("AUDIT_APP_DATA_DIR") or "var/app"
    return Path(chosen)


def app_clock(env: Mapping[str, str] | None = None) -> Callable[[], datetime]:
    """The app's `now`: the machine's local time, on the date `AUDIT_APP_TODAY` names if set."""
    env = os.environ if env is None else env
    pinned = env.get("AUDIT_APP_TODAY")
    if not pinned:
        return local_now
    today = date.fromisoformat(pinned)  # a wrong value stops the app at start, loudly

    def now_on_pinned_date() -> datetime:
        real = local_now()
        return datetime.combine(today, real.timetz())
    return now_on_pinned_date


def device_folder(root: Path, device_id: str) -> Path:
    if not _DEVICE_ID.match(device_id):  # it comes from the browser: never let it name a path
        raise ValueError("not a device id")
    return root / "devices" / device_id


def open_and_tidy(folder: Path) -> Device:
    """Open a device and drop photo files no visit cites (crash leftovers): safe only here,
    before any session of this device can be adding a photo."""
    device = open_device(folder)
    with device.lock:
        clean_unreferenced_photos(device.store, device.photos)
    return device


def enrolment_query(route: str | None, url: str | None) -> tuple[str | None, str | None]:
    """`enrol` and `server` from the first page load's address."""
    for text in (route, url):
        if text and "?" in text:
            query = parse_qs(urlparse(text).query)
            code = (query.get("enrol") or [None])[0]
            server = (query.get("server") or [None])[0]
            if code:
                return code, server
    return None, None


@ft.component
def Root(state: AppState, services: Services):
    """Re-renders the current screen whenever the state says it changed."""
    _tick, set_tick = ft.use_state(0)
    ft.use_effect(lambda: state.subscribe(lambda: set_tick(lambda n: n + 1)), [])
    try:
        return [build_view(state, services)]
    except Exception:  # an exception here would stop every later redraw of this page
        log.exception("building the %s screen failed", state.route)
        return [broken_view(state)]


def _page_url(page: ft.Page) -> str | None:
    """The tab's address, or None while the page has no socket (Flet's `page.url` then raises).
    After an app-server restart the old tab reconnects, and its session's `main` waits for the
    app to load (web_server.py); a reload meanwhile closes that socket, and the reloaded tab
    reattaches to this session later. Its route still holds any enrolment query."""
    connection = page.session.connection
    return connection.page_url if connection is not None else None


async def _device_id(calls: ClientCalls) -> str:
    prefs = ft.SharedPreferences()
    found = await calls.call(lambda: prefs.get(DEVICE_ID_KEY), "reading the device id")
    if isinstance(found, str) and _DEVICE_ID.match(found):
        return found
    made = uuid.uuid4().hex
    await calls.call(lambda: prefs.set(DEVICE_ID_KEY, made), "keeping the device id")
    return made


def make_main(registry: DeviceRegistry, root: Path, now: Callable[[], datetime] = local_now):
    async def main(page: ft.Page) -> None:
        page.title = "Field Audit 现场稽核"
        # Screens change without a route animation: the outgoing screen stays drawn while one
        # runs, and on a busy phone taps and scrolls met it instead of the new one (see
        # views/runner.py's jump). It also spares slow phones the frames.
        still = ft.PageTransitionTheme.NONE
        transitions = ft.PageTransitionsTheme(android=still, ios=still, linux=still, macos=still, windows=still)
        if (ASSETS_DIR / CJK_FONT).is_file():
            page.fonts = {"CJK": CJK_FONT}
            page.theme = ft.Theme(font_family="CJK", color_scheme_seed=ft.Colors.BLUE, page_transitions=transitions)
        else:
            page.theme = ft.Theme(color_scheme_seed=ft.Colors.BLUE, page_transitions=transitions)
        page.theme_mode = ft.ThemeMode.LIGHT
        # Sent now, not with the first screen: the browser starts fetching the 3 MB CJK font
        # (it shows no screen until the font is in) while the device opens below.
        page.update()
        first_route, first_url = page.route, _page_url(page)
        calls = ClientCalls(page)
        try:
            device_id = await _device_id(calls)
        except PageGone:
            return  # the tab went away for good before saying which device it is
        # On a worker thread: opening a device reads its store and parses the bundled checklists,
        # and the event loop meanwhile keeps serving the font and the other tabs.
        # The path only: a first route can carry a one-time enrolment code, never logged.
        log.info("session %s: device %s…, route %s", page.session.id[:8], device_id[:6],
                 urlparse(first_route or "/").path)
        device = await asyncio.to_thread(registry.acquire, device_folder(root, device_id))
        state = AppState(DeviceAccess(device), now=now)
        await state.load()
        picker = ft.FilePicker()
        state.locate = make_locate()  # the check-in at visit start (views/check_in.py)

        async def pick_photos(deliver) -> None:  # type: ignore[no-untyped-def]
            files = await picker.pick_files(allowed_extensions=["jpg", "jpeg", "png"], with_data=True,
                                            allow_multiple=True)
            for picked in files or []:
                data = picked.bytes
                if data is None and picked.path:
                    data = Path(picked.path).read_bytes()
                await deliver(data or b"")

        async def add_photo(item_key: str | None) -> None:
            await pick_photos(lambda data: state.add_photo(item_key, data))

        async def add_fix_photo() -> None:
            await pick_photos(state.actions.add_fix_photo)

        services = Services(add_photo=add_photo, take_photo=make_take_photo(page, state), picker=picker,
                            add_fix_photo=add_fix_photo, take_fix_photo=make_take_fix_photo(page, state))

        echoes = RouteEchoes()  # the browser's answers to our own navigation (route_echoes.py)

        def navigate(route: str) -> None:
            if page.route != route:
                echoes.sent(route)
                page.navigate(route)
        state.set_navigator(navigate)

        async def route_changed(e: ft.RouteChangeEvent) -> None:
            # An enrolment link opened in this tab reattaches to its session: no new `main`.
            code, server = enrolment_query(e.route, None)
            if code:
                await state.open_enrolment_link(code, server)
                navigate(state.route)  # the address bar forgets the one-time code
                return
            route = urlparse(e.route).path or "/"
            if echoes.is_echo(route):
                return
            if route != state.route:
                state.go(route)

        page.on_route_change = route_changed
        state.reports.set_width(page.width)
        page.on_resize = lambda e: state.reports.set_width(e.width)

        def closed() -> None:
            state.auto_send.stop()
            registry.release(device)
        calls.when_closed(closed)

        page.render_views(Root, state, services)
        log.info("session %s: first screen sent", page.session.id[:8])
        state.app_started()   # auto-send: what waits goes now, without a tap
        code, server = enrolment_query(first_route, first_url)
        if code:
            await state.open_enrolment_link(code, server)
            navigate(state.route)
        else:
            await state.land()
    return main


async def main(page: ft.Page) -> None:
    """`flet build` / `flet run` entry (root main.py): a phone is one device."""
    await make_main(DeviceRegistry(open_and_tidy), data_root(), app_clock())(page)
