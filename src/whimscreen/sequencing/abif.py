"""Read an ABIF (``.ab1``) Sanger trace with Biopython into a ``Trace``.

Taken from the file's raw tags (``annotations['abif_raw']``): the basecaller's calls ``PBAS2`` (``PBAS1``
when only the edited calls exist), their qualities ``PCON2``/``PCON1``, the four analysed channels
``DATA9``-``DATA12`` in the order the dye/base order tag ``FWO_1`` gives, and the peak position of each call
``PLOC2``/``PLOC1``.  Files without qualities (or with only zeros, as old ABI 310 files) get
an estimate from the peak shapes (``estimate_quality``).
Anything that is not a readable trace raises ``InputFileError`` naming the file.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from whimscreen.errors import InputFileError

BASES = "ACGT"


@dataclass(frozen=True, eq=False)
class Trace:
    """One read: ``channels[b]`` the intensity of base ``b`` per scan, ``peaks[i]`` the scan of call ``i``."""

    name: str  # file name
    sample_id: str  # SMPL1 of the file ('' when absent)
    bases: str  # basecaller's calls, upper case, IUPAC allowed
    quality: np.ndarray  # int per call
    peaks: np.ndarray  # int scan index per call
    channels: dict  # base -> float array (all the same length)
    quality_estimated: bool = False

    def __post_init__(self) -> None:
        if not (len(self.bases) == len(self.quality) == len(self.peaks)):
            raise ValueError("bases, quality and peaks must have the same length")

    @property
    def length(self) -> int:
        return len(self.bases)

    def matrix(self) -> np.ndarray:
        """4 x scans array in ACGT order."""
        return np.vstack([self.channels[b] for b in BASES])


def _text(value) -> str:
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return "" if value is None else str(value)


def _pick(raw: dict, *keys):
    for k in keys:
        if raw.get(k) is not None:
            return raw[k]
    return None


def read_trace(path: Path) -> Trace:
    """Parse ``path``; raises ``InputFileError`` for empty, truncated or non-ABIF files."""
    from Bio import SeqIO

    path = Path(path)
    if not path.is_file():
        raise InputFileError(f"{path}: no such file")
    with open(path, "rb") as fh:
        head = fh.read(4)
    if not head:
        raise InputFileError(f"{path}: empty file")
    if head != b"ABIF":
        raise InputFileError(f"{path}: not an ABIF (.ab1) trace (no 'ABIF' signature)")
    try:
        record = SeqIO.read(str(path), "abi")
        raw = record.annotations["abif_raw"]
    except Exception as exc:  # Biopython raises struct.error/ValueError/AssertionError/... on bad files
        raise InputFileError(f"{path}: truncated or corrupt ABIF file ({type(exc).__name__}: {exc})") from exc
    try:
        return _from_raw(path, raw)
    except (ValueError, TypeError, OverflowError, IndexError, KeyError) as exc:  # odd values in known tags
        raise InputFileError(f"{path}: inconsistent ABIF trace data ({type(exc).__name__}: {exc})") from exc


def _from_raw(path: Path, raw: dict) -> Trace:
    order = _text(raw.get("FWO_1")).upper()
    if sorted(order) != sorted(BASES):
        raise InputFileError(f"{path}: ABIF base order tag FWO_1 missing or invalid ({order!r})")
    data = [raw.get(f"DATA{n}") for n in (9, 10, 11, 12)]
    if any(d is None or isinstance(d, int) for d in data):
        raise InputFileError(f"{path}: ABIF file has no analysed trace channels (DATA9-DATA12)")
    channels = {b: np.asarray(d, dtype=float) for b, d in zip(order, data, strict=True)}
    if len({len(c) for c in channels.values()}) != 1:
        raise InputFileError(f"{path}: ABIF trace channels have different lengths")
    bases = _text(_pick(raw, "PBAS2", "PBAS1")).upper()
    peaks_raw = _pick(raw, "PLOC2", "PLOC1")
    if not bases or peaks_raw is None:
        raise InputFileError(f"{path}: ABIF file has no base calls (PBAS) or peak positions (PLOC)")
    peaks = np.atleast_1d(np.asarray(peaks_raw, dtype=int))
    if len(peaks) != len(bases):
        raise InputFileError(f"{path}: {len(bases)} base calls but {len(peaks)} peak positions")
    scans = len(channels["A"])
    if peaks.min() < 0 or peaks.max() >= scans:
        raise InputFileError(f"{path}: peak positions outside the trace ({scans} scans)")
    if len(peaks) > 1 and (np.diff(peaks) <= 0).any():
        k = int(np.nonzero(np.diff(peaks) <= 0)[0][0]) + 1
        raise InputFileError(
            f"{path}: peak positions (PLOC) must increase along the read; call {k + 1} is at scan "
            f"{peaks[k]}, not after call {k} at scan {peaks[k - 1]}"
        )
    qual_raw = _pick(raw, "PCON2", "PCON1")
    estimated = qual_raw is None
    if estimated:
        quality = estimate_quality(channels, bases, peaks)
    else:
        quality = (
            np.frombuffer(qual_raw, dtype=np.uint8).astype(int)
            if isinstance(qual_raw, bytes)
            else (np.atleast_1d(np.asarray(qual_raw, dtype=int)))
        )
        if len(quality) != len(bases):
            raise InputFileError(f"{path}: {len(bases)} base calls but {len(quality)} quality values")
        if not quality.any():  # old basecallers write zeros where they computed no quality
            quality, estimated = estimate_quality(channels, bases, peaks), True
    sample_id = _text(raw.get("SMPL1")).strip()
    return Trace(path.name, sample_id, bases, quality, peaks, channels, estimated)


def estimate_quality(channels: dict, bases: str, peaks: np.ndarray) -> np.ndarray:
    """Phred-like quality from the peak shape: the called channel against the strongest other channel
    at the peak (Q = -10 log10 of the ratio, capped at 60; an N or a zero peak gets 2)."""
    m = np.vstack([channels[b] for b in BASES])[:, peaks]
    out = np.empty(len(bases), dtype=int)
    for i, b in enumerate(bases):
        k = BASES.find(b)
        if k < 0 or m[k, i] <= 0:
            out[i] = 2
            continue
        other = max(np.delete(m[:, i], k).max(), 1e-3 * m[k, i])
        out[i] = int(max(2, min(60, round(-10 * math.log10(min(1.0, other / m[k, i]))))))
    return out
