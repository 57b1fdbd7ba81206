"""Which calls the result may rest on (those inside the reportable range), and the uncovered bases in the
terms a clinician reads: c. positions on NM_003467.3 and the codons they hold."""

from __future__ import annotations

from functools import cache

from whimscreen.reference.coords import TranscriptMapper
from whimscreen.reference.reportable import reportable_positions
from whimscreen.reference.transcripts import mane


@cache
def _positions() -> frozenset[int]:
    return frozenset(reportable_positions())


def affected_bases(pos: int, ref: str, alt: str) -> list[int]:
    """GRCh38 bases a VCF-style variant changes; an insertion touches the two bases it lies between."""
    if len(ref) == 1 and len(alt) > 1 and alt[0] == ref:  # insertion after its anchor
        return [pos, pos + 1]
    if len(alt) == 1 and len(ref) > 1 and ref[0] == alt:  # deletion after its anchor
        return list(range(pos + 1, pos + len(ref)))
    return list(range(pos, pos + len(ref)))


def in_reportable_range(variant: dict) -> bool:
    b = variant.get("grch38") or {}
    if "pos" not in b:
        return False
    return any(p in _positions() for p in affected_bases(b["pos"], b["ref"], b["alt"]))


@cache
def _mapper() -> TranscriptMapper:
    return TranscriptMapper(mane())


def describe_interval(start: int, end: int) -> str:
    """GRCh38 ``start``..``end`` as ``c.A_B`` on NM_003467.3 (transcript order) with its codons."""
    m = _mapper()
    five, three = (end, start) if m.tx.strand == "-" else (start, end)  # transcript order
    a, b = m.g_to_c(five), m.g_to_c(three)
    name = f"c.{a}" if str(a) == str(b) else f"c.{a}_{b}"
    codons = sorted({p for g in range(start, end + 1) if (p := m.protein_position(g)) is not None})
    if not codons:
        return name
    span = f"codon {codons[0]}" if len(codons) == 1 else f"codons {codons[0]}-{codons[-1]}"
    return f"{name} ({span})"


def describe_uncovered(intervals: list, limit: int = 8) -> str:
    spans = []
    for iv in intervals or []:
        start, end = (iv["start"], iv["end"]) if isinstance(iv, dict) else iv
        spans.append(f"{describe_interval(start, end)} [chr2:{start}-{end}]")
    more = f" and {len(spans) - limit} more" if len(spans) > limit else ""
    return "; ".join(spans[:limit]) + more
