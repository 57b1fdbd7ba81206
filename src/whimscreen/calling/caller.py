"""SNV and indel calls from pileup counts (docs/ngs-calling.md states every rule and threshold here).

A candidate needs ``min_alt_reads`` supporting reads and an allele fraction of at least ``min_af``.  The
genotype is 1/1 from ``hom_af`` up and 0/1 below; allele fractions in [``min_af``, ``mosaic_max_af``) are
flagged possible mosaic and always reported.  GQ is the Phred-scaled posterior of the chosen diploid
genotype (flat prior, binomial reads with error ``error_rate``), capped at 99; for a possible mosaic it is
the Phred-scaled likelihood ratio of the observed fraction against sequencing error alone.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace

import numpy as np

from whimscreen.calling.model import VariantCall
from whimscreen.calling.pileup import Counts
from whimscreen.calling.realign import FLANK, classify
from whimscreen.reference.locus import Locus
from whimscreen.reference.variant import GenomicVariant, edit_from_vcf, shift


@dataclass(frozen=True)
class CallerParameters:
    min_depth: int = 20  # below: filter LowDepth
    min_alt_reads: int = 3
    min_af: float = 0.03  # floor of the reporting range (limit of detection)
    mosaic_max_af: float = 0.35  # [min_af, mosaic_max_af): possible mosaic
    hom_af: float = 0.85  # genotype 1/1 at or above
    min_gq: int = 20  # below: filter LowGQ
    error_rate: float = 0.01
    strand_min_alt: int = 8  # strand bias tested from this many alternate reads
    strand_max_fraction: float = 0.05  # alt reads on the minor strand below this fraction: StrandBias
    strand_ref_balance: float = 0.2  # ... while the reference reads are at least this balanced
    near_indel_window: int = 5  # bases around an indel (and its repeat) where NearIndel applies
    near_indel_ratio: float = 5.0  # ... when the indel has at least this many times the SNV's reads

    def as_dict(self) -> dict:
        return asdict(self)


def _loglik(alt: int, depth: int, p: float) -> float:
    return alt * math.log10(p) + (depth - alt) * math.log10(1 - p)


def genotype_quality(alt: int, depth: int, params: CallerParameters) -> tuple[str, int, bool]:
    """(genotype, GQ, mosaic) for ``alt`` of ``depth`` informative reads."""
    e = params.error_rate
    af = alt / depth if depth else 0.0
    mosaic = params.min_af <= af < params.mosaic_max_af
    if mosaic:
        lr = _loglik(alt, depth, min(max(af, e), 1 - e)) - _loglik(alt, depth, e)
        return "0/1", int(min(99, max(0, round(10 * lr)))), True
    ll = {"0/0": _loglik(alt, depth, e), "0/1": _loglik(alt, depth, 0.5), "1/1": _loglik(alt, depth, 1 - e)}
    gt = "1/1" if af >= params.hom_af else "0/1"
    top = ll[gt]
    others = sum(10 ** (v - top) for g, v in ll.items() if g != gt)
    gq = 99 if others <= 0 else min(99, max(0, round(-10 * math.log10(others / (1 + others)))))
    return gt, int(gq), False


def _strand_filter(alt_fr: tuple[int, int], ref_fr: tuple[int, int], params: CallerParameters) -> bool:
    alt = sum(alt_fr)
    if alt < params.strand_min_alt:
        return False
    minor = min(alt_fr) / alt
    ref = sum(ref_fr)
    ref_balanced = ref == 0 or min(ref_fr) / ref >= params.strand_ref_balance
    return minor < params.strand_max_fraction and ref_balanced and ref > 0


def _make_call(
    locus: Locus,
    build_offset: int,
    v: GenomicVariant,
    alt_fr,
    ref_fr,
    depth: int,
    params: CallerParameters,
    evidence: dict,
) -> VariantCall | None:
    alt = sum(alt_fr)
    if alt < params.min_alt_reads or depth <= 0 or alt / depth < params.min_af:
        return None
    gt, gq, mosaic = genotype_quality(alt, depth, params)
    filters = []
    if depth < params.min_depth:
        filters.append("LowDepth")
    if gq < params.min_gq and not mosaic:
        filters.append("LowGQ")
    if _strand_filter(alt_fr, ref_fr, params):
        filters.append("StrandBias")
    ev = evidence | {
        "alt_forward": alt_fr[0],
        "alt_reverse": alt_fr[1],
        "ref_forward": ref_fr[0],
        "ref_reverse": ref_fr[1],
    }
    return VariantCall(
        "chr2",
        v.pos + build_offset,
        v.ref,
        v.alt,
        gt,
        gq,
        depth,
        depth - alt,
        alt,
        alt / depth,
        tuple(filters),
        mosaic,
        ev,
    )


def snv_calls(
    locus: Locus, counts: Counts, params: CallerParameters, build_offset: int = 0
) -> list[VariantCall]:
    bases = counts.bases
    per_allele = bases.sum(axis=2)  # (n, 4)
    depth = per_allele.sum(axis=1) + counts.deletions
    ref_code = np.frombuffer(locus.sequence.encode(), np.uint8)
    lookup = np.full(256, -1)
    for i, b in enumerate(b"ACGT"):
        lookup[b] = i
    ref_idx = lookup[ref_code]
    alt_counts = per_allele.copy()
    alt_counts[np.arange(len(ref_idx)), ref_idx] = 0
    cand = np.argwhere((alt_counts >= params.min_alt_reads) & (alt_counts >= params.min_af * depth[:, None]))
    calls = []
    for i, b in cand:
        v = GenomicVariant(locus.start + int(i), locus.sequence[i], "ACGT"[b])
        alt_fr = (int(bases[i, b, 0]), int(bases[i, b, 1]))
        ref_fr = (int(bases[i, ref_idx[i], 0]), int(bases[i, ref_idx[i], 1]))
        call = _make_call(locus, build_offset, v, alt_fr, ref_fr, int(depth[i]), params, {"type": "snv"})
        if call:
            calls.append(call)
    return calls


def indel_calls(
    locus: Locus, counts: Counts, params: CallerParameters, build_offset: int = 0
) -> list[VariantCall]:
    """Candidates from CIGAR indels and clip junctions; alleles counted by haplotype comparison."""
    by_variant: dict[GenomicVariant, list[int]] = {}
    for source in (counts.indels, counts.clip_indels):
        for (v, strand), n in source.items():
            by_variant.setdefault(v, [0, 0])[strand] += n
    calls = []
    for v, seen in by_variant.items():
        edit = edit_from_vcf(locus, v.pos, v.ref, v.alt)
        right = shift(locus, edit, "right")
        a = v.pos - locus.start  # the anchor base
        b = right.start + len(right.deleted)  # first base after the event, shifted fully right
        if b >= len(locus.sequence) or not _worth_classifying(sum(seen), counts.spanning(a, b), params):
            continue
        alt_fr, ref_fr, explained = classify(locus, counts.reads, v, counts.primers)
        depth = sum(alt_fr) + sum(ref_fr)
        kind = "deletion" if len(v.ref) > len(v.alt) else "insertion"
        ev = {
            "type": kind,
            "length": abs(len(v.ref) - len(v.alt)),
            "repeat_span": [v.pos, locus.start + b],
            "cigar_reads": sum(counts.indels.get((v, s), 0) for s in (0, 1)),
            "clip_reads": sum(counts.clip_indels.get((v, s), 0) for s in (0, 1)),
            "explained_quality": round(explained),
            # deep data: the alleles were counted on a sample of the reads (``realign.ReadStore``)
            "reads_sampled": counts.reads.sampled(a - FLANK, b + FLANK),
        }
        call = _make_call(locus, build_offset, v, tuple(alt_fr), tuple(ref_fr), depth, params, ev)
        if call:
            calls.append(call)
    return _strongest_of_overlapping(
        calls, lambda c, region: _explained(locus, counts, c, build_offset, region)
    )


def _explained(locus: Locus, counts: Counts, c: VariantCall, build_offset: int, span) -> float:
    """Quality points by which call ``c`` explains the reads over GRCh38 ``span`` +/- ``FLANK``."""
    v = GenomicVariant(c.pos - build_offset, c.ref, c.alt)
    region = (span[0] - locus.start - FLANK, span[1] - locus.start + FLANK)
    return classify(locus, counts.reads, v, counts.primers, region)[2]


RIVAL_SHARE = 0.9  # rivals with at least this share of the best alternate count are compared


def _overlap(c: VariantCall, k: VariantCall) -> bool:
    (a, b), (ka, kb) = c.evidence["repeat_span"], k.evidence["repeat_span"]
    return ka - 10 <= b and a <= kb + 10


def _strongest_of_overlapping(calls: list[VariantCall], explained=None) -> list[VariantCall]:
    """Indel candidates whose compared regions overlap share reads (a clip can propose a near-miss of
    the true event, and a repeat can make a different event explain the same reads): keep one of each
    cluster: among those with at least ``RIVAL_SHARE`` of the best alternate count, the one whose
    haplotype explains the reads by the most quality points over the same bases (the union of their
    compared regions: the true event leaves no mismatches where the rivals' haplotypes differ).
    ``explained(call, region)`` scores a call over a region of locus indices."""
    clusters: list[list[VariantCall]] = []
    for c in sorted(calls, key=lambda c: -c.alt_depth):
        home = next((g for g in clusters if any(_overlap(c, k) for k in g)), None)
        if home is None:
            clusters.append([c])
        else:
            home.append(c)
    kept = []
    for g in clusters:
        close = [c for c in g if c.alt_depth >= RIVAL_SHARE * g[0].alt_depth]
        if len(close) == 1 or explained is None:
            kept.append(close[0])
            continue
        spans = [c.evidence["repeat_span"] for c in close]  # GRCh38
        region = (min(a for a, _ in spans), max(b for _, b in spans))
        kept.append(max(close, key=lambda c: (explained(c, region), c.alt_depth)))
    return kept


def _worth_classifying(seen: int, spanning: tuple[int, int], params: CallerParameters) -> bool:
    """Cheap screen before the haplotype comparison: enough aligned/clipped support to matter."""
    return seen >= params.min_alt_reads and seen >= params.min_af / 3 * sum(spanning)


def call_variants(
    locus: Locus, counts: Counts, params: CallerParameters, build: str = "GRCh38"
) -> list[VariantCall]:
    offset = locus.to_build(locus.start, build) - locus.start
    indels = indel_calls(locus, counts, params, offset)
    snvs = [_near_indel(c, indels, params) for c in snv_calls(locus, counts, params, offset)]
    return sorted(snvs + indels, key=lambda c: (c.pos, c.ref, c.alt))


def _near_indel(snv: VariantCall, indels: list[VariantCall], params: CallerParameters) -> VariantCall:
    """Flag (never drop) a low-fraction SNV lying in or next to an indel with far more support."""
    if snv.af is None or snv.af >= params.mosaic_max_af:
        return snv
    for ind in indels:
        a, b = ind.evidence["repeat_span"]  # GRCh38; only its length is used (same offset on both builds)
        lo, hi = ind.pos - params.near_indel_window, ind.pos + (b - a) + params.near_indel_window
        if lo <= snv.pos <= hi and ind.alt_depth >= params.near_indel_ratio * snv.alt_depth:
            return replace(snv, filters=(*snv.filters, "NearIndel"))
    return snv
