"""Per-read variant calls: substitutions from the primary/secondary peaks, indels from the decomposition
and from alignment gaps; each as a left-normalized VCF variant on the target's plus strand.

* heterozygous SNV: a mixed call whose two bases are the reference and another base, with the ratio at
  least ``LOCAL_FACTOR`` x the median ratio of the ``LOCAL_CALLS`` calls on each side (local noise check);
  allele fraction = alternate peak / (both peaks);
* homozygous SNV: a single clear peak (quality >= ``MIN_Q``) of another base than the reference;
* heterozygous indel: ``decompose``; homozygous indel: a gap in the alignment of good calls
  (``MIN_Q`` over ``GAP_FLANK`` calls each side).
``score`` is a Phred-like confidence (documented in docs/sanger-calling.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from whimscreen.calling.sanger.align import Placement
from whimscreen.calling.sanger.basecall import Peaks
from whimscreen.calling.sanger.decompose import HetIndel
from whimscreen.calling.sanger.target import Target
from whimscreen.reference.sequence import revcomp
from whimscreen.reference.variant import GenomicVariant
from whimscreen.sequencing.abif import BASES, Trace

LOCAL_CALLS = 12
LOCAL_FACTOR = 3.0
MIN_Q = 20
GAP_FLANK = 5


@dataclass(frozen=True)
class ReadVariant:
    variant: GenomicVariant  # left-normalized, plus strand of the target
    genotype: str
    af: float
    score: int
    call: int  # call index in the read (for the chromatogram)
    kind: str  # 'snv', 'het_indel', 'hom_indel'
    evidence: dict = field(default_factory=dict)


def to_plus(target: Target, placement: Placement, start: int, end: int, alt: str) -> GenomicVariant:
    """A replacement of ``placement.ref[start:end]`` by ``alt`` as a VCF variant on the plus strand."""
    if placement.reverse:
        n = len(target.sequence)
        start, end, alt = n - end, n - start, revcomp(alt)
    return target.vcf(start, end, alt)


def _local_noise(peaks: Peaks, i: int, lo: int, hi: int) -> float:
    around = np.r_[
        peaks.ratio[max(lo, i - LOCAL_CALLS) : i], peaks.ratio[i + 1 : min(hi, i + 1 + LOCAL_CALLS)]
    ]
    return float(np.median(around)) if len(around) else 0.0


def snv_calls(trace: Trace, peaks: Peaks, target: Target, pl: Placement, lo: int, hi: int) -> list:
    out = []
    for i in range(lo, hi):
        r = pl.index[i]
        if r < 0:
            continue
        refbase, seen = pl.ref[r], peaks.present(i)
        if len(seen) == 2 and refbase in seen:
            noise = _local_noise(peaks, i, lo, hi)
            if peaks.ratio[i] < LOCAL_FACTOR * noise:
                continue
            alt = seen[1] if seen[0] == refbase else seen[0]
            alt_h = peaks.second[i] if seen[1] == alt else peaks.height[i]
            af = float(alt_h / (peaks.height[i] + peaks.second[i]))
            score = int(min(99, _flank_quality(trace, i) * min(1.0, peaks.ratio[i] / 0.5)))
            ev = {"ratio": round(float(peaks.ratio[i]), 3), "local_noise": round(noise, 3)}
            out.append(_snv(target, pl, r, alt, "0/1", af, score, i, ev))
        elif len(seen) == 1 and seen != refbase and trace.quality[i] >= MIN_Q:
            flank = _flank_quality(trace, i)  # only where a call may be made: a median per call is slow
            if flank >= MIN_Q:
                ev = {"quality": int(trace.quality[i])}
                out.append(_snv(target, pl, r, seen, "1/1", 1.0, int(min(99, flank)), i, ev))
    return out


def _snv(target, pl, r, alt, genotype, af, score, i, ev) -> ReadVariant:
    v = to_plus(target, pl, int(r), int(r) + 1, alt)
    return ReadVariant(v, genotype, af, score, i, "snv", ev)


def _flank_quality(trace: Trace, i: int) -> float:
    """Median quality of the calls around ``i`` (excluding it): how good this part of the read is."""
    q = np.r_[trace.quality[max(0, i - 5) : i], trace.quality[i + 1 : i + 6]]
    return float(np.median(q)) if len(q) else 0.0


def het_indel_call(target: Target, pl: Placement, peaks: Peaks, indel: HetIndel) -> ReadVariant:
    v = to_plus(target, pl, indel.ref_start, indel.ref_end, indel.inserted)
    after = slice(indel.call, indel.call + 40)
    ratio = peaks.second[after] / np.maximum(peaks.height[after] + peaks.second[after], 1e-9)
    score = int(min(99, round(99 * (indel.support - indel.runner_up) / (1 - min(indel.runner_up, 0.9)))))
    ev = {
        "breakpoint_call": indel.call,
        "support": round(indel.support, 3),
        "runner_up": round(indel.runner_up, 3),
        "calls_scored": indel.scored,
    }
    return ReadVariant(
        v, "0/1", float(np.median(ratio)) if len(ratio) else 0.5, score, indel.call, "het_indel", ev
    )


def gap_calls(trace: Trace, target: Target, pl: Placement, hi: int) -> list:
    out = []
    for call, ref_start, ref_end, inserted in pl.gaps:
        if call >= hi or (ref_end > ref_start and inserted):
            continue
        flank = np.r_[
            trace.quality[max(0, call - GAP_FLANK) : call],
            trace.quality[call + len(inserted) : call + len(inserted) + GAP_FLANK],
        ]
        if len(flank) < 2 * GAP_FLANK or flank.min() < MIN_Q:
            continue
        v = to_plus(target, pl, ref_start, ref_end, inserted)
        out.append(
            ReadVariant(
                v,
                "1/1",
                1.0,
                int(min(99, flank.mean())),
                call,
                "hom_indel",
                {"flank_min_quality": int(flank.min())},
            )
        )
    return out


def base_index(b: str) -> int:
    return BASES.index(b)
