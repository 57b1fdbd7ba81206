"""Detection limit bench: the share of simulated variants called, by depth x allele fraction (NGS) and by
allele fraction (Sanger), and from it the lowest allele fraction detected in >= 95% of cases.

``python bench/run.py detection_limit`` writes the table the signed report reads
(src/whimscreen/calling/data/detection_limits.tsv, see whimscreen.calling.detection) and
docs/validation-detection-limit.md.  ``--quick`` runs a few samples per cell and writes neither: a quick
run must never replace the limits a signed report states.
"""

from __future__ import annotations

import math
import os
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from whimscreen import __version__  # noqa: E402
from whimscreen.calling import pipeline  # noqa: E402
from whimscreen.calling.caller import CallerParameters  # noqa: E402
from whimscreen.calling.detection import COLUMNS, TABLE, vaf_95  # noqa: E402
from whimscreen.calling.qc import MAX_INSERTION, intervals  # noqa: E402
from whimscreen.calling.sanger import analyze_traces  # noqa: E402
from whimscreen.errors import WhimscreenError  # noqa: E402
from whimscreen.reference import get_locus  # noqa: E402
from whimscreen.reference.demo import demo_locus  # noqa: E402
from whimscreen.reference.reportable import reportable_positions  # noqa: E402
from whimscreen.reference.variant import GenomicVariant, normalize  # noqa: E402
from whimscreen.sequencing.simulate import TruthVariant, amplicon_layout, random_truth, simulate  # noqa: E402
from whimscreen.sequencing.simulate_amplicons import AMPLICONS, write_sample  # noqa: E402

DOC = ROOT / "docs" / "validation-detection-limit.md"
DEPTHS = (20, 30, 50, 100, 200, 500, 1000)
NGS_VAFS = (0.02, 0.03, 0.05, 0.075, 0.10, 0.15, 0.20, 0.30, 0.50)
SANGER_VAFS = (0.05, 0.10, 0.15, 0.20, 0.25, 0.30, 0.40, 0.50)
NGS_SAMPLES = 63  # per depth; ~6.5 SNVs and ~6.5 indels each, every VAF in turn -> >= 40 variants per cell
SANGER_INDEL_SAMPLES = 40  # per VAF: one amplicon read both ways, one indel
SANGER_SNV_SAMPLES = 10  # per VAF: one amplicon read both ways, four SNVs
SANGER_SNVS = 4
QUICK = {"ngs": 3, "indel": 3, "snv": 1}
WINDOW = 1.1  # a variant counts at depth D when its site's informative depth lies in [D, 1.1 D]
SPACING, MAX_INDEL = 25, 10  # bases between simulated variants; longest indel simulated
WORKERS = 2
SANGER_SITES = {  # GRCh38 ranges well inside each exon-2 amplicon (past the poor start of both reads)
    "ex2a": (136114880, 136115150),
    "ex2b": (136115320, 136115570),
    "ex2c": (136115740, 136115930),
}
SWAP = {"A": "G", "G": "A", "C": "T", "T": "C"}


def wilson(k: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    if n == 0:
        return 0.0, 1.0
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


# -- NGS ---------------------------------------------------------------------------------------------------
def shared_bases(layout) -> list[tuple[int, int]]:
    """Reportable bases inside more than one amplicon's insert (or none): there the depth is about twice
    the rest's (the pileup counts overlapping mates of a fragment once, fragments of two amplicons twice),
    so variants are not placed there (GRCh38 inclusive intervals)."""
    inserts: Counter = Counter()
    p = layout.primer_length
    for a, b in layout.amplicons:
        inserts.update(range(a + p, b - p + 1))
    return intervals([q for q in reportable_positions() if inserts[q] != 1])


def _vaf_cycle(truth: list[TruthVariant], sample: int) -> list[TruthVariant]:
    """SNVs and indels of a sample take the allele fractions in turn, starting one further each sample."""
    out, seen = [], Counter()
    for t in truth:
        kind = "SNV" if len(t.ref) == len(t.alt) else "indel"
        af = NGS_VAFS[(sample + seen[kind]) % len(NGS_VAFS)]
        seen[kind] += 1
        out.append(TruthVariant(t.pos, t.ref, t.alt, af))
    return out


def _ngs_sample(job: tuple[int, int, str]) -> list[tuple[str, float, int, bool]]:
    """One simulated sample at ``depth``: (type, allele fraction, site depth, detected) per truth variant."""
    depth, s, tmp = job
    locus, layout = demo_locus(), amplicon_layout()
    avoid = layout.primers() + shared_bases(layout)
    seed = 7919 * depth + s
    truth = random_truth(
        locus, 200, seed=seed, spacing=SPACING, max_indel=MAX_INDEL, avoid=avoid, kinds="SDSI"
    )
    truth = _vaf_cycle(truth, s)
    with tempfile.TemporaryDirectory(dir=tmp) as d:
        run = simulate(locus, truth, layout, pairs_for(depth), Path(d) / "x", seed=seed)
        primers = pipeline.read_primers(run.primers_bed, locus, "GRCh38")
        reads = pipeline._fastq_reads(list(run.fastq), locus)
        try:
            calls, _qc, counts = pipeline._read_calls(
                locus, reads, CallerParameters(), 20, 20, primers, "GRCh38", None, MAX_INSERTION
            )
        except WhimscreenError:  # the analysis refused the reads: nothing can be counted at a site
            return []
    found = {(c.pos, c.ref, c.alt) for c in calls if c.passed}
    informative = counts.depth()
    out = []
    for t in truth:
        i = t.pos - locus.start
        site = int(informative[i : i + max(len(t.ref), 1)].min())
        kind = "SNV" if len(t.ref) == len(t.alt) else "indel"
        out.append((kind, t.af, site, (t.pos, t.ref, t.alt) in found))
    return out


def pairs_for(depth: int) -> int:
    """Read pairs per amplicon for an informative depth of ``depth`` at single-amplicon bases (a few
    more: bases below Q20 do not count)."""
    return depth + max(1, math.ceil(0.03 * depth))


def ngs(work: Path, samples: int, workers: int) -> tuple[dict, dict]:
    """tally[(depth, type, vaf)] = Counter(n, found); informative depths at the counted sites by depth."""
    jobs = [(depth, s, str(work)) for depth in DEPTHS for s in range(samples)]
    tally: dict = {}
    site_depths: dict = {d: [] for d in DEPTHS}
    with ProcessPoolExecutor(workers) as pool:
        for (depth, _s, _), result in zip(jobs, pool.map(_ngs_sample, jobs), strict=True):
            for kind, af, site, detected in result:
                row = tally.setdefault((depth, kind, af), Counter())
                if not depth <= site <= WINDOW * depth:
                    row["outside window"] += 1
                    continue
                site_depths[depth].append(site)
                row["n"] += 1
                row["found"] += detected
    return tally, site_depths


# -- Sanger ------------------------------------------------------------------------------------------------
def _sanger_variant(locus, kind: str, rng, amplicon: str, slot: int, slots: int) -> GenomicVariant:
    """A variant in the ``slot``-th of ``slots`` equal parts of the amplicon's site range (in the first
    part of it less 20 bases, so variants of one trace lie >= 20 bases apart)."""
    lo, hi = SANGER_SITES[amplicon]
    width = (hi - lo) // slots
    pos = lo + slot * width + int(rng.integers(0, width - 20))
    ref = locus.base(pos)
    if kind == "SNV":
        return GenomicVariant(pos, ref, SWAP[ref])
    size = int(rng.integers(1, MAX_INDEL + 1))
    if rng.random() < 0.5:
        return GenomicVariant(pos, locus.fetch(pos, pos + size), ref)
    return GenomicVariant(pos, ref, ref + "".join(rng.choice(list("ACGT"), size)))


def _sanger_sample(job: tuple[int, str, int, str]) -> tuple[float, str, list[bool]]:
    """One simulated sample: one exon-2 amplicon read forward and reverse with the variant allele at the
    ``k``-th fraction, carrying one indel or four SNVs; whether each was detected."""
    k, kind, s, tmp = job
    locus, vaf = get_locus(), SANGER_VAFS[k]
    seed = k * 1000 + s + (kind == "SNV") * 500
    rng = np.random.default_rng(seed)
    amplicon = sorted(SANGER_SITES)[s % len(SANGER_SITES)]
    slots = 1 if kind == "indel" else SANGER_SNVS
    variants = [_sanger_variant(locus, kind, rng, amplicon, i, slots) for i in range(slots)]
    with tempfile.TemporaryDirectory(dir=tmp) as d:
        paths = write_sample(
            locus,
            Path(d),
            [(v, "het") for v in variants],
            seed=seed,
            amplicons={amplicon: AMPLICONS[amplicon]},
            fraction=vaf,
        )
        try:
            analysis = analyze_traces(paths, sample="B", out_dir=None, locus=locus)
        except WhimscreenError:  # the analysis refused the traces: nothing detected (counted as missed)
            return vaf, kind, [False for _ in variants]
    called = {normalize(locus, c.grch38("GRCh38")) for c in analysis.calls if c.passed}
    return vaf, kind, [normalize(locus, v) in called for v in variants]


def sanger(work: Path, indel_samples: int, snv_samples: int, workers: int) -> dict:
    jobs = [
        (k, kind, s, str(work))
        for k in range(len(SANGER_VAFS))
        for kind, samples in (("indel", indel_samples), ("SNV", snv_samples))
        for s in range(samples)
    ]
    tally: dict = {}
    with ProcessPoolExecutor(workers) as pool:
        for vaf, kind, hits in pool.map(_sanger_sample, jobs):
            row = tally.setdefault((None, kind, vaf), Counter())
            row["n"] += len(hits)
            row["found"] += sum(hits)
    return tally


# -- the table ---------------------------------------------------------------------------------------------
def rows(method: str, tally: dict, depths, vafs) -> list[dict]:
    out = []
    for depth in depths:
        for kind in ("SNV", "indel", "all"):
            cells = {}
            for vaf in vafs:
                keys = ("SNV", "indel") if kind == "all" else (kind,)
                n = sum(tally.get((depth, t, vaf), Counter())["n"] for t in keys)
                k = sum(tally.get((depth, t, vaf), Counter())["found"] for t in keys)
                cells[vaf] = (k, n)
            out.append({"method": method, "variant_type": kind, "depth": depth, "cells": cells})
    return out


def tsv(all_rows: list[dict], header: list[str]) -> str:
    lines = [f"# {h}" for h in header] + ["\t".join(COLUMNS)]
    vafs = [float(c.removeprefix("det_")) for c in COLUMNS if c.startswith("det_")]
    for r in all_rows:
        cells = r["cells"]
        limit = vaf_95(cells)
        fields = [
            r["method"],
            r["variant_type"],
            "-" if r["depth"] is None else str(r["depth"]),
            "-" if limit is None else f"{limit:g}",
            str(min(n for _, n in cells.values())),
        ]
        fields += [f"{cells[v][0]}/{cells[v][1]}" if v in cells else "-" for v in vafs]
        lines.append("\t".join(fields))
    return "\n".join(lines) + "\n"


def markdown(all_rows: list[dict], site_depths: dict) -> list[str]:
    out = []
    for method, vafs in (("ngs", NGS_VAFS), ("sanger", SANGER_VAFS)):
        rs = [r for r in all_rows if r["method"] == method]
        head = "| depth | type | 95% VAF | " + " | ".join(f"{v:g}" for v in vafs) + " |"
        out += [f"### {method.upper()}", "", head, "|" + "---|" * (3 + len(vafs))]
        for r in rs:
            cells = r["cells"]
            limit = vaf_95(cells)
            shown = []
            for v in vafs:
                k, n = cells[v]
                lo, hi = wilson(k, n)
                shown.append(f"{k}/{n} {k / n:.0%} ({lo:.0%}-{hi:.0%})" if n else "-")
            depth = "-" if r["depth"] is None else f"{r['depth']}x"
            best = "not reached" if limit is None else f"**{limit:.1%}**".replace(".0%", "%")
            out.append(f"| {depth} | {r['variant_type']} | {best} | " + " | ".join(shown) + " |")
        out.append("")
        if method == "ngs" and site_depths:
            med = ", ".join(
                f"{d}x: {int(np.median(v))} ({min(v)}-{max(v)})" for d, v in site_depths.items() if v
            )
            out += [f"Informative depth at the variant sites, median (range): {med}.", ""]
    return out


DEFINITION = """Detected: the caller's own call at the truth's exact left-normalized position, REF and ALT,
passing every filter (a MOSAIC-flagged call counts; a filtered call, e.g. LowDepth, LowGQ, StrandBias,
SingleStrand, counts as missed).  95% VAF: the lowest allele fraction of the grid at which the point
estimate of detection is >= 95% and stays >= 95% at every higher fraction measured ("not reached": not
even at 50%); each cell shows detected/n, the rate and its Wilson 95% interval.  With n ~ 40-50 per cell
a 95% point estimate has a lower bound near 85%: read the interval beside it."""


NOTES = """Reading the table.  The depth is the informative depth at the variant's base (reads at base quality
>= 20, overlapping mates once), the same quantity as the analysis QC's `min_observed_depth`; a sample whose
every reportable base reaches a row's depth meets at least that row.  At 20-50x the 3-read minimum
decides (3 reads of 20 is 15%; a 15% variant gives fewer than 3 alternate reads about a third of the
time); from about 500x the 3% reporting floor does (a 3% variant's reads reach 3% about half the time;
2% is called only when sampling lifts it to 3%).  Indel cells hold fewer variants than SNV cells (some below
40): the pooled row (about twice as many) is the one the report states, the types beside it.
Sanger: the basecaller reports a second peak from 25% of the main one (about 20% of the signal); at 20%
the secondary peak falls below that threshold in one read or the other most of the time (a call needs
both strands), so 95% is reached at 25% for SNVs.  Indels reach 90-95% from 25% to 40% and 98% at 50%:
their 95% point by the rule above is 50%, and the report names it beside the pooled 30% (the misses were
not investigated here).  These are simulated reads and traces (the project's own error models): a
laboratory confirms the limit with its own reference material (e.g. DNA mixtures of known fraction)
before relying on it.
"""


def main(quick: bool = False) -> str:
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        ngs_n = QUICK["ngs"] if quick else NGS_SAMPLES
        ngs_tally, site_depths = ngs(work, ngs_n, WORKERS)
        t_ngs = time.perf_counter() - t0
        si, ss = (QUICK["indel"], QUICK["snv"]) if quick else (SANGER_INDEL_SAMPLES, SANGER_SNV_SAMPLES)
        sanger_tally = sanger(work, si, ss, WORKERS)
    secs = time.perf_counter() - t0
    all_rows = rows("ngs", ngs_tally, DEPTHS, NGS_VAFS) + rows("sanger", sanger_tally, [None], SANGER_VAFS)
    outside = sum(c["outside window"] for c in ngs_tally.values())
    command = "python bench/run.py detection_limit" + (" --quick" if quick else "")
    settings = (
        f"ngs: whimscreen.sequencing.simulate, default amplicon panel (220-bp amplicons, 2x150 reads, "
        f"primers trimmed, overlapping mates counted once), depth + 3% read pairs per amplicon, default "
        f"ErrorModel; {ngs_n} samples per depth, each with variants {SPACING} bp apart (half SNVs, a "
        f"quarter deletions, a quarter insertions, 1-{MAX_INDEL} bp) on bases inside one amplicon's insert "
        f"(not under or near a primer, not where two amplicons overlap and the depth doubles), SNVs and "
        f"indels taking the allele fractions in turn; a variant counts at depth D when the informative "
        f"depth at its site (min over a deletion) lies in [D, {WINDOW} D] ({outside} outside left out); "
        f"caller defaults (min_alt_reads {CallerParameters().min_alt_reads}, min_af "
        f"{CallerParameters().min_af:g}, min_depth {CallerParameters().min_depth}, min_gq "
        f"{CallerParameters().min_gq})"
    )
    sanger_settings = (
        f"sanger: whimscreen.sequencing.simulate_amplicons, one exon-2 amplicon read forward and reverse, "
        f"default TraceSettings, the variant allele at the fraction stated; per fraction {si} samples with "
        f"one indel (1-{MAX_INDEL} bp) and {ss} samples with four SNVs"
    )
    header = [
        "measured detection limits (bench/detection_limit.py), read by whimscreen.calling.detection",
        f"generated: {datetime.now(UTC).date().isoformat()}",
        f"software: whimscreen {__version__}",
        f"command: {command}",
        settings,
        sanger_settings,
        " ".join(DEFINITION.split()),
        "det_<vaf>: detected/simulated at that allele fraction; '-' not measured",
    ]
    table = tsv(all_rows, header)
    doc = "\n".join(
        [
            "# Detection limit (bench/detection_limit.py)",
            "",
            f"Generated by `{command}` on {datetime.now(UTC).date().isoformat()} (whimscreen {__version__}, "
            f"{os.cpu_count()} CPUs, {secs:.0f} s of which NGS {t_ngs:.0f} s).  The signed report's "
            "limit-of-detection sentence reads these numbers from the table the bench writes, "
            "`src/whimscreen/calling/data/detection_limits.tsv` (`whimscreen.calling.detection`): for NGS "
            "the row of the largest depth here at or below the sample's minimum informative depth over the "
            "reportable range; the pooled (all) row's 95% VAF, and a variant type's own where it is higher.",
            "",
            "NGS: " + settings.removeprefix("ngs: ") + ".",
            "",
            "Sanger: " + sanger_settings.removeprefix("sanger: ") + ".",
            "",
            DEFINITION,
            "",
            *markdown(all_rows, site_depths),
            NOTES,
        ]
    )
    if not quick:
        TABLE.write_text(table)
        DOC.write_text(doc + "\n")
    return doc


if __name__ == "__main__":
    print(main(quick="--quick" in sys.argv))
