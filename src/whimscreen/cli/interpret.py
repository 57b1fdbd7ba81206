"""Options and helpers shared by ``classify`` and ``analyze``: case evidence and the knowledge base."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from whimscreen.home import data_home

if TYPE_CHECKING:  # imported where used: registering a command must stay cheap
    from whimscreen.interpretation.evidence import Evidence
    from whimscreen.interpretation.knowledge_base import KnowledgeBase
    from whimscreen.interpretation.population_table import PopulationTable
    from whimscreen.reference import Locus

PhenotypeOption = typer.Option(
    None,
    "--phenotype",
    help="Clinical feature (repeatable): myelokathexis, neutropenia, lymphopenia, "
    "monocytopenia, warts, hypogammaglobulinemia, recurrent-infections, or an HPO id (HP:0031160 "
    "myelokathexis, HP:0001875, HP:0001888, HP:0012312, HP:0200043, HP:0004313, HP:0004315, HP:0003139, "
    "HP:0002719, HP:0002718); other HP: ids are recorded, not scored.",
)
DeNovoOption = typer.Option(
    None, "--de-novo", help="This patient's variant is de novo: confirmed (parentage confirmed) or assumed."
)
SegregationOption = typer.Option(
    0, "--segregation", help="Informative meioses in this family with co-segregation (PP1)."
)
NoKbOption = typer.Option(False, "--no-kb", help="Apply the CXCR4 rules alone, without the knowledge base.")


def evidence(phenotype, de_novo, segregation: int = 0, population_af: float | None = None) -> Evidence:
    from whimscreen.interpretation.evidence import Evidence

    return Evidence(
        de_novo=de_novo,
        phenotype=tuple(phenotype or ()),
        segregation_meioses=segregation,
        population_af=population_af,
    )


def knowledge_base(locus: Locus, no_kb: bool) -> KnowledgeBase | None:
    """The data home's active knowledge-base release (``whimscreen kb activate``), else the package's; the
    mapping of its entries is cached in the data home (``kb_cache``)."""
    from whimscreen.interpretation.kb_active import active_in_home

    home = data_home()
    return None if no_kb else active_in_home(home, locus, cache_dir=home / "cache")


def population_table() -> PopulationTable | None:
    """The lab's imported population table (``whimscreen kb import-population``), if any."""
    from whimscreen.interpretation.population_table import load_table

    return load_table(data_home())
