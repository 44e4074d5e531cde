"""`python -m audit_app serve-app`: the field app for browsers, listening before the app loads.

Only Flet is imported before the server listens; the app itself (`audit_app.app`: state, store,
views, the sync client: ~0.9 s of imports on the busy 2-core machine) and the first screens'
controls are imported by a thread once it does (audit_app/warm_up.py), while a browser fetches
and starts the web client. A tab that connects sooner waits for what is not in yet. The app's
devices (`DeviceRegistry`) are set up when the first tab connects."""

from __future__ import annotations

import asyncio
import importlib
import os
from datetime import date
from pathlib import Path

import flet as ft

from audit_app.warm_up import warm_up_when_serving

APP_MODULE = "audit_app.app"
ASSETS_DIR = Path(__file__).resolve().parent / "assets"
DEFAULT_APP_PORT = 8550


def run(*, host: str | None = None, port: int | None = None) -> None:
    """Serve the app for browsers (offline: the Flutter client and CanvasKit come from flet-web)."""
    os.environ.setdefault("FLET_FORCE_WEB_SERVER", "true")
    host = host or os.environ.get("APP_HOST") or os.environ.get("FLET_SERVER_IP") or "127.0.0.1"
    port = port or int(os.environ.get("APP_PORT") or os.environ.get("FLET_SERVER_PORT") or DEFAULT_APP_PORT)
    os.environ["FLET_SERVER_IP"] = host
    pinned = os.environ.get("AUDIT_APP_TODAY")
    if pinned:
        date.fromisoformat(pinned)  # a wrong value stops the app at start, loudly (as app_clock would)
    warm_up_when_serving(host, port, APP_MODULE)
    opened: dict[str, object] = {}

    async def main(page: ft.Page) -> None:
        app = await asyncio.to_thread(importlib.import_module, APP_MODULE)  # at once once warmed up
        if "main" not in opened:  # the event loop's thread: no two tabs get here at once
            opened["registry"] = registry = app.DeviceRegistry(app.open_and_tidy)
            opened["main"] = app.make_main(registry, app.data_root(), app.app_clock())
        await opened["main"](page)  # type: ignore[operator]

    try:
        ft.run(main, host=host, port=port, view=ft.AppView.WEB_BROWSER, assets_dir=str(ASSETS_DIR),
               no_cdn=True)
    finally:
        if "registry" in opened:
            opened["registry"].close_all()  # type: ignore[attr-defined]
