"""PS3 / BS3 from the knowledge base's functional evidence, at the strength its assay validity allows
(Brnich et al. 2019, PMID 31892348).  Only gain of function is the WHIM mechanism: a loss-of-function
result scores nothing."""

from __future__ import annotations

from whimscreen.interpretation.criteria import Criterion, Strength
from whimscreen.interpretation.rules.facts import Facts


def ps3_bs3_functional(f: Facts) -> list[Criterion]:
    if f.entry is None:
        return []
    effect = (f.entry.fields.get("functional") or "").strip()
    raw = (f.entry.fields.get("functional_strength") or "supporting").strip()
    try:
        strength = Strength(raw)
    except ValueError:
        return []
    used = (f"knowledge base: {effect} [{f.kb_source('functional_source')}]",)
    cite = "Brnich et al. 2019 (PMID 31892348)"
    if effect == "gain_of_function":
        return [
            Criterion(
                "PS3",
                strength,
                "A functional assay shows increased CXCR4 signalling (gain of function), the WHIM mechanism; "
                f"strength {strength.value} from the assay's validation.",
                cite,
                used,
            )
        ]
    if effect == "normal":
        return [
            Criterion(
                "BS3",
                strength,
                f"A functional assay shows wild-type signalling; strength {strength.value} from the assay's "
                "validation.",
                cite,
                used,
            )
        ]
    return []
