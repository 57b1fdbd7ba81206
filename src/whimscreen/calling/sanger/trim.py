"""Mott quality trimming: keep the stretch of calls with the largest sum of (limit - error probability).

The modified Mott algorithm (as in phred and Biopython's ``abi-trim``): each call scores
``LIMIT - 10**(-Q/10)``; the kept read is the maximum-sum segment.  ``LIMIT`` 0.01 means a call must be
better than Q20 on average to extend the read.
"""

from __future__ import annotations

import numpy as np

LIMIT = 0.01


def mott_trim(quality: np.ndarray, limit: float = LIMIT) -> tuple[int, int]:
    """Half-open ``(start, end)`` of the calls kept; ``(0, 0)`` when nothing is good enough."""
    score = limit - np.power(10.0, -np.asarray(quality, dtype=float) / 10.0)
    best, best_range, run, start = 0.0, (0, 0), 0.0, 0
    for i, s in enumerate(score):
        if run <= 0:
            run, start = 0.0, i
        run += s
        if run > best:
            best, best_range = run, (start, i + 1)
    return best_range
