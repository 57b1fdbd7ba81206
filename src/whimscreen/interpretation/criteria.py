"""ACMG/AMP criteria as values: a code, a strength, its points, one sentence of justification and the facts
it used."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum
from functools import cache

from whimscreen.interpretation import yaml_data


@cache
def spec() -> dict:
    """The CXCR4 specification (data/cxcr4_spec.yaml), read once."""
    return yaml_data.load("cxcr4_spec.yaml")


class Strength(StrEnum):
    SUPPORTING = "supporting"
    MODERATE = "moderate"
    STRONG = "strong"
    VERY_STRONG = "very_strong"

    def points(self) -> int:
        return spec()["points"][self.value]


@dataclass(frozen=True)
class Criterion:
    code: str  # e.g. "PM1", "BP7"
    strength: Strength
    justification: str
    citation: str = ""
    evidence: tuple[
        str, ...
    ] = ()  # the facts this criterion used (annotation, case, knowledge base, population)

    @property
    def benign(self) -> bool:
        return self.code.startswith("B")

    @property
    def points(self) -> int:
        return -self.strength.points() if self.benign else self.strength.points()

    def to_dict(self) -> dict:
        return asdict(self) | {
            "strength": self.strength.value,
            "points": self.points,
            "evidence": list(self.evidence),
        }


def class_for(points: int) -> str:
    """Tavtigian 2020 point bands: P >= 10, LP 6..9, VUS 0..5, LB -1..-6, B <= -7."""
    for band in spec()["classes"]:
        if points >= band["min"]:
            return band["name"]
    raise AssertionError(points)  # pragma: no cover
