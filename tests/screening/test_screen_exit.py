"""``whimscreen screen`` on a local cluster ends without tearing its heap down once every exit handler has
run (the cluster closed, the outputs written): its exit status is kept (0, or 2 for a bad argument), its
outputs are complete; other commands (and ``screen --help``) end as usual."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SRC = str(Path(__file__).resolve().parents[2] / "src")

# an exit handler registered before whimscreen is imported runs after all of the command's own
WRAPPER = """
import atexit, pathlib, runpy, sys
atexit.register(lambda: pathlib.Path({mark!r}).write_text("the interpreter's exit ran"))
sys.argv = ["whimscreen", *{args!r}]
runpy.run_module("whimscreen", run_name="__main__", alter_sys=True)
"""


def _run(tmp_path: Path, *args: str) -> tuple[subprocess.CompletedProcess, bool]:
    mark = tmp_path / "exit-ran"
    mark.unlink(missing_ok=True)
    env = dict(os.environ, PYTHONPATH=SRC, WHIMSCREEN_HOME=str(tmp_path / "home"))
    code = WRAPPER.format(mark=str(mark), args=list(args))
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
    return proc, mark.exists()


def test_a_screen_leaves_quickly_with_its_status_and_complete_outputs(cohort, tmp_path):
    vcf = sorted((cohort.root / "vcf").glob("*.vcf.gz"))[0]
    out = tmp_path / "out"
    proc, exit_ran = _run(tmp_path, "screen", str(vcf), "--out", str(out), "--workers", "1")
    assert proc.returncode == 0, proc.stderr
    assert not exit_ran  # left by os._exit after the command's own exit handlers
    assert "1 file(s): 1 screened" in proc.stdout and "wrote" in proc.stdout  # stdout flushed
    assert json.loads((out / "summary.json").read_text())["files"]["screened"] == 1
    assert (out / "candidates.tsv").read_text().startswith("sample\t") and (out / "summary.html").exists()

    proc, exit_ran = _run(tmp_path, "screen", str(vcf), "--out", str(out), "--workers", "0")
    assert proc.returncode == 2 and not exit_ran
    assert proc.stderr == "error: --workers must be at least 1, got 0\n"


def test_help_and_other_commands_end_as_usual(tmp_path):
    proc, exit_ran = _run(tmp_path, "screen", "--help")
    assert proc.returncode == 0 and "--workers" in proc.stdout and exit_ran
