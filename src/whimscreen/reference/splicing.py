"""An offline splice assessment for synonymous and other exonic changes (no SpliceAI here): how far the
change lies from an exon/intron boundary, and whether it creates a new GT (donor core) or AG (acceptor core)
dinucleotide on the transcript strand.  docs/cxcr4-rules.md (BP7) states the rule that reads it."""

from __future__ import annotations

from whimscreen.reference.coords import TranscriptMapper
from whimscreen.reference.locus import Locus
from whimscreen.reference.variant import Edit

MOTIFS = ("GT", "AG")
_COMPLEMENT = str.maketrans("ACGT", "TGCA")


def _transcript_strand(seq: str, strand: str) -> str:
    return seq.translate(_COMPLEMENT)[::-1] if strand == "-" else seq


def _count(seq: str, motif: str) -> int:
    return sum(1 for i in range(len(seq) - 1) if seq[i : i + 2] == motif)


def new_motifs(locus: Locus, strand: str, edit: Edit) -> list[str]:
    """Dinucleotides of MOTIFS present more often around the edit after it than before (one flanking base each
    side, enough to see every dinucleotide the change touches)."""
    lo, hi = max(0, edit.start - 1), min(len(locus.sequence), edit.end + 1)
    ref = locus.sequence[lo:hi]
    alt = locus.sequence[lo : edit.start] + edit.inserted + locus.sequence[edit.end : hi]
    ref_t, alt_t = _transcript_strand(ref, strand), _transcript_strand(alt, strand)
    return [m for m in MOTIFS if _count(alt_t, m) > _count(ref_t, m)]


def boundary_distance(locus: Locus, mapper: TranscriptMapper, edit: Edit) -> int | None:
    """Exonic bases between the edit and the nearest exon/intron boundary (1 = the boundary base); None for a
    transcript without introns."""
    introns = mapper.tx.introns()
    if not introns:
        return None
    positions = range(edit.start, max(edit.end, edit.start + 1))
    best = None
    for i in positions:
        g = locus.start + i
        for _, lo, hi in introns:
            for edge in (lo - 1, hi + 1):
                d = abs(g - edge) + 1
                best = d if best is None else min(best, d)
    return best


def assess(locus: Locus, mapper: TranscriptMapper, edit: Edit) -> dict:
    return {
        "boundary_distance": boundary_distance(locus, mapper, edit),
        "new_motifs": new_motifs(locus, mapper.tx.strand, edit),
        "method": "offline: distance to the exon/intron boundary and new GT/AG dinucleotides (no SpliceAI)",
    }
