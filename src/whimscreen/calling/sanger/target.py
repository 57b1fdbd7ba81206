"""What the reads are analysed against: the CXCR4 locus (GRCh38, named by the reference layer) or any
single-sequence FASTA (``--reference``; variants on that sequence's 1-based coordinates, ``chrom`` = the
record name).  A FASTA target is wrapped in a ``Locus`` starting at 1 so the reference layer's
normalization and HGVS rules apply to it unchanged."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from whimscreen.errors import InputFileError
from whimscreen.reference.locus import Locus, ReferenceInfo, sha256
from whimscreen.reference.names import sequence_name
from whimscreen.reference.sequence import revcomp
from whimscreen.reference.variant import GenomicVariant, edit_from_vcf, normalize


@dataclass(frozen=True)
class Target:
    chrom: str
    sequence: str  # upper case, plus strand
    first: int  # 1-based coordinate of sequence[0]
    locus: Locus
    generic: bool  # a FASTA given with --reference (not the CXCR4 locus)

    @property
    def reverse(self) -> str:
        return revcomp(self.sequence)

    def vcf(self, start: int, end: int, alt: str) -> GenomicVariant:
        """Replace ``sequence[start:end]`` by ``alt`` (0-based half-open) as a left-normalized VCF variant
        (an anchor base added for indels)."""
        ref = self.sequence[start:end]
        if len(ref) != 1 or len(alt) != 1:
            start -= 1
            ref, alt = self.sequence[start] + ref, self.sequence[start] + alt
        v = normalize(self.locus, GenomicVariant(self.first + start, ref, alt, self.chrom))
        return GenomicVariant(v.pos, v.ref, v.alt, self.chrom)

    def g_name(self, v: GenomicVariant) -> str:
        """``NAME:g.…`` on the target's own coordinates (3' rule), for generic targets."""
        return sequence_name(self.locus, edit_from_vcf(self.locus, v.pos, v.ref, v.alt), self.chrom)

    def stamp(self) -> dict:
        return self.locus.info.stamp()


def locus_target(locus: Locus) -> Target:
    return Target("chr2", locus.sequence.upper(), locus.start, locus, False)


def fasta_target(path: Path) -> Target:
    """A single-sequence FASTA; raises ``InputFileError`` otherwise."""
    path = Path(path)
    try:
        text = path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputFileError(f"{path}: cannot read reference FASTA ({exc})") from exc
    lines = text.splitlines()
    headers = [ln for ln in lines if ln.startswith(">")]
    if len(headers) != 1 or not text.lstrip().startswith(">"):
        raise InputFileError(f"{path}: reference FASTA must hold exactly one sequence ({len(headers)} found)")
    words = headers[0][1:].split()
    seq = "".join(ln.strip() for ln in lines if not ln.startswith(">")).upper()
    if not words or not seq or set(seq) - set("ACGTN"):
        raise InputFileError(f"{path}: reference FASTA needs a record name and an A/C/G/T/N sequence")
    info = ReferenceInfo("fasta", f"{words[0]} from {path.name} (--reference)", sha256(seq), ("custom",))
    return Target(words[0], seq, 1, Locus(words[0], 1, seq, info), True)
