"""Small files of the device folder written whole or not at all (credentials, roster)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomically(folder: Path, name: str, data: bytes, *, mode: int = 0o600) -> None:
    """Temp file (created with `mode`) → write → fsync → rename over `folder/name`.

    A reader sees the old file or the whole new one; on failure the temp file is removed."""
    fd, temp_name = tempfile.mkstemp(dir=folder, prefix=f".{name}-", suffix=".tmp")
    try:
        try:
            os.fchmod(fd, mode)
            remaining = memoryview(data)
            while remaining:
                remaining = remaining[os.write(fd, remaining):]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temp_name, folder / name)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
