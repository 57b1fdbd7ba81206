"""Run one analysis in a child process with a wall-time limit.

The child is forked from multiprocessing's *forkserver* (a process started with ``spawn`` beside the
server, single-threaded, that imported the analysis once: ``PRELOAD``), never ``fork``ed from the threaded
server itself; a ``spawn``ed child per job re-imported the analysis stack, ~1.5 s of CPU each, on the CPUs
the portal's requests need.  Where there is no forkserver (Windows) each child is spawned.  The child runs
the runner and sends back ``("ok", result)`` or ``("error", message)``; past ``timeout`` seconds it is
killed and the job fails with that reason.  A runaway or crashing analysis thus costs one worker slot for
at most ``timeout`` and gives its memory back to the system when it ends.  The runner must be picklable (a
module-level function or an instance such as ``analysis_runner.AnalysisRunner``).  The child runs at a
lower CPU priority (``NICE``) than the server, so on a busy machine the portal's requests keep the CPU and
the analyses take what is left.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import traceback
from pathlib import Path

from whimscreen.errors import WhimscreenError

NICE = 10  # added to the analysis child's nice value (POSIX); report rendering uses less
PRELOAD = ["whimscreen.program.analysis_runner"]  # imported once by the forkserver, not by every job


def _context() -> multiprocessing.context.BaseContext:
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(PRELOAD)  # takes effect when the forkserver starts (the first job)
    return ctx


def lower_priority(increment: int) -> None:
    """Lower this process's CPU priority (POSIX ``nice``); a no-op where the OS has none."""
    if increment > 0 and hasattr(os, "nice"):
        os.nice(increment)


class JobTimeout(WhimscreenError):
    """The analysis ran past its wall-time limit and was stopped."""


class JobCrashed(WhimscreenError):
    """The analysis process ended without an answer (killed, out of memory, crashed)."""


def picklable(runner) -> bool:
    try:
        pickle.dumps(runner)
        return True
    except Exception:
        return False


def _child(runner, args, conn, kwargs=None) -> None:
    try:
        lower_priority(NICE)
        conn.send(("ok", runner(*args, **(kwargs or {}))))
    except WhimscreenError as exc:
        conn.send(("error", str(exc)))
    except BaseException as exc:
        conn.send(("crash", f"internal error ({type(exc).__name__}: {exc})\n{traceback.format_exc()}"))
    finally:
        conn.close()


def run(
    runner,
    paths: list[Path],
    sample_id: str,
    out: Path,
    phenotype: list[str],
    timeout: float,
    kwargs: dict | None = None,
) -> dict:
    ctx = _context()
    receiver, sender = ctx.Pipe(duplex=False)
    proc = ctx.Process(
        target=_child,
        args=(runner, (paths, sample_id, out, phenotype), sender, kwargs or {}),
        daemon=True,
        name=f"whimscreen-analysis-{sample_id}",
    )
    proc.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            proc.kill()
            raise JobTimeout(
                f"the analysis ran longer than its wall-time limit of {timeout:g} s and was stopped"
            )
        try:
            status, value = receiver.recv()
        except EOFError:
            proc.join(5)
            raise JobCrashed(
                f"the analysis process ended without a result (exit code {proc.exitcode})"
            ) from None
    finally:
        proc.join(10)
        if proc.is_alive():
            proc.kill()
            proc.join()
        receiver.close()
    if status == "ok":
        return value
    if status == "error":
        raise WhimscreenError(value)
    raise RuntimeError(value)
