"""Primary and secondary peak at each call, from the four channels at the call's peak position.

Each channel first loses a running baseline (its minimum over +/- ``BASELINE_WINDOW`` peak spacings), which
removes dye blobs and broad background.  At each call the strongest channel (within +/- 1 scan of the
peak) is the primary base, the next the secondary; ``ratio`` = secondary / primary.  A call is *mixed*
when ``ratio >= MIX_RATIO`` (0.25, the usual het threshold of lab software) and the secondary stands above
the trace noise (``MIN_SECONDARY_SNR`` times the noise of the channel troughs).  SNV calls additionally
need the ratio to be ``LOCAL_FACTOR`` times the median ratio of the neighbouring calls (see variants.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from whimscreen.sequencing.abif import BASES, Trace

MIX_RATIO = 0.25
BASELINE_WINDOW = 2.5  # peak spacings each side
MIN_SECONDARY_SNR = 4.0


@dataclass(frozen=True, eq=False)
class Peaks:
    primary: np.ndarray  # index into ACGT per call
    secondary: np.ndarray
    height: np.ndarray  # primary height
    second: np.ndarray  # secondary height
    ratio: np.ndarray
    mixed: np.ndarray  # bool
    noise: float

    def present(self, i: int) -> str:
        """Bases seen at call ``i`` (one, or two when mixed), primary first."""
        p = BASES[self.primary[i]]
        return p + BASES[self.secondary[i]] if self.mixed[i] else p


def _baseline(channel: np.ndarray, half: int) -> np.ndarray:
    padded = np.pad(channel, half, mode="edge")
    return sliding_window_view(padded, 2 * half + 1).min(axis=1)


def peak_table(trace: Trace) -> Peaks:
    m = trace.matrix()
    spacing = float(np.median(np.diff(trace.peaks))) if trace.length > 1 else 12.0
    half = max(2, int(BASELINE_WINDOW * spacing))
    m = m - np.vstack([_baseline(c, half) for c in m])
    # noise: spread of the corrected signal in the weakest channel between peaks
    weakest = np.sort(m, axis=0)[0]
    noise = float(np.median(np.abs(weakest - np.median(weakest)))) * 1.4826 + 1e-6
    lo = np.clip(trace.peaks - 1, 0, m.shape[1] - 1)
    hi = np.clip(trace.peaks + 1, 0, m.shape[1] - 1)
    at = np.maximum(np.maximum(m[:, lo], m[:, trace.peaks]), m[:, hi])
    order = np.argsort(-at, axis=0)
    cols = np.arange(at.shape[1])
    height, second = at[order[0], cols], np.maximum(at[order[1], cols], 0.0)
    ratio = second / np.maximum(height, 1e-9)
    mixed = (ratio >= MIX_RATIO) & (second >= MIN_SECONDARY_SNR * noise)
    return Peaks(order[0], order[1], height, second, ratio, mixed, noise)
