"""The two CXCR4 transcripts, built from the shipped GENCODE coordinates (GRCh38, minus strand)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from whimscreen.reference import sources

GENE = "CXCR4"
MANE = "NM_003467.3"
ALT = "NM_001008540.2"


@dataclass(frozen=True)
class Exon:
    number: int
    start: int  # GRCh38 1-based inclusive (start <= end)
    end: int

    @property
    def length(self) -> int:
        return self.end - self.start + 1


@dataclass(frozen=True)
class Transcript:
    """A transcript on the minus strand: exons listed in transcript order (5' first = highest coords)."""

    accession: str
    exons: tuple[Exon, ...]
    cds_start: int  # GRCh38 position of c.1 (first base of ATG)
    cds_end: int  # GRCh38 position of the last base of the stop codon
    strand: str = "-"
    protein_length: int = 0

    @property
    def start(self) -> int:
        return min(e.start for e in self.exons)

    @property
    def end(self) -> int:
        return max(e.end for e in self.exons)

    @property
    def length(self) -> int:
        return sum(e.length for e in self.exons)

    def introns(self) -> list[tuple[int, int, int]]:
        """(number, start, end) of each intron, GRCh38 1-based inclusive."""
        out = []
        for i, (a, b) in enumerate(zip(self.exons, self.exons[1:], strict=False), start=1):
            out.append((i, b.end + 1, a.start - 1))
        return out


@cache
def transcripts() -> dict[str, Transcript]:
    f = sources.features()
    for name in ("exon1", "exon2", "start_codon", "stop_codon", "transcript_a", "cds_a"):
        if f[name].strand != "-":
            raise AssertionError(f"{name} is expected on the minus strand")
    mane = Transcript(
        accession=MANE,
        exons=(Exon(1, f["exon1"].start, f["exon1"].end), Exon(2, f["exon2"].start, f["exon2"].end)),
        cds_start=f["start_codon"].end,
        cds_end=f["stop_codon"].start,
        protein_length=len(sources.protein()),
    )
    alt = Transcript(
        accession=ALT,
        exons=(Exon(1, f["transcript_a"].start, f["transcript_a"].end),),
        cds_start=f["cds_a"].end,
        cds_end=f["cds_a"].start,
        protein_length=(f["cds_a"].end - f["cds_a"].start + 1) // 3 - 1,
    )
    return {mane.accession: mane, alt.accession: alt}


def mane() -> Transcript:
    return transcripts()[MANE]


def by_accession(accession: str) -> Transcript | None:
    """Accept any version of the two CXCR4 RefSeq transcripts (the coding coordinates are identical)."""
    base = accession.split(".")[0]
    for acc, tx in transcripts().items():
        if acc.split(".")[0] == base:
            return tx
    return None
