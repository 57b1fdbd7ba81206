"""Exact position mapping between GRCh38 genomic coordinates and c. coordinates of one transcript.

Conventions (HGVS): c.1 is the A of the ATG; the 5'UTR counts c.-1, c.-2 ... upstream (and continues
beyond the transcript start); the 3'UTR counts c.*1, c.*2 ... after the stop codon (and continues beyond
the transcript end); intronic bases are c.N+d from the preceding exon's last base or c.N-d from the next
exon's first base, whichever is nearer, the middle base of an odd-length intron taking ``+``.
GRCh37 positions are GRCh38 + ``sources.GRCH37_OFFSET`` over the locus.
"""

from __future__ import annotations

from dataclasses import dataclass

from whimscreen.errors import VariantError
from whimscreen.reference import sources
from whimscreen.reference.transcripts import Transcript


@dataclass(frozen=True, order=True)
class CPos:
    """A c. position: ``base`` as printed before any offset (negative in the 5'UTR), ``utr3`` for c.*N."""

    base: int
    offset: int = 0
    utr3: bool = False

    def __str__(self) -> str:
        text = f"*{self.base}" if self.utr3 else str(self.base)
        if self.offset > 0:
            text += f"+{self.offset}"
        elif self.offset < 0:
            text += f"-{-self.offset}"
        return text

    @property
    def is_coding(self) -> bool:
        return not self.utr3 and self.base >= 1 and self.offset == 0


def to_build(pos38: int, build: str) -> int:
    if build == "GRCh38":
        return pos38
    if build == "GRCh37":
        return pos38 + sources.GRCH37_OFFSET
    raise VariantError(f"unknown genome build {build!r} (use GRCh38 or GRCh37)")


def from_build(pos: int, build: str) -> int:
    return pos - (to_build(0, build))


class TranscriptMapper:
    """Maps one minus- or plus-strand transcript's positions to and from GRCh38."""

    def __init__(self, tx: Transcript):
        self.tx = tx
        self._minus = tx.strand == "-"
        # transcript (1-based, spliced) position of c.1 and of the last base of the stop codon
        self._cds_start_n = self._g_to_n_exonic(tx.cds_start)
        self._cds_end_n = self._g_to_n_exonic(tx.cds_end)
        if self._cds_start_n is None or self._cds_end_n is None:
            raise AssertionError(f"{tx.accession}: CDS ends are not exonic")

    # -- spliced transcript coordinate n (1..length) ------------------------------------------------
    def _g_to_n_exonic(self, g: int) -> int | None:
        n0 = 0
        for exon in self.tx.exons:
            if exon.start <= g <= exon.end:
                return n0 + (exon.end - g + 1 if self._minus else g - exon.start + 1)
            n0 += exon.length
        return None

    def _n_to_g(self, n: int) -> int:
        """Spliced position to genome; positions beyond either end are extrapolated linearly."""
        exons = self.tx.exons
        if n < 1:
            first = exons[0]
            return first.end + (1 - n) if self._minus else first.start - (1 - n)
        n0 = 0
        for exon in exons:
            if n <= n0 + exon.length:
                k = n - n0
                return exon.end - k + 1 if self._minus else exon.start + k - 1
            n0 += exon.length
        last = exons[-1]
        beyond = n - n0
        return last.start - beyond if self._minus else last.end + beyond

    def _n_to_c(self, n: int) -> CPos:
        if n < self._cds_start_n:
            return CPos(n - self._cds_start_n)
        if n <= self._cds_end_n:
            return CPos(n - self._cds_start_n + 1)
        return CPos(n - self._cds_end_n, utr3=True)

    def _c_to_n(self, c: CPos) -> int:
        if c.utr3:
            if c.base < 1:
                raise VariantError(f"c.*{c.base} is not a valid 3'UTR position")
            return self._cds_end_n + c.base
        if c.base == 0:
            raise VariantError("c.0 does not exist (numbering goes from c.-1 to c.1)")
        if c.base < 0:
            return self._cds_start_n + c.base
        n = self._cds_start_n + c.base - 1
        if n > self._cds_end_n:
            last = self._cds_end_n - self._cds_start_n + 1
            raise VariantError(f"c.{c.base} lies beyond the stop codon (c.{last}); use c.*N")
        return n

    def _downstream(self, g: int, steps: int) -> int:
        """The genomic position ``steps`` bases further 3' in transcript orientation."""
        return g - steps if self._minus else g + steps

    # -- public -----------------------------------------------------------------------------------
    def g_to_c(self, g: int) -> CPos:
        n = self._g_to_n_exonic(g)
        if n is not None:
            return self._n_to_c(n)
        if not self.tx.start <= g <= self.tx.end:
            # upstream or downstream of the transcript: extrapolate from the nearest end
            five_prime_end = self.tx.end if self._minus else self.tx.start
            upstream = (g > five_prime_end) if self._minus else (g < five_prime_end)
            return self._n_to_c(
                1 - abs(g - five_prime_end)
                if upstream
                else self.tx.length + abs(g - (self.tx.start if self._minus else self.tx.end))
            )
        for a, b in zip(self.tx.exons, self.tx.exons[1:], strict=False):
            lo, hi = (b.end + 1, a.start - 1) if self._minus else (a.end + 1, b.start - 1)
            if lo <= g <= hi:
                donor = a.start if self._minus else a.end  # last base of the upstream exon
                acceptor = b.end if self._minus else b.start  # first base of the downstream exon
                d5, d3 = abs(g - donor), abs(acceptor - g)
                if d5 <= d3:
                    c = self._n_to_c(self._g_to_n_exonic(donor))
                    return CPos(c.base, d5, c.utr3)
                c = self._n_to_c(self._g_to_n_exonic(acceptor))
                return CPos(c.base, -d3, c.utr3)
        raise AssertionError(f"{g} not placed")  # pragma: no cover

    def c_to_g(self, c: CPos) -> int:
        n = self._c_to_n(c)
        g = self._n_to_g(n)
        if c.offset == 0:
            return g
        target = self._downstream(g, c.offset)
        exon_ends = {
            self._n_to_g(sum(e.length for e in self.tx.exons[: i + 1])) for i in range(len(self.tx.exons) - 1)
        }
        exon_starts = {
            self._n_to_g(sum(e.length for e in self.tx.exons[:i]) + 1) for i in range(1, len(self.tx.exons))
        }
        if (c.offset > 0 and g not in exon_ends) or (c.offset < 0 and g not in exon_starts):
            raise VariantError(
                f"c.{c} is not an intronic position: c.{CPos(c.base, 0, c.utr3)} is not at an "
                f"exon {'end' if c.offset > 0 else 'start'} of {self.tx.accession}"
            )
        if self.region(target)[0] != "intron":
            raise VariantError(f"c.{c} runs past the end of its intron in {self.tx.accession}")
        return target

    def region(self, g: int) -> tuple[str, int]:
        """('exon', number) / ('intron', number) / ('upstream', 0) / ('downstream', 0)."""
        for exon in self.tx.exons:
            if exon.start <= g <= exon.end:
                return "exon", exon.number
        for number, lo, hi in self.tx.introns():
            if lo <= g <= hi:
                return "intron", number
        five_prime_end = self.tx.end if self._minus else self.tx.start
        beyond = g > five_prime_end if self._minus else g < five_prime_end
        return ("upstream", 0) if beyond else ("downstream", 0)

    def protein_position(self, g: int) -> int | None:
        c = self.g_to_c(g)
        return (c.base - 1) // 3 + 1 if c.is_coding else None

    @property
    def cds_length(self) -> int:
        return self._cds_end_n - self._cds_start_n + 1

    @property
    def five_prime_utr_length(self) -> int:
        return self._cds_start_n - 1
