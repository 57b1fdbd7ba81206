"""GA4GH VRS identifiers: one id per variant however it is written, distinct ids for distinct variants,
demo ids flagged, no id without a chromosome digest, and the chromosome digest streamed at install."""

import re

import pysam
import pytest
from ga4gh.core import sha512t24u

from whimscreen.errors import OutOfLocusError, ReferenceMismatchError, VariantError
from whimscreen.reference import install as install_mod
from whimscreen.reference.demo import demo_locus
from whimscreen.reference.locus import Locus, ReferenceInfo
from whimscreen.reference.vrs import DEMO_NOTE, refget_accession, vrs_identifier


@pytest.fixture(scope="module")
def locus():
    return demo_locus()


def _run(locus, after=3000):
    """(GRCh38 position of the first base, run) of a homopolymer of 5+ bases inside the locus."""
    m = re.compile(r"(A{5,}|C{5,}|G{5,}|T{5,})").search(locus.sequence, after)
    return locus.start + m.start(), m.group(0)


def test_deletion_in_a_run_has_one_id_whether_anchored_left_or_right(locus):
    pos, run = _run(locus)
    before = locus.base(pos - 1)
    left = vrs_identifier(locus, pos - 1, before + run[0], before)  # VCF style, anchored before the run
    right = vrs_identifier(locus, pos + len(run) - 2, run[-2:], run[-1])  # the run's last base deleted
    bare = vrs_identifier(locus, pos + 2, run[2], "")  # an unanchored deletion in the middle
    assert left["id"] == right["id"] == bare["id"]
    assert left["id"].startswith("ga4gh:VA.")
    # fully justified: the whole run, the state one base shorter
    loc = left["allele"]["location"]
    assert (loc["start"], loc["end"]) == (pos - locus.start, pos - locus.start + len(run))
    assert left["allele"]["state"]["length"] == len(run) - 1


def test_duplication_written_two_ways_and_shared_flank_trimmed(locus):
    pos, run = _run(locus)
    before = locus.base(pos - 1)
    ins_left = vrs_identifier(locus, pos - 1, before, before + run[0])
    ins_right = vrs_identifier(locus, pos + len(run) - 1, run[-1], run[-1] + run[-1])
    assert ins_left["id"] == ins_right["id"]
    # a substitution written with an extra shared base is the same allele
    ref2 = locus.fetch(136114928, 136114929)
    assert (
        vrs_identifier(locus, 136114928, ref2, "A" + ref2[1])["id"]
        == vrs_identifier(locus, 136114928, "G", "A")["id"]
    )


def test_different_variants_have_different_ids(locus):
    pos, run = _run(locus)
    before = locus.base(pos - 1)
    ids = {
        vrs_identifier(locus, 136114928, "G", "A")["id"],
        vrs_identifier(locus, 136114928, "G", "T")["id"],
        vrs_identifier(locus, 136114929, locus.base(136114929), "A" if locus.base(136114929) != "A" else "C")[
            "id"
        ],
        vrs_identifier(locus, pos - 1, before + run[0], before)["id"],
        vrs_identifier(locus, pos - 1, before + run[:2], before)["id"],
    }
    assert len(ids) == 5


def test_demo_ids_say_they_are_demo(locus):
    v = vrs_identifier(locus, 136114928, "G", "A")
    assert v["demo"] is True and v["note"] == DEMO_NOTE
    # placed on the demo locus sequence itself, counted from its first base
    assert v["sequence"] == "ga4gh:" + refget_accession(locus.sequence)
    assert v["allele"]["location"]["start"] == 136114928 - locus.start


def test_reference_mismatch_and_locus_edge_are_refused(locus):
    with pytest.raises(ReferenceMismatchError, match="136114928"):
        vrs_identifier(locus, 136114928, "C", "A")
    with pytest.raises(VariantError, match="is not a variant"):
        vrs_identifier(locus, 136114928, "G", "g")
    info = ReferenceInfo(
        kind="installed",
        description="lab genome",
        sha256="x",
        chrom_refget="SQ." + sha512t24u(b"a chromosome"),
        chrom_build="GRCh38",
        chrom_length=10_000,
    )
    tiny = Locus("chr2", 1000, "AAAAACGT", info)
    with pytest.raises(OutOfLocusError, match="outside the CXCR4 locus"):
        vrs_identifier(tiny, 1001, "AA", "A")  # the run reaches the locus's first base: bases before unknown
    assert vrs_identifier(tiny, 1005, "CG", "C")["id"]  # away from the edge it normalizes


def test_installed_reference_without_chromosome_digest_gives_no_id(locus):
    info = ReferenceInfo(kind="installed", description="old install", sha256="x")
    v = vrs_identifier(Locus("chr2", locus.start, locus.sequence, info), 136114928, "G", "A")
    assert v["id"] is None and v["demo"] is False and "reinstall" in v["note"]


def test_installed_reference_places_alleles_on_the_chromosome(locus):
    info = ReferenceInfo(
        kind="installed",
        description="lab genome",
        sha256="x",
        chrom_refget="SQ." + sha512t24u(b"a chromosome"),
        chrom_build="GRCh37",
        chrom_length=243_199_373,
    )
    v = vrs_identifier(Locus("chr2", locus.start, locus.sequence, info), 136114928, "G", "A")
    assert v["demo"] is False and "GRCh37" in v["note"]
    assert v["sequence"] == "ga4gh:" + info.chrom_refget
    assert v["allele"]["location"]["start"] == locus.to_build(136114928, "GRCh37") - 1
    assert v["id"] != vrs_identifier(locus, 136114928, "G", "A")["id"]


def test_chromosome_digest_is_streamed_and_equals_refget(tmp_path, monkeypatch):
    seq = "acgtNNNNacgtTTGA" * 50 + "ACG"
    fa = tmp_path / "g.fa"
    fa.write_text(">chr2\n" + "\n".join(seq[i : i + 60] for i in range(0, len(seq), 60)) + "\n")
    monkeypatch.setattr(install_mod, "DIGEST_CHUNK", 7)
    got = install_mod._chrom_digest(pysam.FastaFile(str(fa)), "chr2", len(seq))
    assert got == "SQ." + sha512t24u(seq.upper().encode()) == refget_accession(seq)
