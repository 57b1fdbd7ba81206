"""Long fuzzing run of every reader and of the HGVS parser (hypothesis, a big budget), for a developer.

    PYTHONPATH=src python tools/fuzz.py [--minutes 10] [--formats vcf bam ...] [--hgvs] [--seed N]

Each format in turn (and the HGVS parser with ``--hgvs``) gets an equal share of the time: hypothesis
draws mutations of a small valid input (``tests/fuzzing.py``: bit flips, byte sets, deletions, insertions,
duplications, truncation, of the file or of its decompressed content) and analyses each in process.  Any
outcome other than a result or one ``WhimscreenError`` is a bug: hypothesis shrinks it, and the smallest
damaged input is written into tests/data/fuzz/ (with its index), where
``tests/sequencing/test_reader_fuzz.py`` replays it on every test run; for HGVS the expression is printed.
A crash of the process itself (a segfault in a C library) kills the run: the input is then
``<work>/<format>/case`` (printed at the start).  Exit status 1 when something was found.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

import hypothesis  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from tests.fuzzing import SMALL, damaged, keep_reproducer, layers, mutations, outcome  # noqa: E402

from whimscreen.errors import VariantError  # noqa: E402

FORMATS = ["fastq", "fastq.gz", "fastq pair", "bam", "vcf", "vcf.gz", "bcf", "ab1", "cram"]


BATCH = 100  # examples per hypothesis run; runs repeat with the next seed until the time is up


def _batches(body, strategy_kwargs: dict, seconds: float, seed: int) -> tuple[int, bool]:
    """Run hypothesis batches of ``body`` until ``seconds`` pass; (examples run, failed)."""
    deadline, n, k = time.monotonic() + seconds, 0, seed
    while time.monotonic() < deadline:

        @hypothesis.seed(k)
        @settings(max_examples=BATCH, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        @given(**strategy_kwargs)
        def run(**kw):
            body(**kw)

        try:
            run()
        except Exception:  # the last failing example is the shrunk one
            traceback.print_exc(limit=3)
            return n, True
        n, k = n + BATCH, k + 1
    return n, False


def fuzz_format(fmt: str, files: list[Path], locus, work: Path, seconds: float, seed: int):
    """Fuzz one format for ``seconds``; (examples, the reproducer kept in the corpus or None)."""
    failing: list[list[Path]] = []
    reference = files[0].parent / "genome.fa.gz" if fmt == "cram" else None

    def body(layer, edits):
        paths = damaged(files, layer, edits, work / fmt.replace(" ", "_") / "case")
        try:
            outcome(paths, locus, reference)
        except Exception:
            failing.append(paths)
            raise

    n, failed = _batches(body, {"layer": layers, "edits": mutations}, seconds, seed)
    return n, keep_reproducer(fmt, failing[-1]) if failed and failing else None


def fuzz_hgvs(locus, seconds: float, seed: int):
    from whimscreen.reference.parse import parse_variant

    pieces = st.sampled_from(
        ["c.", "g.", "NM_003467.3:", "NM_001008540.2:", "NC_000002.12:", "chr2:", "2-", "(", ")", "_",
         "+", "-", "*", "?", "del", "dup", "ins", "delins", "inv", ">", "A", "C", "G", "T", "N", "[", "]",
         ";", "=", "p.", "1", "0", "9", "100", "1016", "-14", "*5", "136114928", ":", "³", "\u0661"]
    )  # fmt: skip
    found: list[str] = []

    def body(text):
        try:
            parse_variant(locus, text)
        except VariantError:
            pass
        except Exception:
            found.append(text)
            raise

    texts = st.lists(pieces, min_size=1, max_size=20).map("".join) | st.text(max_size=60)
    n, failed = _batches(body, {"text": texts}, seconds, seed)
    return n, repr(found[-1]) if failed and found else None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--formats", nargs="*", default=FORMATS, choices=FORMATS)
    ap.add_argument("--hgvs", action="store_true", help="fuzz the HGVS parser too")
    ap.add_argument("--work", type=Path, help="working directory (default: a temporary one)")
    ap.add_argument("--seed", type=int, default=0, help="first hypothesis seed (batches count up)")
    args = ap.parse_args()
    from whimscreen.reference.demo import demo_locus
    from whimscreen.sequencing.simulate_inputs import write_inputs

    locus = demo_locus()
    work = args.work or Path(tempfile.mkdtemp(prefix="fuzz-"))
    base = write_inputs(locus, work / "base", cram="cram" in args.formats, **SMALL)
    targets = list(args.formats) + (["hgvs"] if args.hgvs else [])
    share = args.minutes * 60 / len(targets)
    print(f"fuzzing {', '.join(targets)}: {share:.0f} s each; inputs in {work}", flush=True)
    found = []
    for fmt in targets:
        t0 = time.monotonic()
        if fmt == "hgvs":
            n, kept = fuzz_hgvs(locus, share, args.seed)
        else:
            n, kept = fuzz_format(fmt, base[fmt], locus, work, share, args.seed)
        status = f"FOUND: {kept}" if kept else "nothing found"
        print(f"{fmt:10} {n:7} inputs {time.monotonic() - t0:6.0f} s  {status}", flush=True)
        if kept:
            found.append(kept)
    sys.exit(1 if found else 0)


if __name__ == "__main__":
    main()
