"""Calls from the app server into the browser (SharedPreferences) that survive a dropped socket.

Flet keeps a session alive for a while after its socket closes, and a reload of the same tab
(the tab keeps its session id) reattaches to it without running `main` again. A call made into
the browser while the socket is down is dropped by Flet, so its answer never comes: if `main`
was waiting for one (the device id, read right after an app-server restart when the old tab
reconnects and is then reloaded), it waited forever and the reloaded tab stayed blank. So each
call is sent again when the page reconnects, and again after a while in case the answer was
lost; the calls used here are safe to repeat (a read, or writing the same value)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

import flet as ft

log = logging.getLogger(__name__)
T = TypeVar("T")
RESEND_AFTER_S = 5.0  # a connected browser answers in milliseconds; this only covers a lost answer


class PageGone(RuntimeError):
    """The page closed (its session expired) before the browser answered."""


class ClientCalls:
    """One per page: set up before the first call into the browser."""

    def __init__(self, page: ft.Page, on_close: Callable[[], None] | None = None):
        self._reconnected = asyncio.Event()
        self._closed = asyncio.Event()
        self._on_close = on_close

        def connected() -> None:
            self._reconnected.set()

        def closed() -> None:
            self._closed.set()
            if self._on_close is not None:
                self._on_close()
        page.on_connect = connected
        page.on_close = closed

    def when_closed(self, on_close: Callable[[], None]) -> None:
        self._on_close = on_close

    async def call(self, make_call: Callable[[], Awaitable[T]], what: str) -> T:
        """`make_call()` answered, sending it again after a reconnect or a silence."""
        while not self._closed.is_set():
            self._reconnected.clear()
            answer = asyncio.ensure_future(make_call())
            interrupted = [asyncio.ensure_future(self._reconnected.wait()),
                           asyncio.ensure_future(self._closed.wait())]
            await asyncio.wait([answer, *interrupted], timeout=RESEND_AFTER_S,
                               return_when=asyncio.FIRST_COMPLETED)
            for waiter in interrupted:
                waiter.cancel()
            if answer.done():
                return answer.result()
            answer.cancel()
            log.info("no answer from the browser to %s: sending it again", what)
        raise PageGone(what)
