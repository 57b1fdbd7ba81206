"""The test result of one sample: from its calls, its QC and the patient's phenotype to Positive, Negative,
Uncertain or Inconclusive, with the sentences the report carries (data/report_text.yaml).

Never Negative unless every base of the reportable range was covered; a pathogenic call that failed a quality
filter makes the result Inconclusive (confirm it), never Positive or Negative.
"""

from __future__ import annotations

import copy
from functools import cache
from importlib import resources

import yaml

from whimscreen.interpretation.classify import classify
from whimscreen.interpretation.evidence import Evidence
from whimscreen.interpretation.knowledge_base import KnowledgeBase

PLP = ("Pathogenic", "Likely pathogenic")


@cache
def texts() -> dict:
    return yaml.safe_load(
        (resources.files("whimscreen.interpretation") / "data" / "report_text.yaml").read_text()
    )


def _label(v: dict) -> str:
    return f"{v['hgvs_c']} {v['hgvs_p'] or ''}".strip()


def _intervals(qc: dict) -> str:
    spans = [f"chr2:{a}-{b}" if a != b else f"chr2:{a}" for a, b in qc.get("uncovered") or []]
    return ", ".join(spans[:8]) + (f" and {len(spans) - 8} more" if len(spans) > 8 else "")


def _decide(variants: list[dict], qc: dict) -> tuple[str, dict | None, str]:
    passed = [v for v in variants if not v.get("filters")]
    cls = lambda v: v["classification"]["classification"]  # noqa: E731
    plp = [v for v in passed if cls(v) in PLP]
    if plp:
        return "Positive", plp[0], ""
    flagged = [v for v in variants if v.get("filters") and cls(v) in PLP]
    if flagged:
        v = flagged[0]
        return (
            "Inconclusive",
            v,
            (
                f"a {cls(v).lower()} variant {_label(v)} was seen but did not pass quality filters "
                f"({', '.join(v['filters'])}) and must be confirmed by an orthogonal method"
            ),
        )
    if not qc or not qc.get("fully_covered"):
        why = (qc or {}).get(
            "reason"
        ) or f"part of the reportable range was not covered at the QC minimum ({_intervals(qc or {})})"
        return "Inconclusive", None, why
    vus = [v for v in passed if cls(v) == "Uncertain significance"]
    if vus:
        return "Uncertain", vus[0], ""
    return "Negative", None, ""


def _notes(result: str, lead: dict | None, variants: list[dict], demo: bool) -> list[str]:
    t, notes = texts()["notes"], []
    reportable = [
        v
        for v in variants
        if not v.get("filters") and v["classification"]["classification"] in (*PLP, "Uncertain significance")
    ]
    if lead is not None and lead.get("genotype") == "1/1":
        notes.append(t["homozygous"].format(af=lead.get("af")))
    if lead is not None and lead.get("mosaic"):
        notes.append(t["mosaic"].format(af=lead.get("af")))
    if len(reportable) > 1:
        notes.append(t["multiple"].format(n=len(reportable)))
    filtered = [v for v in variants if v.get("filters")]
    if filtered:
        notes.append(
            t["filtered"].format(
                calls="; ".join(f"{_label(v)} ({', '.join(v['filters'])})" for v in filtered)
            )
        )
    if demo:
        notes.append(t["demo"])
    return notes


def interpret_analysis(analysis: dict, kb: KnowledgeBase | None, evidence: Evidence | None = None) -> dict:
    """A copy of the analysis JSON with each variant's ``classification`` and the sample ``result``."""
    doc = copy.deepcopy(analysis)
    evidence = evidence or Evidence()
    for v in doc.get("variants", []):
        v["classification"] = classify(v, evidence, kb).to_dict()
    variants = doc.get("variants", [])
    result, lead, reason = _decide(variants, doc.get("qc") or {})
    t = texts()
    fill = {"variant": _label(lead) if lead else "", "reason": reason}
    if lead is not None:
        c = lead["classification"]
        rules = f"{c['points']} points: " + (
            ", ".join(f"{x['code']} ({x['strength']})" for x in c["criteria"]) or "none"
        )
        curated = c["classification_source"].startswith("knowledge base")
        basis = f"as curated in the {c['classification_source']}; CXCR4 rules: {rules}" if curated else rules
        fill |= {"classification_lower": c["classification"].lower(), "basis": basis}
    fill["reason_sentence"] = f"{reason[:1].upper()}{reason[1:]}." if reason else ""
    doc["result"] = {
        "result": result,
        "reasons": [reason] if reason else [],
        "summary": t["result"][result].format(**fill),
        "interpretation": t["interpretation"][result].format(**fill),
        "recommendations": [r.format(**fill) for r in t["recommendations"][result]],
        "notes": _notes(result, lead, variants, bool((doc.get("reference") or {}).get("demo"))),
        "phenotype": list(evidence.phenotype),
        "kb_version": kb.version if kb else None,
    }
    return doc
