"""When the computed class and an asserted one (the knowledge base's, ClinVar's) fall in different tiers
(pathogenic side, uncertain, benign side), a person decides: the variant needs the director's review."""

from __future__ import annotations

TIERS = {
    "Pathogenic": "pathogenic (P/LP)",
    "Likely pathogenic": "pathogenic (P/LP)",
    "Uncertain significance": "uncertain (VUS)",
    "Likely benign": "benign (LB/B)",
    "Benign": "benign (LB/B)",
}


def tier(classification: str | None) -> str | None:
    return TIERS.get(classification or "")


def review_reasons(computed: str, asserted: dict[str, str | None]) -> list[str]:
    """``asserted``: who asserts (e.g. "knowledge base WHIM006") -> their class; one reason each time
    they disagree."""
    reasons = []
    for who, cls in asserted.items():
        if tier(cls) is not None and tier(cls) != tier(computed):
            reasons.append(
                f"the CXCR4 rules compute {computed} but the {who} asserts {cls} "
                f"({tier(computed)} vs {tier(cls)})"
            )
    return reasons
