"""Sanger speed as a lab feels it: the whole ``whimscreen analyze`` process for one trace (imports, reference,
knowledge base, calling, interpretation, writing), with and without chromatogram images, against tracy when
installed; and ``whimscreen analyze-run`` on a 96-trace plate (16 samples x the 6 exon-2 amplicon reads).

``python bench/run.py sanger_speed [--quick]``; writes docs/validation-sanger-speed.md.  Each process runs
with its bytecode cache (as an installed package does), after one warm-up run.
"""

from __future__ import annotations

import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from whimscreen.reference.demo import demo_locus  # noqa: E402
from whimscreen.reference.variant import GenomicVariant  # noqa: E402
from whimscreen.sequencing.simulate_amplicons import AMPLICONS, write_sample  # noqa: E402

DOC = ROOT / "docs" / "validation-sanger-speed.md"
TRACY_S = 0.12  # issue 12: tracy on the same public trace, whole process
EX2 = {k: v for k, v in AMPLICONS.items() if k.startswith("ex2")}
PLATE_SAMPLES = 16  # x 6 traces = 96


NOTES = """Before issue 12 every run drew each variant's chromatogram with matplotlib (the issue measured
1.86 s for one trace, wall, against tracy's 0.12 s); images are now drawn only with `--images` (the portal
asks for them). What is left of a single trace's process is mostly start-up: importing the libraries the
whole analysis stands on (numpy, pysam, Biopython, hgvs, pydantic-settings, Typer/Rich: ~0.7 s CPU) and
loading the knowledge base; the calling itself takes ~0.12 s (docs/validation-sanger.md). One process per
trace therefore stays ~9x tracy; a plate analysed in one process (`analyze-run`) pays the start-up once and
comes to ~0.2 s CPU per trace (within 2x of tracy), images included."""


def _env() -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _timed(cmd: list[str], ok=(0,)) -> tuple[float, float]:
    """(wall, CPU user+sys) seconds of one process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=_env(), capture_output=True, text=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in ok:
        raise RuntimeError(f"{' '.join(cmd)} failed: {proc.stderr}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "whimscreen", *args]


def _plate(locus, root: Path, samples: int) -> Path:
    rows = ["sample,files"]
    for i in range(samples):
        pos = 136114900 + 60 * i
        het = GenomicVariant(pos, locus.base(pos), "A" if locus.base(pos) != "A" else "G")
        paths = write_sample(
            locus, root / f"P{i:02d}", [(het, "het")] if i % 2 else [], seed=i, amplicons=EX2
        )
        rows.append(f"P{i:02d}," + ";".join(str(p) for p in paths))
    sheet = root / "sheet.csv"
    sheet.write_text("\n".join(rows) + "\n")
    return sheet


def single_traces(locus, work: Path, n: int) -> list[str]:
    pos = 136115111
    het = GenomicVariant(pos, locus.base(pos), "A" if locus.base(pos) != "A" else "G")
    traces = write_sample(locus, work / "single", [(het, "het")], seed=7, amplicons={"a": EX2["ex2a"]})
    trace = traces[0]
    _timed(_cli("analyze", str(trace), "--sample", "W", "--out", str(work / "warm")))
    rows = []
    for label, extra in (("whimscreen analyze (default: no images)", []), ("... --images", ["--images"])):
        runs = [
            _timed(_cli("analyze", str(trace), "--sample", f"T{k}", "--out", str(work / f"o{k}"), *extra))
            for k in range(n)
        ]
        wall = statistics.median(r[0] for r in runs)
        cpu = statistics.median(r[1] for r in runs)
        rows.append(f"| {label} | {wall:.2f} | {cpu:.2f} | {cpu / TRACY_S:.1f}x |")
    tracy = shutil.which("tracy")
    if tracy:
        ref = work / "ref.fa"
        ref.write_text(locus.fasta())
        runs = [
            _timed([tracy, "decompose", "-r", str(ref), "-o", str(work / f"tr{k}"), str(trace)])
            for k in range(n)
        ]
        rows.append(
            f"| tracy decompose | {statistics.median(r[0] for r in runs):.2f} | "
            f"{statistics.median(r[1] for r in runs):.2f} | |"
        )
    else:
        rows.append(f"| tracy (not installed here; the issue's figure) | {TRACY_S:.2f} | | 1.0x |")
    return rows


def plate(locus, work: Path, samples: int) -> list[str]:
    sheet = _plate(locus, work / "plate", samples)
    traces = samples * 6
    rows = []
    for label, extra in (("analyze-run (no images)", []), ("analyze-run --images", ["--images"])):
        out = work / ("run" + "".join(extra))
        wall, cpu = _timed(_cli("analyze-run", str(sheet), "--out", str(out), *extra))
        rows.append(
            f"| {label} | {traces} | {wall:.1f} | {cpu:.1f} | {wall / traces:.3f} | {cpu / traces:.3f} "
            f"| {cpu / traces / TRACY_S:.1f}x |"
        )
    return rows


def main(quick: bool = False) -> str:
    locus = demo_locus()
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        single = single_traces(locus, work, 3 if quick else 7)
        batch = plate(locus, work, 4 if quick else PLATE_SAMPLES)
    text = "\n".join(
        [
            "# Sanger speed (bench/sanger_speed.py)",
            "",
            f"Generated by `python bench/run.py sanger_speed`{' --quick' if quick else ''} on "
            f"{os.cpu_count()} CPUs shared with other work (load average {load:.1f} at the start: wall",
            "times are inflated by it; CPU time, user + system of the process, is what an idle machine's",
            "wall time approaches).",
            "Generated CXCR4 exon 2 traces (`simulate_amplicons`); every run includes the knowledge base and",
            "the interpretation and writes the result directory.",
            "",
            "## One trace, whole process (median)",
            "",
            "| command | wall (s) | CPU (s) | CPU vs tracy's 0.12 s |",
            "|---|---|---|---|",
            *single,
            "",
            "## A plate in one process",
            "",
            "| command | traces | wall (s) | CPU (s) | wall per trace (s) | CPU per trace (s) | vs tracy |",
            "|---|---|---|---|---|---|---|",
            *batch,
            "",
            NOTES,
        ]
    )
    DOC.write_text(text)
    return text


if __name__ == "__main__":
    print(main(quick="--quick" in sys.argv))
