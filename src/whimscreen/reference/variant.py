"""Genomic variants on the locus and their normalization.

A ``GenomicVariant`` is VCF-style on GRCh38 (1-based ``pos``, non-empty ``ref`` and ``alt``, indels carrying
their anchor base) and always left-normalized, as VCF wants.  ``Edit`` is the minimal SPDI-like form used
for naming: 0-based ``start`` on the locus, the deleted bases ``deleted`` and the inserted ``inserted``
(either may be empty).  For a minus-strand gene, the HGVS 3' rule in transcript orientation is a shift to
the genomic left, i.e. the VCF position; the g. name shifts to the genomic right.
"""

from __future__ import annotations

from dataclasses import dataclass

from whimscreen.errors import OutOfLocusError, ReferenceMismatchError, VariantError
from whimscreen.reference.locus import Locus

_BASES = set("ACGT")


@dataclass(frozen=True)
class GenomicVariant:
    pos: int
    ref: str
    alt: str
    chrom: str = "chr2"

    def __str__(self) -> str:
        return f"{self.chrom}:{self.pos}:{self.ref}:{self.alt}"


@dataclass(frozen=True)
class Edit:
    """Minimal edit on the locus: replace locus[start:start+len(deleted)] (0-based) by ``inserted``."""

    start: int
    deleted: str
    inserted: str

    @property
    def end(self) -> int:  # exclusive, 0-based
        return self.start + len(self.deleted)

    @property
    def kind(self) -> str:
        if not self.deleted:
            return "ins"
        if not self.inserted:
            return "del"
        if len(self.deleted) == len(self.inserted) == 1:
            return "sub"
        return "delins"


def _check_alleles(ref: str, alt: str, where: str) -> None:
    for allele in (ref, alt):
        if not allele or set(allele) - _BASES:
            raise VariantError(f"{where}: alleles must be non-empty A/C/G/T strings (got {ref!r}>{alt!r})")
    if ref == alt:
        raise VariantError(f"{where}: REF and ALT are identical ({ref})")


def edit_from_vcf(locus: Locus, pos: int, ref: str, alt: str, where: str = "") -> Edit:
    """Validate a VCF-style GRCh38 allele against the locus and reduce it to its minimal edit."""
    where = where or f"chr2:{pos}:{ref}:{alt}"
    ref, alt = ref.upper(), alt.upper()
    _check_alleles(ref, alt, where)
    if not (locus.contains(pos) and locus.contains(pos + len(ref) - 1)):
        raise OutOfLocusError(f"{where}: outside the CXCR4 locus chr2:{locus.start}-{locus.end} (GRCh38)")
    actual = locus.fetch(pos, pos + len(ref) - 1)
    if actual != ref:
        raise ReferenceMismatchError(
            f"{where}: REF {ref} does not match the reference ({actual}) at chr2:{pos}"
        )
    # trim shared suffix, then shared prefix
    while ref and alt and ref[-1] == alt[-1]:
        ref, alt = ref[:-1], alt[:-1]
    start0 = pos - locus.start
    while ref and alt and ref[0] == alt[0]:
        ref, alt, start0 = ref[1:], alt[1:], start0 + 1
    return Edit(start0, ref, alt)


def shift(locus: Locus, edit: Edit, direction: str) -> Edit:
    """Shift a pure insertion or deletion as far ``left`` or ``right`` as the locus sequence allows."""
    if edit.deleted and edit.inserted:
        return edit
    seq = locus.sequence
    start, unit = edit.start, edit.deleted or edit.inserted
    is_del = bool(edit.deleted)
    if direction == "left":
        while start > 0 and seq[start - 1] == unit[-1]:
            unit, start = unit[-1] + unit[:-1], start - 1
    elif direction == "right":
        tail = start + (len(unit) if is_del else 0)
        while tail < len(seq) and seq[tail] == unit[0]:
            unit, start, tail = unit[1:] + unit[0], start + 1, tail + 1
    else:
        raise ValueError(direction)
    return Edit(start, unit, "") if is_del else Edit(start, "", unit)


def to_vcf(locus: Locus, edit: Edit) -> GenomicVariant:
    """Left-normalized VCF representation (anchor base added to indels)."""
    edit = shift(locus, edit, "left")
    if edit.deleted and edit.inserted:
        return GenomicVariant(locus.start + edit.start, edit.deleted, edit.inserted)
    if edit.start == 0:
        raise OutOfLocusError("an indel at the first base of the locus cannot be anchored")
    anchor = locus.sequence[edit.start - 1]
    return GenomicVariant(locus.start + edit.start - 1, anchor + edit.deleted, anchor + edit.inserted)


def normalize(locus: Locus, variant: GenomicVariant) -> GenomicVariant:
    """Left-align and trim a VCF-style GRCh38 variant (after checking REF against the locus)."""
    return to_vcf(locus, edit_from_vcf(locus, variant.pos, variant.ref, variant.alt))


def apply(sequence: str, offset: int, edit: Edit) -> str:
    """``sequence`` (whose first base is locus index ``offset``) with the edit applied."""
    a, b = edit.start - offset, edit.end - offset
    return sequence[:a] + edit.inserted + sequence[b:]
