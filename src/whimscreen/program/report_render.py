"""Report PDFs rendered in a child process, so a sign-out never holds the server's CPU (and GIL).

WeasyPrint spends ~0.3-1 s of CPU per report; inside the server process that time is taken from every
other request.  ``ReportRenderer`` keeps a small pool of ``spawn``ed processes (started with the server,
``warm``, or at the first report; WeasyPrint imported once) at a lower CPU priority than the server: the
request's thread submits the document and waits for the bytes (the GIL is free while it waits), then
stores the version in its own transaction.  So a report version is still complete or absent: a rendering
failure, a crash of the child or a rendering past ``timeout`` raises before any row is written.
"""

from __future__ import annotations

import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context

from whimscreen.program.errors import Busy
from whimscreen.program.job_process import lower_priority

NICE = 5  # report rendering yields the CPU to requests; analyses (job_process.NICE) yield more


class ReportRenderError(Busy):
    """The rendering process stopped (time limit, crash) without a PDF: nothing was stored, retry (503).
    An error raised while rendering reaches the caller as it was raised, as it would in-process."""


def _start(nice: int) -> None:
    lower_priority(nice)
    import whimscreen.reporting.pdf  # noqa: F401  (WeasyPrint and the template, once per child)


def _ready() -> bool:
    return True


def _render(document: dict) -> bytes:
    from whimscreen.reporting.pdf import render_pdf

    return render_pdf(document)


class ReportRenderer:
    """``renderer(document) -> PDF bytes``, rendered by ``processes`` child processes (``timeout`` s each)."""

    def __init__(self, processes: int = 1, timeout: float = 120.0, nice: int = NICE, render=_render):
        self.processes, self.timeout, self.nice, self._render = max(1, processes), timeout, nice, render
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def _executor(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(
                    self.processes, mp_context=get_context("spawn"), initializer=_start, initargs=(self.nice,)
                )
            return self._pool

    def _discard(self, pool: ProcessPoolExecutor) -> None:
        """Stop a broken or stuck pool (its children killed); the next report starts a new one."""
        with self._lock:
            if self._pool is pool:
                self._pool = None
        for proc in list((getattr(pool, "_processes", None) or {}).values()):
            proc.kill()
        pool.shutdown(wait=False, cancel_futures=True)

    def warm(self) -> None:
        """Start the child now (without waiting for it), so the first sign-out does not pay for it."""
        self._executor().submit(_ready)

    def __call__(self, document: dict) -> bytes:
        pool = self._executor()
        try:
            future = pool.submit(self._render, document)
        except BrokenProcessPool:
            self._discard(pool)
            pool = self._executor()
            future = pool.submit(self._render, document)
        try:
            return future.result(self.timeout)
        except FutureTimeout:
            self._discard(pool)
            raise ReportRenderError(
                f"rendering the report PDF took longer than {self.timeout:g} s and was stopped: "
                "no report version was stored; try again"
            ) from None
        except BrokenProcessPool:
            self._discard(pool)
            raise ReportRenderError(
                "the report rendering process ended without a PDF: no report version was stored; try again"
            ) from None

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
