"""Every report element is on the printed report, for each result type (PDF text extracted), the identifiers
on every page, the status banners of drafts and later versions, and one-line errors for what is missing."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pytest

from tests.reporting.conftest import pdf_pages
from whimscreen.errors import ReportError
from whimscreen.reporting.document import build_document
from whimscreen.reporting.pdf import render_pdf

LAB = {
    "name": "Example Molecular Genetics Laboratory",
    "address": "12 Example Road, Springfield",
    "clia": "12D3456789",
    "cap": "7654321",
    "directors": ["Ada Director, MD, PhD, FACMG"],
    "sponsor_disclosure": "This test is sponsored and free to the patient.",
    "footer": "Confidential medical information",
}
MRN = "MRN-" + "7" * 60  # a long record number must wrap, not run off the page
SUBJECT = {
    "sample_id": "WS26-000042",
    "accession": "WS26-000042",
    "name": "Maria Testpatient",
    "birth_date": "2014-05-06",
    "sex": "female",
    "record_number": MRN,
}
ISSUED = datetime(2026, 11, 30, 15, 4, tzinfo=UTC)


def _document(analysis: dict, **extra) -> dict:
    analysis = analysis | {"result": analysis["result"] | {"phenotype": ["myelokathexis", "warts"]}}
    return build_document(
        analysis,
        status=extra.pop("status", "FINAL"),
        issued=extra.pop("issued", ISSUED),
        lab=LAB,
        subject=SUBJECT,
        physician={"name": "Dr. Orla Ordering", "institution": "Example Children's Hospital"},
        specimen={"type": "peripheral blood (EDTA)", "collected": "2026-11-20", "received": "2026-11-22"},
        excluded_features=("recurrent-infections",),
        signatures=[
            {"role": "Analysis", "name": "Tom Tech", "credentials": None, "at": "2026-11-29 10:00 UTC"},
            {
                "role": "Laboratory director",
                "name": "Ada Director",
                "credentials": "MD, PhD, FACMG",
                "at": "2026-11-30 15:04 UTC",
            },
        ],  # fmt: skip
        **extra,
    )


@pytest.mark.parametrize("category", ["Positive", "Uncertain", "Negative", "Inconclusive"])
def test_every_element_is_printed_for_each_result_type(analyses, category, tmp_path):
    doc = _document(analyses[category])
    pages = pdf_pages(render_pdf(doc), tmp_path)
    text = " ".join(pages)
    for n, page in enumerate(pages, 1):  # two identifiers and page x of y on every page
        assert "Maria Testpatient" in page and "born 2014-05-06" in page and "WS26-000042" in page
        assert f"Page {n} of {len(pages)}" in page
    first = pages[0]
    for element in (
        LAB["name"],
        "12 Example Road",
        "CLIA 12D3456789",
        "CAP 7654321",
        "Ada Director, MD, PhD",
    ):
        assert element in first
    assert "Collected 2026-11-20" in first and "Received 2026-11-22" in first and "2026-11-30 15:04" in first
    assert "Dr. Orla Ordering" in first and "peripheral blood (EDTA)" in first
    assert MRN in first.replace(" ", "")  # wrapped inside its cell, printed whole
    assert "Suspected WHIM syndrome" in text
    assert "Myelokathexis (HP:0031160)" in text and "Verrucae (HP:0200043)" in text
    assert "Recurrent infections (HP:0002719) — excluded" in text
    assert analyses[category]["result"]["summary"][:40] in text
    assert "Reportable range" in text and "c.1_15+10, c.16-27_1059" in text
    assert "Limitations" in text and "single-gene test" in text
    assert "Sponsor disclosure" in text and "free to the patient" in text
    assert "knowledge base 2026.12" in text and "whimscreen 0.1.0" in text
    assert "Signatures" in text and "Tom Tech" in text and "Ada Director, MD, PhD, FACMG" in text
    assert "status FINAL" in text and "DRAFT" not in text
    if category in ("Positive", "Uncertain"):
        v = analyses[category]["variants"][0]
        packed = text.replace(" ", "")  # table cells wrap long names
        assert v["hgvs_c"] in packed and v["hgvs_p"] in packed and v["hgvs_g"] in packed
        assert "heterozygous" in text
        assert v["classification"]["classification"] in text
    else:
        assert "No variant was detected in the reportable range" in text


def test_positive_evidence_has_a_sentence_per_criterion_with_numbered_references(analyses, tmp_path):
    analysis = analyses["Positive"]
    doc = _document(analysis)
    [v] = doc["variants"]
    codes = [c["code"] for c in analysis["variants"][0]["classification"]["criteria"]]
    assert [c["code"] for c in v["criteria"]] == codes and codes
    text = " ".join(pdf_pages(render_pdf(doc), tmp_path))
    for c in v["criteria"]:
        assert c["refs"], c
        assert re.search(rf"{c['code']} \(\w+, \+\d points?\): .+\[{c['refs'][0]}", text), c["code"]
    pmids = {r["pmid"] for r in doc["references"] if r["pmid"]}
    assert "25741868" in pmids and "21890643" in pmids  # the ACMG paper and the KB's case report
    numbers = [r["n"] for r in doc["references"]]
    assert numbers == list(range(1, len(numbers) + 1))
    assert "References" in text and "Richards et al. 2015 (PMID 25741868)" in text


def test_inconclusive_lists_the_uncovered_bases_in_c_terms(analyses, tmp_path):
    doc = _document(analyses["Inconclusive"])
    assert doc["range"]["uncovered_c"] == ["c.1_15+10", "c.16-27_1059"]
    text = " ".join(pdf_pages(render_pdf(doc), tmp_path))
    assert "Not covered at the quality minimum (1096 bases)" in text
    assert "NOT fully covered" in text


def test_negative_states_the_measured_detection_limit(analyses, tmp_path):
    text = " ".join(pdf_pages(render_pdf(_document(analyses["Negative"])), tmp_path))
    assert "60x" in text and "simulated cases" in text


def test_an_amended_version_says_what_it_replaces_and_why_on_page_one(analyses, tmp_path):
    replaces = {"version": 1, "issued": ISSUED.isoformat(), "issued_text": "2026-11-30 15:04 UTC",
                "reason": "Knowledge base 2026.12.3 reclassified the variant"}  # fmt: skip
    doc = _document(analyses["Positive"], status="AMENDED", version=2, replaces=replaces)
    pages = pdf_pages(render_pdf(doc), tmp_path)
    assert "AMENDED — replaces version 1 of 2026-11-30 15:04 UTC" in pages[0]
    assert "Reason: Knowledge base 2026.12.3 reclassified the variant" in pages[0]
    assert all("AMENDED v2" in p for p in pages)
    with pytest.raises(ReportError, match="reason"):
        _document(analyses["Positive"], status="CORRECTED", version=2, replaces={"version": 1})


def test_a_draft_is_marked_unsigned_and_has_no_signature(analyses, tmp_path):
    doc = build_document(analyses["Positive"])  # no patient details: the sample id only
    pages = pdf_pages(render_pdf(doc), tmp_path)
    assert "DRAFT — NOT SIGNED" in pages[0] and "Laboratory not identified" in pages[0]
    assert all("Sample POS1" in p and "DRAFT v1" in p for p in pages)
    assert "Electronically signed" not in " ".join(pages)


def test_missing_pieces_are_one_line_errors(analyses):
    with pytest.raises(ReportError, match="no result category"):
        build_document(analyses["Positive"] | {"result": {}})
    with pytest.raises(ReportError, match="has no sample"):
        build_document({k: v for k, v in analyses["Positive"].items() if k != "sample"})
    with pytest.raises(ReportError, match="date of issue"):
        build_document(analyses["Positive"], status="FINAL")
    with pytest.raises(ReportError, match="unknown report status"):
        build_document(analyses["Positive"], status="PRELIMINARY")


@pytest.mark.parametrize("category", ["Positive", "Uncertain", "Negative", "Inconclusive"])
def test_the_built_document_exports_to_fhir_and_phenopacket(analyses, category, locus):
    """The builder's documents (not only hand-made ones) are what the exports accept."""
    from whimscreen.reporting.fhir import fhir_bundle
    from whimscreen.reporting.phenopacket import phenopacket

    doc = _document(analyses[category], locus=locus)
    bundle = fhir_bundle(doc)
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert kinds.count("DiagnosticReport") == 1 and "Patient" in kinds
    report = next(
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "DiagnosticReport"
    )
    assert report["status"] == "final"
    packet = phenopacket(doc)
    assert "Maria" not in json.dumps(packet) and "2014-05-06" not in json.dumps(packet)
    assert [f["type"]["id"] for f in packet["phenotypicFeatures"]][:2] == ["HP:0031160", "HP:0200043"]
    for v in doc["variants"]:
        assert v["vrs"]["id"].startswith("ga4gh:VA.") and v["vrs"]["demo"] is True
        assert v["vrs"]["id"] in json.dumps(bundle) and v["vrs"]["id"] in json.dumps(packet)


def test_no_vrs_id_when_another_reference_is_active(analyses, locus):
    other = analyses["Positive"] | {"reference": analyses["Positive"]["reference"] | {"sha256": "0" * 64}}
    [v] = _document(other, locus=locus)["variants"]
    assert v["vrs"] is None
