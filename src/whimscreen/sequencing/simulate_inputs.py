"""One small, valid input of every kind a lab sends (test data for robustness tests and the damaged-input
campaign; never patient data): FASTQ (plain, gzip, a pair), BAM, CRAM with its genome FASTA, VCF (plain,
bgzip + tabix index, BCF) and an AB1 trace.  Deterministic; a few hundred reads, a few KB each.
"""

from __future__ import annotations

from pathlib import Path

from whimscreen.reference.install import CHR2_LENGTH
from whimscreen.reference.locus import Locus
from whimscreen.sequencing.simulate import TruthVariant, amplicon_layout, simulate, write_bam
from whimscreen.sequencing.simulate_amplicons import write_sample

SNV = 136114928  # GRCh38, in exon 2 (G>A in the demo and the real locus)


def write_genome_fasta(locus: Locus, path: Path, sequence: str | None = None) -> Path:
    """bgzipped, faidx-indexed FASTA with contig '1' (short) and chr2 of its GRCh38 length, N except the
    locus (``sequence`` replaces the locus bases, e.g. a wrong genome with the right names)."""
    import pysam

    path = Path(path)
    plain = path.with_suffix("") if path.suffix == ".gz" else path
    width = 1_000_000  # faidx needs equal line lengths: stream the contig in lines, never whole
    body = sequence or locus.sequence
    pieces = [(locus.start - 1, None), (0, body), (CHR2_LENGTH["GRCh38"] - locus.end, None)]
    with open(plain, "w") as fh:
        fh.write(">1\n" + "N" * 1000 + "\n>chr2\n")
        line = ""
        for n, text in pieces:
            for i in range(0, len(text) if text else n, width):
                line += text[i : i + width] if text else "N" * min(width, n - i)
                while len(line) >= width:
                    fh.write(line[:width] + "\n")
                    line = line[width:]
        fh.write(line + "\n")
    out = Path(str(plain) + ".gz")
    pysam.tabix_compress(str(plain), str(out), force=True)
    plain.unlink()
    pysam.faidx(str(out))
    return out


def write_cram(bam: Path, path: Path, genome: Path) -> Path:
    """Rewrite ``bam`` as an indexed CRAM against ``genome`` (``write_genome_fasta``)."""
    import pysam

    with pysam.AlignmentFile(str(bam), "rb") as src:
        header = src.header.to_dict()
        header["SQ"] = [{"SN": "1", "LN": 1000}, {"SN": "chr2", "LN": CHR2_LENGTH["GRCh38"]}]
        with pysam.AlignmentFile(str(path), "wc", header=header, reference_filename=str(genome)) as out:
            for rec in src:
                out.write(pysam.AlignedSegment.from_dict(rec.to_dict(), out.header))
    pysam.index(str(path))
    return Path(path)


def vcf_text(locus: Locus, records: list[str] | None = None, sample: str = "S") -> str:
    """A small single-sample VCF on GRCh38 (one heterozygous SNV unless ``records`` are given)."""
    head = [
        "##fileformat=VCFv4.2",
        f"##contig=<ID=chr2,length={CHR2_LENGTH['GRCh38']}>",
        '##FILTER=<ID=q10,Description="Quality below 10">',
        '##INFO=<ID=DB,Number=0,Type=Flag,Description="dbSNP">',
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
        '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">',
        '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Depth">',
        '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype quality">',
        "\t".join(["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO", "FORMAT", sample]),
    ]
    if records is None:
        alt = "A" if locus.base(SNV) != "A" else "G"
        records = [f"chr2\t{SNV}\t.\t{locus.base(SNV)}\t{alt}\t50\tPASS\tDB\tGT:AD:DP:GQ\t0/1:20,18:38:99"]
    return "\n".join(head + records) + "\n"


def write_vcfs(locus: Locus, out_dir: Path) -> dict[str, Path]:
    """``vcf`` (plain), ``vcf.gz`` (bgzip + .tbi) and ``bcf`` (+ .csi) of ``vcf_text``."""
    import pysam
    from pysam import bcftools

    out_dir = Path(out_dir)
    plain = out_dir / "s.vcf"
    plain.write_text(vcf_text(locus))
    gz = out_dir / "s.vcf.gz"
    pysam.tabix_compress(str(plain), str(gz), force=True)
    pysam.tabix_index(str(gz), preset="vcf", force=True)
    bcf = out_dir / "s.bcf"
    with pysam.VariantFile(str(plain)) as src, pysam.VariantFile(str(bcf), "wb", header=src.header) as dst:
        for rec in src:
            dst.write(rec)
    bcftools.index(str(bcf))
    return {"vcf": plain, "vcf.gz": gz, "bcf": bcf}


TRACE_AMPLICON = (136114749, 136115299)  # GRCh38, holds SNV


def write_inputs(
    locus: Locus, out_dir: Path, cram: bool = False, depth: int = 25, trace_amplicon: tuple = TRACE_AMPLICON
) -> dict[str, list[Path]]:
    """Every kind of input in ``out_dir``, by format name -> the file(s) one analysis takes.  With ``cram``
    also ``cram`` (the genome FASTA it needs is ``out_dir/genome.fa.gz``; writing it takes seconds).
    ``depth``: read pairs per amplicon; ``trace_amplicon``: the GRCh38 interval the AB1 trace reads."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    alt = "A" if locus.base(SNV) != "A" else "G"
    truth = [TruthVariant(SNV, locus.base(SNV), alt, 0.5)]
    layout = amplicon_layout()
    single = simulate(locus, truth, layout, depth, out_dir / "single", paired=False, seed=5, gz=False)
    gz = simulate(locus, truth, layout, depth, out_dir / "gz", paired=False, seed=6, gz=True)
    pair = simulate(locus, truth, layout, depth, out_dir / "pair", paired=True, seed=7, gz=True)
    bam = write_bam(locus, pair.fastq, out_dir / "s.bam")
    vcfs = write_vcfs(locus, out_dir)
    traces = write_sample(
        locus, out_dir / "ab1", [(_gv(truth[0]), "het")], amplicons={"ex2a": trace_amplicon}
    )
    out = {
        "fastq": [single.fastq[0]],
        "fastq.gz": [gz.fastq[0]],
        "fastq pair": list(pair.fastq),
        "bam": [bam],
        "vcf": [vcfs["vcf"]],
        "vcf.gz": [vcfs["vcf.gz"]],
        "bcf": [vcfs["bcf"]],
        "ab1": [traces[0]],
    }
    if cram:
        genome = write_genome_fasta(locus, out_dir / "genome.fa.gz")
        out["cram"] = [write_cram(bam, out_dir / "s.cram", genome)]
    return out


def _gv(t: TruthVariant):
    from whimscreen.reference.variant import GenomicVariant

    return GenomicVariant(t.pos, t.ref, t.alt)
