"""The report document as a GA4GH Phenopacket v2 (the ``phenopackets`` package's protobuf schema).

For research exchange: the subject carries no direct identifier (no name, birth date or record number;
its id is the sample id, its age at collection in whole years, none from 90 on), the HPO terms the
order gave (excluded when not observed), and one interpretation whose diagnosis (WHIM syndrome,
OMIM:193670) carries the reported variants with their ACMG class, GENO allelic state, HGVS expressions,
GRCh38 VCF record and GA4GH VRS identifier.  The message is built with the protobuf classes and parsed
back from its JSON before it is returned.  Sources: docs/report.md, "Exports".
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from google.protobuf import json_format
from google.protobuf.timestamp_pb2 import Timestamp
from phenopackets import (
    Age,
    Diagnosis,
    Expression,
    Extension,
    GeneDescriptor,
    GenomicInterpretation,
    Individual,
    Interpretation,
    MetaData,
    OntologyClass,
    Phenopacket,
    PhenotypicFeature,
    Resource,
    TimeElement,
    VariantInterpretation,
    VariationDescriptor,
    VcfRecord,
)

from whimscreen.errors import ExportError
from whimscreen.reporting import export_codes as C
from whimscreen.reporting.export_doc import check, opt

WHAT = "Phenopacket export"
SCHEMA_VERSION = "2.0"
#: The ontologies whose terms the export writes.  ``version``: the HPO release the CXCR4 specification's
#: terms were checked against (interpretation/data/cxcr4_spec.yaml); for the few fixed GENO, HGNC and OMIM
#: terms, the date they were last checked against public sources (docs/report.md).
RESOURCES = {
    "HP": ("hp", "human phenotype ontology", "http://purl.obolibrary.org/obo/hp.owl", "2025-05-06",
           "http://purl.obolibrary.org/obo/HP_"),
    "GENO": ("geno", "Genotype Ontology", "http://purl.obolibrary.org/obo/geno.owl", "checked 2026-12-01",
             "http://purl.obolibrary.org/obo/GENO_"),
    "HGNC": ("hgnc", "HUGO Gene Nomenclature Committee", "https://www.genenames.org", "checked 2026-12-01",
             "https://www.genenames.org/data/gene-symbol-report/#!/hgnc_id/"),
    "OMIM": ("omim", "Online Mendelian Inheritance in Man", "https://www.omim.org", "checked 2026-12-01",
             "https://www.omim.org/entry/"),
}  # fmt: skip
#: result category -> the interpretation's progress
PROGRESS = {
    "Positive": "SOLVED",
    "Negative": "UNSOLVED",
    "Uncertain": "UNSOLVED",
    "Inconclusive": "IN_PROGRESS",
    "Detected": "SOLVED",  # a relative's familial variant test: the family's variant found
    "Not detected": "UNSOLVED",
}
#: result category -> status of each reported variant (a P/LP variant of a Positive result is causative)
VARIANT_STATUS = {"Positive": "CANDIDATE", "Negative": "REJECTED", "Uncertain": "CANDIDATE",
                  "Inconclusive": "UNKNOWN_STATUS", "Detected": "CANDIDATE",
                  "Not detected": "REJECTED"}  # fmt: skip
SEX = {"female": "FEMALE", "male": "MALE", "other": "OTHER_SEX", "unknown": "UNKNOWN_SEX"}


def _age_years(born: str, on: str) -> int | None:
    try:
        b, d = date.fromisoformat(born), date.fromisoformat(on[:10])
    except ValueError as exc:
        raise ExportError(f"{WHAT}: cannot read the dates {born!r} / {on!r}: {exc}") from None
    years = d.year - b.year - ((d.month, d.day) < (b.month, b.day))
    return years if 0 <= years < 90 else None


def _subject(doc: dict) -> Individual:
    subject = doc["subject"]
    person = Individual(id=subject["sample_id"], sex=SEX.get(subject.get("sex") or "unknown", "UNKNOWN_SEX"))
    on = opt(doc, "specimen.collected") or doc.get("issued")
    if subject.get("birth_date") and on:
        years = _age_years(subject["birth_date"], on)
        if years is not None:
            person.time_at_last_encounter.CopyFrom(TimeElement(age=Age(iso8601duration=f"P{years}Y")))
    return person


def _features(doc: dict) -> list[PhenotypicFeature]:
    out = []
    for term in doc.get("phenotype") or []:
        if term.get("observed") is None:
            continue  # not assessed: neither present nor excluded
        if not term.get("id"):
            raise ExportError(f"{WHAT}: a phenotype entry has no 'id' ({term!r})")
        kind = OntologyClass(id=term["id"], label=term.get("label") or "")
        out.append(PhenotypicFeature(type=kind, excluded=not term["observed"]))
    return out


def _descriptor(doc: dict, v: dict, n: int) -> VariationDescriptor:
    vrs = v.get("vrs") or {}
    public_vrs = vrs.get("id") and not vrs.get("demo")
    desc = VariationDescriptor(
        id=vrs["id"] if public_vrs else f"{doc['report_id']}-variant-{n}",
        label=v["hgvs_c"],
        gene_context=GeneDescriptor(value_id=C.CXCR4_HGNC[0], symbol=C.CXCR4_HGNC[1]),
        molecule_context="genomic",
    )
    desc.expressions.append(Expression(syntax="hgvs.c", value=v["hgvs_c"]))
    hgvs_g = v.get("hgvs_g") or opt(v, "grch38.hgvs_g")
    if hgvs_g:
        desc.expressions.append(Expression(syntax="hgvs.g", value=hgvs_g))
    if v.get("hgvs_p"):
        desc.expressions.append(Expression(syntax="hgvs.p", value=v["hgvs_p"]))
    g = v["grch38"]
    desc.vcf_record.CopyFrom(
        VcfRecord(genome_assembly="GRCh38", chrom=g["chrom"], pos=int(g["pos"]), ref=g["ref"], alt=g["alt"])
    )
    geno = C.GENO.get(v.get("zygosity") or "")
    if geno:
        desc.allelic_state.CopyFrom(OntologyClass(id=geno[0], label=geno[1]))
    if vrs.get("id"):
        value = f"{vrs['id']} (DEMO: {vrs.get('note', '')})" if vrs.get("demo") else vrs["id"]
        desc.extensions.append(Extension(name="ga4gh_vrs_2_allele_id", value=value))
    elif vrs.get("note"):
        desc.extensions.append(Extension(name="ga4gh_vrs_2_allele_id", value=f"none: {vrs['note']}"))
    if opt(doc, "test.reference.demo"):
        desc.description = "Called on the DEMO reference locus: NOT FOR CLINICAL USE."
    return desc


def _genomic(doc: dict, v: dict, n: int, subject_id: str) -> GenomicInterpretation:
    cls = v["classification"]
    if cls not in C.CLASSES:
        raise ExportError(f"{WHAT}: classification {cls!r} of {v['hgvs_c']} is not an ACMG class")
    category = doc["result"]["category"]
    status = VARIANT_STATUS[category]
    if category in ("Positive", "Detected") and cls in ("Pathogenic", "Likely pathogenic"):
        status = "CAUSATIVE"
    return GenomicInterpretation(
        subject_or_biosample_id=subject_id,
        interpretation_status=status,
        variant_interpretation=VariantInterpretation(
            acmg_pathogenicity_classification=C.CLASSES[cls][1],
            variation_descriptor=_descriptor(doc, v, n),
        ),
    )


def _metadata(doc: dict, used: list[str], created: datetime | None) -> MetaData:
    stamp = Timestamp()
    when = created or (datetime.fromisoformat(doc["issued"]) if doc.get("issued") else datetime.now(UTC))
    stamp.FromDatetime(when.astimezone(UTC))
    software = doc["test"].get("software") or {}
    by = " ".join(p for p in (software.get("name") or "WHIMscreen", software.get("version") or "") if p)
    meta = MetaData(created=stamp, created_by=by, phenopacket_schema_version=SCHEMA_VERSION)
    for prefix in used:
        rid, name, url, version, iri = RESOURCES[prefix]
        meta.resources.append(
            Resource(id=rid, name=name, url=url, version=version, namespace_prefix=prefix, iri_prefix=iri)
        )
    return meta


def _build(doc: dict, created: datetime | None) -> Phenopacket:
    subject = _subject(doc)
    features = _features(doc)
    category = doc["result"]["category"]
    interpretation = Interpretation(
        id=f"{doc['report_id']}-interpretation", progress_status=PROGRESS[category]
    )
    variants = doc["variants"]
    if variants or category in ("Positive", "Detected"):
        diagnosis = Diagnosis(disease=OntologyClass(id=C.WHIM_OMIM[0], label=C.WHIM_OMIM[1]))
        for n, v in enumerate(variants, start=1):
            diagnosis.genomic_interpretations.append(_genomic(doc, v, n, subject.id))
        interpretation.diagnosis.CopyFrom(diagnosis)
    if doc["result"].get("summary"):
        interpretation.summary = doc["result"]["summary"]
    used = ["HP"] if features else []
    if any(C.GENO.get(v.get("zygosity") or "") for v in variants):
        used.append("GENO")
    if interpretation.HasField("diagnosis"):
        used += ["HGNC", "OMIM"] if variants else ["OMIM"]
    return Phenopacket(
        id=doc["report_id"],
        subject=subject,
        phenotypic_features=features,
        interpretations=[interpretation],
        meta_data=_metadata(doc, used, created),
    )


def parse(data: dict) -> Phenopacket:
    """A Phenopacket JSON dict parsed by the schema (unknown fields refused); ``ExportError`` if refused."""
    try:
        return json_format.Parse(json.dumps(data), Phenopacket(), ignore_unknown_fields=False)
    except json_format.ParseError as exc:
        raise ExportError(f"{WHAT}: the Phenopacket schema refuses the message: {exc}") from None


def phenopacket(doc: dict, created: datetime | None = None) -> dict:
    """The Phenopacket v2 (JSON-able dict, protobuf JSON names) of a report document."""
    check(doc, WHAT)
    data = json_format.MessageToDict(_build(doc, created))
    parse(data)
    return data
