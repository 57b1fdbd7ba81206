"""The aligned read every reader hands to the caller, whatever the file it came from."""

from __future__ import annotations

from typing import NamedTuple


class AlignedRead(NamedTuple):
    """One alignment on the locus, in reference orientation.

    ``ref0``: 0-based locus index of the first aligned base; ``cigar``: (op, length) with SAM op codes
    (0 M, 1 I, 2 D, 3 N, 4 S, 5 H, 7 =, 8 X), soft clips included so it walks the whole ``seq``; ``qual``:
    Phred values (not +33) aligned with ``seq``.
    """

    ref0: int
    cigar: list
    seq: str
    qual: bytes
    reverse: bool
    mapq: int
    mate: int = 0  # 0 single, 1 or 2 for the mates of a pair
    fragment: int = -1  # the same number for both mates of a pair (-1: unknown)
