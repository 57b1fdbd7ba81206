"""What the fork server of a local cluster's workers imports (``engine.WORKER_PRELOAD``): Dask's worker
and the screening code, once, before the workers are forked; and, in that server only, a quick exit.

The fork server ends when the command ends.  Its heap (Dask, numpy, pysam, the naming code) would then be
torn down object by object and garbage-collected, ~0.2 s after the command's own exit, with the command's
standard output and error still open (a caller reading them waits that long).  It has nothing to flush or
clean up (the workers it forked end on their own), so it leaves at once instead.  Imported anywhere else
(a worker started another way, a test), the module only imports.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import sys

import distributed  # noqa: F401  (the workers' Dask)
from distributed.versions import get_versions

import whimscreen.screening.tasks  # noqa: F401  (the workers' screening code)

# A worker sends its package versions when it registers with the scheduler: read from the installed
# packages' metadata (and ``uname -p`` run in a subprocess) once here, cached for every worker forked.
get_versions()


def _imported_by_fork_server() -> bool:
    """Is this import the fork server's preload (``multiprocessing.forkserver.main`` on the stack)?"""
    from multiprocessing import forkserver

    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code is forkserver.main.__code__:
            return True
        frame = frame.f_back
    return False


def _leave(server: int) -> None:
    if os.getpid() != server:  # not the server (a forked child ends by its own os._exit anyway)
        return
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(0)


if _imported_by_fork_server():
    atexit.register(_leave, os.getpid())
