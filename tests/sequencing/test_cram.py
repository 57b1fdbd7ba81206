"""A real CRAM (written by pysam against a genome FASTA with chr2 at its true coordinates) analysed with
--reference-fasta, and a GRCh37 BAM with '2' naming end to end through the CLI."""

import json

import pysam
import pytest

from tests.conftest import run_cli
from whimscreen.calling.pipeline import analyze_paths
from whimscreen.errors import InputFileError
from whimscreen.reference.install import CHR2_LENGTH
from whimscreen.sequencing.simulate import TruthVariant, amplicon_layout, simulate, write_bam

OFFSET37 = 757570


@pytest.fixture(scope="module")
def run(tmp_path_factory, locus):
    truth = [
        TruthVariant(136114928, "G", "A", 0.5),
        TruthVariant(136115300, locus.fetch(136115300, 136115304), locus.base(136115300), 1.0),
    ]
    return truth, simulate(locus, truth, amplicon_layout(), 60, tmp_path_factory.mktemp("cram") / "s", seed=4)


@pytest.fixture(scope="module")
def genome(tmp_path_factory, locus):
    """bgzipped FASTA: contig '1' (short) and chr2 of its GRCh38 length, N except the locus."""
    from whimscreen.sequencing.simulate_inputs import write_genome_fasta

    return write_genome_fasta(locus, tmp_path_factory.mktemp("genome") / "g38.fa.gz")


def _cram(tmp_path, bam, genome):
    """Rewrite the BAM as CRAM against ``genome`` (contig lengths must match the header)."""
    cram = tmp_path / "x.cram"
    with pysam.AlignmentFile(str(bam), "rb") as src:
        header = src.header.to_dict()
        header["SQ"] = [{"SN": "1", "LN": 1000}, {"SN": "chr2", "LN": CHR2_LENGTH["GRCh38"]}]
        with pysam.AlignmentFile(str(cram), "wc", header=header, reference_filename=str(genome)) as out:
            for rec in src:
                rec = pysam.AlignedSegment.from_dict(rec.to_dict(), out.header)
                out.write(rec)
    pysam.index(str(cram))
    return cram


def test_cram_is_decoded_with_the_reference_fasta(tmp_path, locus, run, genome):
    truth, sim = run
    bam = write_bam(locus, sim.fastq, tmp_path / "x.bam")
    cram = _cram(tmp_path, bam, genome)
    assert cram.read_bytes()[:4] == b"CRAM"
    with pytest.raises(InputFileError, match="--reference-fasta"):
        analyze_paths([cram], "C1", None, locus)
    analysis = analyze_paths([cram], "C1", None, locus, reference_fasta=genome)
    assert analysis.input_kind == "cram" and analysis.build == "GRCh38"
    assert {(c.pos, c.ref, c.alt) for c in analysis.calls} == {(t.pos, t.ref, t.alt) for t in truth}
    from_bam = analyze_paths([bam], "C1", None, locus)
    assert [c.af for c in analysis.calls] == [c.af for c in from_bam.calls]


def test_grch37_bam_with_numeric_naming_through_the_cli(tmp_path, locus, run, home):
    truth, sim = run
    bam = write_bam(locus, sim.fastq, tmp_path / "x37.bam", "GRCh37", "2")
    out = tmp_path / "out"
    run_cli("analyze", str(bam), "--sample", "G37", "--out", str(out), home=home, check=True)
    doc = json.loads((out / "G37.json").read_text())
    assert doc["build"] == "GRCh37" and doc["input_kind"] == "bam"
    got = {(v["chrom"], v["pos"], v["ref"], v["alt"]) for v in doc["variants"]}
    assert got == {("chr2", t.pos + OFFSET37, t.ref, t.alt) for t in truth}
    assert {v["grch38"]["pos"] for v in doc["variants"]} == {t.pos for t in truth}
    assert doc["variants"][0]["hgvs_c"].startswith("NM_003467.3:c.")
    with pysam.VariantFile(str(out / "G37.vcf.gz")) as vcf:
        assert {(r.pos, r.ref, r.alts[0]) for r in vcf} == {(t.pos + OFFSET37, t.ref, t.alt) for t in truth}
