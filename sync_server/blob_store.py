"""Where photo and thumbnail bytes live: the node's disk (the embedded default) or any
S3-compatible object store, behind one small interface, so several server nodes can share the
photos (`AUDIT_PHOTO_STORE=s3`).

Keys are content addressed (`<sha[:2]>/<sha256>.<ext>`, thumbnails `<sha[:2]>/<sha256>.thumb.jpg`):
a key's bytes never change, so a write is "create if absent" — two nodes racing on one photo
store it once (S3: a conditional `PUT` with `If-None-Match: *`; disk: an atomic rename of the
same bytes). Nothing here touches the database; `photo_store` records what was stored."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from pydantic import SecretStr

    from .settings import Settings

CHUNK = 64 * 1024


class BlobNotFound(LookupError):
    """No object under that key."""


class BlobStoreUnavailable(RuntimeError):
    """The store could not be reached or refused us; the message names no secret."""


class BlobStore(Protocol):
    def put_new(self, key: str, data: bytes, content_type: str) -> bool:
        """Store `data` under `key` unless something is there; True if this call stored it."""

    def exists(self, key: str) -> bool: ...

    def read(self, key: str) -> bytes: ...

    def open_chunks(self, key: str) -> Iterator[bytes]:
        """The object's bytes in chunks. Raises `BlobNotFound` before the first chunk, so a
        route can still answer 404 rather than a broken 200."""

    def delete(self, key: str) -> None: ...


def write_atomically(target: Path, write: Callable[[IO[bytes]], None]) -> None:
    """Write `target` through a temporary file in its folder, renamed into place when complete."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=target.parent, delete=False, prefix=".upload-") as handle:
        try:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        except BaseException:  # e.g. a full disk: leave no partial file behind
            handle.close()
            os.unlink(handle.name)
            raise
    os.replace(handle.name, target)


class LocalBlobStore:
    """Files under one folder (`<data dir>/photos`)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, key: str) -> Path:
        return self.root / key

    def put_new(self, key: str, data: bytes, content_type: str) -> bool:
        target = self.path(key)
        if target.exists():
            return False
        # Same bytes for the same key, so a race rewrites nothing.
        write_atomically(target, lambda handle: handle.write(data))
        return True

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def read(self, key: str) -> bytes:
        try:
            return self.path(key).read_bytes()
        except FileNotFoundError as exc:
            raise BlobNotFound(key) from exc

    def open_chunks(self, key: str) -> Iterator[bytes]:
        try:
            handle = open(self.path(key), "rb")
        except FileNotFoundError as exc:
            raise BlobNotFound(key) from exc

        def chunks() -> Iterator[bytes]:
            with handle:
                while chunk := handle.read(CHUNK):
                    yield chunk
        return chunks()

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)


class S3BlobStore:
    """One bucket of an S3-compatible store, through boto3 (thread-safe client, shared)."""

    def __init__(self, client: object, bucket: str) -> None:
        self.client = client
        self.bucket = bucket

    def _call(self, operation: str, **kwargs: object) -> dict:  # type: ignore[type-arg]
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return getattr(self.client, operation)(Bucket=self.bucket, **kwargs)  # type: ignore[no-any-return]
        except ClientError as exc:
            code = str(exc.response.get("Error", {}).get("Code", ""))
            status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
            if code in ("NoSuchKey", "404", "NotFound") or status == 404:
                raise BlobNotFound(str(kwargs.get("Key", ""))) from exc
            if code == "PreconditionFailed" or status == 412:
                raise FileExistsError(str(kwargs.get("Key", ""))) from exc
            raise BlobStoreUnavailable(f"the photo store answered {operation} with {code or status}") from exc
        except BotoCoreError as exc:  # connection refused, timeouts, bad endpoint…
            raise BlobStoreUnavailable(f"the photo store could not be reached ({type(exc).__name__})") from exc

    def put_new(self, key: str, data: bytes, content_type: str) -> bool:
        try:
            self._call("put_object", Key=key, Body=data, ContentType=content_type, IfNoneMatch="*")
        except FileExistsError:
            return False
        return True

    def exists(self, key: str) -> bool:
        try:
            self._call("head_object", Key=key)
        except BlobNotFound:
            return False
        return True

    def read(self, key: str) -> bytes:
        return b"".join(self.open_chunks(key))

    def open_chunks(self, key: str) -> Iterator[bytes]:
        body = self._call("get_object", Key=key)["Body"]

        def chunks() -> Iterator[bytes]:
            with body:
                yield from body.iter_chunks(CHUNK)
        return chunks()

    def delete(self, key: str) -> None:
        self._call("delete_object", Key=key)


def open_photo_store(settings: Settings) -> BlobStore:
    """The store the settings choose. The S3 client is made once per app (it is thread-safe)."""
    if settings.photo_store == "local":
        return LocalBlobStore(settings.photo_dir)
    import boto3  # only an S3 deployment needs it at run time
    from botocore.config import Config

    def secret(value: SecretStr | None) -> str | None:
        return value.get_secret_value() if value is not None else None

    client = boto3.session.Session().client(
        "s3", endpoint_url=settings.s3_endpoint_url, region_name=settings.s3_region,
        aws_access_key_id=secret(settings.s3_access_key_id),
        aws_secret_access_key=secret(settings.s3_secret_access_key),
        # Path-style addressing works with every S3-compatible server; short timeouts and few
        # retries, so an unreachable store answers the phone with a 503 in seconds, not minutes.
        config=Config(s3={"addressing_style": "path"}, connect_timeout=3, read_timeout=30,
                      retries={"max_attempts": 2, "mode": "standard"}))
    assert settings.s3_bucket is not None  # the settings' validator guarantees it
    return S3BlobStore(client, settings.s3_bucket)
