"""GA4GH VRS 2 Allele identifiers for variants on the locus (the ``ga4gh.vrs`` reference implementation).

A VRS Allele names its sequence by refget digest (``SQ.`` + sha512t24u of the whole sequence) and is
normalized (fully justified) before its identifier is digested, so one variant written two ways gets
one identifier.  Which sequence the locus stands for decides what the identifier means:

- an installed lab genome: ``install`` streamed chr2 of the lab's FASTA through the refget digest and
  stored it; Alleles are placed on that chromosome (its build's coordinates) and are the public ids;
- an installed genome whose metadata predates that digest: no identifier (reinstall to get one);
- the demo locus: there is no chromosome behind it, so the Allele is placed on the demo locus sequence
  itself (digested whole, positions counted from its first base) and the result says ``demo: true`` --
  a well-formed identifier that no public resource will ever share.
"""

from __future__ import annotations

from dataclasses import dataclass

from ga4gh.core import ga4gh_identify
from ga4gh.vrs import models, normalize
from ga4gh.vrs.dataproxy import _DataProxy

from whimscreen.errors import OutOfLocusError, ReferenceMismatchError, VariantError
from whimscreen.reference.locus import Locus
from whimscreen.reference.refget import refget_accession, refget_accession_from_digest  # noqa: F401

DEMO_NOTE = "computed on the demo locus; not comparable with public VRS ids"
MISSING_DIGEST_NOTE = (
    "no VRS id: the installed reference has no chr2 refget digest (installed before it was recorded); "
    "reinstall the genome with `whimscreen reference install` to compute it"
)


@dataclass(frozen=True)
class Placement:
    """Where the locus sits on the sequence its Alleles are placed on."""

    accession: str  # SQ....
    offset: int  # interbase position of the locus's first base on that sequence
    length: int  # length of that sequence
    build: str  # coordinates the variant positions are turned into ("GRCh38", "GRCh37" or "demo")
    demo: bool


def placement(locus: Locus) -> Placement | None:
    """The sequence the locus's Alleles are placed on; None when no honest one is known."""
    info = locus.info
    if info.demo:
        return Placement(refget_accession(locus.sequence), 0, len(locus.sequence), "demo", True)
    if not info.chrom_refget:
        return None
    offset = locus.to_build(locus.start, info.chrom_build) - 1
    return Placement(info.chrom_refget, offset, info.chrom_length, info.chrom_build, False)


class LocusDataProxy(_DataProxy):
    """The VRS data proxy (the interface SeqRepo's proxy implements) serving the one placed sequence.

    Only the locus's bases are known; a request outside them (normalization rolling a repeat past the
    locus edge) raises ``OutOfLocusError`` rather than guessing.
    """

    def __init__(self, locus: Locus, where: Placement):
        self.locus, self.where = locus, where
        self.alias = f"ga4gh:{where.accession}"

    def _check(self, identifier: str) -> None:
        if identifier not in (self.alias, self.where.accession):
            raise KeyError(identifier)

    def get_sequence(self, identifier: str, start: int | None = None, end: int | None = None) -> str:
        self._check(identifier)
        start = 0 if start is None else start
        end = self.where.length if end is None else end
        lo, hi = start - self.where.offset, end - self.where.offset
        if lo < 0 or hi > len(self.locus.sequence):
            raise OutOfLocusError(
                f"VRS normalization needs bases {start}-{end} of {self.alias}, outside the CXCR4 locus"
            )
        return self.locus.sequence[lo:hi]

    def get_metadata(self, identifier: str) -> dict:
        self._check(identifier)
        return {"length": self.where.length, "aliases": [self.alias], "alphabet": "ACGTN"}


def allele(locus: Locus, pos38: int, ref: str, alt: str) -> models.Allele | None:
    """The normalized, identified VRS Allele of a VCF-style variant (GRCh38 ``pos38``, ``ref`` > ``alt``)."""
    where = placement(locus)
    if where is None:
        return None
    ref, alt = ref.upper(), alt.upper()
    if ref == alt:
        raise VariantError(f"chr2:{pos38} {ref or '-'}>{alt or '-'} is not a variant")
    end38 = pos38 + len(ref) - 1
    if ref and locus.fetch(pos38, end38) != ref:
        raise ReferenceMismatchError(
            f"chr2:{pos38} reference is {locus.fetch(pos38, end38)}, the variant says {ref}"
        )
    start = pos38 - locus.start if where.demo else locus.to_build(pos38, where.build) - 1
    location = models.SequenceLocation(
        sequenceReference=models.SequenceReference(refgetAccession=where.accession),
        start=start,
        end=start + len(ref),
    )
    raw = models.Allele(location=location, state=models.LiteralSequenceExpression(sequence=alt))
    out = normalize(raw, LocusDataProxy(locus, where))
    out.location.id = ga4gh_identify(out.location)
    out.id = ga4gh_identify(out)
    return out


def vrs_identifier(locus: Locus, pos38: int, ref: str, alt: str) -> dict:
    """The report document's ``vrs`` entry: ``{"id", "demo", "note", "sequence", "allele"}``."""
    found = allele(locus, pos38, ref, alt)
    if found is None:
        return {"id": None, "demo": False, "note": MISSING_DIGEST_NOTE, "sequence": None, "allele": None}
    where = placement(locus)
    note = DEMO_NOTE if where.demo else f"VRS 2 Allele on {where.build} chr2 (refget {where.accession})"
    return {
        "id": found.id,
        "demo": where.demo,
        "note": note,
        "sequence": f"ga4gh:{where.accession}",
        "allele": found.model_dump(exclude_none=True, mode="json"),
    }
