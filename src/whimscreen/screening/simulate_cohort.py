"""Generated cohorts for tests and benchmarks: single-sample VCFs, a joint-called VCF, a BAM and a CRAM
with a mosaic carrier, and a corrupt file — with the truth (which sample carries what).

Carriers carry published CXCR4 WHIM variants named on NM_003467.3; most samples carry nothing or the
common synonymous background variant ``c.708G>A`` (Likely benign: screened, never a candidate).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

import pysam

from whimscreen.reference.install import CHR2_LENGTH
from whimscreen.reference.locus import Locus
from whimscreen.reference.parse import parse_variant
from whimscreen.reference.variant import GenomicVariant

CARRIER_VARIANTS = ("c.1000C>T", "c.1016_1017del", "c.1013C>G", "c.1027G>A")
BACKGROUND = "c.708G>A"
BACKGROUND_FREQUENCY = 0.1  # fraction of samples carrying the background variant

_HEADER = [
    "##fileformat=VCFv4.2",
    f"##contig=<ID=chr2,length={CHR2_LENGTH['GRCh38']}>",
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Depth">',
    '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">',
    '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype quality">',
]


@dataclass
class Cohort:
    files: list[Path] = field(default_factory=list)
    truth: dict[str, str] = field(default_factory=dict)  # sample -> c. name of its seeded WHIM variant
    joint: Path | None = None
    bam: Path | None = None
    cram: Path | None = None
    genome: Path | None = None
    corrupt: Path | None = None


def variant(locus: Locus, c_name: str) -> GenomicVariant:
    return parse_variant(locus, f"NM_003467.3:{c_name}")


def _sample_field(gt: str) -> str:
    if gt == "0/0":
        return "0/0:40:40,0:99"
    if gt == "1/1":
        return "1/1:40:0,40:99"
    return "0/1:40:20,20:99"


def write_vcf(path: Path, samples: list[str], records: list[tuple[GenomicVariant, list[str]]]) -> Path:
    """A bgzipped, tabix-indexed VCF (``path`` ends .vcf.gz): ``records`` are (variant, genotype per
    sample), written in position order."""
    plain = Path(str(path)[: -len(".gz")])
    lines = [
        *_HEADER,
        "\t".join(["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO", "FORMAT", *samples]),
    ]
    for v, gts in sorted(records, key=lambda r: r[0].pos):
        fields = ["chr2", str(v.pos), ".", v.ref, v.alt, "50", "PASS", ".", "GT:DP:AD:GQ"]
        lines.append("\t".join(fields + [_sample_field(g) for g in gts]))
    plain.write_text("\n".join(lines) + "\n")
    pysam.tabix_index(str(plain), preset="vcf", force=True)
    return Path(path)


def single_sample_vcfs(locus: Locus, out: Path, n: int, carriers: int, seed: int = 1) -> tuple[list, dict]:
    """``n`` single-sample VCFs ``S00001.vcf.gz``...; the first ``carriers`` samples (shuffled into the
    cohort) carry a WHIM variant, heterozygous."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    names = [f"S{i:05d}" for i in range(1, n + 1)]
    chosen = rng.sample(names, carriers)
    truth = {s: CARRIER_VARIANTS[i % len(CARRIER_VARIANTS)] for i, s in enumerate(chosen)}
    background = variant(locus, BACKGROUND)
    files = []
    for s in names:
        records = []
        if s in truth:
            records.append((variant(locus, truth[s]), ["0/1"]))
        if rng.random() < BACKGROUND_FREQUENCY:
            records.append((background, ["0/1"]))
        files.append(write_vcf(out / f"{s}.vcf.gz", [s], records))
    return files, truth


def joint_vcf(locus: Locus, path: Path, n: int, carriers: int, seed: int = 2) -> dict[str, str]:
    """A joint-called VCF of ``n`` samples ``J00001``...; ``carriers`` of them carry a WHIM variant
    (one homozygous); the background variant is common."""
    rng = random.Random(seed)
    names = [f"J{i:05d}" for i in range(1, n + 1)]
    chosen = rng.sample(names, carriers)
    truth = {s: CARRIER_VARIANTS[i % len(CARRIER_VARIANTS)] for i, s in enumerate(chosen)}
    records = []
    for c_name in sorted(set(truth.values())):
        gts = ["0/0"] * n
        for k, s in enumerate(chosen):
            if truth[s] == c_name:
                gts[names.index(s)] = "1/1" if k == 0 else "0/1"
        records.append((variant(locus, c_name), gts))
    records.append((variant(locus, BACKGROUND), ["0/1" if rng.random() < 0.1 else "0/0" for _ in names]))
    write_vcf(path, names, records)
    return truth


def write_genome(locus: Locus, path: Path) -> Path:
    """A bgzipped, faidx-indexed genome FASTA for CRAM (``path`` ends .fa.gz): chr2 of its GRCh38 length, N
    except the locus (``sequencing.simulate_inputs.write_genome_fasta``)."""
    from whimscreen.sequencing.simulate_inputs import write_genome_fasta

    return write_genome_fasta(locus, Path(path))


def mosaic_alignments(locus: Locus, out: Path, c_name: str, af: float, sample: str, genome: Path | None):
    """A BAM of ``sample`` carrying ``c_name`` at allele fraction ``af`` (mosaic when < 0.35), with its
    read group's SM; and, when ``genome`` is given, the same reads as a CRAM written against it."""
    from whimscreen.sequencing.simulate import TruthVariant, amplicon_layout, simulate, write_bam

    v = variant(locus, c_name)
    out.mkdir(parents=True, exist_ok=True)
    run = simulate(
        locus, [TruthVariant(v.pos, v.ref, v.alt, af)], amplicon_layout(), 120, out / sample, seed=5
    )
    raw = write_bam(locus, run.fastq, out / f"{sample}.raw.bam")
    bam, cram = out / f"{sample}.bam", out / f"{sample}.cram" if genome else None
    with pysam.AlignmentFile(str(raw), "rb") as src:
        header = src.header.to_dict()
        header["RG"] = [{"ID": "rg1", "SM": sample}]
        header["SQ"] = [{"SN": "chr2", "LN": CHR2_LENGTH["GRCh38"]}]
        outs = [pysam.AlignmentFile(str(bam), "wb", header=header)]
        if cram:
            outs.append(pysam.AlignmentFile(str(cram), "wc", header=header, reference_filename=str(genome)))
        for rec in src:
            d = rec.to_dict()
            d["ref_name"] = "chr2"
            d["tags"] = [*d.get("tags", []), "RG:Z:rg1"]
            for o in outs:
                o.write(pysam.AlignedSegment.from_dict(d, o.header))
        for o in outs:
            o.close()
    for p in (raw, Path(f"{raw}.bai"), *run.fastq, run.truth_vcf, run.primers_bed):
        if p:
            Path(p).unlink(missing_ok=True)
    pysam.index(str(bam))
    if cram:
        pysam.index(str(cram))
    return bam, cram


def corrupt_copy(source: Path, path: Path) -> Path:
    """``source`` cut in the middle of its compressed data (a transfer that broke)."""
    data = Path(source).read_bytes()
    path.write_bytes(data[: max(40, len(data) // 2)])
    return path
