"""``classify(annotation, evidence, kb)``: the criteria met, their points, and the class.

One combining scheme only: the Bayesian points of Tavtigian et al. (2018, PMID 29300386; 2020, PMID
32720330).  Where the knowledge base records a curated class for the very same variant, that class is
reported (its source said) and the computed one is kept beside it.
"""

from __future__ import annotations

from dataclasses import dataclass

from whimscreen.interpretation.criteria import Criterion, class_for
from whimscreen.interpretation.evidence import Evidence
from whimscreen.interpretation.knowledge_base import Entry, KnowledgeBase
from whimscreen.interpretation.rules import RULES
from whimscreen.reference.variant import GenomicVariant


@dataclass(frozen=True)
class Classification:
    classification: str
    points: int
    criteria: tuple[Criterion, ...]
    computed: str
    source: str
    entry: Entry | None = None
    kb_version: str | None = None

    @property
    def pathogenic(self) -> bool:
        return self.classification in ("Pathogenic", "Likely pathogenic")

    def to_dict(self) -> dict:
        return {
            "classification": self.classification,
            "points": self.points,
            "criteria": [c.to_dict() for c in self.criteria],
            "computed_classification": self.computed,
            "classification_source": self.source,
            "knowledge_base": self.entry.to_dict() if self.entry else None,
            "kb_version": self.kb_version,
        }


def _variant(annotation: dict) -> GenomicVariant:
    b = annotation["grch38"]
    return GenomicVariant(b["pos"], b["ref"], b["alt"])


def classify(
    annotation: dict, evidence: Evidence | None = None, kb: KnowledgeBase | None = None
) -> Classification:
    """Classify one annotated variant (``annotate(...).to_dict()``); ``kb=None`` applies the rules alone."""
    evidence = evidence or Evidence()
    entry = kb.lookup(_variant(annotation)) if kb else None
    met = [c for rule in RULES if (c := rule(annotation, entry, kb, evidence)) is not None]
    points = sum(c.points for c in met)
    # BA1 stands alone (Richards 2015; outside the point sum in Tavtigian 2020): Benign whatever else is met
    computed = "Benign" if any(c.code == "BA1" for c in met) else class_for(points)
    if entry is not None and entry.classification:
        return Classification(
            entry.classification,
            points,
            tuple(met),
            computed,
            f"knowledge base {entry.id} (version {kb.version})",
            entry,
            kb.version,
        )
    return Classification(
        computed, points, tuple(met), computed, "CXCR4 rules (points)", entry, kb.version if kb else None
    )
