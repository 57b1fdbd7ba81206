"""The report document as an HL7 FHIR R4 Bundle following the Genomics Reporting IG (STU2 profiles).

One ``collection`` Bundle: the DiagnosticReport (genomics-report, LOINC 51969-4), the Patient, the Specimen,
the performing laboratory, the overall interpretation (51968-6), and per variant a Variant Observation
(69548-6 with its LOINC components) and a Diagnostic Implication (53037-8, the ACMG criteria as notes).
The bundle is built as plain JSON and validated by the ``fhir.resources`` R4B models before it is
returned; a document they refuse is an ``ExportError`` naming the first problem.  Sources of every value
and code: docs/report.md, "Exports".
"""

from __future__ import annotations

import json
import uuid

from fhir.resources.R4B.bundle import Bundle
from pydantic import ValidationError

from whimscreen.errors import ExportError
from whimscreen.reporting import export_codes as C
from whimscreen.reporting.export_doc import check, opt

WHAT = "FHIR export"
_NS = uuid.UUID("6f1d3c52-4f0c-5b7e-9a51-2c1b7f0e8d14")  # WHIMscreen's namespace for entry UUIDs


def _cc(system: str, code_display: tuple[str, str], text: str | None = None) -> dict:
    code, display = code_display
    out = {"coding": [{"system": system, "code": code, "display": display}]}
    if text:
        out["text"] = text
    return out


def _loinc(code_display: tuple[str, str], text: str | None = None) -> dict:
    return _cc(C.LOINC, code_display, text)


def _tbd(code: str, display: str) -> dict:
    """A code of the IG's own (to-be-determined) code system."""
    return {"coding": [{"system": C.GR_TBD, "code": code, "display": display}]}


def _hgvs(value: str) -> dict:
    """An HGVS expression as a code when it names its reference sequence, else as text only."""
    if ":" in value:
        return {"coding": [{"system": C.HGVS, "code": value, "display": value}], "text": value}
    return {"text": value}


def _component(code_display: tuple[str, str], **value) -> dict:
    return {"code": _loinc(code_display), **value}


def _categories() -> list[dict]:
    return [
        {"coding": [{"system": C.OBS_CATEGORY, "code": "laboratory", "display": "Laboratory"}]},
        {"coding": [{"system": C.DIAGNOSTIC_SERVICE, "code": "GE", "display": "Genetics"}]},
    ]


class _Builder:
    def __init__(self, doc: dict):
        self.doc = doc
        self.report_id = doc["report_id"]
        self.status = C.FHIR_STATUS[doc["status"]]
        self.entries: list[dict] = []

    def ref(self, name: str) -> str:
        return f"urn:uuid:{uuid.uuid5(_NS, f'{self.report_id}/{name}')}"

    def add(self, name: str, resource: dict) -> dict:
        self.entries.append({"fullUrl": self.ref(name), "resource": resource})
        return {"reference": self.ref(name)}

    def observation(self, profile: str, code: dict, **fields) -> dict:
        return {
            "resourceType": "Observation",
            "meta": {"profile": [C.GR_PROFILE + profile]},
            "status": self.status,
            "category": _categories(),
            "code": code,
            "subject": {"reference": self.ref("patient")},
            "specimen": {"reference": self.ref("specimen")},
            **fields,
        }


def _patient(doc: dict) -> dict:
    subject = doc["subject"]
    ids = [{"system": "urn:whimscreen:sample-id", "value": subject["sample_id"]}]
    if subject.get("accession"):
        ids.append({"system": "urn:whimscreen:accession", "value": subject["accession"]})
    if subject.get("record_number"):
        mr = {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MR"}]}
        ids.append({"type": mr, "value": subject["record_number"]})
    patient = {"resourceType": "Patient", "identifier": ids}
    if subject.get("name"):
        patient["name"] = [{"text": subject["name"]}]
    if subject.get("birth_date"):
        patient["birthDate"] = subject["birth_date"]
    if subject.get("sex"):
        patient["gender"] = subject["sex"]  # female | male | other | unknown: the FHIR codes themselves
    return patient


def _specimen(doc: dict, patient: dict) -> dict:
    specimen = {"resourceType": "Specimen", "subject": patient}
    if opt(doc, "specimen.type"):
        specimen["type"] = {"text": doc["specimen"]["type"]}
    if opt(doc, "specimen.received"):
        specimen["receivedTime"] = doc["specimen"]["received"]
    if opt(doc, "specimen.collected"):
        specimen["collection"] = {"collectedDateTime": doc["specimen"]["collected"]}
    return specimen


def _lab(doc: dict) -> dict | None:
    lab = doc.get("lab")
    if not lab or not lab.get("name"):
        return None
    org = {"resourceType": "Organization", "name": lab["name"]}
    ids = [{"type": {"text": kind.upper()}, "value": lab[kind]} for kind in ("clia", "cap") if lab.get(kind)]
    if ids:
        org["identifier"] = ids
    if lab.get("address"):
        org["address"] = [{"text": lab["address"]}]
    return org


def _variant_components(doc: dict, v: dict) -> list[dict]:
    comps = [
        _component(C.GENE_STUDIED, valueCodeableConcept=_cc(C.HGNC_SYSTEM, C.CXCR4_HGNC)),
        _component(C.C_HGVS, valueCodeableConcept=_hgvs(v["hgvs_c"])),
        _component(C.TRANSCRIPT_REF, valueCodeableConcept=_cc(C.NUCCORE, (doc["test"]["transcript"],) * 2)),
    ]
    if v.get("hgvs_p"):
        comps.append(_component(C.P_HGVS, valueCodeableConcept=_hgvs(v["hgvs_p"])))
    hgvs_g = v.get("hgvs_g") or opt(v, "grch38.hgvs_g")
    if hgvs_g:
        comps.append(_component(C.G_HGVS, valueCodeableConcept=_hgvs(hgvs_g)))
        if ":" in hgvs_g:
            accession = hgvs_g.split(":", 1)[0]
            comps.append(_component(C.GENOMIC_REF, valueCodeableConcept=_cc(C.NUCCORE, (accession,) * 2)))
    zygosity = v.get("zygosity")
    if zygosity:
        coded = C.ALLELIC_ANSWER.get(zygosity)
        value = _loinc(coded, zygosity) if coded else {"text": zygosity}
        comps.append(_component(C.ALLELIC_STATE, valueCodeableConcept=value))
        if zygosity != "mosaic":
            comps.append(_component(C.SOURCE_CLASS, valueCodeableConcept=_loinc(C.GERMLINE)))
    if v.get("af") is not None:
        vaf = {"value": float(v["af"]), "system": C.UCUM, "code": "1", "unit": "relative frequency"}
        comps.append(_component(C.VAF, valueQuantity=vaf))
    inheritance = v.get("inheritance")
    if inheritance:
        coded = C.INHERITANCE_ANSWER.get(inheritance)
        text = inheritance.replace("_", " ")
        value = _loinc(coded, text) if coded else {"text": text}
        code = _tbd("variant-inheritance", "Variant Inheritance")
        comps.append({"code": code, "valueCodeableConcept": value})
    vrs = v.get("vrs") or {}
    if vrs.get("id"):
        text = f"{vrs['id']} (DEMO: {vrs.get('note', '')})" if vrs.get("demo") else vrs["id"]
        comps.append(_component(C.VARIATION_CODE, valueCodeableConcept={"text": text}))
    return comps


def _variant_notes(doc: dict, v: dict) -> list[dict]:
    notes = []
    vrs = v.get("vrs") or {}
    if vrs.get("note"):
        notes.append({"text": f"GA4GH VRS: {vrs['note']}"})
    if opt(doc, "test.reference.demo"):
        notes.append({"text": "Called on the DEMO reference locus: NOT FOR CLINICAL USE."})
    return notes


def _implication(b: _Builder, v: dict, variant_ref: dict) -> dict:
    cls = v["classification"]
    if cls not in C.CLASSES:
        raise ExportError(f"{WHAT}: classification {cls!r} of {v['hgvs_c']} is not an ACMG class")
    sig = _loinc((C.CLASSES[cls][0], cls))
    notes = []
    for crit in v.get("criteria") or []:
        refs = ", ".join(f"[{r}]" for r in crit.get("refs") or [])
        head = f"{crit.get('code')} ({crit.get('strength')}, {crit.get('points')} points)"
        notes.append({"text": " ".join(p for p in (f"{head}:", crit.get("sentence") or "", refs) if p)})
    computed = v.get("computed_classification")
    if computed and computed != cls:
        decision = f"Computed class {computed}; reported class {cls} (laboratory director's decision)."
        notes.append({"text": decision})
    disease = {"text": f"{C.WHIM_OMIM[1]} ({C.WHIM_OMIM[0]})"}
    obs = b.observation(
        "diagnostic-implication",
        _tbd("diagnostic-implication", "Diagnostic Implication"),
        derivedFrom=[variant_ref],
        component=[
            _component(C.CLIN_SIG, valueCodeableConcept=sig),
            _component(C.PREDICTED_PHENOTYPE, valueCodeableConcept=disease),
        ],
    )
    if notes:
        obs["note"] = notes
    return obs


def _conclusion(doc: dict) -> str:
    result = doc["result"]
    parts = [result.get("summary") or "", result.get("interpretation") or ""]
    replaces = doc.get("replaces")
    if replaces:
        parts.append(
            f"{doc['status']}: replaces version {replaces.get('version')} issued {replaces.get('issued')}. "
            f"Reason: {replaces.get('reason')}"
        )
    if opt(doc, "test.reference.demo"):
        parts.append("DEMO REFERENCE — NOT FOR CLINICAL USE.")
    if doc["status"] == "DRAFT":
        parts.append("DRAFT — NOT SIGNED.")
    return " ".join(p.strip() for p in parts if p and p.strip())


def _build(doc: dict) -> dict:
    b = _Builder(doc)
    patient = b.add("patient", _patient(doc))
    specimen = b.add("specimen", _specimen(doc, patient))
    lab = _lab(doc)
    lab_ref = b.add("lab", lab) if lab else None
    category = doc["result"]["category"]
    answer = _loinc(C.OVERALL_ANSWER[category], category)
    overall_fields = {"valueCodeableConcept": answer}
    if doc["result"].get("summary"):
        code = _tbd("conclusion-string", "Conclusion Text")
        overall_fields["component"] = [{"code": code, "valueString": doc["result"]["summary"]}]
    results = [b.add("overall", b.observation("overall-interpretation", _loinc(C.OVERALL), **overall_fields))]
    for i, v in enumerate(doc["variants"], start=1):
        variant = b.observation(
            "variant",
            _loinc(C.VARIANT),
            valueCodeableConcept=_loinc(C.PRESENT),
            method=_loinc(C.SEQUENCING),
            component=_variant_components(doc, v),
        )
        notes = _variant_notes(doc, v)
        if notes:
            variant["note"] = notes
        variant_ref = b.add(f"variant-{i}", variant)
        results.append(variant_ref)
        results.append(b.add(f"implication-{i}", _implication(b, v, variant_ref)))
    report = {
        "resourceType": "DiagnosticReport",
        "meta": {"profile": [C.GR_PROFILE + "genomics-report"]},
        "identifier": [{"system": "urn:whimscreen:report-id", "value": b.report_id}],
        "status": b.status,
        "category": [{"coding": [{"system": C.DIAGNOSTIC_SERVICE, "code": "GE", "display": "Genetics"}]}],
        "code": _loinc(C.REPORT, opt(doc, "test.name")),
        "subject": patient,
        "specimen": [specimen],
        "result": results,
        "conclusion": _conclusion(doc),
        "conclusionCode": [answer],
    }
    if doc.get("issued"):
        report["issued"] = doc["issued"]
    if opt(doc, "specimen.collected"):
        report["effectiveDateTime"] = doc["specimen"]["collected"]
    if lab_ref:
        report["performer"] = [lab_ref]
    b.entries.insert(0, {"fullUrl": b.ref("report"), "resource": report})
    bundle = {
        "resourceType": "Bundle",
        "identifier": {"system": "urn:whimscreen:report-id", "value": b.report_id},
        "type": "collection",
        "entry": b.entries,
    }
    if doc.get("issued"):
        bundle["timestamp"] = doc["issued"]
    return bundle


def validate(bundle: dict) -> Bundle:
    """The bundle parsed by the FHIR R4B models; ``ExportError`` naming the first refusal."""
    try:
        return Bundle.model_validate(bundle)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        where = where or "the bundle"
        raise ExportError(f"{WHAT}: the FHIR R4 models refuse {where}: {first['msg']}") from None


def fhir_bundle(doc: dict) -> dict:
    """The FHIR R4 Bundle (JSON-able dict) of a report document."""
    check(doc, WHAT)
    return json.loads(validate(_build(doc)).model_dump_json(exclude_none=True))
