"""Generated CXCR4 amplicon traces: every het SNV / het indel up to 20 bp found and named right."""

import json

import pytest

from whimscreen.calling.sanger import analyze_traces
from whimscreen.reference.annotate import annotate
from whimscreen.reference.variant import normalize
from whimscreen.sequencing.simulate_amplicons import AMPLICONS, write_sample

from .conftest import deletion, insertion, snv

EX2B = {"ex2b": AMPLICONS["ex2b"]}
INSERTS = "TGACCATGAGTCGATTCAGG"


def _run(locus, tmp_path, variants, amplicons=None, seed=0):
    paths = write_sample(locus, tmp_path / "in", variants, seed=seed, amplicons=amplicons)
    analysis = analyze_traces(paths, sample="S", out_dir=tmp_path / "out", locus=locus)
    doc = json.loads((tmp_path / "out" / "S.json").read_text())
    return analysis, doc


def _expected(locus, v):
    return annotate(locus, normalize(locus, v)).to_dict()["hgvs_c"]


@pytest.mark.parametrize("size", [1, 2, 3, 4, 7, 10, 13, 17, 20])
def test_het_deletion_found_and_named(locus, tmp_path, size):
    v = deletion(locus, 136115420 + size, size)
    _, doc = _run(locus, tmp_path, [(v, "het")], EX2B, seed=size)
    assert [(x["hgvs_c"], x["genotype"], x["filters"]) for x in doc["variants"]] == [
        (_expected(locus, v), "0/1", [])
    ]
    assert doc["variants"][0]["evidence"]["both_strands"]


@pytest.mark.parametrize("size", [1, 2, 5, 9, 14, 20])
def test_het_insertion_found_and_named(locus, tmp_path, size):
    v = insertion(locus, 136115450 - size, INSERTS[:size])
    _, doc = _run(locus, tmp_path, [(v, "het")], EX2B, seed=100 + size)
    assert [(x["hgvs_c"], x["genotype"], x["filters"]) for x in doc["variants"]] == [
        (_expected(locus, v), "0/1", [])
    ]


def test_het_and_hom_snvs_over_the_whole_range(locus, tmp_path):
    het = [snv(locus, p) for p in (136114900, 136115111, 136115333, 136115690, 136115905, 136118050)]
    hom = snv(locus, 136115555)
    analysis, doc = _run(locus, tmp_path, [(v, "het") for v in het] + [(hom, "hom")], seed=7)
    got = {x["hgvs_c"]: (x["genotype"], x["filters"]) for x in doc["variants"]}
    want = {_expected(locus, v): ("0/1", []) for v in het} | {_expected(locus, hom): ("1/1", [])}
    assert got == want
    assert doc["qc"]["fully_covered"]
    assert all(0.3 < c.af < 0.7 for c in analysis.calls if c.genotype == "0/1")


@pytest.mark.parametrize("seed", [11, 12])
def test_wild_type_has_no_calls_and_full_coverage(locus, tmp_path, seed):
    analysis, doc = _run(locus, tmp_path, [], seed=seed)
    assert doc["variants"] == []
    assert doc["qc"]["fully_covered"] and doc["qc"]["uncovered"] == []
    assert doc["input_kind"] == "ab1"


def test_missing_amplicon_leaves_range_uncovered(locus, tmp_path):
    amplicons = {k: v for k, v in AMPLICONS.items() if k != "ex2b"}
    analysis, doc = _run(locus, tmp_path, [], amplicons, seed=3)
    assert not doc["qc"]["fully_covered"]
    gaps = doc["qc"]["uncovered"]
    assert gaps and all(AMPLICONS["ex2b"][0] <= g["start"] <= g["end"] <= AMPLICONS["ex2b"][1] for g in gaps)


def test_variant_on_one_strand_only_is_flagged(locus, tmp_path):
    v = snv(locus, 136115333)
    forward = write_sample(locus, tmp_path / "in", [(v, "het")], seed=5, amplicons=EX2B, strands="+")
    reverse = write_sample(locus, tmp_path / "in", [], seed=5, amplicons=EX2B, strands="-")
    analysis = analyze_traces(forward + reverse, sample="S", out_dir=None, locus=locus)
    assert [(c.pos, c.alt, c.filters) for c in analysis.calls] == [(v.pos, v.alt, ("SingleStrand",))]


def test_indel_and_snv_in_one_sample_with_images(locus, tmp_path):
    from whimscreen.reporting.chromatogram import render

    vs = [
        (deletion(locus, 136115400, 5), "het"),
        (snv(locus, 136114950), "het"),
    ]
    paths = write_sample(locus, tmp_path / "in", vs, seed=9)
    analyze_traces(paths, sample="S", out_dir=tmp_path / "out", locus=locus, render=render)
    doc = json.loads((tmp_path / "out" / "S.json").read_text())
    assert sorted(x["hgvs_c"] for x in doc["variants"]) == sorted(_expected(locus, v) for v, _ in vs)
    for n, x in enumerate(doc["variants"], 1):
        assert x["images"] == [f"S.{n}.png", f"S.{n}.svg"]
        assert (tmp_path / "out" / f"S.{n}.png").read_bytes()[:4] == b"\x89PNG"
        assert "<svg" in (tmp_path / "out" / f"S.{n}.svg").read_text()


def test_insertion_gattaca_at_136115800(locus, tmp_path):
    v = insertion(locus, 136115800, "GATTACA")
    _, doc = _run(locus, tmp_path, [(v, "het"), (snv(locus, 136114950), "het")], seed=9)
    want = sorted([_expected(locus, v), _expected(locus, snv(locus, 136114950))])
    assert sorted(x["hgvs_c"] for x in doc["variants"]) == want


def test_rival_indels_seen_on_one_strand_are_never_pass():
    """Two different indels within 10 bp are rival readings of one mixed trace: one seen on a single strand
    is filtered, one seen on both strands is kept."""
    from dataclasses import replace

    from whimscreen.calling.model import VariantCall
    from whimscreen.calling.sanger.sample import _flag_conflicting_indels

    def call(pos, alt, both):
        return VariantCall("chr2", pos, "A", alt, "0/1", 50, 2, 1, 1, 0.5, (), False, {"both_strands": both})

    right, wrong, snv = call(100, "ATT", True), call(104, "AGTT", False), call(103, "C", False)
    out = {c.alt: c for c, _ in _flag_conflicting_indels([(right, ()), (wrong, ()), (snv, ())])}
    assert out["ATT"].passed and out["C"].passed
    assert out["AGTT"].filters == ("ConflictingIndels",)
    lone = _flag_conflicting_indels([(call(100, "ATT", False), ())])
    assert lone[0][0].passed  # no rival: single-strand evidence is judged by SingleStrand alone
    filtered_rival = replace(call(104, "AGTT", False), filters=("SingleStrand",))
    kept = _flag_conflicting_indels([(call(100, "ATT", False), ()), (filtered_rival, ())])
    assert kept[0][0].passed  # a rival that is already filtered does not conflict


def test_strands_reading_an_insertion_differently_are_reconciled(locus, tmp_path):
    # sample 34 of the bench: the forward read decomposes c.953_954insGGACC one base off and the reverse
    # read with a wrong inserted base; scored together on both reads, the true allele explains them best
    v = insertion(locus, 136114974, "GGTCC")
    ex2 = {k: a for k, a in AMPLICONS.items() if k.startswith("ex2")}
    _, doc = _run(locus, tmp_path, [(v, "het")], ex2, seed=2034)
    [call] = doc["variants"]
    assert (call["hgvs_c"], call["filters"]) == (_expected(locus, v), [])
    assert call["evidence"]["both_strands"]
