"""The test result of one sample: from its calls, its QC and the case evidence to Positive, Negative,
Uncertain or Inconclusive, with the sentences the report carries (data/report_text.yaml).

Only calls inside the reportable range decide the result; the others are listed as other findings.  Never
Negative unless every base of the reportable range was covered, nor while a call in the range needs the
director's review; a pathogenic call that failed a quality filter makes the result Inconclusive (confirm it).
A director's decision on a variant (``decisions``) sets the class the result uses, with its reason.
"""

from __future__ import annotations

import copy
from dataclasses import replace
from functools import cache

from whimscreen.interpretation import yaml_data
from whimscreen.interpretation.classify import PopulationLookup, classify
from whimscreen.interpretation.evidence import Evidence
from whimscreen.interpretation.knowledge_base import KnowledgeBase
from whimscreen.interpretation.reportable import describe_uncovered, in_reportable_range

PLP = ("Pathogenic", "Likely pathogenic")


@cache
def texts() -> dict:
    return yaml_data.load("report_text.yaml")


def variant_key(v: dict) -> str:
    """The GRCh38 key a director's decision is stored under."""
    b = v["grch38"]
    return f"chr2:{b['pos']}:{b['ref']}:{b['alt']}"


def zygosity(v: dict) -> str:
    if v.get("zygosity"):
        return v["zygosity"]
    if v.get("mosaic"):
        return "mosaic"
    return "homozygous" if v.get("genotype") == "1/1" else "heterozygous"


def _vaf(v: dict) -> str:
    return "unknown" if v.get("af") is None else f"{v['af']:.0%}"


def _label(v: dict) -> str:
    return f"{v['hgvs_c']} {v['hgvs_p'] or ''}".strip()


def _cls(v: dict) -> str:
    return v["reported_classification"]


def _decide(reportable: list[dict], qc: dict) -> tuple[str, dict | None, str]:
    passed = [v for v in reportable if not v.get("filters")]
    plp = [v for v in passed if _cls(v) in PLP]
    if plp:
        return "Positive", plp[0], ""
    flagged = [v for v in reportable if v.get("filters") and _cls(v) in PLP]
    if flagged:
        v = flagged[0]
        return (
            "Inconclusive",
            v,
            f"a {_cls(v).lower()} variant {_label(v)} was seen but did not pass quality filters "
            f"({', '.join(v['filters'])}) and must be confirmed by an orthogonal method",
        )
    if not qc or not qc.get("fully_covered"):
        why = (qc or {}).get("reason") or (
            "part of the reportable range was not covered at the QC minimum: "
            + describe_uncovered((qc or {}).get("uncovered") or [])
        )
        return "Inconclusive", None, why
    vus = [v for v in passed if _cls(v) == "Uncertain significance"]
    if vus:
        return "Uncertain", vus[0], ""
    return "Negative", None, ""


def _pending(reportable: list[dict]) -> list[dict]:
    return [
        v for v in reportable if v["classification"]["review_required"] and not v.get("director_decision")
    ]


def _notes(lead: dict | None, reportable: list[dict], others: list[dict], demo: bool) -> list[str]:
    t, notes = texts()["notes"], []
    if lead is not None and zygosity(lead) in ("homozygous", "mosaic"):
        notes.append(t[zygosity(lead)].format(vaf=_vaf(lead)))
    significant = [
        v for v in reportable if not v.get("filters") and _cls(v) in (*PLP, "Uncertain significance")
    ]
    if len(significant) > 1:
        notes.append(t["multiple"].format(n=len(significant)))
    filtered = [v for v in reportable if v.get("filters")]
    if filtered:
        calls = "; ".join(f"{_label(v)} ({', '.join(v['filters'])})" for v in filtered)
        notes.append(t["filtered"].format(calls=calls))
    if others:
        listed = "; ".join(f"{_label(v)} ({v['classification']['classification']})" for v in others)
        notes.append(t["other_findings"].format(calls=listed))
    if demo:
        notes.append(t["demo"])
    return notes


def _basis(v: dict) -> str:
    c = v["classification"]
    crit = ", ".join(f"{x['code']} ({x['strength']})" for x in c["criteria"]) or "no criterion met"
    text = f"CXCR4 rules, {c['points']} points: {crit}"
    if c.get("knowledge_base_classification"):
        kb = c["knowledge_base"]["id"]
        text += f"; the knowledge base ({kb}) asserts {c['knowledge_base_classification']}"
    d = v.get("director_decision")
    if d:
        text += f"; laboratory director's decision: {d['classification']} ({d['reason']})"
    return text


def sentence_fields(result: str, lead: dict | None, reason: str) -> dict:
    t = texts()
    fill = {
        "variant": "",
        "reason": reason,
        "reason_sentence": f"{reason[:1].upper()}{reason[1:]}." if reason else "",
    }
    if lead is not None:
        z = zygosity(lead)
        fill |= {
            "variant": _label(lead),
            "zygosity": z,
            "vaf": _vaf(lead),
            "classification_lower": _cls(lead).lower(),
            "basis": _basis(lead),
        }
        fill["subject"] = t["subject"][z].format(**fill)
        fill["state"] = t["state"][z].format(**fill)
    return fill


def _recommendations(result: str, lead: dict | None, fill: dict) -> list[str]:
    recs = texts()["recommendations"]
    key = (
        "Positive_mosaic"
        if result == "Positive" and lead is not None and zygosity(lead) == "mosaic"
        else result
    )
    return [r.format(**fill) for r in recs[key]]


def interpret_analysis(
    analysis: dict,
    kb: KnowledgeBase | None,
    evidence: Evidence | None = None,
    population: PopulationLookup | None = None,
    decisions: dict[str, dict] | None = None,
    inheritance: dict[str, dict] | None = None,
) -> dict:
    """A copy of the analysis JSON with each variant's ``classification`` (computed), ``zygosity``,
    ``in_reportable_range``, ``inheritance``, the class the result uses, and the sample ``result``.
    ``decisions``: a director's decision per ``variant_key`` ({"classification", "reason", "by", "at"});
    ``inheritance``: per ``variant_key`` from the parents' analyses (``inheritance.trio``): a de novo variant
    gets this patient's de novo evidence with the parentage given, an inherited one none."""
    doc = copy.deepcopy(analysis)
    evidence, decisions = evidence or Evidence(), decisions or {}
    variants = doc.get("variants", [])
    for v in variants:
        found = (inheritance or {}).get(variant_key(v))
        v["inheritance"] = found or {"inheritance": "not_determined"}
        own = evidence
        if found is not None:
            own = replace(evidence, de_novo=found["parentage"] if found["inheritance"] == "de_novo" else None)
        v["classification"] = classify(v, own, kb, population).to_dict()
        v["zygosity"] = zygosity(v)
        v["in_reportable_range"] = in_reportable_range(v)
        decision = decisions.get(variant_key(v))
        v["director_decision"] = decision
        v["reported_classification"] = (
            decision["classification"] if decision else v["classification"]["classification"]
        )
    reportable = [v for v in variants if v["in_reportable_range"]]
    others = [v for v in variants if not v["in_reportable_range"]]
    result, lead, reason = _decide(reportable, doc.get("qc") or {})
    pending = _pending(reportable)
    reasons = [f"{_label(v)}: {r}" for v in pending for r in v["classification"]["review_reasons"]]
    if pending and result == "Negative":
        result, lead = "Inconclusive", None
        reason = (
            "a classification in the reportable range needs the laboratory director's review: "
            + "; ".join(reasons)
        )
    t = texts()
    fill = sentence_fields(result, lead, reason)
    doc["result"] = {
        "result": result,
        "reasons": [reason] if reason else [],
        "summary": t["result"][result].format(**fill),
        "interpretation": t["interpretation"][result].format(**fill),
        "recommendations": _recommendations(result, lead, fill),
        "notes": _notes(lead, reportable, others, bool((doc.get("reference") or {}).get("demo"))),
        "review_required": bool(pending),
        "review_reasons": reasons,
        "lead_variant": variant_key(lead) if lead else None,
        "other_findings": [variant_key(v) for v in others],
        "phenotype": list(evidence.phenotype),
        "evidence": {"de_novo": evidence.de_novo, "segregation_meioses": evidence.segregation_meioses},
        "kb_version": kb.version if kb else None,
    }
    return doc
