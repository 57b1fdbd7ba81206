"""QC of the reportable range (docs/reportable-range.md): is every base seen well enough to call?

A base is covered when at least ``min_depth`` reads show it at base quality >= ``min_base_quality``
(a read deleting the base counts: it shows the base is absent).  Bases below are listed as GRCh38
intervals and on the build analyzed; ``fully_covered`` is False whenever any base is below, or when the
input carries no per-base coverage at all (plain VCF), and then the sample can never be Negative.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from whimscreen.calling.model import CoverageQC
from whimscreen.reference.locus import Locus
from whimscreen.reference.reportable import reportable_positions

NO_COVERAGE_REASON = "VCF input carries no per-base coverage; provide a gVCF/BAM"


def intervals(positions: list[int]) -> list[tuple[int, int]]:
    out: list[list[int]] = []
    for p in positions:
        if out and p == out[-1][1] + 1:
            out[-1][1] = p
        else:
            out.append([p, p])
    return [(a, b) for a, b in out]


MAX_INSERTION = 30  # insertions up to this length must be readable through at every reportable base
INSERTION_ANCHOR = 10  # reference bases a read needs on each side of an insertion to place it


def insertion_reach(
    reach: np.ndarray, n: int, max_insertion: int, anchor: int = INSERTION_ANCHOR
) -> np.ndarray:
    """Per locus index p: fragments with a read that, had the template carried an insertion of
    ``max_insertion`` bases just before p, would have read all of it with ``anchor`` reference bases on
    both sides; ``reach`` rows are (lo, hi, reverse, fragment), see ``ReachCounter``."""
    counter = ReachCounter(n, max_insertion, anchor)
    counter.add(np.asarray(reach, np.int64).reshape(-1, 4))
    return counter.result()


class ReachCounter:
    """``insertion_reach`` counted batch by batch of reads, in memory bounded by the locus.

    Each read is (lo, hi, reverse, fragment): the locus interval [lo, hi) its bases cover.  A read is
    sequenced from its 5' end (lo forward, hi reverse) for a fixed length, so an insertion pushes its
    other end back by the insertion's length: a forward read reads it through for
    p in [lo + anchor, hi - L - anchor], a reverse read for p in [lo + L + anchor, hi - anchor].  A
    duplication read only partly looks like the reference, so depth alone cannot show such bases are
    assessable.  Mates of one fragment count once: where both read p, their intersection is taken off.
    A read whose mate is not in its batch waits for the next batch when the mate may still come: it is
    the batch's last read (FASTQ: mates come one after the other) or its interval ends after the last
    read's start (BAM/CRAM are read sorted by position: a read ending before can overlap no later read).
    At most ``MAX_PENDING`` reads wait (the newest), a depth beyond any amplicon run."""

    MAX_PENDING = 200_000

    def __init__(self, n: int, max_insertion: int = MAX_INSERTION, anchor: int = INSERTION_ANCHOR):
        self.n, self.anchor, self.size = n, anchor, max_insertion + anchor
        self.diff = np.zeros(n + 1, np.int64)
        self._pending = np.zeros((0, 3), np.int64)  # fragment, a, b of reads waiting for their mate

    def add(self, rows: np.ndarray) -> None:
        """``rows``: (lo, hi, reverse, fragment) per read, in input order."""
        if len(rows) == 0:
            return
        lo, hi, rev, frag = (rows[:, k] for k in range(4))
        a = np.clip(np.where(rev == 1, lo + self.size, lo + self.anchor), 0, self.n)
        b = np.clip(np.where(rev == 1, hi - self.anchor, hi - self.size) + 1, 0, self.n)  # half-open
        ok = b > a
        self._bump(a[ok], b[ok], 1)
        paired = frag >= 0
        waiting = np.concatenate([self._pending, np.stack([frag, a, b], axis=1)[paired]])
        last = np.zeros(len(waiting), bool)
        if paired[-1]:
            last[-1] = True
        order = np.argsort(waiting[:, 0], kind="stable")
        w = waiting[order]
        same = w[1:, 0] == w[:-1, 0]
        lo2, hi2 = np.maximum(w[1:, 1], w[:-1, 1])[same], np.minimum(w[1:, 2], w[:-1, 2])[same]
        both = hi2 > lo2
        self._bump(lo2[both], hi2[both], -1)
        matched = np.zeros(len(w), bool)
        matched[1:] |= same
        matched[:-1] |= same
        alone = np.zeros(len(w), bool)
        alone[order] = ~matched
        keep = alone & ((waiting[:, 2] > lo[-1]) | last)
        self._pending = waiting[keep][-self.MAX_PENDING :]

    def _bump(self, a: np.ndarray, b: np.ndarray, sign: int) -> None:
        m = self.n + 1
        self.diff += sign * (np.bincount(a, minlength=m)[:m] - np.bincount(b, minlength=m)[:m])

    def result(self) -> np.ndarray:
        return np.cumsum(self.diff)[: self.n]


CLIP_MIN_READS = 5
CLIP_MIN_FRACTION = 0.03
CLIP_EXPLAINED = 40  # bases around an indel call within which clipped reads are taken as its reads
CLIP_MARGIN = 10  # bases on each side of unexplained clips listed as not assessable


def unexplained_clips(locus: Locus, clip_ends: np.ndarray, depth: np.ndarray, indel_positions) -> list[int]:
    """GRCh38 positions where many reads are soft-clipped and no indel call explains it: an event the
    caller could not resolve (e.g. an insertion longer than the reads' overlap) may lie there."""
    flagged = np.nonzero(
        (clip_ends >= CLIP_MIN_READS) & (clip_ends >= CLIP_MIN_FRACTION * np.maximum(depth, 1))
    )[0]
    out = []
    for i in flagged:
        p = locus.start + int(i)
        if not any(abs(p - q) <= CLIP_EXPLAINED for q in indel_positions):
            out.append(p)
    return out


def coverage_qc(
    locus: Locus,
    depth: np.ndarray,
    min_depth: int,
    min_bq: int,
    build: str,
    clips: list[int] = (),
    reach: np.ndarray | None = None,
    max_insertion: int = MAX_INSERTION,
) -> CoverageQC:
    """``depth``: informative depth per locus index (bases at >= min_bq plus deletions); ``clips``:
    positions of unexplained soft clips (their surroundings are not assessable); ``reach``: fragments
    able to read an insertion of ``max_insertion`` bases through (``insertion_reach``), when known."""
    positions = np.asarray(reportable_positions())
    d = depth[positions - locus.start]
    bad = d < min_depth
    for p in clips:
        bad |= np.abs(positions - p) <= CLIP_MARGIN
    reasons = []
    if reach is not None:
        short = (reach[positions - locus.start] < min_depth) & ~bad
        if short.any():
            first = intervals([int(p) for p in positions[short]])
            where = ", ".join(f"chr2:{a}-{b}" for a, b in first[:3]) + (" ..." if len(first) > 3 else "")
            reasons.append(
                f"{int(short.sum())} bases where fewer than {min_depth} reads could read an insertion of up "
                f"to {max_insertion} bp through ({where}): reads too short for the fragment there"
            )
        bad |= short
    low = [int(p) for p in positions[bad]]
    if clips:
        where = ", ".join(f"chr2:{p}" for p in clips[:5])
        reasons.insert(0, f"reads soft-clipped at {where} not explained by any call (unresolved event?)")
    reason = "; ".join(reasons) or None
    qc = _qc(locus, positions, low, min_depth, min_bq, build, float(d.mean()), int(d.min()), None)
    return replace(qc, reason=reason) if reason else qc


def unknown_coverage_qc(
    locus: Locus,
    min_depth: int,
    min_bq: int,
    build: str,
    reason: str = NO_COVERAGE_REASON,
    low: list[int] | None = None,
) -> CoverageQC:
    """Coverage not measured (``low`` None: every base unknown) or measured from gVCF blocks (``low``)."""
    positions = np.asarray(reportable_positions())
    low = [int(p) for p in positions] if low is None else low
    return _qc(locus, positions, low, min_depth, min_bq, build, None, None, reason)


def _qc(locus, positions, low, min_depth, min_bq, build, mean, minimum, reason) -> CoverageQC:
    uncovered = intervals(low)
    on_build = [(locus.to_build(a, build), locus.to_build(b, build)) for a, b in uncovered]
    return CoverageQC(
        min_depth=min_depth,
        min_base_quality=min_bq,
        reportable_bases=len(positions),
        covered_bases=None
        if reason and not mean and len(low) == len(positions)
        else len(positions) - len(low),
        uncovered=tuple(uncovered),
        uncovered_build=tuple(on_build),
        fully_covered=not low and reason is None,
        mean_depth=mean,
        min_observed_depth=minimum,
        reason=reason,
    )
