"""The app's own settings on a device (`prefs.json` in the device folder), not the visits.

Credentials are not here: the sync client keeps them in their own 0600 file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from audit_app.i18n import DEFAULT_LANGUAGE, LANGUAGES

PREFS_FILE = "prefs.json"
PHOTO_SIZES = (1024, 1600, 2048)  # long edge in pixels the app offers


class Prefs(BaseModel):
    model_config = ConfigDict(frozen=True)

    language: str = DEFAULT_LANGUAGE
    setup_done: bool = False        # first run finished (enrolled, token given or offline only)
    offline_only: bool = False
    photo_long_edge: int = Field(default=1600)
    last_sync_at: AwareDatetime | None = None
    last_sync_status: str | None = None
    auto_send: bool = True          # send finalised visits without a tap (Settings turns it off)


def load_prefs(folder: Path) -> Prefs:
    """The saved settings, or defaults when there are none (or the file is unreadable)."""
    path = folder / PREFS_FILE
    try:
        prefs = Prefs.model_validate_json(path.read_bytes())
    except (FileNotFoundError, ValidationError, ValueError):
        return Prefs()
    if prefs.language not in LANGUAGES:
        prefs = prefs.model_copy(update={"language": DEFAULT_LANGUAGE})
    return prefs


def save_prefs(folder: Path, prefs: Prefs) -> None:
    """Write atomically: a crash leaves the old settings or the new ones."""
    folder.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=folder, prefix=".prefs-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(prefs.model_dump_json(indent=1).encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, folder / PREFS_FILE)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
