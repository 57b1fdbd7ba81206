"""The known familial variant test: the reportable range is the variant's bases (plus, for an indel, the
bases on each side a read must cross to show it); the result is Detected / Not detected / Inconclusive with
the QC at that position.  Other calls are kept in the JSON but not reported (the director may choose to)."""

from __future__ import annotations

from whimscreen.interpretation.classify import PopulationLookup
from whimscreen.interpretation.evidence import Evidence
from whimscreen.interpretation.knowledge_base import KnowledgeBase
from whimscreen.interpretation.reportable import affected_bases, describe_interval
from whimscreen.interpretation.result import interpret_analysis, sentence_fields, texts, variant_key
from whimscreen.reference.reportable import reportable_positions


def assessed_bases(grch38: dict) -> list[int]:
    """The familial variant's bases and, for an indel, as many bases on each side as it is long."""
    pos, ref, alt = grch38["pos"], grch38["ref"], grch38["alt"]
    bases = affected_bases(pos, ref, alt)
    reach = 0 if len(ref) == len(alt) == 1 else max(len(ref), len(alt))
    return list(range(min(bases) - reach, max(bases) + reach + 1))


def coverage_at(qc: dict, bases: list[int]) -> tuple[bool, str]:
    """(covered, why not) for the assessed bases, from the analysis's QC of the reportable range."""
    if not qc or qc.get("covered_bases") is None:
        return False, qc.get("reason") or "the input carries no per-base coverage"
    measured = set(reportable_positions())
    outside = [p for p in bases if p not in measured]
    if outside:
        return False, "the variant's bases lie outside the bases this test measures coverage for"
    gaps = [(iv["start"], iv["end"]) for iv in qc.get("uncovered") or []]
    low = [p for p in bases if any(a <= p <= z for a, z in gaps)]
    if low:
        return False, f"{describe_interval(min(low), max(low))} was not covered at the QC minimum"
    return True, ""


def interpret_familial(
    analysis: dict,
    familial: dict,
    kb: KnowledgeBase | None,
    evidence: Evidence | None = None,
    population: PopulationLookup | None = None,
) -> dict:
    """``familial``: the annotation of the family's variant (``annotate(...).to_dict()``)."""
    doc = interpret_analysis(analysis, kb, evidence, population)
    target = variant_key(familial)
    label = f"{familial['hgvs_c']} {familial['hgvs_p'] or ''}".strip()
    call = next((v for v in doc.get("variants", []) if variant_key(v) == target), None)
    covered, why = coverage_at(doc.get("qc") or {}, assessed_bases(familial["grch38"]))
    if call is not None and not call.get("filters"):
        result, reason = "Detected", ""
    elif call is not None:
        result, reason = (
            "Inconclusive",
            f"it was seen but failed quality filters ({', '.join(call['filters'])})",
        )
    elif covered:
        result, reason = "Not detected", ""
    else:
        result, reason = "Inconclusive", why
    t = texts()["familial"]
    fill = sentence_fields(result, call, reason) | {"variant": label}
    if call is None:
        fill |= {"state": "", "classification_lower": ""}
    doc["result"] = {
        "test": "familial variant",
        "familial_variant": {"key": target, "hgvs_c": familial["hgvs_c"], "hgvs_p": familial["hgvs_p"]},
        "result": result,
        "reasons": [reason] if reason else [],
        "summary": t["result"][result].format(**fill),
        "interpretation": t["interpretation"][result].format(**fill),
        "recommendations": [r.format(**fill) for r in t["recommendations"][result]],
        "qc_at_variant": {"covered": covered, "reason": why or None},
        "notes": [],
        "review_required": False,
        "review_reasons": [],
        "other_findings_not_reported": [
            variant_key(v) for v in doc.get("variants", []) if variant_key(v) != target
        ],
        "phenotype": list((evidence or Evidence()).phenotype),
        "kb_version": kb.version if kb else None,
    }
    return doc
