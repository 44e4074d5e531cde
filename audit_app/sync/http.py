"""The sync client's HTTP layer: one request with retries, and what each answer means.

Only the contract's JSON counts as an answer. Everything else is a *transient failure* that
leaves the visit queued: connection errors, timeouts, 5xx, 429, any redirect (never followed:
a captive portal redirects to its login page), other unexpected statuses, and a 2xx whose body
is not the JSON the contract promises (a portal's HTML login page answered with 200).

Retries: httpx's transport retries a failed *connect* itself (`HTTPTransport(retries=…)`);
`SyncApi.call` retries every transient failure with capped exponential backoff and full jitter,
honouring `Retry-After` (capped). Decisive answers are not retried: 401 and 403 stop the sync,
409/413/422 settle the one visit (`ServerRefused`)."""

from __future__ import annotations

import json
import math
import random
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

from .errors import InvalidServerAddress, SyncCancelled, forbidden, token_refused

API_PREFIX = "/api/v1"
T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    """How hard one request is tried before the visit is left queued for the next sync."""

    attempts: int = 4            # tries per request, the first included
    base_delay_s: float = 0.5    # backoff before try n+1: uniform(0, min(max, base * 2**n))
    max_delay_s: float = 8.0
    connect_retries: int = 2     # httpx transport retries of a failed connect (within one try)
    timeout_s: float = 30.0      # per read/write; connecting gets at most 10 s

    def __post_init__(self) -> None:
        if self.attempts < 1 or self.connect_retries < 0 or self.timeout_s <= 0:
            raise ValueError("a retry policy needs attempts >= 1, connect_retries >= 0, timeout_s > 0")
        if not 0 <= self.base_delay_s <= self.max_delay_s:
            raise ValueError("a retry policy needs 0 <= base_delay_s <= max_delay_s")

    def backoff(self, attempt: int, rng: random.Random) -> float:
        return rng.uniform(0.0, min(self.max_delay_s, self.base_delay_s * 2 ** attempt))


DEFAULT_RETRY = RetryPolicy()


class TransientFailure(Exception):
    """No usable answer after every try; `reason` is a stable code (see `messages.PENDING`)."""

    def __init__(self, reason: str, detail: str, *, offline: bool = False,
                 retry_after_s: float | None = None) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail
        self.offline = offline  # the server could not be reached at all
        self.retry_after_s = retry_after_s


class ErrorDetail(BaseModel):
    model_config = ConfigDict(extra="allow")
    code: str
    path: str = ""
    message: str = ""
    message_zh: str | None = None


class ErrorInfo(BaseModel):
    model_config = ConfigDict(extra="allow")
    code: str
    message: str
    details: list[ErrorDetail] = []


class _ErrorBody(BaseModel):
    error: ErrorInfo


class ServerRefused(Exception):
    """A decisive 409, 413 or 422 with the contract's error body."""

    def __init__(self, status: int, error: ErrorInfo) -> None:
        super().__init__(f"{status} {error.code}: {error.message}")
        self.status = status
        self.error = error


def normalise_server_url(url: str) -> str:
    """`https://host[:port][/prefix]` without a trailing slash or `/api/v1`; raises on nonsense."""
    cleaned = url.strip().rstrip("/")
    if cleaned.endswith(API_PREFIX):
        cleaned = cleaned[: -len(API_PREFIX)].rstrip("/")
    try:
        parsed = httpx.URL(cleaned)
    except (httpx.InvalidURL, TypeError) as exc:
        raise InvalidServerAddress(f"not a server address: {url!r}", "不是有效的服务器地址") from exc
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise InvalidServerAddress(f"the server address must start with http:// or https://: {url!r}",
                                   "服务器地址必须以 http:// 或 https:// 开头")
    return cleaned


def make_client(server_url: str, token: str | None, *, transport: httpx.BaseTransport | None,
                policy: RetryPolicy) -> httpx.Client:
    headers = {"Accept": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return httpx.Client(
        base_url=normalise_server_url(server_url) + API_PREFIX, headers=headers,
        transport=transport or httpx.HTTPTransport(retries=policy.connect_retries),
        follow_redirects=False,
        timeout=httpx.Timeout(policy.timeout_s, connect=min(10.0, policy.timeout_s)))


def parse_error_body(response: httpx.Response) -> ErrorInfo | None:
    """The contract's `{"error": {...}}`, or None when the body is something else."""
    try:
        return _ErrorBody.model_validate(response.json()).error
    except (ValueError, ValidationError):
        return None


class SyncApi:
    """Calls to one server with one token, retried as the policy says, cancellable."""

    def __init__(self, server_url: str, token: str, *, transport: httpx.BaseTransport | None = None,
                 policy: RetryPolicy = DEFAULT_RETRY, sleep: Callable[[float], object] | None = None,
                 cancel: threading.Event | None = None, rng: random.Random | None = None) -> None:
        self.client = make_client(server_url, token, transport=transport, policy=policy)
        self.policy = policy
        self.cancel = cancel or threading.Event()
        # Waiting on the cancel event makes a backoff end at once when the user cancels.
        self.sleep = sleep or self.cancel.wait
        self.rng = rng or random.Random()
        self.requests_sent = 0

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> SyncApi:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def check_cancelled(self) -> None:
        if self.cancel.is_set():
            raise SyncCancelled()

    def call(self, method: str, path: str, answer: type[T] | Any, *, ok: Iterable[int] = (200, 201),
             body: bytes | None = None, stream: Callable[[], Iterator[bytes]] | None = None,
             headers: dict[str, str] | None = None, refused: Iterable[int] = ()) -> T:
        """Send the request until a usable answer; returns the 2xx body parsed as `answer`.

        A status in `refused` is decisive too (`ServerRefused`, never retried): e.g. 404 from a
        server without the route asked for.

        `stream` makes a fresh body iterator for each try (a photo read from disk in chunks).
        Raises `TransientFailure`, `ServerRefused`, `TokenRefused`, `Forbidden`, `SyncCancelled`."""
        adapter: TypeAdapter[Any] = TypeAdapter(answer)
        ok_statuses = frozenset(ok)
        refused_statuses = frozenset(refused)
        failure: TransientFailure | None = None
        for attempt in range(self.policy.attempts):
            self.check_cancelled()
            if attempt:
                self.sleep(self._delay(attempt - 1, failure))
                self.check_cancelled()
            content: bytes | Iterator[bytes] | None = stream() if stream is not None else body
            try:
                self.requests_sent += 1
                response = self.client.request(method, path, content=content, headers=headers)
            except httpx.ConnectError as exc:
                failure = TransientFailure("offline", _describe(exc), offline=True)
                continue
            except httpx.TimeoutException as exc:
                failure = TransientFailure("timeout", _describe(exc),
                                           offline=isinstance(exc, httpx.ConnectTimeout))
                continue
            except httpx.TransportError as exc:  # reset, broken connection, protocol garbage
                failure = TransientFailure("network_error", _describe(exc))
                continue
            if response.status_code in refused_statuses:
                raise ServerRefused(response.status_code, parse_error_body(response) or ErrorInfo(
                    code="unexpected_status", message=f"{response.status_code} answer"))
            failure = self._judge(response, ok_statuses)
            if failure is None:
                try:
                    return adapter.validate_python(response.json())  # type: ignore[no-any-return]
                except (ValueError, ValidationError):
                    failure = TransientFailure("not_contract",
                                               f"{response.status_code} answer is not the API's JSON "
                                               f"({response.headers.get('content-type', 'no type')})")
        assert failure is not None
        raise failure

    def _judge(self, response: httpx.Response, ok_statuses: frozenset[int]) -> TransientFailure | None:
        """None for an expected 2xx; raises for decisive answers; else the transient failure."""
        status = response.status_code
        if status in ok_statuses:
            return None
        if status in (401, 403, 409, 413, 422):
            error = parse_error_body(response)
            if error is not None:
                if status == 401:
                    raise token_refused()
                if status == 403:
                    raise forbidden(error.message)
                raise ServerRefused(status, error)
            if status == 413:  # whoever enforces it (a proxy in front), the limit is real
                raise ServerRefused(413, ErrorInfo(code="body_too_large",
                                                   message="the request body is too large"))
            return TransientFailure("not_contract", f"{status} answer is not the API's JSON")
        if 300 <= status < 400:
            return TransientFailure("redirect", f"{status} to {response.headers.get('location', '?')}")
        if status == 429:
            return TransientFailure("rate_limited", "429 too many requests",
                                    retry_after_s=retry_after_seconds(response))
        if status >= 500:
            return TransientFailure("server_error", f"{status} from the server",
                                    retry_after_s=retry_after_seconds(response))
        return TransientFailure("unexpected_status", f"{status} answer")

    def _delay(self, attempt: int, failure: TransientFailure | None) -> float:
        delay = self.policy.backoff(attempt, self.rng)
        retry_after = failure.retry_after_s if failure is not None else None
        return max(delay, min(retry_after, self.policy.max_delay_s)) if retry_after else delay


def json_body(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def retry_after_seconds(response: httpx.Response) -> float | None:
    """`Retry-After` in seconds (the HTTP-date form is ignored: the device clock may be off)."""
    try:
        value = float(response.headers.get("retry-after", ""))
    except ValueError:
        return None
    return value if math.isfinite(value) and value >= 0 else None


def _describe(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
