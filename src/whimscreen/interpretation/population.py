"""Population allele frequencies for BA1 / BS1 / PM2: the filtering allele frequency (gnomAD's faf95) and
the raw frequency, from the first source that has the variant: a frequency the lab states for this case,
the lab's installed population table (``whimscreen kb import-population``), the knowledge base.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

CONFIDENCE = 0.95


@dataclass(frozen=True)
class Frequency:
    faf: float | None  # filtering allele frequency (95% lower bound); None = not known
    af: float | None  # raw allele frequency; 0 = absent from the population sample
    source: str
    ac: int | None = None
    an: int | None = None

    def describe(self) -> str:
        parts = []
        if self.faf is not None:
            parts.append(f"filtering AF {self.faf:.3g}")
        if self.af is not None:
            parts.append(f"AF {self.af:.3g}" + (f" ({self.ac}/{self.an} alleles)" if self.an else ""))
        return ", ".join(parts) + f" [{self.source}]"


def _poisson_at_least(k: int, lam: float) -> float:
    """P(X >= k) for X ~ Poisson(lam)."""
    term, below = math.exp(-lam), 0.0
    for i in range(k):
        below += term
        term *= lam / (i + 1)
    return max(0.0, 1.0 - below)


def filtering_af(ac: int, an: int, confidence: float = CONFIDENCE) -> float:
    """gnomAD's filtering allele frequency: the highest true AF at which observing ``ac`` or more alleles in
    ``an`` has probability at most 1 - confidence (Poisson; Whiffin et al. 2017)."""
    if an <= 0:
        raise ValueError("allele number must be positive")
    if ac <= 0:
        return 0.0
    lo, hi = 0.0, float(ac)
    for _ in range(100):  # bisection on the Poisson mean
        mid = (lo + hi) / 2
        if _poisson_at_least(ac, mid) > 1 - confidence:
            hi = mid
        else:
            lo = mid
    return lo / an
