"""Both strands' readings of one heterozygous indel, decided together.

Each read decomposes its own mixed trace (``decompose``); the inserted bases are read peak by peak and the
breakpoint is placed from one strand's calls, so a forward and a reverse read of the same insertion can
name it differently (one wrong inserted base, or a breakpoint off by one in a near-repeat).  Here every
reading proposed by any read in a cluster is scored on every read that decomposed there: at each call
from ``BEFORE`` calls before the read's breakpoint to ``AFTER`` calls after it, the bases seen must be
exactly those of the two alleles the reading implies (the reference and the reference with the indel
applied, both in the read's direction).  The reading with the highest total over the reads wins; a read
adopts it when the winner explains that read at least ``KEEP`` as well as its own reading did.  A read that
does not (the two strands really disagree) keeps its own reading, and the rival-indel safety rule in
``sample.py`` (``ConflictingIndels``) still applies.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from whimscreen.calling.sanger.variants import ReadVariant
from whimscreen.reference.sequence import revcomp
from whimscreen.reference.variant import GenomicVariant
from whimscreen.sequencing.abif import BASES

BEFORE = 10
AFTER = 80
KEEP = 0.97
WINDOW = 10  # bp between two readings taken as one event
GAIN = 0.5  # explained signal (in calls) a changed inserted base must add
ROUNDS = 3
SHIFT = 3  # bases the breakpoint of an insertion reading is moved to either side


def _alleles(target, rr, v: GenomicVariant) -> tuple[str, str]:
    """(reference, alternate) of the read's placement strand, in read direction."""
    seq = target.sequence
    start = v.pos - target.first
    alt = seq[:start] + v.alt + seq[start + len(v.ref) :]
    return (revcomp(seq), revcomp(alt)) if rr.placement.reverse else (seq, alt)


_CODE = np.full(256, -1, dtype=np.int64)
for _k, _b in enumerate(BASES):
    _CODE[ord(_b)] = _k


def explained(target, rr, rv: ReadVariant, v: GenomicVariant) -> float:
    """How well reading ``v`` explains read ``rr`` in the window around its own breakpoint ``rv.call``:
    the sum over calls of the share of the four channels' signal in the two alleles' bases, times how
    balanced the two are when they differ (a heterozygous call shows both).  Indices: the placement maps
    each call to the reference base it faces; the alternate allele shares the reference's coordinates up
    to the event and is shifted by the indel's length after it, which indexing the alternate string by
    the same reference index gives directly."""
    ref, alt = _alleles(target, rr, v)
    lo, hi = max(0, rv.call - BEFORE), min(len(rr.placement.index), rv.call + AFTER)
    r = rr.placement.index[lo:hi].astype(np.int64)
    ok = (r >= 0) & (r < min(len(ref), len(alt)))
    calls, r = np.arange(lo, hi)[ok], r[ok]
    e1 = _CODE[np.frombuffer(ref.encode(), np.uint8)[r]]
    e2 = _CODE[np.frombuffer(alt.encode(), np.uint8)[r]]
    good = (e1 >= 0) & (e2 >= 0)
    calls, e1, e2 = calls[good], e1[good], e2[good]
    v4 = np.maximum(rr.peaks.intensity[:, calls], 0.0)
    whole = np.maximum(v4.sum(axis=0), 1e-9)
    a, b = v4[e1, np.arange(len(calls))], v4[e2, np.arange(len(calls))]
    same = e1 == e2
    balance = np.minimum(1.0, 2 * np.minimum(a, b) / np.maximum(np.maximum(a, b), 1e-9))
    share = np.where(same, a / whole, (a + b) / whole * balance)
    return float(share[v4.sum(axis=0) > 0].sum())


def _total(target, cluster, v: GenomicVariant) -> float:
    return sum(explained(target, rr, rv, v) for rr, rv in cluster)


def refine(target, cluster, v: GenomicVariant) -> GenomicVariant:
    """Improve an insertion reading.  The same allele is written with its insertion placed up to
    ``SHIFT`` bases either side (the inserted bases taken from the allele there), and from each placement
    every inserted base is tried as the other three while the reads' total explained signal rises by at
    least ``GAIN``: the breakpoint and the peak-by-peak reading of the inserted bases are the weak steps
    of a single strand's decomposition, and a wrong base next to the breakpoint lies outside the inserted
    bases of one placement but inside those of its neighbour."""
    if len(v.ref) != 1 or len(v.alt) < 2:
        return v
    best, best_score = v, _total(target, cluster, v)
    start, size = v.pos - target.first + 1, len(v.alt) - 1
    allele = target.sequence[:start] + v.alt[1:] + target.sequence[start:]
    for moved in range(max(1, start - SHIFT), min(len(target.sequence), start + SHIFT + 1)):
        w, sc = _base_by_base(target, cluster, moved, allele[moved : moved + size], best_score)
        if sc > best_score + GAIN:
            best, best_score = w, sc
    return best


def _base_by_base(target, cluster, start: int, inserted: str, floor: float) -> tuple:
    best, best_score = target.vcf(start, start, inserted), floor
    for _ in range(ROUNDS):
        trial = None
        for j in range(len(inserted)):
            for base in BASES:
                if base == inserted[j]:
                    continue
                changed = inserted[:j] + base + inserted[j + 1 :]
                sc = _total(target, cluster, target.vcf(start, start, changed))
                if sc > best_score + GAIN and (trial is None or sc > trial[1]):
                    trial = (changed, sc)
        if trial is None:
            break
        inserted, best_score = trial
        best = target.vcf(start, start, inserted)
    return best, best_score


def _clusters(items: list) -> list[list]:
    items = sorted(items, key=lambda t: t[1].variant.pos)
    out: list[list] = []
    for it in items:
        if out and it[1].variant.pos - out[-1][-1][1].variant.pos <= WINDOW:
            out[-1].append(it)
        else:
            out.append([it])
    return out


def reconcile(target, reads: list) -> dict[int, list]:
    """For each read (by ``id``), its calls with any heterozygous indel replaced by the reading that
    explains all reads of the cluster best (see the module text)."""
    het = [(rr, rv) for rr in reads for rv in rr.calls if rv.kind == "het_indel"]
    new = {id(rr): list(rr.calls) for rr in reads}
    for cluster in _clusters(het):
        readings = {(rv.variant.pos, rv.variant.ref, rv.variant.alt): rv.variant for _, rv in cluster}
        score = {key: [explained(target, rr, rv, v) for rr, rv in cluster] for key, v in readings.items()}
        best = max(readings, key=lambda k: sum(score[k]))
        refined = refine(target, cluster, readings[best])
        key = (refined.pos, refined.ref, refined.alt)
        if key not in readings:
            readings[key] = refined
            score[key] = [explained(target, rr, rv, refined) for rr, rv in cluster]
            best = key
        for j, (rr, rv) in enumerate(cluster):
            own = (rv.variant.pos, rv.variant.ref, rv.variant.alt)
            if own == best or score[best][j] < KEEP * score[own][j]:
                continue
            adopted = replace(
                rv,
                variant=readings[best],
                evidence=rv.evidence | {"own_reading": f"{own[0]}:{own[1]}:{own[2]}", "joint": True},
            )
            calls = new[id(rr)]
            calls[calls.index(rv)] = adopted
    return new
