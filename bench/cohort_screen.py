"""Cohort-screen bench: a generated cohort (1,000 single-sample VCFs, a 2,500-sample joint VCF, a mosaic
carrier in a CRAM) screened by the ``whimscreen screen`` command (a fresh process per run, as a user runs it:
start-up, imports and the local Dask cluster included) on 1 and 2 workers, against an extraction-only loop
of per-file ``bcftools view -r`` (``samtools view`` for the CRAM) run 2 at a time with ``xargs -P 2`` on
the same cores; every seeded carrier must be found in every run.

``python bench/run.py cohort_screen [--quick]`` (or ``python bench/cohort_screen.py [--quick]``); writes
docs/validation-screening.md.  Each command runs with its bytecode cache (as an installed package does) in a
fresh data home, after one warm-up run on ten files (which fills the knowledge-base mapping cache).  Wall
time is the target's measure; CPU time (user + system of the whole process tree: the command, its fork
server and workers, or xargs and every bcftools) is shown beside it because the machine may be shared.
"""

from __future__ import annotations

import csv
import ctypes
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from command_env import whimscreen_env  # noqa: E402
from whimscreen.reference.demo import demo_locus  # noqa: E402
from whimscreen.screening import simulate_cohort as sc  # noqa: E402

FULL = {"vcfs": 1000, "joint": 2500, "carriers": 5}
QUICK = {"vcfs": 100, "joint": 250, "carriers": 3}
RUNS = 2  # each measurement's best of RUNS (a shared machine only ever slows a run down)
HOME: Path | None = None  # the data home of the measured commands (set in main)


NOTES = """Where the time went (issue 16, item 2), measured on this shared machine with this bench's method.

First round (load 5.8 to 8.2, 2026-12-02): 2 workers 9.1 s wall and 5.9 s CPU, 1 worker 10.0 s and 5.0 s,
one VCF 2.7 s CPU; after it 3.2, 2.9 and 1.7 s CPU. The state was synced once per file (now once a second);
workers were spawned, each importing Dask and WHIMscreen and mapping the knowledge base (now forked from a
fork server started before the command imports Typer, the knowledge base mapped once by the command); the
CRAM's re-call held up the joint VCF's batches (each BAM/CRAM is now a task of its own, first); the
interpreter's shutdown collected the heap (now frozen at exit).

Second round (quiet machine before it: loop 0.95 s, 2 workers 1.69 s = 1.78x, 2.7 s CPU; one VCF 1.16 s,
1.7 s CPU), each change measured by the process tree's CPU time:

- The fork server tore its heap down after the command's exit (~0.2 s with the command's output still
  open): it now leaves at once (`screening/worker_server.py`, which the server preloads).
- Each worker read its package versions from the installed packages' metadata when it registered (~0.04 s,
  ``uname -p`` in a subprocess included): read once by the fork server, before forking. The server imports
  with the garbage collector paused and freezes its heap before forking.
- Dask's dashboard-only diagnostics: the workers sampled their own stacks every 10 ms (0.2-0.3 s of CPU
  per screen), every server ticked every 20 ms and recorded the machine's use every 0.5 s (~50 ms of the
  command's CPU per second, ~10 after): profiler off, tick 1 s, monitor 2 s without disk counters.
- An indexed VCF whose index shows no record over the locus (most of a cohort's files) is no longer opened
  a second time with cyvcf2 after pysam has read its header and looked the region up.
- The local cluster starts in a thread of its own while the command makes the screen's context (locus,
  knowledge base) and reads the inputs, and closes in the background while the outputs are written; the
  command then leaves by `os._exit` (exit status kept) once its exit handlers have run, without tearing
  down Dask's heap (~0.04 s). Rich's progress module is imported only when the output is a terminal.

Interleaved with the code before the second round on this machine under load (2.7 to 4.4, so wall times
are inflated): 2 workers 1.95-2.65 s wall and 2.2-2.8 s CPU (before: 2.5-3.4 s, 2.9-3.6 s), 1 worker
2.1-2.2 s and 2.1-2.3 s (2.7-3.1 s, 2.7-3.1 s), one VCF 1.4-1.6 s and 1.4-1.5 s (1.6-1.9 s, 1.7-1.8 s).
On the quiet machine (the table above, load 0.6 to 0.8), against the numbers before the second round:
2 workers 1.26 s wall (1.69), 1.34x the loop (1.78x), 2.1 s CPU (2.7); 1 worker 1.55 s (2.32), 2.2 s CPU
(3.0); one VCF 0.76 s (1.16), 1.3 s CPU (1.7); every file reused 0.99 s (1.25). A run a minute later, with
the load rising to 1.7 during it, gave 1.72x: on this shared machine the ratio depends on the load.
What is left is mostly the fixed cost of a fresh command on each of the two cores: the command's Python,
Typer (which builds pydantic validators for its options) and Dask imports (~0.55 s CPU), and at the same
time the fork server's Dask and screening imports (~0.45 s), then the workers' start (~0.1 s)."""


def make_cohort(locus, work: Path, size: dict) -> tuple[list[str], dict, Path]:
    files, truth = sc.single_sample_vcfs(locus, work / "vcf", size["vcfs"], size["carriers"], seed=21)
    truth |= sc.joint_vcf(locus, work / "joint.vcf.gz", size["joint"], size["carriers"], seed=22)
    genome = sc.write_genome(locus, work / "genome.fa.gz")
    _, cram = sc.mosaic_alignments(locus, work / "cram", "c.1000C>T", 0.15, "MOSAIC1", genome)
    truth["MOSAIC1"] = "c.1000C>T"
    for p in (work / "cram").glob("MOSAIC1.bam*"):
        p.unlink()
    inputs = [str(p) for p in files] + [str(work / "joint.vcf.gz"), str(cram)]
    return inputs, truth, genome


def _subreaper() -> bool:
    """Become the parent of orphaned descendants (the fork server and its workers outlive their parent
    by a moment), so that waiting for them adds their CPU time to RUSAGE_CHILDREN (Linux)."""
    try:
        return ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0) == 0  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        return False


def _env() -> dict:
    return whimscreen_env(HOME)


def _timed(cmd: list[str]) -> tuple[float, float]:
    """(wall, CPU user+sys of the whole process tree) seconds of one command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=_env(), capture_output=True)
    wall = time.perf_counter() - t0
    while True:  # orphans reparented here (see _subreaper)
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            break
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed: {proc.stderr.decode()[-2000:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _best(runs: list[tuple[float, float]]) -> tuple[float, float]:
    return min(r[0] for r in runs), min(r[1] for r in runs)


def extraction_script(locus, inputs: list[str], genome: Path, work: Path) -> list[str]:
    """Extraction only: the locus region out of every file, two files at a time."""
    start, end = locus.bounds("GRCh38")
    region = f"chr2:{start}-{end}"
    script = work / "extract.sh"
    vcfs = work / "vcf-list.txt"
    vcfs.write_text("\n".join(p for p in inputs if p.endswith(".vcf.gz")) + "\n")
    crams = [p for p in inputs if p.endswith(".cram")]
    script.write_text(
        f"xargs -P 2 -I{{}} bcftools view -H -r {region} {{}} < {vcfs} > /dev/null\n"
        + "".join(f"samtools view -c -T {genome} {c} {region} > /dev/null\n" for c in crams)
    )
    return ["sh", str(script)]


def _screen_cmd(inputs: list[str], out: Path, genome: Path, workers: int) -> list[str]:
    return [
        sys.executable, "-m", "whimscreen", "screen", *inputs, "--out", str(out),
        "--reference-fasta", str(genome), "--workers", str(workers),
    ]  # fmt: skip


def run_screen(inputs, out: Path, genome: Path, workers: int, fresh: bool = True) -> dict:
    """One command (into an empty DIR unless not ``fresh``): wall, CPU and the time spent inside the
    screen itself (summary.json), after the command's start-up and imports."""
    if fresh:
        shutil.rmtree(out, ignore_errors=True)
    wall, cpu = _timed(_screen_cmd(inputs, out, genome, workers))
    inside = json.loads((out / "summary.json").read_text())
    return {"wall": wall, "cpu": cpu, "inside": inside["elapsed_seconds"], "summary": inside}


def _best_of(runs: list[dict]) -> dict:
    return runs[-1] | {k: min(r[k] for r in runs) for k in ("wall", "cpu", "inside")}


def found(out: Path) -> dict[str, str]:
    with open(out / "candidates.tsv", newline="") as fh:
        return {r["sample"]: r["hgvs_c"].split(":")[1] for r in csv.DictReader(fh, delimiter="\t")}


def main(quick: bool = False) -> str:
    global HOME
    size = QUICK if quick else FULL
    load = os.getloadavg()
    tree_cpu = _subreaper()
    locus = demo_locus()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        HOME = work / "home"
        t0 = time.perf_counter()
        inputs, truth, genome = make_cohort(locus, work, size)
        gen_s = time.perf_counter() - t0
        _timed(_screen_cmd(inputs[:10], work / "warm", genome, 1))  # bytecode and knowledge-base caches
        loop = extraction_script(locus, inputs, genome, work)
        rounds: dict[str, list] = {"base": [], "one": [], "two": [], "again": [], "single": []}
        for _ in range(RUNS):  # interleaved, so that each row sees the same (shared machine's) load
            rounds["base"].append(_timed(loop))
            rounds["one"].append(run_screen(inputs, work / "out1", genome, 1))
            rounds["two"].append(run_screen(inputs, work / "out2", genome, 2))
            assert found(work / "out1") == truth == found(work / "out2"), "a seeded carrier was missed"
            rounds["again"].append(run_screen(inputs, work / "out2", genome, 2, fresh=False))
            rounds["single"].append(run_screen(inputs[:1], work / "out3", genome, 2))  # the fixed cost
        assert all(r["summary"]["files"]["reused_from_earlier_run"] == len(inputs) for r in rounds["again"])
    HOME = None
    end_load = os.getloadavg()[0]
    runs = {k: _best_of(v) for k, v in rounds.items() if k != "base"} | {"base": _best(rounds["base"])}
    return _doc(quick, size, inputs, truth, gen_s, load[0], end_load, runs, tree_cpu)


def _doc(quick, size, inputs, truth, gen_s, load, end_load, runs, tree_cpu) -> str:
    base, one, two, again, single = (runs[k] for k in ("base", "one", "two", "again", "single"))
    b_wall, b_cpu = base
    cpu = (lambda c: f"{c:.1f}") if tree_cpu else (lambda c: "n/a")

    def row(label, r):
        return (
            f"| {label} | {r['wall']:.2f} | {r['wall'] / b_wall:.2f}x | {cpu(r['cpu'])} | {r['inside']:.2f} |"
        )

    rows = [
        "| run | wall (s) | vs. extraction loop | CPU (s) | inside the screen (s) |",
        "|---|---:|---:|---:|---:|",
        f"| `bcftools view -r` per file (`samtools view` for the CRAM), `xargs -P 2` | {b_wall:.2f} | 1.00x "
        f"| {cpu(b_cpu)} | |",
        row("`whimscreen screen --workers 1` (names + classifies)", one),
        row("`whimscreen screen --workers 2` (names + classifies)", two),
        row("the same again, `--workers 2` (every file reused by content hash)", again),
        row("`whimscreen screen --workers 2` on one of the VCFs (the command's fixed cost)", single),
    ]
    met = two["wall"] / b_wall <= 1.5
    doc = "\n".join(
        [
            "# Cohort screen validation (bench/cohort_screen.py)",
            "",
            f"{'Quick run. ' if quick else ''}Generated cohort: {size['vcfs']} single-sample VCFs, one "
            f"{size['joint']}-sample joint-called VCF and one CRAM with a mosaic carrier (15% allele "
            f"fraction) — {len(inputs)} files, {two['summary']['samples_screened']} samples, {len(truth)} "
            f"seeded carriers; every one found, with its variant, on 1 and on 2 workers (generated in "
            f"{gen_s:.0f} s). `python bench/run.py cohort_screen`. Machine: {os.cpu_count()} cores, load "
            f"average {load:.1f} at the start and {end_load:.1f} at the end (shared: wall times grow with "
            f"the load; CPU times much less). Best of {RUNS} interleaved runs each.",
            "",
            *rows,
            "",
            "Each screen is the whole command in a fresh process, as a user runs it: Python start-up and "
            "imports, the local Dask cluster (worker processes forked from a server that imports the "
            "screening code while the command starts), hashing every file (for resuming), reading the "
            "locus, normalizing, naming (c., p., g.), classifying with the CXCR4 rules, re-calling the CRAM "
            "at the locus with the project's caller and writing candidates.tsv, summary.json and "
            'summary.html. "Inside the screen" is the part after the command\'s own start-up '
            "(summary.json's `elapsed_seconds`). CPU is the whole process tree's (the command, its fork "
            "server and workers; xargs and every bcftools). The extraction loop only pulls the locus "
            "records out of each file.",
            "",
            f"Target (within 1.5x of the extraction loop with 2 workers): "
            f"{'met' if met else 'not met'} ({two['wall'] / b_wall:.2f}x wall, "
            f"{two['cpu'] / b_cpu:.2f}x CPU; on a shared machine the loop's processes slow down with the "
            "load too). Speed-up from 1 to 2 workers: "
            f"{one['wall'] / two['wall']:.2f}x end to end"
            + (
                "."
                if one["wall"] / two["wall"] > 1.05 or load < os.cpu_count()
                else " (with the load above the cores, a second worker competes for the same CPU time "
                "instead of adding to it)."
            ),
            "",
            NOTES,
            "",
        ]
    )
    (ROOT / "docs" / "validation-screening.md").write_text(doc)
    return doc


if __name__ == "__main__":
    print(main(quick="--quick" in sys.argv))
