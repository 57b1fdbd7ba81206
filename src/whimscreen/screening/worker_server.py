"""What the fork server of a local cluster's workers imports (``engine.WORKER_PRELOAD``): Dask's worker
and the screening code, once, before the workers are forked; and, in that server only:

- the garbage collector paused during those imports (they create a few hundred thousand objects that live
  as long as the process; the collector would scan them again and again while they are created), then
  those objects frozen: a forked worker's collections leave them alone instead of walking (and so copying,
  page by page) the server's whole heap;
- Dask's package versions read once (a worker sends them when it registers with the scheduler: read from
  the installed packages' metadata, with ``uname -p`` run in a subprocess), cached for every worker;
- a quick exit.  The fork server ends when the command ends.  Its heap would then be torn down object by
  object, ~0.2 s after the command's own exit, with the command's standard output and error still open (a
  caller reading them waits that long).  It has nothing to flush or clean up (the workers it forked end on
  their own), so it leaves at once instead.

Imported anywhere else (a worker started another way, a test), the module only imports.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import os
import sys


def _imported_by_fork_server() -> bool:
    """Is this import the fork server's preload (``multiprocessing.forkserver.main`` on the stack)?"""
    from multiprocessing import forkserver

    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code is forkserver.main.__code__:
            return True
        frame = frame.f_back
    return False


FORK_SERVER = _imported_by_fork_server()
if FORK_SERVER:
    gc.disable()
try:
    import distributed  # noqa: F401  (the workers' Dask)
    from distributed.versions import get_versions

    import whimscreen.screening.tasks  # noqa: F401  (the workers' screening code)
finally:
    if FORK_SERVER:  # (also when an import failed: the workers must not inherit a paused collector)
        gc.freeze()
        gc.enable()


def _leave(server: int) -> None:
    if os.getpid() != server:  # not the server (a forked child ends by its own os._exit anyway)
        return
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(0)


if FORK_SERVER:
    with contextlib.suppress(Exception):  # (a failure leaves each worker to read them itself)
        get_versions()
    atexit.register(_leave, os.getpid())
