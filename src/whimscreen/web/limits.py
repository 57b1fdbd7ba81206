"""Limits: request bodies larger than the upload limit are refused before they are read (HTTP 413); the
requests holding a database connection at once are bounded (``RequestSlots``)."""

from __future__ import annotations

import asyncio
import weakref

from starlette.types import ASGIApp, Receive, Scope, Send

from whimscreen.program.errors import Busy


class RequestSlots:
    """At most ``n`` requests of this process hold a database session at once; the others wait here, on
    the event loop (no thread, no connection held), and get 503 after ``timeout`` seconds.

    With ``n`` equal to the pool size, a request that got a slot always gets a connection at once; it never
    waits for one while holding a thread (the deadlock of issue 13).  One semaphore per event loop.
    """

    def __init__(self, n: int, timeout: float):
        self.n, self.timeout = n, timeout
        self._by_loop: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def _semaphore(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        if loop not in self._by_loop:
            self._by_loop[loop] = asyncio.Semaphore(self.n)
        return self._by_loop[loop]

    async def acquire(self) -> asyncio.Semaphore:
        sem = self._semaphore()
        try:
            async with asyncio.timeout(self.timeout):
                await sem.acquire()  # cancellation-safe: a permit is never lost
        except TimeoutError:
            raise Busy(
                f"the server is busy (no database connection within {self.timeout:g} s): retry"
            ) from None
        return sem


class BodySizeLimit:
    def __init__(self, app: ASGIApp, max_bytes: int):
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.max_bytes:
            return await _too_large(send, self.max_bytes)
        seen = 0

        async def limited() -> dict:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.max_bytes:
                raise _TooLarge
            return message

        try:
            await self.app(scope, limited, send)
        except _TooLarge:
            await _too_large(send, self.max_bytes)


class _TooLarge(Exception):
    pass


async def _too_large(send: Send, limit: int) -> None:
    body = f'{{"detail": "request body larger than {limit} bytes"}}'.encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})
