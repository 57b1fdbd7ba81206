"""The ClinGen SVI point system for de novo occurrences (PS2 / PM6): each de novo proband scores by its
parentage status and by how specific the proband's phenotype is for the gene; the sum sets one strength.

Points per proband and the strength bands are in data/cxcr4_spec.yaml (``de_novo``); docs/cxcr4-rules.md
quotes the source.  Published de novo probands come from the knowledge base (a WHIM diagnosis: the
highly specific tier); the patient's own de novo status and phenotype come from the case.
"""

from __future__ import annotations

from dataclasses import dataclass

from whimscreen.interpretation.criteria import Strength, spec

TIERS = ("highly_specific", "consistent", "heterogeneous")


@dataclass(frozen=True)
class DeNovoProband:
    parentage: str  # "confirmed" or "assumed"
    tier: str  # one of TIERS
    source: str  # "this patient" or a knowledge-base citation

    def __post_init__(self) -> None:
        if self.parentage not in ("confirmed", "assumed") or self.tier not in TIERS:
            raise ValueError(f"de novo proband: parentage {self.parentage!r}, tier {self.tier!r}")

    @property
    def points(self) -> float:
        return spec()["de_novo"]["points"][self.parentage][self.tier]


def phenotype_tier(features: set[str]) -> str:
    """Myelokathexis is highly specific for CXCR4; two or more other WHIM features are consistent but not
    highly specific; fewer (or none recorded) count at the lowest consistent tier (neutropenia has many
    causes), since the patient was referred for a WHIM-compatible picture."""
    p = spec()["phenotype"]
    if set(p["specific"]) & features:
        return "highly_specific"
    if len(set(p["supportive"]) & features) >= 2:
        return "consistent"
    return "heterogeneous"


def strength_for(points: float) -> Strength | None:
    bands = spec()["de_novo"]["strength"]
    for strength in (Strength.VERY_STRONG, Strength.STRONG, Strength.MODERATE, Strength.SUPPORTING):
        if points >= bands[strength.value]:
            return strength
    return None
