"""``classify(annotation, evidence, kb, population)``: the criteria met, their points, and the class.

The class is always the one the rules compute from all the evidence (one combining scheme: the Bayesian
points of Tavtigian et al. 2018, PMID 29300386; 2020, PMID 32720330).  The knowledge base supplies evidence
(probands, de novo occurrences, segregation, functional assays, population frequency) and its own asserted
class, which is shown beside the computed one; when they fall in different tiers the variant needs review.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from whimscreen.interpretation.criteria import Criterion, class_for
from whimscreen.interpretation.evidence import Evidence
from whimscreen.interpretation.knowledge_base import Entry, KnowledgeBase
from whimscreen.interpretation.mechanism import Mechanism, mechanism
from whimscreen.interpretation.population import Frequency
from whimscreen.interpretation.review import review_reasons
from whimscreen.interpretation.rules import Facts, criteria_met
from whimscreen.reference.variant import GenomicVariant

#: a lab's population table: GRCh38 variant -> frequency (``population_table.PopulationTable.lookup``)
PopulationLookup = Callable[[GenomicVariant], Frequency | None]
RULES_SOURCE = "CXCR4 rules (points)"


@dataclass(frozen=True)
class Classification:
    classification: str  # computed by the rules, always
    points: int
    criteria: tuple[Criterion, ...]
    mechanism: Mechanism
    entry: Entry | None = None
    kb_version: str | None = None
    frequency: Frequency | None = None
    review: tuple[str, ...] = field(default=())

    @property
    def pathogenic(self) -> bool:
        return self.classification in ("Pathogenic", "Likely pathogenic")

    @property
    def review_required(self) -> bool:
        return bool(self.review)

    def to_dict(self) -> dict:
        e = self.entry
        return {
            "classification": self.classification,
            "computed_classification": self.classification,
            "classification_source": RULES_SOURCE,
            "points": self.points,
            "criteria": [c.to_dict() for c in self.criteria],
            "mechanism": self.mechanism.to_dict(),
            "knowledge_base_classification": (e.classification or None) if e else None,
            "clinvar_classification": (e.fields.get("clinvar_classification") or None) if e else None,
            "review_required": self.review_required,
            "review_reasons": list(self.review),
            "population_frequency": self.frequency.describe() if self.frequency else None,
            "knowledge_base": e.to_dict() if e else None,
            "kb_version": self.kb_version,
        }


def _variant(annotation: dict) -> GenomicVariant:
    b = annotation["grch38"]
    return GenomicVariant(b["pos"], b["ref"], b["alt"])


def _kb_frequency(entry: Entry | None) -> Frequency | None:
    if entry is None:
        return None
    faf, af = entry.fields.get("filtering_af") or "", entry.fields.get("population_af") or ""
    if not faf and not af:
        return None
    return Frequency(
        float(faf) if faf else None,
        float(af) if af else None,
        f"knowledge base {entry.id}: {entry.fields.get('filtering_af_source') or 'population frequency'}",
    )


def frequency_for(
    variant: GenomicVariant, evidence: Evidence, entry: Entry | None, population: PopulationLookup | None
) -> Frequency | None:
    """The first source that knows the variant: the case's stated frequency, the lab's table, the KB."""
    if evidence.population_af is not None:
        af = evidence.population_af
        return Frequency(af, af, "stated for this case (filtering AF)")
    found = population(variant) if population else None
    return found or _kb_frequency(entry)


def classify(
    annotation: dict,
    evidence: Evidence | None = None,
    kb: KnowledgeBase | None = None,
    population: PopulationLookup | None = None,
) -> Classification:
    """Classify one annotated variant (``annotate(...).to_dict()``); ``kb=None`` applies the rules without
    the knowledge base's evidence."""
    evidence = evidence or Evidence()
    variant = _variant(annotation)
    entry = kb.lookup(variant) if kb else None
    mech = mechanism(annotation)
    facts = Facts(annotation, mech, evidence, entry, kb, frequency_for(variant, evidence, entry, population))
    met = criteria_met(facts)
    points = sum(c.points for c in met)
    # BA1 stands alone (Richards 2015; outside the point sum in Tavtigian 2020): Benign whatever else is met
    computed = "Benign" if any(c.code == "BA1" for c in met) else class_for(points)
    asserted = {}
    if entry is not None:
        asserted[f"knowledge base {entry.id}"] = entry.classification
        asserted[f"ClinVar (as recorded in {entry.id})"] = entry.fields.get("clinvar_classification")
    return Classification(
        computed,
        points,
        tuple(met),
        mech,
        entry,
        kb.version if kb else None,
        facts.frequency,
        tuple(review_reasons(computed, asserted)),
    )
