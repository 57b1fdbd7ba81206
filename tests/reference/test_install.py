"""Installing a lab genome: chr2/2 naming, plain/bgzip, both builds; a disagreeing genome is refused with the
first mismatch named and nothing written."""

import json

import pysam
import pytest
from ga4gh.core import sha512t24u

from tests.conftest import run_cli
from whimscreen.errors import ReferenceDataError
from whimscreen.reference import get_locus
from whimscreen.reference.coords import to_build
from whimscreen.reference.install import install
from whimscreen.reference.sequence import revcomp
from whimscreen.reference.vrs import vrs_identifier


def _genome(path, locus, build, contig="chr2", mutate=None, bgzip=False):
    """A sparse 'genome': chr2 all N except the locus placed at its coordinates on ``build``."""
    seq = locus.sequence
    if mutate:
        pos38, base = mutate
        i = pos38 - locus.start
        seq = seq[:i] + base + seq[i + 1 :]
    start = to_build(locus.start, build)
    plain = path.with_suffix(".fa")
    contig_seq = "N" * (start - 1) + seq + "N" * 5000
    width = 100_000  # faidx needs equal line lengths
    with open(plain, "w") as fh:
        fh.write(f">chrM\n{'ACGT' * 25}\n>{contig} synthetic\n")
        for i in range(0, len(contig_seq), width):
            fh.write(contig_seq[i : i + width] + "\n")
    if bgzip:
        pysam.tabix_compress(str(plain), str(plain) + ".gz", force=True)
        return plain.with_suffix(".fa.gz")
    return plain


@pytest.fixture(scope="module")
def genomes(tmp_path_factory):
    from whimscreen.reference.demo import demo_locus

    d = tmp_path_factory.mktemp("genomes")
    locus = demo_locus()
    return {
        "grch38": _genome(d / "g38", locus, "GRCh38"),
        "grch37_bgzip": _genome(d / "g37", locus, "GRCh37", contig="2", bgzip=True),
        # c.1000C>T written into the genome: the lab's FASTA disagrees with the verified CDS
        "bad": _genome(d / "bad", locus, "GRCh38", mutate=(136114928, "A")),
    }


def test_install_grch38_becomes_active(genomes, tmp_path):
    info = install(genomes["grch38"], "GRCh38", tmp_path)
    assert info.kind == "installed" and not info.demo
    active = get_locus(tmp_path)
    assert active.info.kind == "installed" and "warning" not in active.info.stamp()
    assert len(active.info.checks) == 4
    # the whole chr2 went through the refget digest (streamed) and VRS ids are placed on it
    start = to_build(active.start, "GRCh38")
    whole = ("N" * (start - 1) + active.sequence + "N" * 5000).encode()
    assert active.info.chrom_refget == "SQ." + sha512t24u(whole) and active.info.chrom_build == "GRCh38"
    del whole
    v = vrs_identifier(active, 136114928, "G", "A")
    assert v["demo"] is False and v["allele"]["location"]["start"] == 136114928 - 1
    assert v["sequence"] == "ga4gh:" + active.info.chrom_refget


def test_install_grch37_bgzipped_with_numeric_naming(genomes, tmp_path):
    info = install(genomes["grch37_bgzip"], "GRCh37", tmp_path)
    assert "GRCh37" in info.description
    active = get_locus(tmp_path)
    assert active.base(136114928) == "G" and active.info.chrom_build == "GRCh37"
    v = vrs_identifier(active, 136114928, "G", "A")
    assert v["allele"]["location"]["start"] == to_build(136114928, "GRCh37") - 1


def test_wrong_build_is_refused(genomes, tmp_path):
    with pytest.raises(ReferenceDataError, match="too short"):
        install(genomes["grch38"], "GRCh37", tmp_path)
    with pytest.raises(ReferenceDataError, match=r"refused: c\.1 is N"):
        install(genomes["grch37_bgzip"], "GRCh38", tmp_path)
    assert not (tmp_path / "reference").exists()


def test_disagreeing_genome_names_the_first_mismatch_and_writes_nothing(genomes, tmp_path):
    with pytest.raises(ReferenceDataError, match=r"c\.1000 is T .* but C"):
        install(genomes["bad"], "GRCh38", tmp_path)
    assert not (tmp_path / "reference").exists()
    assert get_locus(tmp_path).info.demo


def test_cli_install_show_and_fasta(genomes, tmp_path):
    bad = run_cli("reference", "install", "--fasta", str(genomes["bad"]), home=tmp_path)
    assert bad.returncode == 2 and "c.1000" in bad.stderr and bad.stderr.count("\n") == 1
    missing = run_cli("reference", "install", "--fasta", str(tmp_path / "nope.fa"), home=tmp_path)
    assert missing.returncode == 2 and "nope.fa" in missing.stderr
    run_cli("reference", "install", "--fasta", str(genomes["grch38"]), home=tmp_path, check=True)
    shown = json.loads(run_cli("reference", "show", "--json", home=tmp_path, check=True).stdout)
    assert shown["kind"] == "installed" and shown["demo"] is False
    fasta = run_cli("reference", "fasta", "--build", "GRCh37", home=tmp_path, check=True).stdout.splitlines()
    locus = get_locus(tmp_path)
    assert fasta[0] == f">chr2:{to_build(locus.start, 'GRCh37')}-{to_build(locus.end, 'GRCh37')}"
    assert "".join(fasta[1:]) == locus.sequence
    # c.1 is the A of the ATG on the minus strand
    assert revcomp(locus.fetch(136118058, 136118060)) == "ATG"
