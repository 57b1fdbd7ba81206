"""A relative's known familial variant test reads as a targeted test: its own name, the family's variant as
the assessed range, the wording that a negative rules out that variant only, other findings counted but not
shown, and exports that carry Detected / Not detected as the findings they are."""

from __future__ import annotations

import json

import pytest

from tests.reporting.conftest import pdf_pages
from whimscreen.interpretation.familial import interpret_familial
from whimscreen.interpretation.knowledge_base import load
from whimscreen.reference.annotate import annotate
from whimscreen.reference.parse import parse_variant
from whimscreen.reporting.document import build_document
from whimscreen.reporting.fhir import fhir_bundle
from whimscreen.reporting.pdf import render_pdf
from whimscreen.reporting.phenopacket import phenopacket

R334X = "NM_003467.3:c.1000C>T"
OTHER = "NM_003467.3:c.700A>G"


def _familial(analysis: dict, locus, variant=R334X) -> dict:
    familial = annotate(locus, parse_variant(locus, variant)).to_dict()
    return interpret_familial(analysis, familial, load(locus))


@pytest.mark.parametrize(
    ("source", "variant", "category"),
    [
        ("Positive", R334X, "Detected"),
        ("Negative", R334X, "Not detected"),
        ("Inconclusive", R334X, "Inconclusive"),
    ],
)
def test_relative_reports(analyses, locus, tmp_path, source, variant, category):
    doc = build_document(_familial(analyses[source], locus, variant), locus=locus)
    assert doc["result"]["category"] == category
    text = " ".join(pdf_pages(render_pdf(doc), tmp_path))
    assert "CXCR4 known familial variant test" in text
    assert "Assessed: only the variant known in the family, NM_003467.3:c.1000C>T" in text
    assert "This targeted test examines only the variant known in the family" in text
    assert "Reportable range" not in text
    if category == "Not detected":
        assert "rules out the familial variant only" in text and "was not found in this sample" in text
    if category == "Detected":
        assert "c.1000C>T" in text.replace(" ", "") and "50% chance" in text
    bundle = json.dumps(fhir_bundle(doc))
    answer = {"Detected": "LA6576-8", "Not detected": "LA6577-6", "Inconclusive": "LA9663-1"}[category]
    assert answer in bundle
    assert phenopacket(doc)["subject"]["id"] == doc["subject"]["sample_id"]


def test_other_findings_of_a_targeted_test_are_counted_not_shown(analyses, locus, tmp_path):
    """A relative whose sample carries another variant: the report names only the family's variant."""
    doc = build_document(_familial(analyses["Uncertain"], locus, R334X), locus=locus)
    assert doc["variants"] == [] and doc["result"]["category"] == "Not detected"
    text = " ".join(pdf_pages(render_pdf(doc), tmp_path))
    assert "1 other finding(s) of this analysis are not reported" in text
    assert "c.700A>G" not in text.replace(" ", "")
