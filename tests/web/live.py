"""A real uvicorn server on 127.0.0.1 (a free port) in a thread of the test process, for concurrency tests:
requests really run in parallel against the server's event loop, thread pool and database pool."""

from __future__ import annotations

import socket
import threading
import time
from contextlib import contextmanager

import httpx
import uvicorn

from tests.web.conftest import PASSWORD, STAFF


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve(app):
    """Run ``app`` (lifespan included) until the block ends; yields its base URL."""
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(15)


def login(base: str, who: str, timeout: float = 20) -> httpx.Client:
    """A client with the session cookie and CSRF header of a seeded user."""
    c = httpx.Client(base_url=base, timeout=timeout)
    r = c.post("/api/auth/login", json={"email": STAFF.get(who, who), "password": PASSWORD})
    assert r.status_code == 200, r.text
    c.headers["X-CSRF-Token"] = r.json()["csrf_token"]
    return c


def at_once(n: int, call) -> list:
    """Call ``call(i)`` from ``n`` threads released together; the results (or exceptions) in order."""
    barrier = threading.Barrier(n)
    out: list = [None] * n

    def run(i: int) -> None:
        barrier.wait()
        try:
            out[i] = call(i)
        except Exception as exc:  # a timeout is a result here, asserted by the test
            out[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out
