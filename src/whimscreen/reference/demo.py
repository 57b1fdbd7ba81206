"""The demo locus: verified coordinates and coding sequence, synthetic everything else.

No UTR, intron or flank sequence of CXCR4 could be obtained offline (SOURCES.md), so until a lab installs
its genome the package runs on this locus.  The non-coding bases are drawn from a seeded generator, with
canonical GT..AG splice sites and an open reading frame for the alternative transcript's first 27 coding
bases, so every code path (introns, UTRs, frameshifts running into the 3'UTR) can be exercised.  Every
result made on it is stamped DEMO REFERENCE — NOT FOR CLINICAL USE.
"""

from __future__ import annotations

import random
from functools import cache

from whimscreen.reference import sources
from whimscreen.reference.locus import Locus, LocusProvider, ReferenceInfo, locus_bounds, sha256
from whimscreen.reference.sequence import revcomp, translate
from whimscreen.reference.transcripts import ALT, mane, transcripts

SEED = 4_343_467  # fixed: the demo locus is the same on every machine
_STOPS = {"TAA", "TAG", "TGA"}


def _random_codon(rng: random.Random) -> str:
    while True:
        codon = "".join(rng.choice("ACGT") for _ in range(3))
        if codon not in _STOPS:
            return codon


@cache
def demo_locus() -> Locus:
    start, end = locus_bounds()
    rng = random.Random(SEED)
    # transcript-orientation (minus strand) array of the whole locus, then reverse-complemented
    plus = [rng.choice("ACGT") for _ in range(end - start + 1)]

    def put_tx(g_hi: int, tx_seq: str) -> None:
        """Write ``tx_seq`` (transcript orientation) starting at genomic ``g_hi`` going down."""
        plus_seq = revcomp(tx_seq)
        lo = g_hi - len(tx_seq) + 1
        plus[lo - start : g_hi - start + 1] = list(plus_seq)

    tx = mane()
    cds = sources.candidate_cds()
    first = tx.exons[0]
    n_exon1_cds = tx.cds_start - first.start + 1
    put_tx(tx.cds_start, cds[:n_exon1_cds])
    put_tx(tx.exons[1].end, cds[n_exon1_cds:])
    put_tx(first.start - 1, "GT")  # donor c.15+1_15+2
    put_tx(tx.exons[1].end + 2, "AG")  # acceptor c.16-2_16-1
    alt = transcripts()[ALT]
    n_alt_extra = alt.cds_start - tx.exons[1].end  # 27 coding bases of isoform a inside intron 1
    orf = "ATG" + "".join(_random_codon(rng) for _ in range(n_alt_extra // 3 - 2)) + "CAG"
    put_tx(alt.cds_start, orf)
    seq = "".join(plus)
    info = ReferenceInfo(
        kind="demo",
        description=(
            "Demo locus: GENCODE coordinates and the candidate NM_003467.3 coding sequence with synthetic "
            f"(seeded, seed {SEED}) UTR, intron and flank sequence"
        ),
        sha256=sha256(seq),
        source="package data (shared/data/cxcr4) + synthetic non-coding sequence",
        checks=("CDS translates to P61073", "CDS equals the candidate coding sequence"),
    )
    locus = Locus(chrom="chr2", start=start, sequence=seq, info=info)
    assert translate(extract_cds(locus)) == sources.protein() + "*"
    return locus


def extract_cds(locus: Locus) -> str:
    """c.1-c.1059 of NM_003467.3 read from a locus."""
    tx = mane()
    parts = []
    for exon in tx.exons:
        lo, hi = max(exon.start, tx.cds_end), min(exon.end, tx.cds_start)
        if lo <= hi:
            parts.append(revcomp(locus.fetch(lo, hi)))
    return "".join(parts)


class DemoLocusProvider(LocusProvider):
    def locus(self) -> Locus:
        return demo_locus()
