"""The Dask engine of a screen: a ``LocalCluster`` sized to the machine, or an existing cluster joined with
``--scheduler``.

A local cluster's worker processes are forked from a multiprocessing fork server that imports Dask and the
screening code once, when the command starts (``start_worker_server``, standard library only, called before
the command's own imports so that both run at the same time on different cores).  Spawned workers would
each import Python, Dask and WHIMscreen again; forking from the server, a worker is ready in milliseconds.
The fork server is a fresh single-threaded process, so forking it is safe (unlike forking the command
itself, whose event-loop thread runs Dask's client).
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor

from whimscreen.errors import InputFileError

#: what a worker process needs, imported once in the fork server ("__main__": the command's own module;
#: ``worker_server``: Dask, the screening code and the server's quick exit)
WORKER_PRELOAD = ["__main__", "whimscreen.screening.worker_server"]
MP_METHOD = "forkserver"


def start_worker_server() -> None:
    """Start the fork server (a no-op if it runs already; it ends with this process).  On a platform
    without fork servers (Windows) the workers are spawned as Dask does by default."""
    if MP_METHOD not in multiprocessing.get_all_start_methods():
        return
    from multiprocessing import forkserver

    ctx = multiprocessing.get_context(MP_METHOD)
    ctx.set_forkserver_preload(WORKER_PRELOAD)
    forkserver.ensure_running()


def local_config(method: str) -> dict:
    """The Dask settings of a local cluster: its workers start with ``method``.  A screen has no dashboard,
    so the diagnostics that only feed one are off or slower: the workers do not sample their own call
    stacks every 10 ms (7-10% of their CPU time on a cohort of small files); the scheduler, nannies and
    workers check their event loop's responsiveness every second instead of every 20 ms (its warnings are
    silenced anyway) and record the machine's CPU and network use every 2 s instead of 0.5 s, without disk
    counters (~50 ms of the command's CPU per second of a screen, ~10 ms after).  The memory limits'
    monitor (pause, spill, restart of a worker over its limit) is left as it is."""
    return {
        "distributed.worker.multiprocessing-method": method,
        "distributed.worker.profile.enabled": False,
        "distributed.admin.tick.interval": "1s",
        "distributed.admin.system-monitor.interval": "2s",
        "distributed.admin.system-monitor.disk": False,
    }


@contextlib.contextmanager
def local_cluster(workers: int | None) -> Iterator:
    """A client on a local cluster (``start_local``), once its workers have started."""
    with start_local(workers) as connect:
        yield connect()


@contextlib.contextmanager
def start_local(workers: int | None) -> Iterator[Callable]:
    """Start a ``LocalCluster`` of one-thread worker processes (the readers hold the GIL), one per core by
    default, forked from the fork server, in a thread of its own; yields a function that returns a client
    on it once it has started (waiting for that): the caller prepares its work while the workers start
    (~0.15 s).  Closed on leaving, in the background (``close_in_background``)."""
    import dask
    from dask.distributed import Client, LocalCluster

    n = workers or os.cpu_count() or 1
    if n < 1:
        raise InputFileError(f"--workers must be at least 1, got {n}")
    method = MP_METHOD if MP_METHOD in multiprocessing.get_all_start_methods() else "spawn"
    if method == MP_METHOD:
        start_worker_server()
    # read whenever a worker process starts (a nanny restarts a worker that died): set for the cluster's life
    with dask.config.set(local_config(method)):
        pool = ThreadPoolExecutor(1, thread_name_prefix="starting the local Dask cluster")
        starting = pool.submit(
            LocalCluster,
            n_workers=n,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            # no dashboard; the scheduler's small HTTP server on a free local port (not 8787, maybe taken)
            scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
            silence_logs=logging.CRITICAL,  # a failed task or worker is reported through its future
        )
        pool.shutdown(wait=False)
        clients: list = []

        def connect():
            if not clients:
                clients.append(Client(starting.result()))  # (a failed start raises here)
            return clients[0]

        try:
            yield connect
        finally:
            close_in_background(clients[0] if clients else None, starting)


_CLOSING: list[threading.Thread] = []


def close_in_background(client, starting: Future) -> None:
    """Close the client and the local cluster (once started: ``starting``) in a thread of their own: the
    workers stop (~0.03 s) while the caller writes its outputs.  The thread is not a daemon: the
    interpreter waits for it before the command exits, so no worker outlives the command."""

    def close() -> None:
        # best effort once the results are in: a worker that does not stop is ended with the command
        with contextlib.suppress(Exception):
            if client is not None:
                client.close()
        with contextlib.suppress(Exception):
            starting.result().close()  # (a failed start has been reported by ``connect``)

    thread = threading.Thread(target=close, name="closing the local Dask cluster")
    _CLOSING[:] = [t for t in _CLOSING if t.is_alive()] + [thread]
    thread.start()


def wait_closed() -> None:
    """Wait until the local clusters closed in the background have stopped."""
    while _CLOSING:
        _CLOSING.pop().join()


@contextlib.contextmanager
def join(scheduler: str, workers: int | None) -> Iterator[Callable]:
    """A client on an existing cluster (its owner sizes it), yielded as ``start_local`` does (a function
    returning it); closed on leaving."""
    from dask.distributed import Client

    if workers:
        raise InputFileError(
            "--workers sizes a local cluster; with --scheduler the cluster is sized by its owner"
        )
    try:
        client = Client(scheduler, timeout="20s")
    except (OSError, TimeoutError) as exc:
        raise InputFileError(f"cannot reach the Dask scheduler {scheduler}: {exc}") from exc
    with client:
        yield lambda: client
