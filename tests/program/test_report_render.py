"""Report PDFs rendered in child processes (program/report_render.py): the bytes come from another process
running at a lower CPU priority; a child that crashes or runs past the time limit gives a clear retryable
error and the next report gets a fresh process; an error raised while rendering reaches the caller as is."""

from __future__ import annotations

import os
import time

import pytest

from whimscreen.program import job_process
from whimscreen.program.report_render import NICE, ReportRenderer, ReportRenderError


def whoami(document: dict) -> bytes:
    return f"{os.getpid()} {os.getpriority(os.PRIO_PROCESS, 0)} {document['n']}".encode()


def slow(document: dict) -> bytes:
    time.sleep(document["sleep"])
    return b"late"


def crash(document: dict) -> bytes:
    os._exit(3)


def refuse(document: dict) -> bytes:
    raise ValueError(f"no template for {document['n']}")


def test_rendered_in_a_lower_priority_child_process():
    renderer = ReportRenderer(1, timeout=60, render=whoami)
    try:
        renderer.warm()  # as the server does at start-up: the child starts before any report
        started = list(renderer._pool._processes)
        assert len(started) == 1
        pid, nice, n = renderer({"n": 7}).decode().split()
        assert int(pid) == started[0]
        assert int(pid) != os.getpid() and n == "7"
        assert int(nice) == min(19, os.getpriority(os.PRIO_PROCESS, 0) + NICE)
        assert renderer({"n": 8}).decode().split()[0] == pid  # the same warm process serves the next one
    finally:
        renderer.close()


def test_a_stuck_or_crashed_rendering_is_a_retryable_error_and_the_next_gets_a_fresh_process():
    stuck = ReportRenderer(1, timeout=1, render=slow)
    try:
        with pytest.raises(ReportRenderError, match="longer than 1 s"):
            stuck({"sleep": 30})
        started = time.monotonic()
        assert stuck({"sleep": 0}) == b"late"  # the stuck child was killed, a new one answers
        assert time.monotonic() - started < 20
    finally:
        stuck.close()
    crashing = ReportRenderer(1, timeout=60, render=crash)
    try:
        with pytest.raises(ReportRenderError, match="ended without a PDF"):
            crashing({})
        with pytest.raises(ReportRenderError, match="ended without a PDF"):
            crashing({})  # a new pool each time, never a broken one reused
    finally:
        crashing.close()


def test_an_error_while_rendering_reaches_the_caller_unchanged():
    renderer = ReportRenderer(1, timeout=60, render=refuse)
    try:
        with pytest.raises(ValueError, match="no template for 5"):
            renderer({"n": 5})
    finally:
        renderer.close()


def child_priority(paths, sample_id, out, phenotype) -> dict:
    return {"nice": os.getpriority(os.PRIO_PROCESS, 0), "pid": os.getpid()}


def test_analyses_run_at_a_lower_cpu_priority(tmp_path):
    got = job_process.run(child_priority, [], "S1", tmp_path, [], timeout=60)
    assert got["pid"] != os.getpid()
    assert got["nice"] == min(19, os.getpriority(os.PRIO_PROCESS, 0) + job_process.NICE)
