"""Primary and secondary peak at each call, from the four channels at the call's peak position.

Each channel first loses a running baseline (its minimum over +/- ``BASELINE_WINDOW`` peak spacings), which
removes dye blobs and broad background.  At each call the strongest channel (within +/- 1 scan of the
peak) is the primary base, the next the secondary; ``ratio`` = secondary / primary.  A call is *mixed*
when ``ratio >= MIX_RATIO`` (0.25, the usual het threshold of lab software) and the secondary stands above
the trace noise (``MIN_SECONDARY_SNR`` times the noise of the channel troughs).
Before that, the tails of neighbouring peaks are subtracted (``_crosstalk``: Gaussian peaks whose width is
measured along the read), so wide late peaks do not pose as secondary peaks, and
secondary signal too broad to be a peak (``_broad``: a dye blob) is not taken as a mixed call.
SNV calls additionally
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
WIDTH_CALLS = 15
BLOB_SPACINGS = 1.0


@dataclass(frozen=True, eq=False)
class Peaks:
    primary: np.ndarray  # index into ACGT per call
    secondary: np.ndarray
    height: np.ndarray  # primary height
    second: np.ndarray  # secondary height
    ratio: np.ndarray
    mixed: np.ndarray  # bool
    noise: float
    intensity: np.ndarray  # 4 x calls (ACGT), baseline and neighbour tails removed

    def present(self, i: int) -> str:
        """Bases seen at call ``i`` (one, or two when mixed), primary first."""
        p = BASES[self.primary[i]]
        return p + BASES[self.secondary[i]] if self.mixed[i] else p


def _baseline(channel: np.ndarray, half: int) -> np.ndarray:
    padded = np.pad(channel, half, mode="edge")
    return sliding_window_view(padded, 2 * half + 1).min(axis=1)


def _widths(m: np.ndarray, at: np.ndarray, peaks: np.ndarray, spacing: float) -> np.ndarray:
    """Gaussian sd of the peaks along the read: from the fall of the called channel a third of a spacing
    either side of peaks whose neighbours are other bases (running median over ``WIDTH_CALLS``)."""
    n, d = len(peaks), max(1, int(round(spacing / 3)))
    best = np.argmax(at, axis=0)
    est = np.full(n, np.nan)
    for i in range(1, n - 1):
        k = best[i]
        if best[i - 1] == k or best[i + 1] == k or at[k, i] <= 0:
            continue
        side = (m[k, max(0, peaks[i] - d)] + m[k, min(m.shape[1] - 1, peaks[i] + d)]) / 2
        frac = side / at[k, i]
        if 0.05 < frac < 0.98:
            est[i] = d / np.sqrt(-2 * np.log(frac))
    fallback = np.nanmedian(est) if np.isfinite(est).any() else spacing * 0.35
    est = np.where(np.isfinite(est), est, np.nan)
    return running_nanmedian(est, WIDTH_CALLS, fallback)


def running_nanmedian(x: np.ndarray, half: int, fallback: float) -> np.ndarray:
    """``out[i]`` = median of the non-NaN values of ``x[i - half : i + half + 1]`` (cut at the ends),
    ``fallback`` where there is none: the values ``np.nanmedian`` gives window by window (the middle value,
    or the mean of the two middle values), computed for all windows at once."""
    if len(x) == 0:
        return np.empty(0)
    windows = np.sort(sliding_window_view(np.pad(x, half, constant_values=np.nan), 2 * half + 1), axis=1)
    k = np.count_nonzero(~np.isnan(windows), axis=1)  # NaNs sort last
    rows = np.arange(len(x))
    lo, hi = windows[rows, np.maximum(k - 1, 0) // 2], windows[rows, k // 2]
    return np.where(k > 0, (lo + hi) / 2, fallback)


def _crosstalk(m: np.ndarray, at: np.ndarray, peaks: np.ndarray, spacing: float) -> np.ndarray:
    """Signal each channel receives at a call from the tails of the neighbouring calls' main peaks."""
    sd = _widths(m, at, peaks, spacing)
    best = np.argmax(at, axis=0)
    out = np.zeros_like(at)
    n = len(peaks)
    for off in (-2, -1, 1, 2):
        i = np.arange(max(0, -off), min(n, n - off))
        j = i + off
        tail = at[best[j], j] * np.exp(-0.5 * ((peaks[i] - peaks[j]) / sd[i]) ** 2)
        np.add.at(out, (best[j], i), tail)
    return out


def _broad(m: np.ndarray, order: np.ndarray, peaks: np.ndarray, spacing: float) -> np.ndarray:
    """Secondary signal that does not fall to half its height within ``BLOB_SPACINGS`` peak spacings on
    a side: a dye blob, not a peak (not judged when a neighbouring call's main peak is in that channel)."""
    n, half = len(peaks), int(BLOB_SPACINGS * spacing)
    out = np.zeros(n, dtype=bool)
    for i in range(n):
        k = order[1, i]
        if (i > 0 and order[0, i - 1] == k) or (i + 1 < n and order[0, i + 1] == k):
            continue
        left, right = m[k, max(0, peaks[i] - half) : peaks[i] + 1], m[k, peaks[i] : peaks[i] + half + 1]
        out[i] = max(left.min(), right.min()) >= 0.5 * m[k, peaks[i]] > 0
    return out


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
    at = at - _crosstalk(m, at, trace.peaks, spacing)
    order = np.argsort(-at, axis=0)
    cols = np.arange(at.shape[1])
    height, second = at[order[0], cols], np.maximum(at[order[1], cols], 0.0)
    ratio = second / np.maximum(height, 1e-9)
    mixed = (ratio >= MIX_RATIO) & (second >= MIN_SECONDARY_SNR * noise)
    mixed &= ~_broad(m, order, trace.peaks, spacing)
    return Peaks(order[0], order[1], height, second, ratio, mixed, noise, at)


def signal_to_noise(peaks: Peaks) -> float:
    """Median primary peak height over the calls against the median of the other three channels at the
    calls (at least 1 intensity unit): ~65 for a good read, ~7 for an old ABI 310 read, 0 for a flat
    trace, ~1.4 for channels holding noise only (docs/sanger-calling.md)."""
    at = np.clip(peaks.intensity, 0, None)
    if at.shape[1] == 0:
        return 0.0
    cols = np.arange(at.shape[1])
    others = (at.sum(axis=0) - at[peaks.primary, cols]) / 3
    signal, background = float(np.median(peaks.height)), float(np.median(others))
    return signal / max(background, peaks.noise, 1.0)
