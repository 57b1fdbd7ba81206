"""The GA4GH Phenopacket v2: no direct identifiers, HPO features, the interpretation per result type, the
VRS id (demo-flagged), the schema's strict parse, and one-line errors."""

import json
from datetime import UTC, datetime

import pytest
from google.protobuf import json_format
from phenopackets import Phenopacket

from tests.reporting import docs
from whimscreen.errors import ExportError
from whimscreen.reference.demo import demo_locus
from whimscreen.reference.vrs import vrs_identifier
from whimscreen.reporting.phenopacket import phenopacket


def _genomic(packet):
    return packet["interpretations"][0]["diagnosis"]["genomicInterpretations"]


def test_positive_subject_has_no_direct_identifiers():
    packet = phenopacket(docs.positive())
    text = json.dumps(packet)
    for identifier in ("Jane", "Example", "2010-03-04", "MRN-0042", "dateOfBirth"):
        assert identifier not in text
    # age at collection (born 2010-03-04, collected 2026-11-20), the sample id as the subject's id
    assert packet["subject"] == {
        "id": "EX1",
        "timeAtLastEncounter": {"age": {"iso8601duration": "P16Y"}},
        "sex": "FEMALE",
    }


def test_age_from_90_is_not_given():
    doc = docs.positive()
    doc["subject"]["birth_date"] = "1936-11-20"
    assert "timeAtLastEncounter" not in phenopacket(doc)["subject"]
    doc["subject"]["birth_date"] = "1936-11-21"
    assert phenopacket(doc)["subject"]["timeAtLastEncounter"]["age"]["iso8601duration"] == "P89Y"


def test_phenotype_features_excluded_when_not_observed():
    doc = docs.positive()
    doc["phenotype"].append({"id": "HP:0001888", "label": "Lymphopenia", "observed": None})
    features = phenopacket(doc)["phenotypicFeatures"]
    assert [(f["type"]["id"], f.get("excluded", False)) for f in features] == [
        ("HP:0031160", False),
        ("HP:0001875", False),
        ("HP:0200043", True),
    ]


def test_positive_interpretation_and_variant_descriptor():
    doc = docs.positive()
    doc["variants"][0]["vrs"] = vrs_identifier(demo_locus(), 136114928, "G", "A")
    packet = phenopacket(doc)
    interpretation = packet["interpretations"][0]
    assert interpretation["progressStatus"] == "SOLVED"
    assert interpretation["diagnosis"]["disease"] == {"id": "OMIM:193670", "label": "WHIM syndrome 1"}
    (gi,) = _genomic(packet)
    assert gi["subjectOrBiosampleId"] == "EX1" and gi["interpretationStatus"] == "CAUSATIVE"
    vi = gi["variantInterpretation"]
    assert vi["acmgPathogenicityClassification"] == "LIKELY_PATHOGENIC"
    vd = vi["variationDescriptor"]
    assert vd["geneContext"] == {"valueId": "HGNC:2561", "symbol": "CXCR4"}
    assert {e["syntax"]: e["value"] for e in vd["expressions"]} == {
        "hgvs.c": "NM_003467.3:c.1000C>T",
        "hgvs.g": "NC_000002.12:g.136114928G>A",
        "hgvs.p": "p.(Arg334*)",
    }
    assert vd["vcfRecord"] == {
        "genomeAssembly": "GRCh38", "chrom": "chr2", "pos": "136114928", "ref": "G", "alt": "A",
    }  # fmt: skip
    assert vd["allelicState"] == {"id": "GENO:0000135", "label": "heterozygous"}
    # the demo VRS id is carried, flagged, and not used as the descriptor's id
    vrs_id = doc["variants"][0]["vrs"]["id"]
    assert vd["id"] != vrs_id
    (ext,) = vd["extensions"]
    assert ext["value"].startswith(vrs_id) and "DEMO" in ext["value"] and "not comparable" in ext["value"]
    assert "DEMO reference" in vd["description"]
    prefixes = [r["namespacePrefix"] for r in packet["metaData"]["resources"]]
    assert prefixes == ["HP", "GENO", "HGNC", "OMIM"]
    assert all(r["version"] for r in packet["metaData"]["resources"])
    assert packet["metaData"]["phenopacketSchemaVersion"] == "2.0"
    assert packet["metaData"]["created"] == "2026-12-01T20:30:00Z"


def test_public_vrs_id_becomes_the_descriptor_id():
    doc = docs.positive()
    doc["test"]["reference"] = {"kind": "installed", "demo": False, "sha256": "cd"}
    doc["variants"][0]["vrs"] = {"id": "ga4gh:VA.abc", "demo": False, "note": "VRS 2 Allele on GRCh38 chr2"}
    vd = _genomic(phenopacket(doc))[0]["variantInterpretation"]["variationDescriptor"]
    assert vd["id"] == "ga4gh:VA.abc"
    assert vd["extensions"] == [{"name": "ga4gh_vrs_2_allele_id", "value": "ga4gh:VA.abc"}]
    assert "description" not in vd


def test_negative_has_no_diagnosis():
    packet = phenopacket(docs.negative())
    interpretation = packet["interpretations"][0]
    assert interpretation["progressStatus"] == "UNSOLVED" and "diagnosis" not in interpretation
    assert [r["id"] for r in packet["metaData"]["resources"]] == ["hp"]


def test_uncertain_variant_is_a_candidate():
    packet = phenopacket(docs.uncertain())
    assert packet["interpretations"][0]["progressStatus"] == "UNSOLVED"
    (gi,) = _genomic(packet)
    assert gi["interpretationStatus"] == "CANDIDATE"
    vi = gi["variantInterpretation"]
    assert vi["acmgPathogenicityClassification"] == "UNCERTAIN_SIGNIFICANCE"
    assert "allelicState" not in vi["variationDescriptor"]  # mosaic: no GENO term given


def test_inconclusive_is_in_progress():
    interpretation = phenopacket(docs.inconclusive())["interpretations"][0]
    assert interpretation["progressStatus"] == "IN_PROGRESS" and "diagnosis" not in interpretation


def test_draft_created_time_defaults_to_now_or_given():
    when = datetime(2026, 12, 1, 21, 0, tzinfo=UTC)
    packet = phenopacket(docs.draft_without_patient(), created=when)
    assert packet["metaData"]["created"] == "2026-12-01T21:00:00Z"
    assert packet["subject"] == {"id": "EX1"}


@pytest.mark.parametrize(
    "make", [docs.positive, docs.negative, docs.uncertain, docs.inconclusive, docs.draft_without_patient]
)
def test_strict_parse_round_trip(make):
    packet = phenopacket(make())
    message = json_format.Parse(json.dumps(packet), Phenopacket(), ignore_unknown_fields=False)
    assert json_format.MessageToDict(message) == packet


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d["subject"].pop("sample_id"), "no 'subject.sample_id'"),
        (lambda d: d.pop("variants"), "no 'variants'"),
        (
            lambda d: d["variants"][0]["grch38"].pop("alt"),
            "variant 1: the report document has no 'grch38.alt'",
        ),
        (lambda d: d["result"].update(category="Maybe"), "result category 'Maybe'"),
        (lambda d: d["subject"].update(birth_date="03/04/2010"), "cannot read the dates"),
    ],
)
def test_bad_document_gives_one_line_error(edit, message):
    doc = docs.positive()
    edit(doc)
    with pytest.raises(ExportError) as caught:
        phenopacket(doc)
    text = str(caught.value)
    assert message in text and "\n" not in text and text.startswith("Phenopacket export")
