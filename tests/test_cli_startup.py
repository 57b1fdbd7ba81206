"""``whimscreen.cli.main`` keeps OpenBLAS to one thread unless the user set it (no command does linear
algebra; its idle workers spin at numpy's import), and pauses the garbage collector only while the
command's libraries are imported, then freezes those objects for the command's run: the command itself runs
with the collector on, and nothing is left frozen or paused afterwards (for callers in the same process)."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path

import pytest

from whimscreen import cli
from whimscreen.errors import InputFileError


def test_the_command_runs_with_the_collector_on_and_nothing_stays_frozen(monkeypatch, capsys, tmp_path):
    from whimscreen.cli import analyze

    seen = {}

    def probe(*args, **kwargs):
        seen["enabled"], seen["frozen"] = gc.isenabled(), gc.get_freeze_count()
        raise InputFileError("probe.ab1: stop here")

    monkeypatch.setattr(analyze, "analyze_paths", probe)
    out = str(tmp_path / "o")
    argv = ["whimscreen", "analyze", str(tmp_path / "probe.ab1"), "--sample", "X", "--out", out]
    monkeypatch.setattr(sys, "argv", argv)
    assert gc.isenabled() and gc.get_freeze_count() == 0
    with pytest.raises(SystemExit) as info:
        cli.main()
    assert info.value.code == 2 and capsys.readouterr().err == "error: probe.ab1: stop here\n"
    assert seen["enabled"] is True and seen["frozen"] > 10_000  # the imported libraries' objects
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_numpy_starts_no_blas_worker_threads(tmp_path):
    if not Path("/proc/self/task").is_dir() or (os.cpu_count() or 1) < 2:
        pytest.skip("needs Linux /proc and two CPUs (OpenBLAS starts one worker per CPU)")
    code = (
        "import os, sys\n"
        f"sys.argv = ['whimscreen', 'analyze', {str(tmp_path / 'missing.ab1')!r}, '--sample', 'X', '--out', "
        f"{str(tmp_path / 'o')!r}]\n"
        "from whimscreen.cli import main\n"
        "try:\n    main()\nexcept SystemExit as e:\n    assert e.code == 2\n"
        "assert 'numpy' in sys.modules\n"
        "import threading\n"
        "native = len(os.listdir('/proc/self/task')) - threading.active_count()\n"
        "print(native, os.environ['OPENBLAS_NUM_THREADS'])\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert proc.stdout.split() == ["0", "1"]  # no thread but Python's own
    env["OPENBLAS_NUM_THREADS"] = "2"  # the user's choice is kept
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert proc.stdout.split() == ["1", "2"]
