"""Everything the rules may read about one variant, gathered once."""

from __future__ import annotations

from dataclasses import dataclass

from whimscreen.interpretation.criteria import spec
from whimscreen.interpretation.evidence import Evidence
from whimscreen.interpretation.knowledge_base import Entry, KnowledgeBase
from whimscreen.interpretation.mechanism import Mechanism
from whimscreen.interpretation.population import Frequency


@dataclass(frozen=True)
class Facts:
    ann: dict  # annotate(...).to_dict()
    mechanism: Mechanism
    evidence: Evidence  # the case: this patient's de novo status, phenotype, family
    entry: Entry | None = None  # the knowledge base's entry for this very variant
    kb: KnowledgeBase | None = None
    frequency: Frequency | None = None  # population frequency, from the first source that has it

    @property
    def features(self) -> set[str]:
        """The patient's phenotype as feature names (HPO ids mapped; unknown ids kept, matching nothing)."""
        hpo = spec()["phenotype"].get("hpo", {})
        return {hpo.get(p, p) for p in self.evidence.phenotype}

    def kb_int(self, column: str) -> int:
        if self.entry is None:
            return 0
        try:
            return int(self.entry.fields.get(column) or 0)
        except ValueError:
            return 0

    def kb_source(self, column: str) -> str:
        if self.entry is None:
            return ""
        return f"{self.entry.id} {self.entry.fields.get(column, '')}".strip()
