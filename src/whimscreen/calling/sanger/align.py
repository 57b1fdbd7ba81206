"""Place a read on the target: which strand it reads, and which reference base each call faces.

The Mott-trimmed calls are scored locally (``Bio.Align.PairwiseAligner``) against the target and its
reverse complement; the better strand wins (the forward one on a tie).  The strand sharing more of the
read's 12-mers is scored first; the other is scored too unless that score is above ``score_bound``, a
proven upper bound of any local score on a strand sharing that few 12-mers with the read.  The alignment
itself is computed in a window of the winning strand around the read's 12-mer seeds, and kept only when its
score equals the exact score over the whole strand (an optimal alignment); otherwise over the whole strand.
Scoring is several times cheaper than aligning (no traceback), so a read costs one or two scoring passes
and a small alignment instead of whole-strand alignments.  The read is then worked on in its own
sequencing direction against that strand of the reference (``Placement.ref``), so a heterozygous indel
always has its clean part first.  Calls outside the aligned stretch get reference indices along the
alignment's last diagonal (used by the indel decomposition beyond the trimmed end).  Gaps inside the
alignment between good calls are homozygous indel candidates.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from Bio.Align import PairwiseAligner

from whimscreen.errors import AnalysisError

MIN_ALIGNED = 30  # calls
MIN_IDENTITY = 0.85  # of the aligned calls
SEED_K = 12  # seed length of the alignment window
SEED_MARGIN = 150  # reference bases beyond the seeds' diagonal on each side (indels shift it)


@dataclass(frozen=True, eq=False)
class Placement:
    reverse: bool  # the read reads the minus strand of the target
    ref: str  # the strand of the target the read reads, in read direction
    index: np.ndarray  # reference index (on ``ref``) faced by each call; -1 if none
    aligned: tuple[int, int]  # half-open call range inside the local alignment
    gaps: tuple  # (call index, ref start, ref end, inserted calls) of each gap inside the alignment
    identity: float


def _aligner() -> PairwiseAligner:
    a = PairwiseAligner()
    a.mode = "local"
    a.match_score, a.mismatch_score = 2, -3
    a.open_gap_score, a.extend_gap_score = -7, -2
    return a


def place(name: str, calls: str, trim: tuple[int, int], forward: str, reverse: str) -> Placement:
    """Raises ``AnalysisError`` naming ``name`` when the trimmed read does not align to either strand."""
    t0, t1 = trim
    query = calls[t0:t1].replace("N", "A") if t1 - t0 >= MIN_ALIGNED else ""
    if not query:
        raise AnalysisError(f"{name}: fewer than {MIN_ALIGNED} good-quality bases after trimming")
    aligner = _aligner()
    kmers = (_first_kmers(forward), _first_kmers(reverse))
    shared = [_shared(query, k) for k in kmers]
    first = int(shared[1] > shared[0])  # the likelier strand: scored first
    scores = [0.0, 0.0]
    scores[first] = aligner.score((forward, reverse)[first], query)
    other = 1 - first
    if scores[first] > score_bound(len(query), shared[other]):
        scores[other] = -1.0  # below scores[first]: that strand cannot reach it
    else:
        scores[other] = aligner.score((forward, reverse)[other], query)
    rev = scores[1] > scores[0]
    ref = reverse if rev else forward
    aln, offset = _align(aligner, ref, query, max(scores), kmers[rev])
    pairs = zip(*aln.aligned, strict=True)
    blocks = [
        (int(a0) + offset, int(a1) + offset, int(b0) + t0, int(b1) + t0) for (a0, a1), (b0, b1) in pairs
    ]
    span = blocks[-1][3] - blocks[0][2]
    matches = sum(
        sum(x == y for x, y in zip(ref[a0:a1], calls[b0:b1], strict=True)) for a0, a1, b0, b1 in blocks
    )
    if span < MIN_ALIGNED or matches / span < MIN_IDENTITY:
        raise AnalysisError(
            f"{name}: does not align to the reference ({matches} of {span} aligned calls match)"
        )
    return Placement(
        rev,
        ref,
        _index(len(calls), len(ref), blocks),
        (blocks[0][2], blocks[-1][3]),
        _gaps(blocks, calls),
        matches / span,
    )


def score_bound(length: int, shared: int, k: int = SEED_K) -> float:
    """Upper bound of the local score of a read of ``length`` bases on a sequence holding only ``shared`` of
    its k-mers (match 2, mismatch -3, gap -7/-2).  An alignment with m matches and E error events
    (mismatches and gap runs, each costing at least 3) scores at most 2m - 3E; its matches fall into at most
    E + 1 exact runs, a run of r bases holding r - k + 1 of the read's k-mers at distinct read positions, so
    m - (E + 1)(k - 1) <= shared; with m <= length the bound is the value at m = length."""
    errors = max(0.0, (length - shared) / (k - 1) - 1)
    return 2 * length - 3 * errors


def _first_kmers(ref: str, k: int = SEED_K) -> dict[str, int]:
    return {ref[i : i + k]: i for i in range(len(ref) - k, -1, -1)}  # the first occurrence is kept


def _shared(query: str, kmers: dict[str, int], k: int = SEED_K) -> int:
    """How many read positions start a k-mer found in the strand."""
    return sum(query[i : i + k] in kmers for i in range(len(query) - k + 1))


def _align(aligner: PairwiseAligner, ref: str, query: str, best: float, kmers: dict[str, int]):
    """The first optimal local alignment of ``query`` on ``ref`` and the offset of its target coordinates:
    from the seed window when it reaches the whole-strand score ``best``, else from the whole strand."""
    window = _seed_window(query, ref, kmers)
    if window is not None:
        lo, hi = window
        aln = aligner.align(ref[lo:hi], query)[0]
        if aln.score == best:
            return aln, lo
    return aligner.align(ref, query)[0], 0


def _seed_window(query: str, ref: str, kmers: dict[str, int], k: int = SEED_K) -> tuple[int, int] | None:
    """``ref`` range around the median diagonal of the query's k-mers found in ``ref`` (``kmers``: their first
    occurrence), ``SEED_MARGIN`` wider on each side; None without a seed or when it is the whole ``ref``."""
    diagonals = sorted(kmers[w] - i for i in range(len(query) - k + 1) if (w := query[i : i + k]) in kmers)
    if not diagonals:
        return None
    d = diagonals[len(diagonals) // 2]
    lo, hi = max(0, d - SEED_MARGIN), min(len(ref), d + len(query) + SEED_MARGIN)
    return None if (lo, hi) == (0, len(ref)) else (lo, hi)


def _index(n: int, ref_len: int, blocks: list) -> np.ndarray:
    index = np.full(n, -1, dtype=int)
    for a0, _a1, b0, b1 in blocks:
        index[b0:b1] = np.arange(a0, a0 + b1 - b0)
    first, last = blocks[0], blocks[-1]
    index[: first[2]] = first[0] - (first[2] - np.arange(first[2]))
    index[last[3] :] = last[1] + np.arange(n - last[3])
    index[(index < 0) | (index >= ref_len)] = -1
    return index


def _gaps(blocks: list, calls: str) -> tuple:
    out = []
    for (_a0, a1, _b0, b1), (na0, _na1, nb0, _nb1) in zip(blocks, blocks[1:], strict=False):
        if na0 > a1 or nb0 > b1:
            out.append((b1, a1, na0, calls[b1:nb0]))
    return tuple(out)
