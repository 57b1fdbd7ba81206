"""Heterozygous indels: decompose a mixed trace into the reference and a shifted reference (tracy-like).

After a heterozygous indel the trace is the sum of the reference allele and the reference shifted by the
indel length, so from the breakpoint on nearly every call is mixed (Rausch et al. 2020, BMC Genomics
21:230).  The search, in the read's sequencing direction:

1. *Onset*: the first mixed call from which at least ``ONSET_DENSITY`` of the next ``ONSET_WINDOW`` calls
   are mixed.
2. *Shift*: for every shift ``k`` (deletions 1..``MAX_DEL``: the second allele shows ``ref[r + k]``;
   insertions 1..``MAX_INS``: ``ref[r - k]``), the fraction of the next ``SCORE_WINDOW`` calls whose seen
   bases are exactly {ref[r], ref[r +/- k]}.  The best shift must explain ``MIN_SUPPORT`` of them and beat
   the runner-up by ``MIN_MARGIN``.
3. *Breakpoint*: the call where the second allele switches from the reference to the shifted reference,
   maximising agreement on both sides (ties are equivalent placements inside a repeat; the caller
   left-normalizes).  Inserted bases are the calls' strongest non-reference channel when it reaches
   ``INSERT_RATIO`` of
   the reference peak, else the reference base.
A mixed stretch no shift explains is returned as ``unexplained``: the read's coverage stops there.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from whimscreen.calling.sanger.basecall import Peaks
from whimscreen.sequencing.abif import BASES

ONSET_WINDOW = 16
ONSET_DENSITY = 0.5
SCORE_WINDOW = 80
MAX_DEL = 40
MAX_INS = 30
MIN_SUPPORT = 0.7
MIN_MARGIN = 0.15
MIN_SCORED = 12  # calls needed to score a shift
INSERT_RATIO = 0.15


@dataclass(frozen=True)
class HetIndel:
    call: int  # first call of the second allele's change (read direction)
    ref_start: int  # on the placement's reference strand, half-open replaced range
    ref_end: int
    inserted: str  # bases inserted (read direction)
    support: float  # fraction of scored calls explained
    runner_up: float
    scored: int


@dataclass(frozen=True)
class Decomposition:
    onset: int | None  # first call of the mixed stretch (None: no stretch)
    indel: HetIndel | None
    unexplained: bool


def onset(peaks: Peaks, start: int, end: int) -> int | None:
    mixed = peaks.mixed[start:end].astype(float)
    if len(mixed) < ONSET_WINDOW:
        return None
    density = np.convolve(mixed, np.ones(ONSET_WINDOW), "valid") / ONSET_WINDOW
    hits = np.nonzero((density >= ONSET_DENSITY) & (mixed[: len(density)] > 0))[0]
    return start + int(hits[0]) if len(hits) else None


def _agree(peaks: Peaks, ref: str, index: np.ndarray, i: int, shift: int) -> bool | None:
    r = index[i]
    if r < 0 or not 0 <= r + shift < len(ref):
        return None
    expected = {ref[r], ref[r + shift]}
    return set(peaks.present(i)) == expected


def _score(peaks, ref, index, lo, hi, shift) -> tuple[float, int]:
    seen = [_agree(peaks, ref, index, i, shift) for i in range(lo, hi)]
    seen = [s for s in seen if s is not None]
    return (sum(seen) / len(seen), len(seen)) if seen else (0.0, 0)


def decompose(peaks: Peaks, ref: str, index: np.ndarray, start: int, end: int) -> Decomposition:
    """Search calls ``start..end`` (read direction) of a read placed with reference indices ``index``."""
    first = onset(peaks, start, end)
    if first is None:
        return Decomposition(None, None, False)
    scores = {}
    for shift in [k for k in range(1, MAX_DEL + 1)] + [-k for k in range(1, MAX_INS + 1)]:
        lo = first + max(0, -shift) + 2
        scores[shift] = _score(peaks, ref, index, lo, min(end, lo + SCORE_WINDOW), shift)
    ranked = sorted(((s, n, k) for k, (s, n) in scores.items() if n >= MIN_SCORED), reverse=True)
    if not ranked or ranked[0][0] < MIN_SUPPORT:
        return Decomposition(first, None, True)
    (best, n, shift), runner = ranked[0], ranked[1][0] if len(ranked) > 1 else 0.0
    if best - runner < MIN_MARGIN:
        return Decomposition(first, None, True)
    call = _breakpoint(peaks, ref, index, start, first, end, shift)
    r = int(index[call])
    if shift > 0:
        return Decomposition(first, HetIndel(call, r, r + shift, "", best, runner, n), False)
    inserted = "".join(_inserted_base(peaks, ref, index, call + j) for j in range(-shift))
    return Decomposition(first, HetIndel(call, r, r, inserted, best, runner, n), False)


def _breakpoint(peaks, ref, index, start, first, end, shift) -> int:
    length = max(0, -shift)
    lo, hi = max(start, first - 30), min(end, first + SCORE_WINDOW)
    before = [bool(_agree(peaks, ref, index, i, 0)) for i in range(lo, hi)]
    after = [bool(_agree(peaks, ref, index, i, shift)) for i in range(lo, hi)]
    best, best_bp = -1, first
    for bp in range(lo, min(first + 1, hi - length) + 1):
        inserted = sum(_insert_agrees(peaks, ref, index, i) for i in range(bp, bp + length))
        score = sum(before[: bp - lo]) + inserted + sum(after[bp - lo + length :])
        if score > best:
            best, best_bp = score, bp
    return best_bp


def _insert_agrees(peaks: Peaks, ref: str, index: np.ndarray, i: int) -> bool:
    r = index[i]
    if not 0 <= r < len(ref):
        return False
    return set(peaks.present(i)) == {ref[r], _inserted_base(peaks, ref, index, i)}


def _inserted_base(peaks: Peaks, ref: str, index: np.ndarray, i: int) -> str:
    """The second allele's base at call ``i``: the strongest channel other than the reference base when it
    reaches ``INSERT_RATIO`` of the reference peak, else the reference base itself (both alleles agree)."""
    r = index[i]
    if not 0 <= r < len(ref) or ref[r] not in BASES:
        return BASES[peaks.primary[i]]
    k0 = BASES.index(ref[r])
    v = peaks.intensity[:, i].copy()
    ref_h, v[k0] = v[k0], -np.inf
    other = int(np.argmax(v))
    return BASES[other] if v[other] >= INSERT_RATIO * max(ref_h, v[other], 1e-9) else ref[r]
