"""The floor the field app is measured against: a bare Flet web app, served exactly as the
field app is (web mode, no CDN, the same host), whose one screen is a "Save" button. A click
writes a 60 KB file and fsyncs it (temp file + rename, as the store saves), then shows the new
count. Each tab names its folder in the address (`/?dev=<name>`), so the bench knows which
file a tab writes.

    APP_PORT=8600 AUDIT_APP_DATA_DIR=/tmp/bare python bench/support/bare_app.py"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import flet as ft

SAVED_FILE = "saved.json"
PAD = "x" * 60_000  # the size of a phone's hot store file with a visit open (~60 KB)
_NAME = re.compile(r"^[a-z0-9-]{1,40}$")


def save(folder: Path, count: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    temp = folder / f".{SAVED_FILE}.tmp"
    with open(temp, "w", encoding="utf-8") as out:
        json.dump({"count": count, "pad": PAD}, out)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temp, folder / SAVED_FILE)


def make_main(root: Path):
    async def main(page: ft.Page) -> None:
        dev = "default"
        for address in (page.route, page.url):  # the query arrives in one or the other
            found = parse_qs(urlparse(address or "").query).get("dev")
            if found:
                dev = found[0]
                break
        folder = root / (dev if _NAME.match(dev) else "default")
        count = ft.Text("0")
        state = {"n": 0}

        def clicked(_e: ft.Event) -> None:
            state["n"] += 1
            save(folder, state["n"])
            count.value = str(state["n"])

        page.add(ft.Column([ft.FilledButton(content="Save", on_click=clicked, height=56), count]))
    return main


def run() -> None:
    os.environ.setdefault("FLET_FORCE_WEB_SERVER", "true")
    host = os.environ.get("FLET_SERVER_IP") or "127.0.0.1"
    port = int(os.environ.get("APP_PORT") or 8600)
    root = Path(os.environ.get("AUDIT_APP_DATA_DIR") or "var/bare")
    ft.run(make_main(root), host=host, port=port, view=ft.AppView.WEB_BROWSER, no_cdn=True)


if __name__ == "__main__":
    run()
