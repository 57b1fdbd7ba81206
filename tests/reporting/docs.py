"""Report documents built by hand, as ``reporting/document.py`` will build them (docs/report.md contract)."""

from copy import deepcopy

LAB = {
    "name": "Example Molecular Laboratory",
    "address": "1 Lab Street, Springfield",
    "clia": "99D9999999",
    "cap": "9999999",
    "directors": ["A. Director, MD PhD"],
    "sponsor_disclosure": "Sponsored testing.",
    "footer": "footer",
}
SUBJECT = {
    "sample_id": "EX1",
    "accession": "WS26-000123",
    "name": "Jane Q. Example",
    "birth_date": "2010-03-04",
    "sex": "female",
    "record_number": "MRN-0042",
}
VRS_DEMO = {
    "id": "ga4gh:VA.ibEggv5ZH6dykqjB-TLzotgM7wqudikF",
    "demo": True,
    "note": "computed on the demo locus; not comparable with public VRS ids",
}
VARIANT = {
    "hgvs_c": "NM_003467.3:c.1000C>T",
    "hgvs_p": "p.(Arg334*)",
    "hgvs_g": "NC_000002.12:g.136114928G>A",
    "grch38": {
        "chrom": "chr2",
        "pos": 136114928,
        "ref": "G",
        "alt": "A",
        "hgvs_g": "NC_000002.12:g.136114928G>A",
    },
    "grch37": None,
    "zygosity": "heterozygous",
    "af": 0.47,
    "depth": 38,
    "consequence": "stop_gained",
    "in_reportable_range": True,
    "classification": "Likely pathogenic",
    "computed_classification": "Likely pathogenic",
    "inheritance": "de_novo",
    "criteria": [
        {
            "code": "PM4",
            "strength": "moderate",
            "points": 2,
            "sentence": "Truncates the C-terminal tail.",
            "refs": [1],
        },
        {
            "code": "PS2",
            "strength": "strong",
            "points": 4,
            "sentence": "De novo, parentage confirmed.",
            "refs": [2],
        },
    ],
    "vrs": VRS_DEMO,
}
BASE = {
    "status": "FINAL",
    "version": 1,
    "issued": "2026-12-01T20:30:00+00:00",
    "replaces": None,
    "report_id": "WS26-000123-v1",
    "lab": LAB,
    "subject": SUBJECT,
    "physician": {"name": "Dr. Who", "institution": "Hospital"},
    "specimen": {"type": "blood", "collected": "2026-11-20", "received": "2026-11-22"},
    "indication": "Neutropenia and warts",
    "phenotype": [
        {"id": "HP:0031160", "label": "Myelokathexis", "observed": True},
        {"id": "HP:0001875", "label": "Neutropenia", "observed": True},
        {"id": "HP:0200043", "label": "Verrucae", "observed": False},
    ],
    "result": {
        "category": "Positive",
        "summary": "A likely pathogenic CXCR4 variant was found.",
        "interpretation": "Consistent with WHIM syndrome.",
        "recommendations": [],
        "notes": [],
        "reasons": [],
    },
    "test": {
        "name": "CXCR4 single-gene test",
        "input_kind": "fastq",
        "method": "NGS",
        "build": "GRCh38",
        "transcript": "NM_003467.3",
        "reference": {"kind": "demo", "demo": True, "sha256": "ab"},
        "software": {"name": "whimscreen", "version": "0.1.0"},
        "knowledge_base": "2026.12.2",
    },
    "variants": [VARIANT],
    "references": [{"n": 1, "citation": "Richards et al. 2015 (PMID 25741868)", "pmid": "25741868"}],
}


def positive() -> dict:
    return deepcopy(BASE)


def negative() -> dict:
    doc = deepcopy(BASE)
    doc["result"].update(category="Negative", summary="No reportable CXCR4 variant was found.")
    doc["variants"] = []
    return doc


def uncertain() -> dict:
    doc = deepcopy(BASE)
    doc["result"].update(category="Uncertain", summary="A CXCR4 variant of uncertain significance.")
    v = doc["variants"][0]
    v.update(
        hgvs_c="NM_003467.3:c.100G>A",
        hgvs_p="p.(Val34Ile)",
        classification="Uncertain significance",
        computed_classification="Uncertain significance",
        inheritance="maternal",
        zygosity="mosaic",
        af=0.12,
        criteria=[
            {
                "code": "PM2",
                "strength": "supporting",
                "points": 1,
                "sentence": "Absent from gnomAD.",
                "refs": [],
            }
        ],
    )
    return doc


def inconclusive() -> dict:
    doc = deepcopy(BASE)
    doc["result"].update(category="Inconclusive", summary="Coverage too low to conclude.")
    doc["variants"] = []
    return doc


def draft_without_patient() -> dict:
    doc = deepcopy(BASE)
    doc.update(status="DRAFT", issued=None, report_id="EX1-draft", lab=None)
    doc["subject"] = {
        "sample_id": "EX1",
        "accession": None,
        "name": None,
        "birth_date": None,
        "sex": None,
        "record_number": None,
    }
    return doc
