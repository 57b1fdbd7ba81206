"""The locus and transcript facts, pinned on the verified data (minus strand, both builds)."""

from whimscreen.reference import sources
from whimscreen.reference.coords import CPos, TranscriptMapper, to_build
from whimscreen.reference.demo import extract_cds
from whimscreen.reference.install import verify
from whimscreen.reference.sequence import revcomp, translate
from whimscreen.reference.transcripts import ALT, MANE, transcripts


def test_cds_translates_to_p61073():
    assert translate(sources.candidate_cds()) == sources.protein() + "*"
    assert len(sources.candidate_cds()) == 1059


def test_demo_locus_carries_the_verified_cds_and_anchors(locus):
    assert extract_cds(locus) == sources.candidate_cds()
    assert len(verify(locus, "GRCh38")) == 4 and len(verify(locus, "GRCh37")) == 4
    assert locus.info.demo and "NOT FOR CLINICAL USE" in locus.info.stamp()["warning"]


def test_minus_strand_anchors(locus):
    m = TranscriptMapper(transcripts()[MANE])
    assert m.c_to_g(CPos(1)) == 136118060  # start codon c.1-3 = 136118058-136118060
    assert m.c_to_g(CPos(1000)) == 136114928  # ClinVar 14020
    assert m.c_to_g(CPos(1059)) == 136114869  # stop codon c.1057-1059 = 136114869-136114871
    assert str(m.g_to_c(136114868)) == "*1" and str(m.g_to_c(136118061)) == "-1"
    assert revcomp(locus.fetch(136118058, 136118060)) == "ATG"
    assert revcomp(locus.fetch(136114869, 136114871)) in {"TAA", "TAG", "TGA"}
    assert locus.base(136114928) == "G"  # c.1000C on the minus strand
    assert to_build(136114928, "GRCh37") == 136872498


def test_exon_intron_boundaries_and_middle_of_intron():
    m = TranscriptMapper(transcripts()[MANE])
    assert str(m.g_to_c(136118046)) == "15" and str(m.g_to_c(136118045)) == "15+1"
    assert str(m.g_to_c(136115913)) == "16-1" and str(m.g_to_c(136115912)) == "16"
    # 2133-nt intron: the middle base (1067th) takes "+"
    assert str(m.g_to_c(136118045 - 1066)) == "15+1067"
    assert str(m.g_to_c(136118045 - 1067)) == "16-1066"
    assert m.region(136117000) == ("intron", 1) and m.region(136120000) == ("upstream", 0)


def test_alternative_transcript_offset():
    a = TranscriptMapper(transcripts()[ALT])
    m = TranscriptMapper(transcripts()[MANE])
    for c in (16, 100, 1000, 1059):  # SOURCES.md: c.N(a) = c.(N-12)(b) for N >= 28
        assert a.g_to_c(m.c_to_g(CPos(c))) == CPos(c + 12)


def test_every_locus_position_round_trips_through_c(locus):
    for tx in transcripts().values():
        m = TranscriptMapper(tx)
        for g in range(locus.start, locus.end + 1):
            assert m.c_to_g(m.g_to_c(g)) == g
