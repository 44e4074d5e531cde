"""Work the first tab would otherwise wait for, done while the browser loads the web client.

Flet imports a control's module on first use (`ft.Theme` alone is ~0.3 s of module set-up), so
the first tab after a start paid ~1 s of imports (2-core machine, busy) between opening its
connection and seeing a screen. Once the app server accepts connections a browser still needs
seconds to fetch and start the Flutter client; a thread imports those modules meanwhile. A tab
that comes sooner loses nothing: it imports whatever is not in yet, as before."""

from __future__ import annotations

import importlib
import socket
import threading
import time

import flet as ft

# The controls of the first screens (first run, home, new visit, the runner) and the page set-up.
FIRST_SCREENS = (
    "Theme", "PageTransitionsTheme", "SharedPreferences", "FilePicker", "View", "AppBar",
    "BottomAppBar", "Column", "Row", "Container", "Stack", "Text", "Icon", "Icons", "Colors",
    "TextField", "FilledButton", "OutlinedButton", "TextButton", "IconButton", "ButtonStyle",
    "Semantics", "ListTile", "Divider", "ProgressBar", "ProgressRing", "RadioGroup", "Radio",
    "Switch", "Checkbox", "Dropdown", "Image", "Border", "Padding",
)
WAIT_POLL_S = 0.02


def _listening(host: str, port: int, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            socket.create_connection((host, port), timeout=0.5).close()
            return True
        except OSError:
            time.sleep(WAIT_POLL_S)
    return False


def warm_up_when_serving(host: str, port: int, app_module: str, timeout_s: float = 60.0) -> threading.Thread:
    """Start a daemon thread that, once `host:port` accepts connections (not before: the
    server's own start would share the interpreter with it), imports `app_module` and the
    first screens' controls. A failing import is raised again where the first tab imports it."""
    def run() -> None:
        if not _listening(host, port, timeout_s):
            return
        try:
            importlib.import_module(app_module)
        except Exception:  # noqa: BLE001  (the first tab's own import reports it)
            return
        for name in FIRST_SCREENS:
            getattr(ft, name, None)  # a name Flet dropped is imported (and fails) where it is used

    thread = threading.Thread(target=run, name="warm-up", daemon=True)
    thread.start()
    return thread
