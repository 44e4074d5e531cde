"""A loopback HTTP proxy that breaks requests on purpose, for the sync tests and bench/sync.py.

    with FaultProxy(server_url, plan=RandomFaults(rate=0.2, seed=7)) as proxy:
        run_sync(device, Credentials(proxy.url, token), ...)
        proxy.stats.requests, proxy.stats.bytes_from_client

It listens on 127.0.0.1 only, parses each request with h11 (the HTTP/1.1 state machine httpcore
uses), asks its plan what to do with it, and forwards it to the real server with httpx. The plan
sees every request, so a test can fail "the first PUT of a visit" (`ScriptedFaults`) or a share
of all requests chosen by a seeded RNG (`RandomFaults`). Everything runs on an asyncio loop in
one daemon thread; `stop()` (or leaving the `with`) ends it, and it also stops itself after
`max_requests` requests so a runaway client cannot keep a test alive."""

from __future__ import annotations

import asyncio
import random
import socket
import struct
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import h11
import httpx


class Fault(StrEnum):
    """What the proxy does with one request."""

    PASS = "pass"                      # forward it, return the server's answer
    LOST_ACK = "lost_ack"              # forward it, read the answer, then reset the client's connection
    RESET = "reset"                    # reset the client's connection; the server never sees it
    TIMEOUT = "timeout"                # answer nothing until the client gives up; never forwarded
    BAD_GATEWAY = "bad_gateway"        # 502 with a text body, like a failing load balancer
    CAPTIVE_PORTAL = "captive_portal"  # 200 text/html login page, like hotel Wi-Fi
    LOGIN_REDIRECT = "login_redirect"  # 302 to a login page
    DUPLICATE = "duplicate"            # send it upstream twice, return the second answer


# The ways a request can fail: each leaves the client without the server's answer.
FAILURES: tuple[Fault, ...] = (Fault.RESET, Fault.TIMEOUT, Fault.BAD_GATEWAY, Fault.CAPTIVE_PORTAL,
                               Fault.LOGIN_REDIRECT, Fault.LOST_ACK)
CAPTIVE_PAGE = (b"<!doctype html><html><head><title>Guest Wi-Fi</title></head><body>"
                b"<form action='/login' method='post'><input name='room'><button>Connect</button>"
                b"</form></body></html>")
HOP_BY_HOP = {b"connection", b"keep-alive", b"transfer-encoding", b"te", b"trailer", b"upgrade",
              b"proxy-connection", b"content-length", b"host"}
MAX_REQUESTS_PER_CONNECTION = 10_000


@dataclass(frozen=True)
class ProxiedRequest:
    """One request as the plan sees it (`number` counts from 1 over the proxy's life)."""

    number: int
    method: str
    path: str
    body_bytes: int


FaultPlan = Callable[[ProxiedRequest], Fault]


def pass_all(_request: ProxiedRequest) -> Fault:
    return Fault.PASS


class RandomFaults:
    """Each request (of those `only` names, if given) fails with probability `rate` (seeded RNG),
    in one of `kinds`: chosen at random, or with `rotate` in turn, so that every kind occurs
    once there are enough failures."""

    def __init__(self, rate: float, seed: int, kinds: Sequence[Fault] = FAILURES, *,
                 rotate: bool = False, only: Sequence[tuple[str, str]] = ()) -> None:
        self.rate, self.kinds, self.rotate = rate, tuple(kinds), rotate
        self.only = tuple(only)  # (method, path prefix) pairs; empty: every request may fail
        self._rng = random.Random(seed)
        self._failures = 0
        self._lock = threading.Lock()

    def __call__(self, request: ProxiedRequest) -> Fault:
        if self.only and not any(request.method == method and request.path.startswith(prefix)
                                 for method, prefix in self.only):
            return Fault.PASS
        with self._lock:
            if self._rng.random() >= self.rate:
                return Fault.PASS
            self._failures += 1
            if self.rotate:
                return self.kinds[self._failures % len(self.kinds)]
            return self._rng.choice(self.kinds)


class ScriptedFaults:
    """Faults for named requests: each `(method, path prefix, fault)` applies once, to the first
    request matching it that no earlier step has taken; everything else passes."""

    def __init__(self, steps: Iterable[tuple[str, str, Fault]]) -> None:
        self.remaining = list(steps)
        self._lock = threading.Lock()

    def __call__(self, request: ProxiedRequest) -> Fault:
        with self._lock:
            for index, (method, prefix, fault) in enumerate(self.remaining):
                if request.method == method and request.path.startswith(prefix):
                    del self.remaining[index]
                    return fault
        return Fault.PASS


@dataclass
class ProxyStats:
    """What crossed the proxy. Bytes are counted on the client's side of the proxy: raw HTTP
    bytes read from and written to the client's sockets, headers included."""

    requests: int = 0
    upstream_requests: int = 0
    bytes_from_client: int = 0
    bytes_to_client: int = 0
    faults: Counter[Fault] = field(default_factory=Counter)
    log: list[tuple[ProxiedRequest, Fault, int | None]] = field(default_factory=list)

    def count(self, method: str, path_prefix: str) -> int:
        """Requests the client made with `method` to a path starting with `path_prefix`."""
        return sum(1 for request, _fault, _status in self.log
                   if request.method == method and request.path.startswith(path_prefix))

    def body_bytes(self, method: str, path_prefix: str) -> int:
        """Request body bytes the client sent with `method` to paths starting with `path_prefix`."""
        return sum(request.body_bytes for request, _fault, _status in self.log
                   if request.method == method and request.path.startswith(path_prefix))


class FaultProxy:
    """See the module docstring. `plan` and `latency_s` may be changed between syncs."""

    def __init__(self, upstream: str, plan: FaultPlan = pass_all, *, latency_s: float = 0.0,
                 hold_s: float = 3.0, max_requests: int = 100_000) -> None:
        if not upstream.startswith("http://127.0.0.1:"):
            raise ValueError("the fault proxy only fronts a server on 127.0.0.1")
        self.upstream = upstream.rstrip("/")
        self.plan = plan
        self.latency_s = latency_s
        self.hold_s = hold_s  # how long a TIMEOUT keeps the client waiting (bounded)
        self.max_requests = max_requests
        self.stats = ProxyStats()
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="fault-proxy", daemon=True)
        self._server: asyncio.Server | None = None
        self._client: httpx.AsyncClient | None = None
        self._handlers: set[asyncio.Task[None]] = set()
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FaultProxy:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._open(), self._loop).result(timeout=10)
        return self

    def stop(self) -> None:
        if self._loop.is_closed():
            return
        if self._thread.is_alive():
            asyncio.run_coroutine_threadsafe(self._close(), self._loop).result(timeout=10)
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)
        self._loop.close()

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    # -- the loop thread ---------------------------------------------------------------------

    async def _open(self) -> None:
        self._client = httpx.AsyncClient(base_url=self.upstream, timeout=60.0)
        self._server = await asyncio.start_server(self._connection, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _close(self) -> None:
        if self._server is not None:
            self._server.close()
        for task in list(self._handlers):
            task.cancel()
        await asyncio.gather(*self._handlers, return_exceptions=True)
        if self._client is not None:
            await self._client.aclose()

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._handlers.add(task)
        connection = h11.Connection(h11.SERVER)
        try:
            for _ in range(MAX_REQUESTS_PER_CONNECTION):
                request = await self._read_request(connection, reader)
                if request is None:
                    break
                keep_open = await self._answer(connection, reader, writer, *request)
                if not keep_open or connection.our_state is h11.MUST_CLOSE:
                    break
                connection.start_next_cycle()
        except (h11.ProtocolError, ConnectionError, asyncio.IncompleteReadError):
            pass
        except asyncio.CancelledError:
            pass  # `stop()`: end quietly (asyncio's stream callback re-raises a cancelled handler's error)
        finally:
            writer.close()
            self._handlers.discard(task)

    async def _read_request(self, connection: h11.Connection,
                            reader: asyncio.StreamReader) -> tuple[h11.Request, bytes] | None:
        head: h11.Request | None = None
        body = bytearray()
        while True:
            event = connection.next_event()
            if event is h11.NEED_DATA:
                data = await reader.read(256 * 1024)
                with self._lock:
                    self.stats.bytes_from_client += len(data)
                connection.receive_data(data)
            elif isinstance(event, h11.Request):
                head = event
            elif isinstance(event, h11.Data):
                body += event.data
            elif isinstance(event, h11.EndOfMessage):
                assert head is not None
                return head, bytes(body)
            else:  # ConnectionClosed, or PAUSED after the client closed
                return None

    async def _answer(self, connection: h11.Connection, reader: asyncio.StreamReader,
                      writer: asyncio.StreamWriter, head: h11.Request, body: bytes) -> bool:
        """Apply the plan's fault to one request; False when the connection must end."""
        with self._lock:
            self.stats.requests += 1
            number = self.stats.requests
        proxied = ProxiedRequest(number, head.method.decode(), head.target.decode(), len(body))
        if number > self.max_requests:  # a runaway client: stop listening, refuse what is left
            if self._server is not None:
                self._server.close()
            fault = Fault.RESET
        else:
            fault = self.plan(proxied)
        if self.latency_s:
            await asyncio.sleep(self.latency_s)
        answer: tuple[int, list[tuple[bytes, bytes]], bytes] | None = None
        if fault is Fault.BAD_GATEWAY:
            answer = (502, [(b"content-type", b"text/plain")], b"502 Bad Gateway")
        elif fault is Fault.CAPTIVE_PORTAL:
            answer = (200, [(b"content-type", b"text/html")], CAPTIVE_PAGE)
        elif fault is Fault.LOGIN_REDIRECT:
            answer = (302, [(b"location", b"http://127.0.0.1:9/portal/login?next=" + head.target)], b"")
        elif fault in (Fault.PASS, Fault.LOST_ACK, Fault.DUPLICATE):
            try:
                answer = await self._forward(head, body)
                if fault is Fault.DUPLICATE:
                    answer = await self._forward(head, body)
            except httpx.TransportError:  # the server is down: answer as a real gateway would
                answer = (502, [(b"content-type", b"text/plain")], b"502 Bad Gateway (upstream down)")
        # Counted before the client hears anything: a client holding its answer (or its error)
        # finds its request in the log.
        with self._lock:
            self.stats.faults[fault] += 1
            self.stats.log.append((proxied, fault, answer[0] if answer else None))
        if fault is Fault.TIMEOUT:
            await _wait_for_close(reader, self.hold_s)
        if answer is None or fault is Fault.LOST_ACK:
            _reset(writer)
            return False
        await self._send(connection, writer, *answer)
        return True

    async def _forward(self, head: h11.Request, body: bytes) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        assert self._client is not None
        headers = [(name, value) for name, value in head.headers if name.lower() not in HOP_BY_HOP]
        with self._lock:
            self.stats.upstream_requests += 1
        request = self._client.build_request(head.method.decode(), head.target.decode(),
                                             headers=headers, content=body)
        response = await self._client.send(request, stream=True)
        try:
            raw = b"".join([chunk async for chunk in response.aiter_raw()])
        finally:
            await response.aclose()
        answer_headers = [(name, value) for name, value in response.headers.raw
                          if name.lower() not in HOP_BY_HOP]
        return response.status_code, answer_headers, raw

    async def _send(self, connection: h11.Connection, writer: asyncio.StreamWriter, status: int,
                    headers: list[tuple[bytes, bytes]], body: bytes) -> None:
        headers = [*headers, (b"content-length", str(len(body)).encode())]
        data = connection.send(h11.Response(status_code=status, headers=headers))
        data += connection.send(h11.Data(data=body)) + connection.send(h11.EndOfMessage())
        with self._lock:  # before the write, for the same reason as the log
            self.stats.bytes_to_client += len(data)
        writer.write(data)
        await writer.drain()


def _reset(writer: asyncio.StreamWriter) -> None:
    """Close with a TCP RST (SO_LINGER 0): the client sees 'connection reset', not a clean end."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


async def _wait_for_close(reader: asyncio.StreamReader, limit_s: float) -> None:
    """Say nothing for up to `limit_s` seconds, or until the client gives up and closes."""
    try:
        await asyncio.wait_for(reader.read(1), limit_s)
    except (TimeoutError, ConnectionError):
        pass
