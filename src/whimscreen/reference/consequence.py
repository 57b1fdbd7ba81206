"""Sequence Ontology consequence terms from where an edit falls (regions, splice sites)."""

from __future__ import annotations

from dataclasses import dataclass

from whimscreen.reference.coords import TranscriptMapper
from whimscreen.reference.locus import Locus
from whimscreen.reference.variant import Edit

#: most severe first (the Ensembl VEP ordering of these terms)
SEVERITY = (
    "transcript_ablation",
    "splice_acceptor_variant",
    "splice_donor_variant",
    "stop_gained",
    "frameshift_variant",
    "stop_lost",
    "start_lost",
    "inframe_insertion",
    "inframe_deletion",
    "missense_variant",
    "protein_altering_variant",
    "splice_region_variant",
    "synonymous_variant",
    "stop_retained_variant",
    "5_prime_UTR_variant",
    "3_prime_UTR_variant",
    "intron_variant",
    "upstream_gene_variant",
    "downstream_gene_variant",
)
SPLICE_SITE = 2  # intronic bases of the canonical donor/acceptor
SPLICE_REGION_INTRONIC = 8
SPLICE_REGION_EXONIC = 3


@dataclass(frozen=True)
class Placement:
    terms: tuple[str, ...]
    exon: str | None
    intron: str | None
    splice_region: bool
    touches_intron: bool
    canonical_splice: bool


def _positions(edit: Edit) -> list[int]:
    return list(range(edit.start, edit.end)) if edit.deleted else [edit.start - 1, edit.start]


def _exon_edge_distance(mapper: TranscriptMapper, g: int) -> int | None:
    """Distance (1 = the boundary base) to the nearest exon/intron boundary, for exonic bases."""
    best = None
    for _, lo, hi in mapper.tx.introns():
        for edge in (hi + 1, lo - 1):
            d = abs(g - edge) + 1
            best = d if best is None else min(best, d)
    return best


def place(locus: Locus, mapper: TranscriptMapper, edit: Edit) -> Placement:
    terms: set[str] = set()
    exons, introns = set(), set()
    n_exons, n_introns = len(mapper.tx.exons), len(mapper.tx.introns())
    splice_region = touches_intron = canonical = False
    for i in _positions(edit):
        g = locus.start + i
        kind, number = mapper.region(g)
        if kind == "exon":
            exons.add(number)
            d = _exon_edge_distance(mapper, g)
            if d is not None and d <= SPLICE_REGION_EXONIC:
                splice_region = True
        elif kind == "intron":
            introns.add(number)
            touches_intron = True
            offset = abs(mapper.g_to_c(g).offset)
            if offset <= SPLICE_SITE:
                canonical = True
                terms.add(
                    "splice_donor_variant" if mapper.g_to_c(g).offset > 0 else "splice_acceptor_variant"
                )
            elif offset <= SPLICE_REGION_INTRONIC:
                splice_region = True
            terms.add("intron_variant")
        else:
            terms.add("upstream_gene_variant" if kind == "upstream" else "downstream_gene_variant")
    if splice_region:
        terms.add("splice_region_variant")
    if (
        edit.deleted
        and locus.start + edit.start <= mapper.tx.start
        and locus.start + edit.end - 1 >= mapper.tx.end
    ):
        terms = {"transcript_ablation"}  # the whole transcript is deleted: no splice or intron term applies
    if edit.kind == "ins" and exons and introns:  # an insertion right at an exon/intron junction
        canonical = True
        left = locus.start + edit.start - 1  # the insertion lies between left and left + 1
        minus = mapper.tx.strand == "-"
        for _, lo, hi in mapper.tx.introns():
            if left in (lo - 1, hi):
                acceptor = (left == lo - 1) if minus else (left == hi)
                terms.add("splice_acceptor_variant" if acceptor else "splice_donor_variant")
    return Placement(
        terms=tuple(sorted(terms, key=SEVERITY.index)),
        exon=", ".join(f"{n}/{n_exons}" for n in sorted(exons)) or None,
        intron=", ".join(f"{n}/{n_introns}" for n in sorted(introns)) or None,
        splice_region=splice_region or canonical,
        touches_intron=touches_intron,
        canonical_splice=canonical,
    )


def most_severe(terms: list[str] | tuple[str, ...]) -> str:
    return min(terms, key=SEVERITY.index)
