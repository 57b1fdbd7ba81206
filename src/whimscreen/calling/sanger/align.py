"""Place a read on the target: which strand it reads, and which reference base each call faces.

The Mott-trimmed calls are aligned locally (``Bio.Align.PairwiseAligner``) to the target and to its
reverse complement; the better strand wins.  The read is then worked on in its own sequencing direction
against that strand of the reference (``Placement.ref``), so a heterozygous indel always has its clean
part first.  Calls outside the aligned stretch get reference indices along the alignment's last diagonal
(used by the indel decomposition beyond the trimmed end).  Gaps inside the alignment between good calls
are homozygous indel candidates.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from Bio.Align import PairwiseAligner

from whimscreen.errors import AnalysisError

MIN_ALIGNED = 30  # calls
MIN_IDENTITY = 0.85  # of the aligned calls


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
    # The strand is decided by the two exact local scores (the reverse strand only when strictly better).
    # The strand the read most likely reads is aligned first, which gives its score with its alignment;
    # the other strand is only scored, and aligned only if it wins: two dynamic-programming passes instead
    # of three for nearly every read, the same placement whichever strand was guessed.
    first_rev = _shared_kmers(query, reverse) > _shared_kmers(query, forward)
    first = aligner.align(reverse if first_rev else forward, query)
    other = aligner.score(forward if first_rev else reverse, query)
    scores = (other, first.score) if first_rev else (first.score, other)
    rev = scores[1] > scores[0]
    ref = reverse if rev else forward
    aln = (first if rev == first_rev else aligner.align(ref, query))[0]
    pairs = zip(*aln.aligned, strict=True)
    blocks = [(int(a0), int(a1), int(b0) + t0, int(b1) + t0) for (a0, a1), (b0, b1) in pairs]
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


def _shared_kmers(query: str, ref: str, k: int = 12) -> int:
    """How many of the query's k-mers occur in ``ref`` (a guess of the strand, never the decision)."""
    words = {ref[i : i + k] for i in range(len(ref) - k + 1)}
    return sum(query[i : i + k] in words for i in range(len(query) - k + 1))


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
