"""Where the phone keeps its files.

A packaged Flet app gets a writable folder in `FLET_APP_STORAGE_DATA` (`flet run` sets it too);
elsewhere (tests, development) a configured folder is used. The environment is an argument so
tests pass a dict instead of changing `os.environ`."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

ENV_VAR = "FLET_APP_STORAGE_DATA"
DEFAULT_DIR = Path("var") / "app"

HOT_FILE = "store.json"
ARCHIVE_FILE = "archive.json"
CHECKLIST_FILE = "checklists.json"


def data_dir(env: Mapping[str, str] | None = None, configured: Path | None = None) -> Path:
    """The data folder: `FLET_APP_STORAGE_DATA` when set, else `configured`, else `./var/app`.

    The folder is created if missing."""
    env = os.environ if env is None else env
    chosen = env.get(ENV_VAR) or None
    path = Path(chosen) if chosen else (configured or DEFAULT_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path
