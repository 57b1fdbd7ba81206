"""Cohort-screen bench: a generated cohort (1,000 single-sample VCFs, a 2,500-sample joint VCF, a mosaic
carrier in a CRAM) screened by ``whimscreen.screening.run.screen`` on 1 and 2 local Dask workers, against an
extraction-only loop of per-file ``bcftools view -r`` (``samtools view`` for the CRAM) run 2 at a time with
``xargs -P 2`` on the same cores; every seeded carrier must be found.

Run through ``python bench/run.py cohort_screen`` (or ``python bench/cohort_screen.py [--quick]``); writes
docs/validation-screening.md.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from whimscreen.reference.demo import demo_locus  # noqa: E402
from whimscreen.screening import simulate_cohort as sc  # noqa: E402
from whimscreen.screening.cohort import ScreenContext  # noqa: E402
from whimscreen.screening.run import screen  # noqa: E402

FULL = {"vcfs": 1000, "joint": 2500, "carriers": 5}
QUICK = {"vcfs": 100, "joint": 250, "carriers": 3}


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


def baseline(locus, inputs: list[str], genome: Path, work: Path) -> float:
    """Extraction only: the locus region out of every file, two files at a time."""
    start, end = locus.bounds("GRCh38")
    region = f"chr2:{start}-{end}"
    vcfs = work / "vcf-list.txt"
    vcfs.write_text("\n".join(p for p in inputs if p.endswith(".vcf.gz")) + "\n")
    crams = [p for p in inputs if p.endswith(".cram")]
    t0 = time.perf_counter()
    with open(vcfs) as fh:
        subprocess.run(
            ["xargs", "-P", "2", "-I{}", "bcftools", "view", "-H", "-r", region, "{}"],
            stdin=fh,
            stdout=subprocess.DEVNULL,
            check=True,
        )
    for cram in crams:
        subprocess.run(
            ["samtools", "view", "-c", "-T", str(genome), cram, region], stdout=subprocess.DEVNULL, check=True
        )
    return time.perf_counter() - t0


def run_screen(inputs, out: Path, ctx, workers: int) -> tuple[float, dict]:
    shutil.rmtree(out, ignore_errors=True)
    t0 = time.perf_counter()
    summary = screen(inputs, out, ctx, workers=workers)
    return time.perf_counter() - t0, summary


def cluster_startup(workers: int) -> float:
    import logging

    from dask.distributed import Client, LocalCluster

    t0 = time.perf_counter()
    cluster = LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        silence_logs=logging.ERROR,
    )
    client = Client(cluster)
    client.wait_for_workers(workers)
    elapsed = time.perf_counter() - t0
    client.close()
    cluster.close()
    return elapsed


def found(out: Path) -> dict[str, str]:
    with open(out / "candidates.tsv", newline="") as fh:
        return {r["sample"]: r["hgvs_c"].split(":")[1] for r in csv.DictReader(fh, delimiter="\t")}


def main(quick: bool = False) -> str:
    size = QUICK if quick else FULL
    load = os.getloadavg()
    locus = demo_locus()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        t0 = time.perf_counter()
        inputs, truth, genome = make_cohort(locus, work, size)
        gen_s = time.perf_counter() - t0
        ctx = ScreenContext(locus, reference_fasta=str(genome))
        base = min(baseline(locus, inputs, genome, work) for _ in range(2))
        startup = cluster_startup(2)
        one, s1 = run_screen(inputs, work / "out1", ctx, 1)
        two, s2 = run_screen(inputs, work / "out2", ctx, 2)
        again = time.perf_counter()
        screen(inputs, work / "out2", ctx, workers=2)
        again = time.perf_counter() - again
        assert found(work / "out1") == truth == found(work / "out2"), "a seeded carrier was missed"
    samples = s2["samples_screened"]
    rows = [
        "| run | wall time (s) | vs. extraction loop |",
        "|---|---:|---:|",
        f"| `bcftools view -r` per file (`samtools view` for the CRAM), `xargs -P 2` | {base:.1f} | 1.00x |",
        f"| screen, 1 worker (names + classifies) | {one:.1f} | {one / base:.2f}x |",
        f"| screen, 2 workers (names + classifies) | {two:.1f} | {two / base:.2f}x |",
        f"| screen, 2 workers, minus local cluster start-up ({startup:.1f} s) | {two - startup:.1f} "
        f"| {(two - startup) / base:.2f}x |",
        f"| screen again, 2 workers (every file reused by hash) | {again:.1f} | {again / base:.2f}x |",
    ]
    doc = "\n".join(
        [
            "# Cohort screen validation (bench/cohort_screen.py)",
            "",
            f"{'Quick run. ' if quick else ''}Generated cohort: {size['vcfs']} single-sample VCFs, one "
            f"{size['joint']}-sample joint-called VCF and one CRAM with a mosaic carrier (15% allele "
            f"fraction) — {len(inputs)} files, {samples} samples, {len(truth)} seeded carriers; every one "
            f"found, with its variant, on 1 and on 2 workers. Generating the cohort took {gen_s:.0f} s. "
            f"Machine: "
            f"{os.cpu_count()} cores shared with other jobs (load average {load[0]:.1f} at the start, "
            f"{os.getloadavg()[0]:.1f} at the end: absolute times and the speed-up from more workers are "
            "pessimistic when the load exceeds the cores).",
            "",
            *rows,
            "",
            f"Speed-up from 1 to 2 workers: {one / two:.2f}x end to end. Starting the local cluster "
            f"(2 worker processes importing WHIMscreen) took {startup:.1f} s, paid once per run.",
            "",
            "The extraction loop only pulls the locus records out of each file; the screen also hashes every "
            "file (for resuming), normalizes, names (c., p., g.), classifies with the CXCR4 rules, re-calls "
            "the CRAM at the locus with the project's caller and writes candidates.tsv, summary.json and "
            "summary.html. "
            "Target: within 1.5x of the extraction loop.",
            "",
            f"Target {'met' if two / base <= 1.5 else 'not met'} end to end ({two / base:.2f}x) and "
            f"{'met' if (two - startup) / base <= 1.5 else 'not met'} once the cluster is up "
            f"({(two - startup) / base:.2f}x)."
            + (
                ""
                if one / two > 1.05
                else " With the load above the cores, a second worker process competes for the same CPU time "
                "instead of adding to it, so the speed-up from 1 to 2 workers is not shown on this machine."
            ),
            "",
        ]
    )
    (ROOT / "docs" / "validation-screening.md").write_text(doc)
    return doc


if __name__ == "__main__":
    print(main(quick="--quick" in sys.argv))
