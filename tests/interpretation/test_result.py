"""GIVEN a sample's calls and QC, WHEN interpreted, THEN the test result and its report sentences."""

import copy

import pytest

from whimscreen.interpretation.knowledge_base import load
from whimscreen.interpretation.result import interpret_analysis
from whimscreen.reference.annotate import annotate
from whimscreen.reference.parse import parse_variant

COVERED = {"fully_covered": True, "uncovered": [], "reason": None}
GAP = {"fully_covered": False, "uncovered": [[136114900, 136114950]], "reason": None}


def call(locus, text, genotype="0/1", af=0.5, filters=(), mosaic=False):
    ann = annotate(locus, parse_variant(locus, text)).to_dict()
    return ann | {"genotype": genotype, "af": af, "filters": list(filters), "mosaic": mosaic, "depth": 200}


def sample(variants, qc, demo=True):
    return {"sample": "S1", "variants": variants, "qc": qc, "reference": {"demo": demo}}


@pytest.fixture(scope="module")
def kb(locus):
    return load(locus)


def result(doc, kb):
    return interpret_analysis(doc, kb)["result"]


def test_heterozygous_lp_is_positive_with_cascade_recommendations(locus, kb):
    r = result(sample([call(locus, "c.1000C>T")], COVERED), kb)
    assert r["result"] == "Positive" and "c.1000C>T" in r["summary"] and "(heterozygous)" in r["summary"]
    text = " ".join(r["recommendations"])
    assert "50%" in text and "parents, siblings and children" in text and "germline mosaicism" in text
    assert any("DEMO REFERENCE" in n for n in r["notes"])


def test_no_variant_and_full_coverage_is_negative_with_its_limits(locus, kb):
    r = result(sample([], COVERED, demo=False), kb)
    assert r["result"] == "Negative"
    assert any(
        "does not rule out WHIM-like conditions caused by other genes" in x for x in r["recommendations"]
    )


def test_never_negative_when_the_reportable_range_is_not_covered(locus, kb):
    r = result(sample([], GAP), kb)
    assert r["result"] == "Inconclusive" and "chr2:136114900-136114950" in r["reasons"][0]
    # the uncovered bases in the terms a clinician reads: c. positions and codons
    assert "c.978_1028 (codons 326-343)" in r["reasons"][0]
    plain_vcf = dict(GAP, uncovered=[], reason="VCF input carries no per-base coverage")
    assert result(sample([], plain_vcf), kb)["reasons"] == ["VCF input carries no per-base coverage"]
    # a benign variant does not turn an uncovered sample negative either
    assert result(sample([call(locus, "c.708G>A")], GAP), kb)["result"] == "Inconclusive"


def test_pathogenic_call_is_positive_even_with_gaps(locus, kb):
    assert result(sample([call(locus, "c.1000C>T")], GAP), kb)["result"] == "Positive"


def test_vus_only_is_uncertain(locus, kb):
    r = result(sample([call(locus, "c.1001G>A")], COVERED), kb)
    assert r["result"] == "Uncertain" and "(heterozygous)" in r["summary"]


def test_filtered_pathogenic_call_is_inconclusive_not_positive(locus, kb):
    r = result(sample([call(locus, "c.1000C>T", filters=("StrandBias",))], COVERED), kb)
    assert r["result"] == "Inconclusive" and "orthogonal" in r["reasons"][0]


def _text(r: dict) -> str:
    return " ".join([r["summary"], r["interpretation"], *r["recommendations"], *r["notes"]])


def test_mosaic_pathogenic_call_is_a_mosaic_positive(locus, kb):
    # GIVEN R334X at 5% allele fraction, flagged mosaic by the caller
    doc = interpret_analysis(sample([call(locus, "c.1000C>T", af=0.05, mosaic=True)], COVERED), kb)
    r, v = doc["result"], doc["variants"][0]
    assert v["zygosity"] == "mosaic" and r["result"] == "Positive"
    assert "mosaic" in r["summary"] and "5%" in r["summary"]
    text = _text(r)
    assert "heterozygous" not in text  # no sentence calls a mosaic call heterozygous
    assert "second tissue" in text and "germline" in text
    assert "Each child of a carrier has a 50% chance" not in text  # counselling adapted


def test_homozygous_wording(locus, kb):
    r = result(sample([call(locus, "c.1000C>T", genotype="1/1", af=0.98)], COVERED), kb)
    assert r["result"] == "Positive" and "(homozygous)" in r["summary"]
    assert "The homozygous CXCR4 variant" in r["interpretation"]
    assert "heterozygous" not in r["summary"] + r["interpretation"]


def utr3(locus, offset: int) -> str:
    """A substitution at c.*offset on NM_003467.3, with the reference base read from the locus."""
    from whimscreen.reference.coords import CPos, TranscriptMapper
    from whimscreen.reference.transcripts import mane

    g = TranscriptMapper(mane()).c_to_g(CPos(offset, utr3=True))
    ref = {"A": "T", "C": "G", "G": "C", "T": "A"}[locus.base(g)]  # minus strand
    alt = "G" if ref != "G" else "A"
    return f"c.*{offset}{ref}>{alt}"


def test_calls_outside_the_reportable_range_never_decide(locus, kb):
    # GIVEN a fully covered sample whose only call lies in the 3'UTR
    doc = interpret_analysis(sample([call(locus, utr3(locus, 100))], COVERED), kb)
    assert doc["variants"][0]["in_reportable_range"] is False
    r = doc["result"]
    assert r["result"] == "Negative" and r["other_findings"]  # not Uncertain
    assert any("outside the reportable range" in n for n in r["notes"])
    # beside R334X it does not trigger the more-than-one-variant note
    both = result(sample([call(locus, "c.1000C>T"), call(locus, utr3(locus, 100))], COVERED), kb)
    assert both["result"] == "Positive" and not any("More than one" in n for n in both["notes"])


def test_more_than_one_variant_is_noted(locus, kb):
    r = result(sample([call(locus, "c.1000C>T"), call(locus, "c.1001G>A")], COVERED), kb)
    assert any("More than one" in n for n in r["notes"])


def test_disagreement_with_the_knowledge_base_needs_review_and_is_never_negative(locus, kb):
    from whimscreen.interpretation.evidence import Evidence

    # R334X with a population frequency that rules it out: computed Benign, the KB asserts Pathogenic
    doc = interpret_analysis(sample([call(locus, "c.1000C>T")], COVERED), kb, Evidence(population_af=0.002))
    v, r = doc["variants"][0], doc["result"]
    assert v["classification"]["classification"] == "Benign" and v["classification"]["review_required"]
    assert r["result"] == "Inconclusive" and r["review_required"]  # never an automatic Negative
    assert "review" in r["reasons"][0] and "WHIM001 asserts Pathogenic" in r["review_reasons"][0]


def test_a_directors_decision_sets_the_class_the_result_uses(locus, kb):
    from whimscreen.interpretation.evidence import Evidence
    from whimscreen.interpretation.result import variant_key

    doc = sample([call(locus, "c.1000C>T")], COVERED)
    key = variant_key(doc["variants"][0])
    decision = {
        "classification": "Pathogenic",
        "reason": "frequency is from a Waldenström cohort",
        "by": "Dr D",
    }
    out = interpret_analysis(doc, kb, Evidence(population_af=0.002), decisions={key: decision})
    v, r = out["variants"][0], out["result"]
    assert v["classification"]["classification"] == "Benign"  # the computed class is kept
    assert v["reported_classification"] == "Pathogenic" and r["result"] == "Positive"
    assert not r["review_required"] and "Waldenström cohort" in r["interpretation"]


def test_interpretation_does_not_mutate_its_input(locus, kb):
    doc = sample([call(locus, "c.1000C>T")], COVERED)
    before = copy.deepcopy(doc)
    out = interpret_analysis(doc, kb)
    assert doc == before and out["variants"][0]["classification"]["classification"] == "Likely pathogenic"


def test_report_states_the_basis_and_the_asserted_class(locus, kb):
    curated = result(sample([call(locus, "c.1000C>T")], COVERED), kb)["interpretation"]
    assert (
        "CXCR4 rules, 7 points: PM4 (moderate), PM1 (moderate), PS4 (moderate), PS3 (supporting)" in curated
    )
    assert "the knowledge base (WHIM001) asserts Pathogenic" in curated
    from whimscreen.interpretation.evidence import Evidence

    doc = interpret_analysis(
        sample([call(locus, "c.1018_1019del")], COVERED), kb, Evidence(phenotype=("myelokathexis",))
    )
    by_rules = doc["result"]["interpretation"]
    assert (
        "asserts" not in by_rules and "6 points: PM4 (moderate), PM1 (moderate), PP4 (moderate)" in by_rules
    )
