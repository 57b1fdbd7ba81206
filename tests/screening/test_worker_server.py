"""The fork server of a local cluster's workers leaves at once when the command ends (no teardown of its
imported libraries); the workers it forks start with Dask's package versions read already (sent when a
worker registers) and the server's imports frozen out of their garbage collections.  Importing its preload
module anywhere else changes nothing (collector, exit)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

SRC = str(Path(__file__).resolve().parents[2] / "src")

PROBE = """
import atexit, pathlib
atexit.register(lambda: pathlib.Path({mark!r}).write_text("the interpreter's exit ran"))
"""

WORKER = """
def versions_read():
    import gc
    from distributed.versions import _version_cached
    print("versions read", _version_cached.cache_info().currsize, gc.isenabled(), gc.get_freeze_count())
"""

CLIENT = """
import multiprocessing, sys
from multiprocessing import forkserver
ctx = multiprocessing.get_context("forkserver")
ctx.set_forkserver_preload(["probe", "whimscreen.screening.worker_server"])
import worker
p = ctx.Process(target=worker.versions_read)
p.start(); p.join()
print(forkserver._forkserver._forkserver_pid, p.exitcode)
"""


def _run(code: str, tmp_path: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(tmp_path), SRC]))
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)


def _wait_gone(pid: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not Path(f"/proc/{pid}").exists(), "the fork server outlived its client"


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux /proc (and fork servers)")
def test_the_fork_server_skips_the_interpreters_exit(tmp_path):
    mark = tmp_path / "exit-ran"
    (tmp_path / "probe.py").write_text(PROBE.format(mark=str(mark)))
    (tmp_path / "worker.py").write_text(WORKER)
    proc = _run(CLIENT, tmp_path)
    assert proc.returncode == 0, proc.stderr
    forked, last = proc.stdout.splitlines()
    server, exitcode = map(int, last.split())
    assert exitcode == 0  # the server still forks working children, which have Dask's versions read
    label, versions, collector, frozen = forked.rsplit(" ", 3)
    assert label == "versions read" and int(versions) >= 6
    assert collector == "True" and int(frozen) > 10_000  # the collector on, the server's imports frozen
    _wait_gone(server)
    assert not mark.exists()  # its exit handlers (and teardown) were skipped


def test_imported_elsewhere_the_exit_is_the_usual_one(tmp_path):
    mark = tmp_path / "exit-ran"
    (tmp_path / "probe.py").write_text(PROBE.format(mark=str(mark)))
    code = (
        "import gc, probe, sys\nimport whimscreen.screening.worker_server\n"
        "sys.stdout.write(f'kept {gc.isenabled()} {gc.get_freeze_count()}')"
    )
    proc = _run(code, tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "kept True 0" and mark.read_text() == "the interpreter's exit ran"
