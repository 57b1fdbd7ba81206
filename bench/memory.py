"""Memory bench: peak RSS and wall time of ``whimscreen analyze`` on 100k / 400k / 1M amplicon read pairs,
beside the peer pipeline (minimap2 | samtools sort | bcftools mpileup | call), and recall on deep mosaic
samples with the read sample for the indel comparison capped (as shipped) and uncapped.

Run through ``python bench/run.py memory [--quick]`` (``--quick``: 20k / 50k pairs, 2 deep samples);
writes docs/validation-memory.md.  ``WHIMSCREEN_BENCH_CACHE=DIR`` keeps the simulated FASTQ there and
reuses it (the simulation is deterministic; 1M pairs take minutes to simulate).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from ngs import _peer, score  # noqa: E402
from whimscreen.calling import realign  # noqa: E402
from whimscreen.calling.pipeline import analyze_paths  # noqa: E402
from whimscreen.reference.demo import demo_locus  # noqa: E402
from whimscreen.sequencing.simulate import amplicon_layout, random_truth, simulate  # noqa: E402

SIZES = (100_000, 400_000, 1_000_000, 2_000_000)
QUICK_SIZES = (20_000, 50_000)
DEEP_PAIRS_PER_AMPLICON = 3000  # beyond the cap: each amplicon's 3,000 forward reads start in one window
DEEP_SAMPLES, QUICK_DEEP_SAMPLES = 6, 2
DOC = ROOT / "docs" / "validation-memory.md"
WORKER_COST_PAIRS = {False: 200_000, True: 20_000}  # by quick
NOTES = """Before issue 12 every read was kept for the indel comparison: 387 MB at ~100k pairs, 714 MB
at ~400k, 2.18 GB at 1M (the issue's figures).  After the read cap, what still grew was mappy 2.31's copy of
mate 2 for every pair aligned in paired mode (python/cmappy.h `mm_map_aux`: `strdup(seq2)`, never freed),
160 bytes per pair (docs/validation-mappy-leak.md): 280 MB at 1M pairs, 418 MB at 2M, one process.  Now,
past the first 100,000 pairs, paired alignment runs in a worker process replaced every 200,000 pairs
(`sequencing/align_worker.py`): the leak held at once stays under ~48 MB whatever the input, and every read
and call is the same as aligned in process (`tests/sequencing/test_align_worker.py`; the digests above).
The tree's peak is an upper bound: each live process's own peak is added, whenever it occurred.  Runs
of up to 100,000 pairs and single-end reads never start a worker (a 200k-pair run aligns only its last
100k pairs in one, the cost table sends every pair through workers).  The wall times were taken on a machine
shared with other jobs (load average 5-10): they and their ratio move with that load; CPU time is
steadier."""


def _ours(fastq, primers, out: Path) -> tuple[float, float, float]:
    """Wall time, peak RSS (MB) of the whole process tree and of its largest process, for
    ``whimscreen analyze`` in a fresh process (paired alignment runs partly in worker processes)."""
    cmd = [sys.executable, "-m", "whimscreen", "analyze"]
    cmd += [*map(str, fastq), "--sample", "BIG", "--out", str(out), "--primers", str(primers)]
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL)
    tree, largest = _tree_peak(proc)
    wall = time.perf_counter() - t0
    if proc.returncode:
        raise SystemExit(f"whimscreen analyze failed (exit {proc.returncode})")
    return wall, tree / 1024, largest / 1024


def _tree_peak(proc: subprocess.Popen, every: float = 0.05) -> tuple[int, int]:
    """Until ``proc`` ends: the largest sum, over the processes alive at one sample, of each one's peak RSS
    (VmHWM, kB; an upper bound of the tree's peak that a short spike between samples cannot escape), and
    the largest single process's peak.  A child caught between fork and exec (its command line still the
    parent's) is skipped: it shows the parent's pages as its own."""
    import psutil

    root, tree, largest = psutil.Process(proc.pid), 0, 0
    while proc.poll() is None:
        total = 0
        try:
            command = root.cmdline()
            procs = [root, *root.children(recursive=True)]
        except psutil.Error:
            procs = []
        for p in procs:
            try:
                if p is not root and p.cmdline() == command:
                    continue  # forked, not yet exec'd
                with open(f"/proc/{p.pid}/status") as fh:
                    hwm = next(int(ln.split()[1]) for ln in fh if ln.startswith("VmHWM:"))
            except (OSError, StopIteration, ValueError, psutil.Error):
                continue  # ended between the listing and the read (its last peak was sampled before)
            total += hwm
            largest = max(largest, hwm)
        tree = max(tree, total)
        time.sleep(every)
    return tree, largest


def sizes_table(locus, work: Path, sizes, peer: bool = True) -> list[str]:
    layout = amplicon_layout()
    truth = random_truth(locus, 12, seed=99, afs=(0.5, 1.0), avoid=layout.primers())
    lines = [
        "| read pairs | whimscreen wall (s) | whimscreen peak RSS, all processes (MB) | largest process (MB) "
        "| peer wall (s) | peer peak RSS (MB) | ratio (whimscreen / peer wall) |",
        "|---|---|---|---|---|---|---|",
    ]
    cache = Path(os.environ.get("WHIMSCREEN_BENCH_CACHE", work))
    cache.mkdir(parents=True, exist_ok=True)
    for pairs in sizes:
        run = _cached(
            cache / f"m{pairs}",
            lambda p, n=pairs: simulate(locus, truth, layout, n // len(layout.amplicons), p, seed=42),
        )
        wall, rss, largest = _ours(run.fastq, run.primers_bed, work / f"out{pairs}")
        (work / "peer.mem").unlink(missing_ok=True)  # _peer appends each stage's peak there
        theirs = _peer(locus, run, work) if peer else None
        pw, pm = theirs if theirs else (float("nan"), float("nan"))
        lines.append(
            f"| {run.n_fragments:,} | {wall:.1f} | {rss:.0f} | {largest:.0f} | {pw:.1f} | {pm:.0f} "
            f"| {wall / pw:.2f} |"
        )
    return lines


def _cached(prefix: Path, make):
    """The simulated run at ``prefix``: made once, then reused (same seed, same files)."""
    from whimscreen.sequencing.simulate import SimulatedRun

    done = prefix.with_suffix(".done")
    if done.exists():
        n = int(done.read_text())
        fastq = (Path(f"{prefix}_R1.fastq.gz"), Path(f"{prefix}_R2.fastq.gz"))
        return SimulatedRun(fastq, prefix.with_suffix(".truth.vcf"), prefix.with_suffix(".primers.bed"), n, 0)
    run = make(prefix)
    done.write_text(str(run.n_fragments))
    return run


def deep_recall(locus, work: Path, samples: int) -> list[str]:
    """The same deep mosaic samples called with the shipped cap and with no cap."""
    layout = amplicon_layout()
    rows = []
    for label, cap in (("capped (shipped)", realign.MAX_READS_PER_WINDOW), ("uncapped", 10**9)):
        tally, fps, secs = {}, {}, 0.0
        for seed in range(1, samples + 1):
            truth = random_truth(locus, 200, seed=seed * 7, afs=(0.05,), spacing=60, avoid=layout.primers())
            run = simulate(locus, truth, layout, DEEP_PAIRS_PER_AMPLICON, work / "deep", seed=seed)
            saved = realign.MAX_READS_PER_WINDOW
            realign.MAX_READS_PER_WINDOW = cap
            try:
                t0 = time.perf_counter()
                analysis = analyze_paths(list(run.fastq), "D", None, locus, primers=run.primers_bed)
                secs += time.perf_counter() - t0
            finally:
                realign.MAX_READS_PER_WINDOW = saved
            score(truth, analysis, tally, fps)
        for (vtype, band), r in sorted(tally.items()):
            rows.append((label, vtype, band, r["truth"], r["found"], fps.get(vtype, 0)))
        rows.append((label, "all", "", "", f"{secs:.0f} s analysis", ""))
    lines = ["| reads for indels | type | AF | truth | found | false PASS |", "|---|---|---|---|---|---|"]
    lines += [f"| {' | '.join(str(x) for x in r)} |" for r in rows]
    return lines


def main(quick: bool = False) -> str:
    locus = demo_locus()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        sizes = sizes_table(locus, work, QUICK_SIZES if quick else SIZES)
        deep = deep_recall(locus, work, QUICK_DEEP_SAMPLES if quick else DEEP_SAMPLES)
    cost = worker_cost(WORKER_COST_PAIRS[quick])
    text = "\n".join(
        [
            "# Memory (bench/memory.py)",
            "",
            "Generated by `python bench/run.py memory`"
            + (" --quick (smaller sizes)" if quick else "")
            + f" on {os.cpu_count()} shared CPUs. Amplicon panel (220 bp, 2x150 reads, gzip FASTQ pairs),",
            "12 germline variants; whimscreen runs as the CLI in a fresh process (interpretation and the",
            "JSON included); its peak RSS is the whole process tree's (the CLI and its alignment worker: the",
            "largest sum of the live processes' peaks, sampled every 0.05 s) beside its largest process's;",
            "the peer's peak RSS is its largest stage's (they run concurrently in the pipe), its wall time",
            "the whole pipe's on the same cores.",
            "",
            *sizes,
            "",
            f"Reads kept for the indel haplotype comparison: at most {realign.MAX_READS_PER_WINDOW:,} "
            f"starting in each {realign.SAMPLE_WINDOW}-bp window (a fixed-rank sample of fragments beyond "
            "that, `calling/realign.py`); SNV counts and coverage use every read.",
            "",
            "## Recall with the cap",
            "",
            f"{DEEP_SAMPLES if not quick else QUICK_DEEP_SAMPLES} samples at "
            f"{DEEP_PAIRS_PER_AMPLICON:,} pairs per amplicon, every variant at 5% allele fraction,"
            " called with the shipped cap and with none (the same FASTQ):",
            "",
            *deep,
            "",
            "## Cost of the alignment worker",
            "",
            f"{WORKER_COST_PAIRS[quick]:,} pairs analysed with every pair aligned in process, then with every"
            " pair aligned through worker processes (alternately; CPU of the parent and its workers):",
            "",
            *cost,
            "",
            NOTES,
        ]
    )
    DOC.write_text(text)
    return text


def ours_only(sizes: list[int]) -> None:
    """Rows of the sizes table for ``sizes`` without the peer, printed (the doc is not rewritten):
    ``python bench/memory.py --ours 1000000,2000000``."""
    with tempfile.TemporaryDirectory() as tmp:
        print("\n".join(sizes_table(demo_locus(), Path(tmp), sizes, peer=False)), flush=True)


def worker_cost(pairs: int, rounds: int = 2) -> list[str]:
    """CPU (parent + workers) and wall of the analysis of ``pairs`` simulated pairs with paired alignment
    all in process and all through worker processes, alternated ``rounds`` times, with a digest of the
    whole analysis (calls, QC, inputs: the same in both); alone: ``python bench/memory.py --worker-cost
    200000``."""
    locus, layout = demo_locus(), amplicon_layout()
    truth = random_truth(locus, 12, seed=99, afs=(0.5, 1.0), avoid=layout.primers())
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(os.environ.get("WHIMSCREEN_BENCH_CACHE", tmp))
        run = _cached(
            cache / f"m{pairs}",
            lambda p: simulate(locus, truth, layout, pairs // len(layout.amplicons), p, seed=42),
        )
        code = (
            "import resource, sys, time; from pathlib import Path; from whimscreen.sequencing import align;"
            "from whimscreen.calling.pipeline import analyze_paths; from whimscreen.reference.demo import "
            "demo_locus; import hashlib; align.IN_PROCESS_PAIRS = int(sys.argv[1]); t0 = time.perf_counter();"
            "a = analyze_paths([Path(sys.argv[2]), Path(sys.argv[3])], 'S', None, demo_locus(), "
            "primers=Path(sys.argv[4])); wall = time.perf_counter() - t0;"
            "cpu = sum(r.ru_utime + r.ru_stime for r in map(resource.getrusage, "
            "(resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)));"
            "digest = hashlib.sha256(repr(a).encode()).hexdigest()[:12];"
            "print(f'{wall:.1f} {cpu:.1f} {digest} {len(a.calls)}')"
        )
        env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
        lines = [
            "| alignment | wall (s) | CPU user+sys, all processes (s) | load average | calls "
            "| analysis digest |",
            "|---|---|---|---|---|---|",
        ]
        for _ in range(rounds):
            for label, first in (("in process", 10**12), ("worker processes", 0)):
                args = [str(first), *map(str, run.fastq), str(run.primers_bed)]
                out = subprocess.run(
                    [sys.executable, "-c", code, *args], env=env, check=True, capture_output=True, text=True
                ).stdout.split()
                load = Path("/proc/loadavg").read_text().split()[0]
                lines.append(f"| {label} | {out[0]} | {out[1]} | {load} | {out[3]} | {out[2]} |")
                print(lines[-1], flush=True)
    return lines


if __name__ == "__main__":
    if "--worker-cost" in sys.argv:
        print("\n".join(worker_cost(int(sys.argv[sys.argv.index("--worker-cost") + 1]))))
    elif "--ours" in sys.argv:
        ours_only([int(n) for n in sys.argv[sys.argv.index("--ours") + 1].split(",")])
    else:
        print(main(quick="--quick" in sys.argv))
