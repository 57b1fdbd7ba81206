"""Simulated Sanger reads of CXCR4 amplicons (test data and the bench; never patient data).

``AMPLICONS`` tile the reportable range: one amplicon over the exon 1 coding part, three overlapping
~550-bp amplicons over exon 2.  Each is read forward and reverse from its primers (the first
``PRIMER`` bases of each read are the primer and not in the trace).  Variants are GRCh38 VCF-style
``GenomicVariant``s with a zygosity; a heterozygote's trace mixes both alleles (the variant allele at
``fraction`` of the signal: 0.5 for a germline heterozygote, lower for a mosaic).
"""

from __future__ import annotations

from pathlib import Path

from whimscreen.reference.locus import Locus
from whimscreen.reference.sequence import revcomp
from whimscreen.reference.variant import GenomicVariant
from whimscreen.sequencing.simulate_trace import TraceSettings, apply_edits, simulate_trace, write_abif

PRIMER = 20
AMPLICONS = {  # GRCh38 1-based inclusive
    "ex1": (136117850, 136118250),
    "ex2a": (136114749, 136115299),
    "ex2b": (136115169, 136115719),
    "ex2c": (136115589, 136116059),
}


def amplicon_alleles(locus: Locus, start: int, end: int, variants: list[tuple[GenomicVariant, str]]):
    """The two alleles of ``start..end`` given variants with zygosity ``'het'`` or ``'hom'``."""
    ref = locus.fetch(start, end)
    inside = [(v, z) for v, z in variants if start <= v.pos and v.pos + len(v.ref) - 1 <= end]
    hom = [(v.pos - start, v.ref, v.alt) for v, z in inside if z == "hom"]
    het = [(v.pos - start, v.ref, v.alt) for v, z in inside if z == "het"]
    return apply_edits(ref, hom), apply_edits(ref, hom + het)


def write_sample(
    locus: Locus,
    out_dir: Path,
    variants: list[tuple[GenomicVariant, str]] = (),
    seed: int = 0,
    amplicons: dict | None = None,
    strands: str = "+-",
    settings: TraceSettings | None = None,
    fraction: float = 0.5,
) -> list[Path]:
    """Write ``<amplicon>_F.ab1`` / ``_R.ab1`` for each amplicon and strand; returns the paths.
    ``fraction``: the share of the signal from the allele carrying the ``'het'`` variants."""
    if not 0 < fraction < 1:
        raise ValueError(f"fraction must lie between 0 and 1, got {fraction}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for n, (name, (start, end)) in enumerate(sorted((amplicons or AMPLICONS).items())):
        a1, a2 = amplicon_alleles(locus, start, end, list(variants))
        for k, strand in enumerate(strands):
            r1, r2 = (a1, a2) if strand == "+" else (revcomp(a1), revcomp(a2))
            trace = simulate_trace(
                r1[PRIMER:],
                None if r1 == r2 else r2[PRIMER:],
                seed * 101 + n * 7 + k,
                fraction2=fraction,
                settings=settings,
            )
            path = out_dir / f"{name}_{'F' if strand == '+' else 'R'}.ab1"
            paths.append(write_abif(path, trace, sample=f"{name}{strand}"))
    return paths
