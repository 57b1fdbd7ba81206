"""HGVS naming rules, one case per rule (and per pitfall peers' users reported)."""

import pytest

from whimscreen.errors import (
    OutOfLocusError,
    ReferenceMismatchError,
    UnsupportedTranscriptError,
    VariantSyntaxError,
)
from whimscreen.reference.annotate import annotate
from whimscreen.reference.parse import parse_variant


def names(locus, text):
    a = annotate(locus, parse_variant(locus, text))
    return a.hgvs_c.split(":")[1], a.hgvs_p, a.consequence


@pytest.mark.parametrize(
    "text, c, p, consequence",
    [
        ("c.1000C>T", "c.1000C>T", "p.(Arg334*)", "stop_gained"),
        ("c.1027G>A", "c.1027G>A", "p.(Glu343Lys)", "missense_variant"),
        ("c.708G>A", "c.708G>A", "p.(Lys236=)", "synonymous_variant"),
        ("c.1A>G", "c.1A>G", "p.(Met1?)", "start_lost"),
        ("c.1059A>G", "c.1059A>G", "p.(*353=)", "stop_retained_variant"),
        # the published S339fs342X: the new stop is the 4th residue counting Cys339 as 1
        ("c.1016_1017del", "c.1016_1017del", "p.(Ser339Cysfs*4)", "frameshift_variant"),
        # 3' rule in transcript orientation: c.1015_1016del is the same change, named at 1016_1017
        ("c.1015_1016del", "c.1016_1017del", "p.(Ser339Cysfs*4)", "frameshift_variant"),
        # in-frame: deletion, duplication (an insertion repeating the preceding bases), protein 3' rule
        ("c.1000_1002del", "c.1000_1002del", "p.(Arg334del)", "inframe_deletion"),
        ("c.1000_1002dup", "c.1000_1002dup", "p.(Arg334dup)", "inframe_insertion"),
        ("c.1002_1003insCGA", "c.1000_1002dup", "p.(Arg334dup)", "inframe_insertion"),
        ("c.1054_1056dup", "c.1054_1056dup", "p.(Ser352dup)", "inframe_insertion"),
        ("c.1000_1001insTAG", "c.1000_1001insTAG", "p.(Arg334delinsLeuGly)", "inframe_insertion"),
        ("c.1000_1001delinsTA", "c.1000_1001delinsTA", "p.(Arg334*)", "stop_gained"),
        # a frameshift whose first changed codon is a stop is a nonsense change
        ("c.1000_1005delinsAAATAG", "c.1000_1005delinsAAATAG", "p.(Arg334_Gly335delinsLys*)", "stop_gained"),
        # deletions running through the stop codon (hgvs #607, #774): extension / frameshift, not in-frame del
        ("c.1057_1059del", "c.1057_1059del", None, "stop_lost"),
        ("c.1055_*1del", "c.1055_*1del", None, "stop_lost"),
        ("c.15+1G>A", "c.15+1G>A", "p.?", "splice_donor_variant"),
        ("c.16-2A>G", "c.16-2A>G", "p.?", "splice_acceptor_variant"),
        ("c.14_15+2del", "c.14_15+2del", "p.?", "splice_donor_variant"),
        ("c.15+5del", "c.15+5del", None, "splice_region_variant"),
    ],
)
def test_naming_rules(locus, text, c, p, consequence):
    got_c, got_p, got_consequence = names(locus, text)
    assert got_c == c
    if p is not None:
        assert got_p == p
    assert got_consequence == consequence


def test_stop_loss_is_an_extension_whose_new_stop_is_counted(locus):
    _, p, _ = names(locus, "c.1057T>C")
    assert p.startswith("p.(*353Glnext*")
    # the count is where the next in-frame stop lies in the (demo) 3'UTR: check it directly
    from whimscreen.reference.coords import TranscriptMapper
    from whimscreen.reference.protein import spliced
    from whimscreen.reference.sequence import translate
    from whimscreen.reference.transcripts import mane

    m = TranscriptMapper(mane())
    tx, _ = spliced(locus, m)
    after = translate(tx[m.five_prime_utr_length + 1059 :])
    assert p == f"p.(*353Glnext*{after.index('*') + 2})"


def test_minus_strand_duplication_is_placed_3prime_in_the_transcript(locus):
    """biocommons hgvs #749: a dup on the minus strand must sit at the transcript-3' end of the repeat."""
    # find a homopolymer run of length >= 3 in the coding sequence, duplicate its first base
    from whimscreen.reference import sources

    cds = sources.candidate_cds()
    i = next(
        k
        for k in range(len(cds) - 3)
        if cds[k] == cds[k + 1] == cds[k + 2] and (k == 0 or cds[k - 1] != cds[k])
    )
    run_end = i
    while cds[run_end + 1] == cds[i]:
        run_end += 1
    c, _, _ = names(locus, f"c.{i + 1}dup")
    assert c == f"c.{run_end + 1}dup"
    v = parse_variant(locus, f"c.{i + 1}dup")
    assert annotate(locus, v).hgvs_g.endswith("dup")  # g. is shifted the other way, to the plus-strand 3' end


def test_alt_transcript_and_builds(locus):
    a = annotate(locus, parse_variant(locus, "c.1000C>T")).to_dict()
    assert a["hgvs_c_alt"] == "NM_001008540.2:c.1012C>T"
    assert a["grch38"] == {
        "chrom": "chr2",
        "pos": 136114928,
        "ref": "G",
        "alt": "A",
        "hgvs_g": "NC_000002.12:g.136114928G>A",
    }
    assert a["grch37"]["pos"] == 136872498 and a["exon"] == "2/2" and a["protein_position"] == 334
    assert parse_variant(locus, "NM_001008540.2:c.1012C>T") == parse_variant(
        locus, "2-136872498-G-A", "GRCh37"
    )


@pytest.mark.parametrize(
    "text, error",
    [
        ("c.1000G>T", ReferenceMismatchError),
        ("chr2:136114928:T:A", ReferenceMismatchError),
        ("NM_000546.6:c.215C>G", UnsupportedTranscriptError),
        ("NC_000017.11:g.7676154G>C", UnsupportedTranscriptError),
        ("c.1000C>", VariantSyntaxError),
        ("not a variant", VariantSyntaxError),
        ("chr2:100:A:G", OutOfLocusError),
        ("c.5000C>T", Exception),
        ("c.1060A>G", Exception),
        ("c.100+5A>G", Exception),
    ],
)
def test_invalid_expressions_raise_clear_errors(locus, text, error):
    from whimscreen.errors import VariantError

    with pytest.raises(error) as info:
        parse_variant(locus, text)
    assert isinstance(info.value, VariantError)
    assert text.split(":")[-1][:4] in str(info.value) or text in str(info.value)
