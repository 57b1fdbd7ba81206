"""The report document: every fact a CXCR4 report shows, built once from an analysis and its context.

``build_document`` is the single source of the PDF/HTML report (``pdf.py``) and of the FHIR and Phenopacket
exports; the portal (signed versions) and ``whimscreen report`` (drafts) both call it.  The keys the exports
read are fixed (docs/report.md); the rest is layout.  Nothing here reads a database or a file.
"""

from __future__ import annotations

import base64
from datetime import datetime
from pathlib import Path

from whimscreen.errors import ReportError, VariantError
from whimscreen.interpretation.phenotype import hpo_terms
from whimscreen.interpretation.result import variant_key
from whimscreen.reference.reportable import Interval, c_terms, reportable_range
from whimscreen.reference.vrs import vrs_identifier
from whimscreen.reporting.evidence_text import References, criterion_sentence
from whimscreen.reporting.method import limits_statement, method_text, qc_statement

STATUSES = ("DRAFT", "FINAL", "AMENDED", "CORRECTED")
CATEGORIES = ("Positive", "Negative", "Uncertain", "Inconclusive")
#: a relative's known familial variant test (interpretation/familial.py)
FAMILIAL_CATEGORIES = ("Detected", "Not detected", "Inconclusive")
FAMILIAL_TEST_NAME = "CXCR4 known familial variant test (WHIM syndrome)"
TRANSCRIPT = "NM_003467.3"
ZYGOSITY = {"0/1": "heterozygous", "1/1": "homozygous", "1": "hemizygous"}
TEST_NAME = "CXCR4 single-gene test (WHIM syndrome)"
DEFAULT_INDICATION = "Suspected WHIM syndrome"
LAB_FIELDS = ("name", "address", "clia", "cap", "directors", "sponsor_disclosure", "footer")


def _zygosity(v: dict) -> str | None:
    return v.get("zygosity") or ZYGOSITY.get(v.get("genotype") or "", v.get("genotype"))


def _data_uri(path: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(Path(path).read_bytes()).decode("ascii")


def _vrs(locus, v: dict) -> dict | None:
    """The variant's GA4GH VRS identifier on ``locus`` (None without a locus; the reason when none)."""
    g = v.get("grch38") or {}
    if locus is None or not g.get("pos"):
        return v.get("vrs")
    try:
        return vrs_identifier(locus, int(g["pos"]), g["ref"], g["alt"])
    except VariantError as exc:
        return {"id": None, "demo": bool(locus.info.demo), "note": f"no VRS id: {exc}"}


def _variant(v: dict, refs: References, images: list[Path], locus=None) -> dict:
    c = v.get("classification") or {}
    decision = v.get("director_decision")
    return {
        "hgvs_c": v.get("hgvs_c"),
        "hgvs_p": v.get("hgvs_p"),
        "hgvs_g": v.get("hgvs_g"),
        "grch38": v.get("grch38") or {k: v.get(k) for k in ("chrom", "pos", "ref", "alt", "hgvs_g")},
        "grch37": v.get("grch37"),
        "zygosity": _zygosity(v),
        "af": v.get("af"),
        "depth": v.get("depth"),
        "consequence": v.get("consequence"),
        "filters": v.get("filters") or [],
        "in_reportable_range": v.get("in_reportable_range", True),
        "classification": v.get("reported_classification") or c.get("classification"),
        "computed_classification": c.get("computed_classification") or c.get("classification"),
        "asserted": c.get("knowledge_base_classification"),
        "clinvar": c.get("clinvar_classification"),
        "points": c.get("points"),
        "decision": decision,
        "inheritance": (v.get("inheritance") or {}).get("inheritance"),
        "criteria": [criterion_sentence(x, refs) for x in c.get("criteria", [])],
        "mechanism": (c.get("mechanism") or {}).get("statement"),
        "vrs": _vrs(locus, v),
        "chromatograms": [_data_uri(p) for p in images],
        # the analysis drew an excerpt but its file is gone: the report says so instead of dropping it
        "chromatogram_missing": not images and any(n.endswith(".png") for n in v.get("images") or []),
    }


def _range(analysis: dict) -> dict:
    qc = analysis.get("qc") or {}
    uncovered = [Interval(g["start"], g["end"]) for g in qc.get("uncovered") or []]
    familial = (analysis.get("result") or {}).get("familial_variant")
    if familial:  # a targeted test: its range is the family's variant (and the read-through of an indel)
        at = analysis["result"].get("qc_at_variant") or {}
        return {
            "transcript": TRANSCRIPT,
            "c_terms": [familial["hgvs_c"].split(":", 1)[-1]],
            "bases": None,
            "uncovered_c": [] if at.get("covered") else [familial["hgvs_c"].split(":", 1)[-1]],
            "uncovered_bases": 0,
            "fully_covered": bool(at.get("covered")),
            "familial": True,
            "reason": at.get("reason"),
        }
    return {
        "transcript": TRANSCRIPT,
        "c_terms": c_terms(reportable_range(), TRANSCRIPT),
        "bases": qc.get("reportable_bases"),
        "uncovered_c": c_terms(uncovered, TRANSCRIPT) if uncovered else [],
        "uncovered_bases": sum(len(iv) for iv in uncovered),
        "fully_covered": bool(qc.get("fully_covered")),
        "familial": False,
        "reason": None,
    }


def _require(analysis: dict) -> None:
    missing = [k for k in ("sample", "input_kind", "result", "variants") if k not in analysis]
    if missing:
        raise ReportError(f"the analysis has no {', '.join(missing)}: not a WHIMscreen analysis document")
    result = analysis["result"] or {}
    allowed = FAMILIAL_CATEGORIES if result.get("test") == "familial variant" else CATEGORIES
    if result.get("result") not in allowed:
        raise ReportError(f"the analysis has no result category ({'/'.join(allowed)})")


def build_document(
    analysis: dict,
    *,
    status: str = "DRAFT",
    version: int = 1,
    issued: datetime | None = None,
    replaces: dict | None = None,
    report_id: str | None = None,
    lab: dict | None = None,
    subject: dict | None = None,
    physician: dict | None = None,
    specimen: dict | None = None,
    indication: str | None = None,
    excluded_features: tuple[str, ...] = (),
    signatures: list[dict] | None = None,
    comment: str | None = None,
    images: dict[int, list[Path]] | None = None,
    relatives: list[dict] | None = None,
    pedigree_svg: str | None = None,
    detection_table=None,
    locus=None,
) -> dict:
    """The report of ``analysis`` (an analysis JSON as ``whimscreen analyze`` writes it, interpreted).

    ``subject``: sample_id, accession, name, birth_date, sex, record_number (missing ones print "—");
    ``lab``: the laboratory identity; ``signatures``: ``[{"role", "name", "credentials", "at"}]``;
    ``images``: chromatogram PNGs by variant index; ``replaces``: the version this one replaces
    (``{"version", "issued", "reason"}``) for an AMENDED or CORRECTED report; ``locus``: the reference
    the analysis used, for the variants' GA4GH VRS identifiers (none without it).
    """
    _require(analysis)
    used = (analysis.get("reference") or {}).get("sha256")
    if locus is not None and used and used != locus.info.sha256:
        locus = None  # another reference is active now: no identifier rather than one on the wrong sequence
    if status not in STATUSES:
        raise ReportError(f"unknown report status {status!r} (one of {', '.join(STATUSES)})")
    if status in ("AMENDED", "CORRECTED") and not (replaces and (replaces.get("reason") or "").strip()):
        raise ReportError(f"an {status.lower()} report needs the version it replaces and the reason")
    if status != "DRAFT" and issued is None:
        raise ReportError("a signed report needs its date of issue")
    result = analysis["result"]
    familial = result.get("familial_variant")
    refs = References()
    variants = [
        _variant(v, refs, (images or {}).get(i, []), locus)
        for i, v in enumerate(analysis.get("variants") or [])
        # a targeted test reports the family's variant only; other findings are counted, not shown
        if not familial or variant_key(v) == familial["key"]
    ]
    not_reported = len(result.get("other_findings_not_reported") or []) if familial else 0
    reference = analysis.get("reference") or {}
    qc = analysis.get("qc") or {}
    subj = {"sample_id": analysis["sample"], "accession": None, "name": None, "birth_date": None}
    subj |= {"sex": None, "record_number": None} | (subject or {})
    kb = result.get("kb_version")
    return {
        "status": status,
        "version": version,
        "issued": issued.isoformat() if issued else None,
        "issued_text": issued.strftime("%Y-%m-%d %H:%M UTC") if issued else None,
        "replaces": replaces,
        "report_id": report_id
        or f"{subj.get('accession') or subj['sample_id']}-{'draft' if status == 'DRAFT' else f'v{version}'}",
        "lab": {k: lab.get(k) for k in LAB_FIELDS} if lab else None,
        "subject": subj,
        "physician": physician,
        "specimen": {"type": None, "collected": None, "received": None} | (specimen or {}),
        "indication": indication or DEFAULT_INDICATION,
        "phenotype": hpo_terms(result.get("phenotype") or [], excluded_features),
        "result": {
            "category": result["result"],
            "summary": result.get("summary", ""),
            "interpretation": result.get("interpretation", ""),
            "recommendations": list(result.get("recommendations") or []),
            "notes": list(result.get("notes") or [])
            + (
                [
                    f"{not_reported} other finding(s) of this analysis are not reported: this targeted test "
                    "reports only the family's variant."
                ]
                if not_reported
                else []
            ),
            "reasons": list(result.get("reasons") or []),
        },
        "test": {
            "name": FAMILIAL_TEST_NAME if familial else TEST_NAME,
            "familial_variant": familial,
            "input_kind": analysis["input_kind"],
            "method": method_text(
                analysis["input_kind"], analysis.get("parameters"), (lab or {}).get("methods")
            ),
            "confirmation": (lab or {}).get("confirmation_policy"),
            "build": analysis.get("build"),
            "transcript": TRANSCRIPT,
            "reference": {k: reference.get(k) for k in ("kind", "demo", "sha256", "description")},
            "software": analysis.get("software") or {},
            "knowledge_base": kb,
            "inputs": [f.get("name") for f in analysis.get("input_files") or []],
        },
        "range": _range(analysis),
        "qc": qc_statement(qc, analysis["input_kind"]),
        "limits": limits_statement(analysis["input_kind"], qc, detection_table),
        "variants": variants,
        "references": refs.items,
        "signatures": signatures or [],
        "comment": comment,
        "relatives": relatives or [],
        "pedigree_svg": pedigree_svg,  # reporting/pedigree_svg.py markup (text escaped there)
        "demo": bool(reference.get("demo")),
    }
