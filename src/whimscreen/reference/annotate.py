"""Everything the foundation says about one variant: HGVS names on both transcripts and builds, the
protein consequence, the Sequence Ontology consequence and where it falls, stamped with the reference."""

from __future__ import annotations

from dataclasses import dataclass, field

from whimscreen.reference.consequence import most_severe, place
from whimscreen.reference.coords import TranscriptMapper, to_build
from whimscreen.reference.locus import Locus
from whimscreen.reference.names import c_name, g_name, transcript_edit
from whimscreen.reference.protein import protein_change
from whimscreen.reference.splicing import assess as assess_splicing
from whimscreen.reference.transcripts import ALT, MANE, transcripts
from whimscreen.reference.variant import Edit, GenomicVariant, edit_from_vcf, to_vcf


@dataclass(frozen=True)
class VariantAnnotation:
    variant: GenomicVariant  # GRCh38, left-normalized
    hgvs_c: str
    hgvs_c_alt: str
    hgvs_p: str | None
    hgvs_g: str
    hgvs_g37: str
    consequence: str
    consequences: tuple[str, ...]
    exon: str | None
    intron: str | None
    protein_position: int | None
    splice_region: bool
    reference: dict = field(default_factory=dict)
    splice: dict | None = None  # offline splice assessment of an exonic change (reference/splicing.py)
    alt_transcript: dict | None = None  # the change on NM_001008540.2 where it differs from NM_003467.3

    def to_dict(self) -> dict:
        v = self.variant
        build = {
            "GRCh38": {"chrom": v.chrom, "pos": v.pos, "ref": v.ref, "alt": v.alt, "hgvs_g": self.hgvs_g},
            "GRCh37": {
                "chrom": v.chrom,
                "pos": to_build(v.pos, "GRCh37"),
                "ref": v.ref,
                "alt": v.alt,
                "hgvs_g": self.hgvs_g37,
            },
        }
        return {
            "gene": "CXCR4",
            "hgvs_c": self.hgvs_c,
            "hgvs_c_alt": self.hgvs_c_alt,
            "hgvs_p": self.hgvs_p,
            "hgvs_g": self.hgvs_g,
            "grch38": build["GRCh38"],
            "grch37": build["GRCh37"],
            "consequence": self.consequence,
            "consequences": list(self.consequences),
            "exon": self.exon,
            "intron": self.intron,
            "protein_position": self.protein_position,
            "splice_region": self.splice_region,
            "splice": self.splice,
            "alt_transcript": self.alt_transcript,
            "reference": self.reference,
        }


def _mappers() -> dict[str, TranscriptMapper]:
    return {acc: TranscriptMapper(tx) for acc, tx in transcripts().items()}


def annotate(locus: Locus, variant: GenomicVariant) -> VariantAnnotation:
    """Annotate a VCF-style GRCh38 variant (checked against the locus, normalized first)."""
    edit = edit_from_vcf(locus, variant.pos, variant.ref, variant.alt)
    return annotate_edit(locus, edit)


def _on_transcript(locus: Locus, mapper: TranscriptMapper, edit: Edit):
    """(placed edit, placement, terms, p. name, protein position) of one edit on one transcript."""
    placed = transcript_edit(locus, mapper, edit)
    placement = place(locus, mapper, placed)
    ablated = "transcript_ablation" in placement.terms
    change = None if placement.touches_intron or ablated else protein_change(locus, mapper, placed)
    terms = list(placement.terms)
    hgvs_p, position = None, None
    if change is not None:
        terms.append(change.consequence)
        hgvs_p, position = change.hgvs, change.position
    elif ablated or placement.canonical_splice or (placement.touches_intron and placement.exon):
        hgvs_p = "p.0?" if ablated else "p.?"
    return placed, placement, terms, hgvs_p, position


def _alt_transcript(locus: Locus, mapper: TranscriptMapper, edit: Edit, mane_terms: list[str]) -> dict | None:
    """NM_001008540.2 (one exon; its first coding bases lie in NM_003467.3's intron 1) where its consequence
    differs from the MANE one, so a change coding only there is not reported as intronic."""
    placed, _, terms, hgvs_p, position = _on_transcript(locus, mapper, edit)
    if most_severe(terms) == most_severe(mane_terms):
        return None
    return {
        "transcript": mapper.tx.accession,
        "hgvs_c": c_name(locus, mapper, placed),
        "hgvs_p": hgvs_p,
        "consequence": most_severe(terms),
        "protein_position": position,
    }


def annotate_edit(locus: Locus, edit: Edit) -> VariantAnnotation:
    mappers = _mappers()
    mane = mappers[MANE]
    # place the representation the c. name uses (3'-most within its transcript region)
    vcf = to_vcf(locus, edit)
    normalized = edit_from_vcf(locus, vcf.pos, vcf.ref, vcf.alt)
    placed_edit, placement, terms, hgvs_p, position = _on_transcript(locus, mane, normalized)
    alt = _alt_transcript(locus, mappers[ALT], normalized, terms)
    splice = None
    if placement.exon and not placement.touches_intron and "transcript_ablation" not in terms:
        splice = assess_splicing(locus, mane, placed_edit)
    return VariantAnnotation(
        variant=vcf,
        hgvs_c=c_name(locus, mane, placed_edit),
        hgvs_c_alt=c_name(locus, mappers[ALT], placed_edit),
        hgvs_p=hgvs_p,
        hgvs_g=g_name(locus, placed_edit, "GRCh38"),
        hgvs_g37=g_name(locus, placed_edit, "GRCh37"),
        consequence=most_severe(terms),
        consequences=tuple(sorted(set(terms), key=terms.index)),
        exon=placement.exon,
        intron=placement.intron,
        protein_position=position,
        splice_region=placement.splice_region,
        reference=locus.info.stamp(),
        splice=splice,
        alt_transcript=alt,
    )
