"""A sample is several reads (forward and reverse, one or more amplicons): merge their calls, check
strand agreement, measure coverage of the reportable range, write the shared outputs.

* A variant seen on one strand only, where a read of the other strand covers the site with good quality
  and does not show it, is filtered ``SingleStrand``; seen on one strand with no other-strand read over
  the site, it stays PASS with ``evidence.both_strands`` False (the report asks for confirmation).
* Coverage: a target base is covered by a read when the read's trimmed, clean (before any mixed stretch)
  calls face it with median quality >= 20 (reads.py); the reportable range must be covered by >= 1 read
  (the NGS rule with ``min_depth`` 1 read and ``min_base_quality`` 20), else the sample is never Negative.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np

from whimscreen.calling.model import CoverageQC, SampleAnalysis, VariantCall
from whimscreen.calling.qc import coverage_qc, intervals
from whimscreen.calling.sanger.reads import ReadResult, analyze_read
from whimscreen.calling.sanger.reconcile import reconcile
from whimscreen.calling.sanger.target import Target, fasta_target, locus_target
from whimscreen.calling.sanger.variants import ReadVariant
from whimscreen.errors import AnalysisError, InputFileError
from whimscreen.reference.locus import Locus
from whimscreen.sequencing.abif import read_trace

MIN_GQ = 20
SINGLE_READ_RATIO = 0.4
MIN_READS = 1
MIN_BASE_QUALITY = 20


def merge_calls(target: Target, reads: list[ReadResult], build: str) -> list[tuple[VariantCall, tuple]]:
    """Calls of all reads merged by variant; each with its (read, ReadVariant) supports."""
    by_key: dict[tuple, list] = {}
    calls = reconcile(target, reads)  # both strands' readings of a het indel decided together
    for rr in reads:
        for rv in calls[id(rr)]:
            v = rv.variant
            by_key.setdefault((v.pos, v.ref, v.alt), []).append((rr, rv))
    merged = [
        _merged(target, key, supports, reads, build)
        for key, supports in sorted(by_key.items())
        if not _weak(supports)
    ]
    return _flag_conflicting_indels(merged)


CONFLICT_WINDOW = 10  # bp: two different indels this close are two readings of one event


def _flag_conflicting_indels(merged: list[tuple[VariantCall, tuple]]) -> list[tuple[VariantCall, tuple]]:
    """Different indels called within ``CONFLICT_WINDOW`` of each other are rival decompositions of the same
    mixed trace: when two of them would pass, any not seen on both strands is filtered ``ConflictingIndels``
    (never reported under a name only one strand supports); a rival already filtered does not count."""
    indels = [c for c, _ in merged if len(c.ref) != len(c.alt) and c.passed]  # filtered rivals do not count
    out = []
    for call, supports in merged:
        rivals = [o for o in indels if o is not call and abs(o.pos - call.pos) <= CONFLICT_WINDOW]
        if len(call.ref) != len(call.alt) and rivals and not call.evidence.get("both_strands"):
            call = replace(call, filters=(*call.filters, "ConflictingIndels"))
        out.append((call, supports))
    return out


def _weak(supports) -> bool:
    """A heterozygous SNV seen in one read only with a secondary peak below ``SINGLE_READ_RATIO`` is not
    reported (dye blobs and shoulders reach 0.25-0.33; true heterozygotes are near 1)."""
    rvs = [rv for _, rv in supports]
    return len(rvs) == 1 and rvs[0].kind == "snv" and rvs[0].evidence.get("ratio", 1.0) < SINGLE_READ_RATIO


def _site(target: Target, pos: int, ref: str, alt: str) -> slice:
    a = pos - target.first + (1 if len(ref) != len(alt) or len(ref) > 1 else 0)
    return slice(a, max(a + 1, pos - target.first + len(ref)))


def _merged(target, key, supports, reads, build) -> tuple[VariantCall, tuple]:
    pos, ref, alt = key
    site = _site(target, pos, ref, alt)
    seen = {id(rr) for rr, _ in supports}
    strands = {rr.placement.reverse for rr, _ in supports}
    covering = [rr for rr in reads if id(rr) not in seen and rr.covered[site].all()]
    contradicted = any(rr.placement.reverse not in strands for rr in covering)
    rvs: list[ReadVariant] = [rv for _, rv in supports]
    genotype = "1/1" if all(rv.genotype == "1/1" for rv in rvs) else "0/1"
    gq = int(min(99, sum(rv.score for rv in rvs)))
    filters = []
    if len(strands) == 1 and contradicted:
        filters.append("SingleStrand")
    if gq < MIN_GQ:
        filters.append("LowGQ")
    evidence = {
        "caller": "sanger",
        "kind": rvs[0].kind,
        "both_strands": len(strands) == 2,
        "reads": [
            {
                "name": rr.trace.name,
                "strand": "-" if rr.placement.reverse else "+",
                "call": rv.call,
                "genotype": rv.genotype,
                "af": round(rv.af, 3),
                "score": rv.score,
            }
            | rv.evidence
            for rr, rv in supports
        ],
        "reads_not_showing": [rr.trace.name for rr in covering],
    }
    out_pos = pos if target.generic else target.locus.to_build(pos, build)
    call = VariantCall(
        target.chrom,
        out_pos,
        ref,
        alt,
        genotype,
        gq,
        len(supports) + len(covering),
        len(covering),
        len(supports),
        float(np.mean([rv.af for rv in rvs])),
        tuple(filters),
        False,
        evidence,
    )
    return call, tuple(supports)


def sample_qc(target: Target, reads: list[ReadResult], build: str) -> CoverageQC:
    depth = np.sum([rr.covered for rr in reads], axis=0).astype(int)
    if not target.generic:
        return coverage_qc(target.locus, depth, MIN_READS, MIN_BASE_QUALITY, build)
    low = [target.first + int(i) for i in np.nonzero(depth < MIN_READS)[0]]
    gaps = tuple(intervals(low))
    return CoverageQC(
        MIN_READS,
        MIN_BASE_QUALITY,
        len(depth),
        len(depth) - len(low),
        gaps,
        gaps,
        not low,
        float(depth.mean()),
        int(depth.min()),
        f"generic reference {target.chrom}: every base of the sequence counts as reportable",
    )


def read_traces(paths: list[Path]) -> list:
    traces = [read_trace(p) for p in paths]
    names = [t.name for t in traces]
    if len(set(names)) != len(names):
        raise InputFileError(f"the same trace file name is given twice ({', '.join(names)})")
    return traces


def analyze_traces(
    paths: list[Path],
    sample: str,
    out_dir: Path | None = None,
    locus: Locus | None = None,
    build: str | None = None,
    reference: Path | None = None,
    enrich: Callable[[dict], dict] | None = None,
    render: Callable | None = None,
) -> SampleAnalysis:
    """Analyse the ``.ab1`` reads of one sample against the CXCR4 ``locus`` (or the single-sequence FASTA
    ``reference``); writes ``out_dir/sample.{vcf.gz,json}`` (+ chromatograms when ``render`` is given,
    see ``whimscreen.reporting.chromatogram.render``)."""
    from whimscreen import __version__
    from whimscreen.calling.pipeline import file_digest
    from whimscreen.calling.sanger.output import write_sanger

    paths = [Path(p) for p in paths]
    target = fasta_target(reference) if reference else locus_target(locus)
    build = "GRCh38" if build is None or target.generic else build
    traces = read_traces(paths)
    reads, failed = [], []
    for t in traces:
        try:
            reads.append(analyze_read(t, target))
        except AnalysisError as exc:  # one unusable read leaves a coverage gap, not a failed sample
            failed.append({"name": t.name, "reason": str(exc)})
    if not reads:
        raise AnalysisError(
            "no trace could be placed on the reference: " + "; ".join(f["reason"] for f in failed)
        )
    merged = merge_calls(target, reads, build)
    qc = sample_qc(target, reads, build)
    parameters = {
        "caller": "sanger",
        "reference": str(reference) if reference else "locus",
        "min_reads": MIN_READS,
        "min_base_quality": MIN_BASE_QUALITY,
        "reads": [rr.summary() for rr in reads],
        "failed_reads": failed,
    }
    analysis = SampleAnalysis(
        sample,
        "ab1",
        build,
        qc,
        tuple(c for c, _ in merged),
        target.stamp(),
        __version__,
        parameters,
        tuple(p.name for p in paths),
        tuple(file_digest(p) | {"records": 1} for p in paths),  # one read per trace
    )
    if out_dir is not None:
        write_sanger(analysis, merged, target, Path(out_dir), enrich, render)
    return replace(analysis)
