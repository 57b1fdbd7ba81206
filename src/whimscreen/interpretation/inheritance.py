"""Inheritance of the proband's variants from the parents' analyses: ``de_novo`` only when both parents were
analysed, both are covered at the variant's bases and neither carries it; ``maternal`` / ``paternal`` when one
does; ``not_determined`` otherwise (a parent missing, not covered there, or a parental call that failed its
filters).  De novo then feeds PS2 (parentage confirmed) or PM6 (assumed) through the SVI points."""

from __future__ import annotations

from whimscreen.interpretation.reportable import affected_bases, in_reportable_range

INHERITANCE = ("de_novo", "maternal", "paternal", "not_determined")
PARENTAGE = ("confirmed", "assumed")


def _key(v: dict) -> str:
    b = v["grch38"]
    return f"chr2:{b['pos']}:{b['ref']}:{b['alt']}"


def _uncovered(parent: dict) -> list[tuple[int, int]]:
    return [(iv["start"], iv["end"]) for iv in (parent.get("qc") or {}).get("uncovered") or []]


def parent_status(parent: dict | None, variant: dict) -> str:
    """present / present (mosaic) / present, filtered / absent / not covered / not tested."""
    if parent is None:
        return "not tested"
    key = _key(variant)
    for call in parent.get("variants", []):
        if _key(call) == key:
            if call.get("filters"):
                return "present, filtered"
            return "present (mosaic)" if call.get("mosaic") else "present"
    qc = parent.get("qc") or {}
    if qc.get("covered_bases") is None or not in_reportable_range(variant):
        return "not covered"  # coverage unknown (plain VCF) or outside the bases the QC measures
    b = variant["grch38"]
    bases = affected_bases(b["pos"], b["ref"], b["alt"])
    if any(a <= p <= z for p in bases for a, z in _uncovered(parent)):
        return "not covered"
    return "absent"


def inheritance(variant: dict, mother: dict | None, father: dict | None, parentage: str) -> dict:
    if parentage not in PARENTAGE:
        raise ValueError(f"parentage must be one of {PARENTAGE}")
    m, f = parent_status(mother, variant), parent_status(father, variant)
    if m.startswith("present") and not m.endswith("filtered") and not f.startswith("present"):
        mode = "maternal"
    elif f.startswith("present") and not f.endswith("filtered") and not m.startswith("present"):
        mode = "paternal"
    elif m == "absent" and f == "absent":
        mode = "de_novo"
    else:
        mode = "not_determined"
    return {"inheritance": mode, "mother": m, "father": f, "parentage": parentage}


def trio(proband: dict, mother: dict | None, father: dict | None, parentage: str) -> dict[str, dict]:
    """Inheritance of every proband variant, by its GRCh38 key."""
    return {_key(v): inheritance(v, mother, father, parentage) for v in proband.get("variants", [])}
