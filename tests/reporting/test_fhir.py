"""The FHIR R4 Genomics Reporting bundle: its codes, status mapping, each result type, the R4B models'
round trip, and one-line errors for documents it cannot represent."""

import json

import pytest
from fhir.resources.R4B.bundle import Bundle

from tests.reporting import docs
from whimscreen.errors import ExportError, WhimscreenError
from whimscreen.reference.demo import demo_locus
from whimscreen.reference.vrs import vrs_identifier
from whimscreen.reporting.fhir import fhir_bundle

LOINC = "http://loinc.org"


def _resources(bundle, kind):
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def _report(bundle):
    (report,) = _resources(bundle, "DiagnosticReport")
    return report


def _profiled(bundle, profile):
    return [r for r in _resources(bundle, "Observation") if r["meta"]["profile"][0].endswith("/" + profile)]


def _code(cc):
    return (cc["coding"][0]["system"], cc["coding"][0]["code"])


def _components(obs):
    return {c["code"]["coding"][0]["code"]: c for c in obs.get("component", [])}


def test_positive_report_variant_components_and_implication():
    doc = docs.positive()
    doc["variants"][0]["vrs"] = vrs_identifier(demo_locus(), 136114928, "G", "A")
    bundle = fhir_bundle(doc)
    assert bundle["type"] == "collection"
    report = _report(bundle)
    assert _code(report["code"]) == (LOINC, "51969-4")
    assert report["meta"]["profile"] == [
        "http://hl7.org/fhir/uv/genomics-reporting/StructureDefinition/genomics-report"
    ]
    assert report["status"] == "final" and report["issued"].startswith("2026-12-01T20:30:00")
    assert report["category"][0]["coding"][0]["code"] == "GE"
    assert _code(report["conclusionCode"][0]) == (LOINC, "LA6576-8")
    assert "DEMO REFERENCE" in report["conclusion"]

    (overall,) = _profiled(bundle, "overall-interpretation")
    assert _code(overall["code"]) == (LOINC, "51968-6")
    assert _code(overall["valueCodeableConcept"]) == (LOINC, "LA6576-8")

    (variant,) = _profiled(bundle, "variant")
    assert _code(variant["code"]) == (LOINC, "69548-6")
    assert _code(variant["valueCodeableConcept"]) == (LOINC, "LA9633-4")
    comps = _components(variant)
    assert _code(comps["48018-6"]["valueCodeableConcept"]) == ("http://www.genenames.org/geneId", "HGNC:2561")
    assert comps["48004-6"]["valueCodeableConcept"]["coding"][0]["code"] == "NM_003467.3:c.1000C>T"
    assert comps["81290-9"]["valueCodeableConcept"]["coding"][0]["code"] == "NC_000002.12:g.136114928G>A"
    assert comps["48013-7"]["valueCodeableConcept"]["coding"][0]["code"] == "NC_000002.12"
    assert comps["51958-7"]["valueCodeableConcept"]["coding"][0]["code"] == "NM_003467.3"
    # p. without its protein accession is not a valid HGVS code: text only
    assert comps["48005-3"]["valueCodeableConcept"] == {"text": "p.(Arg334*)"}
    assert _code(comps["53034-5"]["valueCodeableConcept"]) == (LOINC, "LA6706-1")
    assert _code(comps["48002-0"]["valueCodeableConcept"]) == (LOINC, "LA6683-2")
    assert comps["81258-6"]["valueQuantity"]["value"] == 0.47
    assert comps["81258-6"]["valueQuantity"]["system"] == "http://unitsofmeasure.org"
    # de novo has no code in the IG's inheritance value set: text only
    assert comps["variant-inheritance"]["valueCodeableConcept"] == {"text": "de novo"}
    vrs_text = comps["81252-9"]["valueCodeableConcept"]["text"]
    assert vrs_text.startswith(doc["variants"][0]["vrs"]["id"]) and "DEMO" in vrs_text
    assert any("not comparable with public VRS ids" in n["text"] for n in variant["note"])

    (implication,) = _profiled(bundle, "diagnostic-implication")
    assert implication["code"]["coding"][0]["code"] == "diagnostic-implication"
    assert _code(_components(implication)["53037-8"]["valueCodeableConcept"]) == (LOINC, "LA26332-9")
    notes = [n["text"] for n in implication["note"]]
    assert notes[0].startswith("PM4 (moderate, 2 points): Truncates the C-terminal tail. [1]")
    assert notes[1].startswith("PS2 (strong, 4 points)")
    variant_url = next(e["fullUrl"] for e in bundle["entry"] if e["resource"] is variant)
    assert implication["derivedFrom"] == [{"reference": variant_url}]


def test_every_reference_resolves_inside_the_bundle():
    bundle = fhir_bundle(docs.positive())
    urls = {e["fullUrl"] for e in bundle["entry"]}
    refs = []

    def walk(node):
        if isinstance(node, dict):
            if "reference" in node:
                refs.append(node["reference"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(bundle)
    assert refs and set(refs) <= urls
    assert len(urls) == len(bundle["entry"])


@pytest.mark.parametrize(
    ("status", "fhir"),
    [("DRAFT", "preliminary"), ("FINAL", "final"), ("AMENDED", "amended"), ("CORRECTED", "corrected")],
)
def test_status_mapping_applies_to_the_report_and_every_observation(status, fhir):
    doc = docs.positive()
    doc["status"] = status
    bundle = fhir_bundle(doc)
    statuses = {r["status"] for r in _resources(bundle, "Observation")} | {_report(bundle)["status"]}
    assert statuses == {fhir}


def test_amended_report_says_what_it_replaces():
    doc = docs.positive()
    doc.update(status="AMENDED", version=2, report_id="WS26-000123-v2")
    doc["replaces"] = {"version": 1, "issued": "2026-11-30T10:00:00+00:00", "reason": "new family data"}
    report = _report(fhir_bundle(doc))
    assert (
        "AMENDED: replaces version 1 issued 2026-11-30T10:00:00+00:00. Reason: new family data"
        in (report["conclusion"])
    )


def test_negative_has_no_variant_observations():
    bundle = fhir_bundle(docs.negative())
    assert not _profiled(bundle, "variant") and not _profiled(bundle, "diagnostic-implication")
    (overall,) = _profiled(bundle, "overall-interpretation")
    assert _code(overall["valueCodeableConcept"]) == (LOINC, "LA6577-6")
    assert "No reportable CXCR4 variant" in _report(bundle)["conclusion"]


def test_uncertain_vus_mosaic_maternal():
    bundle = fhir_bundle(docs.uncertain())
    (overall,) = _profiled(bundle, "overall-interpretation")
    assert _code(overall["valueCodeableConcept"]) == (LOINC, "LA9663-1")
    assert overall["valueCodeableConcept"]["text"] == "Uncertain"
    (variant,) = _profiled(bundle, "variant")
    comps = _components(variant)
    assert comps["53034-5"]["valueCodeableConcept"] == {"text": "mosaic"}  # no LOINC answer for mosaic
    assert "48002-0" not in comps
    assert _code(comps["variant-inheritance"]["valueCodeableConcept"]) == (LOINC, "LA26320-4")
    (implication,) = _profiled(bundle, "diagnostic-implication")
    assert _code(_components(implication)["53037-8"]["valueCodeableConcept"]) == (LOINC, "LA26333-7")


def test_inconclusive():
    (overall,) = _profiled(fhir_bundle(docs.inconclusive()), "overall-interpretation")
    assert _code(overall["valueCodeableConcept"]) == (LOINC, "LA9663-1")
    assert overall["valueCodeableConcept"]["text"] == "Inconclusive"


def test_draft_without_patient_details_has_only_the_sample_id():
    bundle = fhir_bundle(docs.draft_without_patient())
    (patient,) = _resources(bundle, "Patient")
    assert patient == {
        "resourceType": "Patient",
        "identifier": [{"system": "urn:whimscreen:sample-id", "value": "EX1"}],
    }
    report = _report(bundle)
    assert report["status"] == "preliminary" and "issued" not in report and "performer" not in report
    assert "DRAFT — NOT SIGNED" in report["conclusion"]
    assert not _resources(bundle, "Organization")


def test_signed_report_carries_patient_and_lab_identity():
    bundle = fhir_bundle(docs.positive())
    (patient,) = _resources(bundle, "Patient")
    assert patient["name"] == [{"text": "Jane Q. Example"}] and patient["birthDate"] == "2010-03-04"
    assert {i["value"] for i in patient["identifier"]} == {"EX1", "WS26-000123", "MRN-0042"}
    (lab,) = _resources(bundle, "Organization")
    assert lab["name"] == "Example Molecular Laboratory"
    assert {i["value"] for i in lab["identifier"]} == {"99D9999999", "9999999"}


@pytest.mark.parametrize(
    "make", [docs.positive, docs.negative, docs.uncertain, docs.inconclusive, docs.draft_without_patient]
)
def test_round_trip_through_the_r4b_models(make):
    bundle = fhir_bundle(make())
    text = json.dumps(bundle)
    parsed = Bundle.model_validate_json(text)
    assert json.loads(parsed.model_dump_json(exclude_none=True)) == bundle
    assert all(e["resource"]["resourceType"] for e in bundle["entry"])


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d["subject"].pop("sample_id"), "no 'subject.sample_id'"),
        (lambda d: d.pop("result"), "no 'result.category'"),
        (
            lambda d: d["variants"][0].pop("classification"),
            "variant 1: the report document has no 'classification'",
        ),
        (lambda d: d["variants"][0]["grch38"].pop("pos"), "no 'grch38.pos'"),
        (lambda d: d.update(status="SIGNED"), "status 'SIGNED' is not one of"),
        (lambda d: d["variants"][0].update(classification="Pathogenicish"), "'Pathogenicish'"),
        (lambda d: d.update(issued="yesterday"), "the FHIR R4 models refuse"),
    ],
)
def test_bad_document_gives_one_line_error(edit, message):
    doc = docs.positive()
    edit(doc)
    with pytest.raises(ExportError) as caught:
        fhir_bundle(doc)
    text = str(caught.value)
    assert message in text and "\n" not in text and text.startswith("FHIR export")
    assert isinstance(caught.value, WhimscreenError)
