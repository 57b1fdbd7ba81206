"""One read from trace to calls and covered bases: trim, place, peaks, decompose, call."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from whimscreen.calling.sanger.align import Placement, place
from whimscreen.calling.sanger.basecall import Peaks, peak_table, running_nanmedian, signal_to_noise
from whimscreen.calling.sanger.decompose import Decomposition, decompose
from whimscreen.calling.sanger.target import Target
from whimscreen.calling.sanger.trim import mott_trim
from whimscreen.calling.sanger.variants import ReadVariant, gap_calls, het_indel_call, snv_calls
from whimscreen.errors import AnalysisError
from whimscreen.sequencing.abif import Trace

MIN_COVER_Q = 20  # median quality of a call and its +/- 3 neighbours for the base to count as covered
EDGE_CALLS = 5  # first and last calls of the trimmed read: neither called nor counted as covered
SIGNAL_FLOOR = 8.0  # x noise: calls beyond the last such peak carry no usable signal
MIN_SNR = 3.0  # basecall.signal_to_noise below this: a flat or failed trace, no calls (QC failed)


@dataclass(frozen=True, eq=False)
class ReadResult:
    trace: Trace
    placement: Placement
    peaks: Peaks
    trim: tuple[int, int]
    decomposition: Decomposition
    calls: tuple[ReadVariant, ...]
    covered: np.ndarray  # bool per plus-strand target index

    def summary(self) -> dict:
        d = self.decomposition
        t0, t1 = self.trim
        return {
            "name": self.trace.name,
            "strand": "-" if self.placement.reverse else "+",
            "calls": self.trace.length,
            "trimmed": [t0, t1],
            "mean_quality_trimmed": round(float(self.trace.quality[t0:t1].mean()), 1) if t1 > t0 else 0.0,
            "quality_estimated": self.trace.quality_estimated,
            "identity": round(self.placement.identity, 3),
            "signal_to_noise": round(signal_to_noise(self.peaks), 1),
            "covered_bases": int(self.covered.sum()),
            "mixed_from_call": d.onset,
            "unexplained_mixture": d.unexplained,
        }

    def plus_index(self, i: int) -> int:
        """Plus-strand target index faced by call ``i`` (-1 if none)."""
        r = int(self.placement.index[i])
        if r < 0 or not self.placement.reverse:
            return r
        return len(self.placement.ref) - 1 - r


def _signal_end(peaks: Peaks) -> int:
    good = np.nonzero(peaks.height >= SIGNAL_FLOOR * peaks.noise)[0]
    return int(good[-1]) + 1 if len(good) else 0


def _covered(trace: Trace, pl: Placement, lo: int, hi: int, n: int) -> np.ndarray:
    q = trace.quality.astype(float)
    smooth = running_nanmedian(q, 3, 0.0)  # median of each call and its +/- 3 neighbours
    out = np.zeros(n, dtype=bool)
    idx = pl.index[lo:hi][smooth[lo:hi] >= MIN_COVER_Q]
    idx = idx[idx >= 0]
    out[(n - 1 - idx) if pl.reverse else idx] = True
    return out


def analyze_read(trace: Trace, target: Target) -> ReadResult:
    peaks = peak_table(trace)
    snr = signal_to_noise(peaks)
    if snr < MIN_SNR:
        raise AnalysisError(
            f"{trace.name}: signal-to-noise {snr:.1f} is below {MIN_SNR:g} (flat or failed trace): "
            "QC failed, no calls from it"
        )
    trim = mott_trim(trace.quality)
    pl = place(trace.name, trace.bases, trim, target.sequence, target.reverse)
    dec = decompose(peaks, pl.ref, pl.index, trim[0], max(trim[1], _signal_end(peaks)))
    stop = trim[1] if dec.onset is None else min(trim[1], dec.onset)
    start, stop = (
        trim[0] + EDGE_CALLS,
        max(trim[0] + EDGE_CALLS, stop - (EDGE_CALLS if dec.onset is None else 0)),
    )
    calls = snv_calls(trace, peaks, target, pl, start, stop) + gap_calls(trace, target, pl, stop)
    if dec.indel is not None:
        calls.append(het_indel_call(target, pl, peaks, dec.indel))
    covered = _covered(trace, pl, start, stop, len(target.sequence))
    if dec.indel is not None:  # the read shows what happens at the indel's own bases
        n, a, b = len(target.sequence), dec.indel.ref_start, max(dec.indel.ref_end, dec.indel.ref_start + 1)
        covered[slice(n - b, n - a) if pl.reverse else slice(a, b)] = True
    return ReadResult(trace, pl, peaks, trim, dec, tuple(calls), covered)
