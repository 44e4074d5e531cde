"""The device's server address and token: `credentials.json` in the device folder, mode 0600.

The token is a secret: it is written only to this file (never logged or printed), and the file
is created with mode 0600 before a byte of it is written, then swapped in atomically."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from .files import write_atomically

CREDENTIALS_FILE = "credentials.json"


@dataclass(frozen=True)
class Credentials:
    server_url: str
    token: str = field(repr=False)  # a stray print or log line must not show the token


def save_credentials(folder: Path, creds: Credentials) -> None:
    """Write the credentials file (mode 0600) atomically: the old one or the new one, never half."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    data = json.dumps({"server_url": creds.server_url, "token": creds.token}).encode("utf-8")
    write_atomically(folder, CREDENTIALS_FILE, data, mode=0o600)


def load_credentials(folder: Path) -> Credentials | None:
    """The saved credentials, or None when there are none (or the file is unreadable)."""
    try:
        data = json.loads((Path(folder) / CREDENTIALS_FILE).read_text(encoding="utf-8"))
        server_url, token = data["server_url"], data["token"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not isinstance(server_url, str) or not isinstance(token, str) or not token:
        return None
    return Credentials(server_url=server_url, token=token)


def clear_credentials(folder: Path) -> None:
    """Forget the token (sign out); a missing file is fine."""
    (Path(folder) / CREDENTIALS_FILE).unlink(missing_ok=True)
