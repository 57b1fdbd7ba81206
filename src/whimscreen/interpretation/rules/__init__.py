"""The CXCR4 rules: pure functions from the facts about one variant (its annotation and mechanism, the
knowledge base's evidence, the case's evidence, the population frequency) to the ACMG/AMP criteria met.

One fact scores once: each rule reads the facts it names in every criterion's ``evidence``.
docs/cxcr4-rules.md gives each rule's reasoning and sources; thresholds live in data/cxcr4_spec.yaml.
"""

from __future__ import annotations

from collections.abc import Callable

from whimscreen.interpretation.criteria import Criterion
from whimscreen.interpretation.rules.case import pp1_segregation, pp4_phenotype, ps2_pm6_de_novo, ps4_probands
from whimscreen.interpretation.rules.facts import Facts
from whimscreen.interpretation.rules.functional import ps3_bs3_functional
from whimscreen.interpretation.rules.location import pm1_pm4_location
from whimscreen.interpretation.rules.population import ba1_bs1_pm2_frequency
from whimscreen.interpretation.rules.residue import ps1_pm5_known_residue
from whimscreen.interpretation.rules.splicing import bp7_synonymous

Rule = Callable[[Facts], list[Criterion]]

RULES: tuple[Rule, ...] = (
    pm1_pm4_location,
    ps1_pm5_known_residue,
    ps2_pm6_de_novo,
    pp4_phenotype,
    pp1_segregation,
    ps4_probands,
    ps3_bs3_functional,
    ba1_bs1_pm2_frequency,
    bp7_synonymous,
)


def criteria_met(facts: Facts) -> list[Criterion]:
    met: list[Criterion] = []
    for rule in RULES:
        met.extend(rule(facts))
    return met


__all__ = ["RULES", "Facts", "criteria_met"]
