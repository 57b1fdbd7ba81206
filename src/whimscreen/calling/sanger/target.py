"""What the reads are analysed against: the CXCR4 locus (GRCh38, named by the reference layer) or any
single-sequence FASTA (``--reference``; variants on that sequence's 1-based coordinates)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from whimscreen.errors import InputFileError
from whimscreen.reference.locus import Locus
from whimscreen.reference.sequence import revcomp
from whimscreen.reference.variant import GenomicVariant, normalize


@dataclass(frozen=True)
class Target:
    chrom: str
    sequence: str  # upper case, plus strand
    first: int  # 1-based coordinate of sequence[0]
    locus: Locus | None = None  # set for the CXCR4 locus

    @property
    def reverse(self) -> str:
        return revcomp(self.sequence)

    def vcf(self, start: int, end: int, alt: str) -> GenomicVariant:
        """Replace ``sequence[start:end]`` by ``alt`` (0-based half-open) as a left-normalized VCF
        variant (an anchor base added for indels)."""
        ref = self.sequence[start:end]
        if len(ref) != 1 or len(alt) != 1:
            start -= 1
            ref, alt = self.sequence[start] + ref, self.sequence[start] + alt
        v = GenomicVariant(self.first + start, ref, alt, self.chrom)
        if self.locus is not None:
            return normalize(self.locus, v)
        return left_normalize(self.sequence, self.first, v)


def left_normalize(sequence: str, first: int, v: GenomicVariant) -> GenomicVariant:
    """Trim shared bases and shift an indel left as far as the sequence allows (generic targets)."""
    pos, ref, alt = v.pos, v.ref, v.alt
    while len(ref) > 1 and len(alt) > 1 and ref[-1] == alt[-1]:
        ref, alt = ref[:-1], alt[:-1]
    while len(ref) > 1 and len(alt) > 1 and ref[0] == alt[0]:
        ref, alt, pos = ref[1:], alt[1:], pos + 1
    while len(ref) != len(alt) and pos - first > 0 and ref[-1] == alt[-1]:
        base = sequence[pos - first - 1]
        ref, alt, pos = base + ref[:-1], base + alt[:-1], pos - 1
    return GenomicVariant(pos, ref, alt, v.chrom)


def locus_target(locus: Locus) -> Target:
    return Target("chr2", locus.sequence.upper(), locus.start, locus)


def fasta_target(path: Path) -> Target:
    """A single-sequence FASTA; raises ``InputFileError`` otherwise."""
    path = Path(path)
    try:
        text = path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputFileError(f"{path}: cannot read reference FASTA ({exc})") from exc
    headers = [ln for ln in text.splitlines() if ln.startswith(">")]
    if len(headers) != 1 or not text.lstrip().startswith(">"):
        raise InputFileError(f"{path}: reference FASTA must hold exactly one sequence ({len(headers)} found)")
    name = headers[0][1:].split()[0] if headers[0][1:].split() else ""
    seq = "".join(ln.strip() for ln in text.splitlines() if not ln.startswith(">")).upper()
    if not name or not seq or set(seq) - set("ACGTN"):
        raise InputFileError(f"{path}: reference FASTA needs a name and an A/C/G/T/N sequence")
    return Target(name, seq, 1, None)
