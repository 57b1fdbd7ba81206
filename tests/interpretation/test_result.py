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
    r = result(sample([call(locus, "c.1016_1017del")], COVERED), kb)
    assert r["result"] == "Positive" and "c.1016_1017del" in r["summary"]
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
    plain_vcf = dict(GAP, uncovered=[], reason="VCF input carries no per-base coverage")
    assert result(sample([], plain_vcf), kb)["reasons"] == ["VCF input carries no per-base coverage"]
    # a benign variant does not turn an uncovered sample negative either
    assert result(sample([call(locus, "c.708G>A")], GAP), kb)["result"] == "Inconclusive"


def test_pathogenic_call_is_positive_even_with_gaps(locus, kb):
    assert result(sample([call(locus, "c.1000C>T")], GAP), kb)["result"] == "Positive"


def test_vus_only_is_uncertain(locus, kb):
    r = result(sample([call(locus, "c.1001G>A")], COVERED), kb)
    assert r["result"] == "Uncertain"


def test_filtered_pathogenic_call_is_inconclusive_not_positive(locus, kb):
    r = result(sample([call(locus, "c.1000C>T", filters=("StrandBias",))], COVERED), kb)
    assert r["result"] == "Inconclusive" and "orthogonal" in r["reasons"][0]


@pytest.mark.parametrize(
    "kw, note", [({"genotype": "1/1", "af": 0.98}, "homozygous"), ({"af": 0.12, "mosaic": True}, "mosaicism")]
)
def test_special_cases_are_noted(locus, kb, kw, note):
    r = result(sample([call(locus, "c.1000C>T", **kw)], COVERED), kb)
    assert r["result"] == "Positive" and any(note in n for n in r["notes"])


def test_more_than_one_variant_is_noted(locus, kb):
    r = result(sample([call(locus, "c.1000C>T"), call(locus, "c.1001G>A")], COVERED), kb)
    assert any("More than one" in n for n in r["notes"])


def test_interpretation_does_not_mutate_its_input(locus, kb):
    doc = sample([call(locus, "c.1000C>T")], COVERED)
    before = copy.deepcopy(doc)
    out = interpret_analysis(doc, kb)
    assert doc == before and out["variants"][0]["classification"]["classification"] == "Pathogenic"


def test_report_states_the_basis_of_a_curated_class(locus, kb):
    curated = result(sample([call(locus, "c.1000C>T")], COVERED), kb)["interpretation"]
    assert "as curated in the knowledge base WHIM001" in curated and "CXCR4 rules: " in curated
    by_rules = result(sample([call(locus, "c.1018_1019del")], COVERED), kb)["interpretation"]
    assert "curated" not in by_rules and "6 points: PM1 (strong), PM4 (moderate)" in by_rules
