"""Debian's Chromium as the browser tests and bench/app.py launch it (FLET_NOTES "Testing")."""

from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")  # apt package `chromium`; never `playwright install`
# Flags that work headless as root with no network beyond 127.0.0.1.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PHONE_VIEWPORT = {"width": 412, "height": 915}
