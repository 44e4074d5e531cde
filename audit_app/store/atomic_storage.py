"""A TinyDB storage that replaces its file atomically and durably on every write.

Why not TinyDB's own storages: `JSONStorage` truncates and rewrites the file in place, so a full
disk or a crash mid-write leaves half a JSON document; `CachingMiddleware` holds up to 999 writes
in memory and loses them all on a crash. Here every write is:

    write a temp file in the same directory -> fsync it -> os.replace over the real file
    -> fsync the directory (so the rename itself survives a power cut)

A reader therefore sees either the old file or the new one, never a mix. If any step fails the
temp file is removed, the real file is untouched, the in-memory copy is dropped (the next read
comes from disk, i.e. the last durable state) and the caller gets a `StoreWriteError`.

Two things keep a save cheap however much the file holds:
- the last written data stays in memory, so a read does not re-parse the file;
- each document's encoded JSON is remembered beside the values it was encoded from. A write
  re-encodes only documents whose top-level values are not those very objects any more, then
  joins bytes. The file is plain nested JSON, exactly what `json.dumps` of the data gives.
  Identity, not `==`, because `1 == 1.0 == True` would keep a stale encoding. The rule this
  needs from callers: replace a document's values, never change nested values in place. TinyDB's
  own insert/update/upsert/remove all keep it (update replaces top-level keys).

`transaction()` groups several TinyDB operations into ONE file write: both or neither.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

from .errors import StoreCorruptError, StoreWriteError

TEMP_SUFFIX = ".tmp"


class FileOps:
    """The system calls a save makes. Tests pass a subclass that fails at a chosen step."""

    def open(self, path: str, flags: int, mode: int = 0o600) -> int:
        return os.open(path, flags, mode)

    def write(self, fd: int, data: bytes | memoryview) -> int:
        return os.write(fd, data)

    def fsync(self, fd: int) -> None:
        os.fsync(fd)

    def close(self, fd: int) -> None:
        os.close(fd)

    def replace(self, src: str, dst: str) -> None:
        os.replace(src, dst)

    def unlink(self, path: str) -> None:
        os.unlink(path)


def _encode(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def temp_files(path: Path) -> list[Path]:
    """Leftover temp files of `path` (from a crash mid-write)."""
    return sorted(path.parent.glob(f".{path.name}.*{TEMP_SUFFIX}"))


class AtomicJSONStorage(Storage):
    """TinyDB storage: one JSON file, replaced atomically; see the module docstring.

    `keep_in_memory=False` (for the large, rarely written archive) reads the file on every
    access outside a transaction and keeps neither the data nor the per-document encodings in
    memory once a write or transaction is over."""

    def __init__(self, path: str | Path, *, fs: FileOps | None = None, keep_in_memory: bool = True):
        self.path = Path(path)
        self.fs = fs or FileOps()
        self.keep_in_memory = keep_in_memory
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._data: dict[str, dict[str, Any]] | None = None
        # (table, doc_id) -> (the document's items when encoded, `"doc_id":{...}` encoded)
        self._encoded: dict[tuple[str, str], tuple[tuple[tuple[str, Any], ...], bytes]] = {}
        self._batch_depth = 0
        self._batch_dirty = False
        self._remove_stale_temp_files()

    # -- TinyDB Storage interface -------------------------------------------------------

    def read(self) -> dict[str, dict[str, Any]] | None:
        # TinyDB may change the returned dict in place before writing it back; that is safe
        # because a failed or abandoned write drops `_data`, so the next read is from disk.
        if self._data is None:
            data = self._read_file()
            if not (self.keep_in_memory or self._batch_depth):
                return data
            self._data = data
        return self._data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        if self._batch_depth:
            self._data = data
            self._batch_dirty = True
            return
        self._write_durably(data)

    def _write_durably(self, data: dict[str, dict[str, Any]]) -> None:
        try:
            self._write_file(data)
        except BaseException:
            self._data = None
            raise
        self._data = data if self.keep_in_memory else None

    def close(self) -> None:
        self._data = None
        self._encoded.clear()

    # -- transactions ----------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Every write inside becomes one atomic file write at the end; an exception drops all.

        Nested transactions join the outermost one."""
        self._batch_depth += 1
        try:
            yield
        except BaseException:
            self._batch_depth -= 1
            if self._batch_depth == 0:
                self._batch_dirty = False
                self._data = None  # back to what is on disk
            raise
        self._batch_depth -= 1
        if self._batch_depth == 0:
            data, dirty = self._data, self._batch_dirty
            self._batch_dirty = False
            if dirty and data is not None:
                self._write_durably(data)
            elif not self.keep_in_memory:
                self._data = None

    # -- file I/O -------------------------------------------------------------------------------

    def _read_file(self) -> dict[str, dict[str, Any]] | None:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        if not raw.strip():
            return None
        try:
            data = json.loads(raw)
        except ValueError as exc:
            raise StoreCorruptError(self.path.name, str(exc)) from exc
        if not isinstance(data, dict):
            raise StoreCorruptError(self.path.name, "the top level is not a JSON object")
        return data

    def _serialise(self, data: dict[str, dict[str, Any]]) -> bytes:
        if not self.keep_in_memory:
            return _encode(data)
        parts: list[bytes] = []
        seen: set[tuple[str, str]] = set()
        for table_name, table in data.items():
            docs: list[bytes] = []
            for doc_id, doc in table.items():
                key = (table_name, doc_id)
                seen.add(key)
                items = tuple(doc.items())
                cached = self._encoded.get(key)
                if cached is None or not _same_objects(cached[0], items):
                    cached = (items, _encode(doc_id) + b":" + _encode(doc))
                    self._encoded[key] = cached
                docs.append(cached[1])
            parts.append(_encode(table_name) + b":{" + b",".join(docs) + b"}")
        if len(seen) != len(self._encoded):
            for key in self._encoded.keys() - seen:
                del self._encoded[key]
        return b"{" + b",".join(parts) + b"}"

    def _write_file(self, data: dict[str, dict[str, Any]]) -> None:
        payload = self._serialise(data)
        fs = self.fs
        temp = str(self.path.parent / f".{self.path.name}.{secrets.token_hex(6)}{TEMP_SUFFIX}")
        step = "creating a temp file for"
        fd: int | None = None
        try:
            fd = fs.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            step = "writing"
            view = memoryview(payload)
            while view:
                written = fs.write(fd, view)
                view = view[written:]
            step = "flushing to disk"
            fs.fsync(fd)
            step = "closing"
            fs.close(fd)
            fd = None
            step = "replacing"
            fs.replace(temp, str(self.path))
        except OSError as exc:
            if fd is not None:
                _quietly(fs.close, fd)
            _quietly(fs.unlink, temp)
            raise StoreWriteError(step, self.path.name, exc) from exc
        except BaseException:
            if fd is not None:
                _quietly(fs.close, fd)
            _quietly(fs.unlink, temp)
            raise
        self._fsync_directory()

    def _fsync_directory(self) -> None:
        # The new file is in place; this makes the rename itself durable. If it fails the data
        # is already visible, so the caller is told durability is not certain.
        fs = self.fs
        try:
            fd = fs.open(str(self.path.parent), os.O_RDONLY | getattr(os, "O_DIRECTORY", 0), 0)
        except OSError as exc:
            raise StoreWriteError("syncing the folder of", self.path.name, exc) from exc
        try:
            fs.fsync(fd)
        except OSError as exc:
            raise StoreWriteError("syncing the folder of", self.path.name, exc) from exc
        finally:
            _quietly(fs.close, fd)

    def _remove_stale_temp_files(self) -> None:
        for temp in temp_files(self.path):
            _quietly(os.unlink, str(temp))


def _same_objects(old: tuple[tuple[str, Any], ...], new: tuple[tuple[str, Any], ...]) -> bool:
    """True when `new` holds the very objects `old` held (so their encoding is unchanged)."""
    return len(old) == len(new) and all(
        old_key == new_key and old_value is new_value
        for (old_key, old_value), (new_key, new_value) in zip(old, new))


def _quietly(call: Any, *args: Any) -> None:
    """Cleanup after a failure: its own errors must not hide the original one."""
    try:
        call(*args)
    except OSError:
        pass
