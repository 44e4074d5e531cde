"""The last answer of each report request, kept in the device folder so a manager can still
read it, with its "as of" time, when the server cannot be reached.

One JSON file (`reports_cache.json`), written atomically (temp file + rename) so a crash
mid-write keeps the previous cache. Answers are stored as the server's JSON, parsed again on
read: a cache written by an older app that no longer parses is simply a miss."""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar
from urllib.parse import urlencode

from pydantic import TypeAdapter, ValidationError

from .client import ServerUnreachable

CACHE_FILE = "reports_cache.json"
MAX_ENTRIES = 60  # a few filters × groupings; the oldest is dropped first

T = TypeVar("T")


def cache_key(kind: str, params: Mapping[str, str]) -> str:
    """One key per request: the kind (e.g. `compliance/site`) and its sorted parameters."""
    return f"{kind}?{urlencode(sorted(params.items()))}"


class ReportCache:
    def __init__(self, folder: Path) -> None:
        self.path = folder / CACHE_FILE
        self._lock = threading.Lock()

    def _read(self) -> dict[str, dict[str, str]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}  # no cache yet, or a damaged one: both mean "nothing cached"
        return data if isinstance(data, dict) else {}

    def put(self, key: str, body: str, as_of: dt.datetime) -> None:
        with self._lock:
            entries = self._read()
            entries.pop(key, None)
            entries[key] = {"as_of": as_of.isoformat(), "body": body}
            while len(entries) > MAX_ENTRIES:
                entries.pop(min(entries, key=lambda k: entries[k].get("as_of", "")))
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle, temp = tempfile.mkstemp(dir=self.path.parent, prefix=".reports_cache.")
            try:
                # No fsync: this is a cache. After a power cut it may hold an older answer or
                # none (a miss), never a torn file, since the rename is atomic.
                with os.fdopen(handle, "w", encoding="utf-8") as out:
                    json.dump(entries, out, ensure_ascii=False)
                os.replace(temp, self.path)
            except BaseException:
                Path(temp).unlink(missing_ok=True)
                raise

    def get(self, key: str) -> tuple[str, dt.datetime] | None:
        with self._lock:
            entry = self._read().get(key)
        if not isinstance(entry, dict):
            return None
        try:
            return str(entry["body"]), dt.datetime.fromisoformat(entry["as_of"])
        except (KeyError, TypeError, ValueError):
            return None


@dataclass(frozen=True)
class Fetched(Generic[T]):
    """An answer and when the server gave it; `offline` when it came from the cache."""

    answer: T
    as_of: dt.datetime
    offline: bool


def fetch_or_cached(cache: ReportCache, key: str, fetch: Callable[[], T],
                    adapter: TypeAdapter[T], now: Callable[[], dt.datetime]) -> Fetched[T]:
    """Ask the server; keep the answer. When the server cannot be reached, the last kept answer
    for the same request, marked offline; with none kept, the ServerUnreachable error stands.
    Refusals (401, 403, 404) are never answered from the cache: they are the server's word."""
    try:
        answer = fetch()
    except ServerUnreachable:
        kept = cache.get(key)
        if kept is None:
            raise
        body, as_of = kept
        try:
            return Fetched(adapter.validate_json(body), as_of, offline=True)
        except ValidationError:
            raise ServerUnreachable("the server cannot be reached and the kept report "
                                    "is unreadable") from None
    as_of = now()
    cache.put(key, adapter.dump_json(answer).decode("utf-8"), as_of)
    return Fetched(answer, as_of, offline=False)
