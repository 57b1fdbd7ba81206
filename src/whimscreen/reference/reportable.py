"""The reportable range: the bases on which the test reports (docs/reportable-range.md).

Every coding base of both CXCR4 transcripts (c.1 to the last base of the stop codon) and the
``INTRONIC_MARGIN`` intronic bases on each side of every exon/intron boundary.  A sample whose reportable
range is not entirely covered at the QC minimum is never reported Negative.
"""

from __future__ import annotations

from dataclasses import dataclass

from whimscreen.reference.transcripts import transcripts

INTRONIC_MARGIN = 10


@dataclass(frozen=True)
class Interval:
    start: int  # GRCh38 1-based inclusive
    end: int

    def __len__(self) -> int:
        return self.end - self.start + 1


def _merge(intervals: list[tuple[int, int]]) -> list[Interval]:
    out: list[list[int]] = []
    for a, b in sorted(intervals):
        if out and a <= out[-1][1] + 1:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [Interval(a, b) for a, b in out]


def reportable_range(margin: int = INTRONIC_MARGIN) -> list[Interval]:
    """Merged GRCh38 intervals, ascending."""
    pieces: list[tuple[int, int]] = []
    for tx in transcripts().values():
        lo_cds, hi_cds = sorted((tx.cds_start, tx.cds_end))
        for exon in tx.exons:
            a, b = max(exon.start, lo_cds), min(exon.end, hi_cds)
            if a <= b:
                pieces.append((a, b))
        for _number, lo, hi in tx.introns():
            pieces.append((lo, min(hi, lo + margin - 1)))
            pieces.append((max(lo, hi - margin + 1), hi))
    return _merge(pieces)


def reportable_positions(margin: int = INTRONIC_MARGIN) -> list[int]:
    return [p for iv in reportable_range(margin) for p in range(iv.start, iv.end + 1)]


def c_terms(intervals, transcript: str = "NM_003467.3") -> list[str]:
    """GRCh38 intervals written as c. ranges on ``transcript`` (5'→3' of the transcript, sorted)."""
    from whimscreen.reference.coords import TranscriptMapper
    from whimscreen.reference.transcripts import transcripts

    mapper = TranscriptMapper(transcripts()[transcript])
    out = []
    for iv in intervals:
        a, b = sorted((mapper.g_to_c(iv.start), mapper.g_to_c(iv.end)), key=_c_order)
        out.append((_c_order(a), f"c.{a}" if a == b else f"c.{a}_{b}"))
    return [text for _, text in sorted(out)]


def _c_order(c) -> tuple:
    """Transcript order of a c. position: 5'UTR < coding < 3'UTR, then the intronic offset."""
    return (2 if c.utr3 else 1, c.base, c.offset)
