"""BAM (both builds, chr2/2 naming, index, duplicates) and VCF (normalization, split, REF check) inputs."""

import pysam
import pytest

from whimscreen.calling.pipeline import analyze_paths
from whimscreen.errors import InputFileError
from whimscreen.sequencing.simulate import TruthVariant, amplicon_layout, simulate, write_bam

OFFSET37 = 757570


@pytest.fixture(scope="module")
def reads(tmp_path_factory, locus):
    truth = [
        TruthVariant(136114928, "G", "A", 0.5),
        TruthVariant(136115260, locus.fetch(136115260, 136115264), locus.base(136115260), 1.0),  # off primers
    ]
    return truth, simulate(locus, truth, amplicon_layout(), 80, tmp_path_factory.mktemp("bam") / "s", seed=3)


@pytest.mark.parametrize("build, contig", [("GRCh38", "chr2"), ("GRCh37", "2")])
def test_bam_build_and_naming(tmp_path, locus, reads, build, contig):
    truth, run = reads
    bam = write_bam(locus, run.fastq, tmp_path / "x.bam", build, contig)
    analysis = analyze_paths([bam], "B1", None, locus)
    assert analysis.build == build and analysis.input_kind == "bam"
    shift = OFFSET37 if build == "GRCh37" else 0
    assert {(c.pos, c.ref, c.alt) for c in analysis.calls} == {(t.pos + shift, t.ref, t.alt) for t in truth}
    assert analysis.qc.fully_covered
    assert all(
        a - b == shift
        for (a, _), (b, _) in zip(analysis.qc.uncovered_build, analysis.qc.uncovered, strict=True)
    )


def test_bam_duplicates_are_skipped(tmp_path, locus, reads):
    _, run = reads
    plain = analyze_paths([write_bam(locus, run.fastq, tmp_path / "a.bam")], "B1", None, locus)
    dup = analyze_paths(
        [write_bam(locus, run.fastq, tmp_path / "b.bam", duplicate_every=2)], "B1", None, locus
    )
    assert dup.qc.mean_depth < 0.7 * plain.qc.mean_depth


def test_bam_without_index_and_wrong_build(tmp_path, locus, reads):
    _, run = reads
    bam = write_bam(locus, run.fastq, tmp_path / "x.bam")
    (tmp_path / "x.bam.bai").unlink()
    with pytest.raises(InputFileError, match="no index"):
        analyze_paths([bam], "B1", None, locus)
    pysam.index(str(bam))
    with pytest.raises(InputFileError, match="header says GRCh38"):
        analyze_paths([bam], "B1", None, locus, build="GRCh37")


def test_cram_requires_reference_fasta(tmp_path, locus):
    cram = tmp_path / "x.cram"
    cram.write_bytes(b"CRAM\x03\x00" + bytes(40))
    with pytest.raises(InputFileError, match="--reference-fasta"):
        analyze_paths([cram], "B1", None, locus)


def _vcf(path, records, samples=("S",), length=242193529, contig="chr2"):
    head = [
        "##fileformat=VCFv4.2",
        f"##contig=<ID={contig},length={length}>",
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="g">',
        '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="a">',
        '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="d">',
        "\t".join(["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO", "FORMAT", *samples]),
    ]
    path.write_text("\n".join(head + ["\t".join(map(str, r)) for r in records]) + "\n")
    return path


def _homopolymer(locus, n=3):
    seq = locus.sequence
    for i in range(locus.start_index if hasattr(locus, "start_index") else 0, len(seq) - n):
        p = locus.start + i
        if 136114869 < p < 136115900 and seq[i : i + n] == seq[i] * n and seq[i - 1] != seq[i]:
            return p - 1  # anchor before the run
    raise AssertionError("no homopolymer")


def test_vcf_left_aligns_and_splits(tmp_path, locus):
    a = _homopolymer(locus)
    run = locus.fetch(a + 1, a + 3)
    # deletion of one run base written at the right end of the run, plus a multi-allelic SNV site
    right = a + 2
    p = 136114928
    other = "C" if locus.base(p) != "C" else "T"
    vcf = _vcf(
        tmp_path / "v.vcf",
        [
            (
                "chr2",
                right,
                ".",
                locus.fetch(right, right + 1),
                locus.base(right),
                ".",
                "PASS",
                ".",
                "GT:AD:DP",
                "0/1:20,18:38",
            ),
            ("chr2", p, ".", locus.base(p), f"A,{other}", ".", "PASS", ".", "GT:AD:DP", "1/2:0,15,17:32"),
        ],
    )
    analysis = analyze_paths([vcf], "V1", None, locus)
    got = {(c.pos, c.ref, c.alt, c.genotype) for c in analysis.calls}
    assert (a, locus.base(a) + run[0], locus.base(a), "0/1") in got
    assert {(p, "G", "A", "0/1"), (p, "G", other, "0/1")} <= got
    assert not analysis.qc.fully_covered and "no per-base coverage" in analysis.qc.reason


def test_vcf_ref_mismatch_names_the_record(tmp_path, locus):
    p = 136114928
    wrong = "T" if locus.base(p) != "T" else "C"
    vcf = _vcf(tmp_path / "v.vcf", [("chr2", p, ".", wrong, "A", ".", "PASS", ".", "GT", "0/1")])
    with pytest.raises(InputFileError, match=f"chr2:{p}:{wrong}:A"):
        analyze_paths([vcf], "V1", None, locus)


def test_vcf_multisample_grch37(tmp_path, locus):
    p = 136114928
    rec = ("2", p + OFFSET37, ".", "G", "A", ".", "PASS", ".", "GT", "0/0", "1/1")
    vcf = _vcf(tmp_path / "v.vcf", [rec], samples=("MOTHER", "CHILD"), length=243199373, contig="2")
    with pytest.raises(InputFileError, match="--sample-name"):
        analyze_paths([vcf], "V1", None, locus)
    child = analyze_paths([vcf], "V1", None, locus, sample_name="CHILD")
    assert child.build == "GRCh37" and [(c.pos, c.genotype) for c in child.calls] == [(p + OFFSET37, "1/1")]
    assert analyze_paths([vcf], "V1", None, locus, sample_name="MOTHER").calls == ()
