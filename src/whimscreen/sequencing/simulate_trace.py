"""Synthetic Sanger traces written as real ABIF files (test data and the bench; never patient data).

``simulate_trace`` draws the four channels of a read of one or two alleles (a heterozygote is the sum of
both alleles' peaks, aligned from the primer, so after a heterozygous indel every position carries two
different bases): Gaussian peaks of uneven height that widen and fall along the read, a poor start, baseline
noise and dye blobs.  A naive basecaller gives the calls, qualities and peak positions.  ``write_abif``
writes the ABIF container (header, directory of 28-byte big-endian entries) that Biopython and the lab
tools read.  Everything is deterministic given ``seed``.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

BASES = "ACGT"
FILE_ORDER = "GATC"  # channel order of DATA9..DATA12 in the files written (FWO_)


@dataclass(frozen=True)
class TraceSettings:
    spacing: int = 12  # scans between peaks
    lead: int = 40  # scans before the first peak
    amplitude: float = 2000.0  # peak height at the start of the read
    decay: float = 900.0  # bases over which the signal falls by e
    noise: float = 6.0  # baseline noise (sd, absolute)
    unevenness: float = 0.3  # sd of log peak height, shared by both alleles
    allele_jitter: float = 0.12  # sd of log height between the two alleles at one position
    poor_start: int = 18  # bases with ramping signal at the start
    blobs: int = 2  # dye blobs
    blob_height: float = 0.15  # relative to the starting peak height


def apply_edits(sequence: str, edits: list[tuple[int, str, str]]) -> str:
    """``sequence`` with VCF-like edits ``(0-based offset, ref, alt)`` applied (non-overlapping)."""
    out, last = [], 0
    for off, ref, alt in sorted(edits):
        if sequence[off : off + len(ref)] != ref:
            raise ValueError(f"edit at {off}: reference {ref!r} != {sequence[off : off + len(ref)]!r}")
        if off < last:
            raise ValueError("overlapping edits")
        out += [sequence[last:off], alt]
        last = off + len(ref)
    out.append(sequence[last:])
    return "".join(out)


def _heights(rng, n: int, s: TraceSettings) -> np.ndarray:
    i = np.arange(n)
    ramp = np.clip((i + 3) / (s.poor_start + 3), 0.15, 1.0)
    return s.amplitude * np.exp(-i / s.decay) * ramp * np.exp(rng.normal(0, s.unevenness, n))


def simulate_trace(
    allele1: str,
    allele2: str | None = None,
    seed: int = 0,
    fraction2: float = 0.5,
    settings: TraceSettings | None = None,
) -> dict:
    """Channels (ACGT dict), calls, qualities and peak scans of a read of ``allele1`` (and ``allele2``
    mixed in at ``fraction2``)."""
    s = settings or TraceSettings()
    rng = np.random.default_rng(seed)
    alleles = (
        [(allele1.upper(), 1.0)]
        if allele2 is None
        else [(allele1.upper(), 1.0 - fraction2), (allele2.upper(), fraction2)]
    )
    n = max(len(a) for a, _ in alleles)
    scans = s.lead + n * s.spacing + 3 * s.spacing
    centres = s.lead + np.arange(n) * s.spacing + rng.normal(0, 0.6, n)
    shared = _heights(rng, n, s)
    widths = s.spacing * (0.28 + 0.12 * np.arange(n) / max(n, 1))
    x = np.arange(scans, dtype=float)
    channels = np.zeros((4, scans))
    for seq, frac in alleles:
        h = shared[: len(seq)] * frac * np.exp(rng.normal(0, s.allele_jitter, len(seq)))
        for i, b in enumerate(seq):
            k = BASES.find(b)
            if k < 0:
                continue
            lo, hi = int(centres[i] - 4 * widths[i]), int(centres[i] + 4 * widths[i]) + 1
            xs = x[max(lo, 0) : hi]
            channels[k, max(lo, 0) : hi] += h[i] * np.exp(-0.5 * ((xs - centres[i]) / widths[i]) ** 2)
    _add_blobs(rng, channels, s, n)
    channels += rng.normal(0, s.noise, channels.shape)
    peaks = np.clip(np.round(centres).astype(int), 0, scans - 1)
    calls, quality = basecall(channels, peaks, s.noise)
    return {
        "channels": {b: channels[k] for k, b in enumerate(BASES)},
        "bases": calls,
        "quality": quality,
        "peaks": peaks,
    }


def _add_blobs(rng, channels: np.ndarray, s: TraceSettings, n: int) -> None:
    x = np.arange(channels.shape[1], dtype=float)
    for _ in range(s.blobs):
        centre = s.lead + rng.uniform(40, min(110, max(41, n - 1))) * s.spacing
        k = rng.integers(4)
        channels[k] += s.blob_height * s.amplitude * np.exp(-0.5 * ((x - centre) / (1.2 * s.spacing)) ** 2)


def basecall(channels: np.ndarray, peaks: np.ndarray, noise: float) -> tuple[str, np.ndarray]:
    """Naive basecaller: the strongest channel at each peak; quality from how much the best channel
    stands above the second and above the noise (Q = -20 log10 ratio, 3..59)."""
    at = channels[:, peaks]
    order = np.argsort(-at, axis=0)
    first = at[order[0], np.arange(at.shape[1])]
    second = np.maximum(at[order[1], np.arange(at.shape[1])], 0)
    ratio = (second + 2 * noise) / np.maximum(first, 1e-9)
    q = np.clip(np.round(-20 * np.log10(np.clip(ratio, 1e-6, None))), 3, 59).astype(int)
    calls = "".join(BASES[k] for k in order[0])
    return calls, q


# -- ABIF writer ------------------------------------------------------------------------------------------
_ENTRY = struct.Struct(">4sihhiiii")


def _entry(name: str, number: int, etype: int, esize: int, data: bytes) -> tuple:
    return name.encode("ascii"), number, etype, esize, len(data) // esize, data


def write_abif(path: Path, trace: dict, sample: str = "SIMULATED") -> Path:
    """Write ``trace`` (as ``simulate_trace`` returns) as an ABIF file Biopython reads back."""
    shorts = {
        b: np.clip(np.round(trace["channels"][b]), -32768, 32767).astype(">i2").tobytes() for b in BASES
    }
    sample_b = sample.encode("ascii")[:255]
    entries = [_entry("DATA", 9 + i, 4, 2, shorts[b]) for i, b in enumerate(FILE_ORDER)]
    entries += [
        _entry("FWO_", 1, 2, 1, FILE_ORDER.encode()),
        _entry("PBAS", 2, 2, 1, trace["bases"].encode("ascii")),
        _entry("PCON", 2, 2, 1, bytes(int(q) for q in trace["quality"])),
        _entry("PLOC", 2, 4, 2, np.asarray(trace["peaks"], dtype=">i2").tobytes()),
        _entry("SMPL", 1, 18, 1, bytes([len(sample_b)]) + sample_b),
    ]
    blob, directory, offset = bytearray(), bytearray(), 128
    for name, number, etype, esize, count, data in entries:
        if len(data) <= 4:
            field = int.from_bytes(data.ljust(4, b"\0"), "big")
        else:
            field = offset + len(blob)
            blob += data
        directory += _ENTRY.pack(name, number, etype, esize, count, len(data), field, 0)
    dir_offset = 128 + len(blob)
    header = b"ABIF" + struct.pack(">h", 101)
    header += _ENTRY.pack(b"tdir", 1, 1023, 28, len(entries), len(directory), dir_offset, 0)
    header = header.ljust(128, b"\xff")
    path = Path(path)
    path.write_bytes(header + bytes(blob) + bytes(directory))
    return path
