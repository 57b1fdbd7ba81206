"""Demo sequencing data made from the foundation (never typed by hand): small gVCFs over the CXCR4 locus.

``write_gvcf`` writes reference blocks over the whole locus at ``depth`` (so coverage QC can pass) plus an
optional heterozygous variant parsed with ``parse_variant`` (e.g. ``NM_003467.3:c.1000C>T``).  With
``coverage=False`` only the variant record is written: the analysis then cannot say Negative (Inconclusive).
"""

from __future__ import annotations

from pathlib import Path

from whimscreen.reference.install import CHR2_LENGTH
from whimscreen.reference.locus import Locus
from whimscreen.reference.parse import parse_variant

_HEADER = [
    "##fileformat=VCFv4.2",
    f"##contig=<ID=chr2,length={CHR2_LENGTH['GRCh38']}>",
    '##INFO=<ID=END,Number=1,Type=Integer,Description="End of the reference block">',
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Depth">',
    '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">',
]


def _block(locus: Locus, a: int, b: int, depth: int) -> str:
    return f"chr2\t{a}\t.\t{locus.base(a)}\t<NON_REF>\t.\tPASS\tEND={b}\tGT:DP\t0/0:{depth}"


def write_gvcf(
    locus: Locus, path: Path, sample: str, variant: str | None = None, depth: int = 60, coverage: bool = True
) -> Path:
    lines = [
        *_HEADER,
        "\t".join(["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO", "FORMAT", sample]),
    ]
    v = parse_variant(locus, variant) if variant else None
    start = locus.start
    if v is not None:
        if coverage and v.pos > start:
            lines.append(_block(locus, start, v.pos - 1, depth))
        alt_d = depth // 2
        lines.append(
            f"chr2\t{v.pos}\t.\t{v.ref}\t{v.alt}\t60\tPASS\t.\tGT:DP:AD\t0/1:{depth}:{depth - alt_d},{alt_d}"
        )
        start = v.pos + len(v.ref)
    if coverage and start <= locus.end:
        lines.append(_block(locus, start, locus.end, depth))
    tmp = Path(path).with_suffix(".tmp")
    tmp.write_text("\n".join(lines) + "\n")
    tmp.replace(path)
    return Path(path)


def write_traces(locus: Locus, out_dir: Path, variant: str | None = None, seed: int = 4) -> list[Path]:
    """Generated Sanger traces (``.ab1``) of every demo amplicon, forward and reverse, with ``variant``
    heterozygous (e.g. ``NM_003467.3:c.1016_1017del``)."""
    from whimscreen.sequencing.simulate_amplicons import write_sample

    variants = [(parse_variant(locus, variant), "het")] if variant else []
    return write_sample(locus, out_dir, variants, seed=seed)
