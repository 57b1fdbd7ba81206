"""``whimscreen classify EXPR``: the ACMG/AMP classification of one CXCR4 variant, criterion by criterion."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from whimscreen.cli.common import BuildOption, active_locus, check_build, print_json
from whimscreen.cli.interpret import (
    DeNovoOption,
    NoKbOption,
    PhenotypeOption,
    SegregationOption,
    evidence,
    knowledge_base,
    population_table,
)
from whimscreen.interpretation.classify import classify as classify_variant
from whimscreen.reference.annotate import annotate
from whimscreen.reference.parse import parse_variant


def classify(
    expr: str = typer.Argument(
        ..., help="HGVS c./g. on CXCR4, or chr2:POS:REF:ALT / 2-POS-REF-ALT on --build."
    ),
    build: str = BuildOption,
    de_novo: str = DeNovoOption,
    phenotype: list[str] = PhenotypeOption,
    segregation: int = SegregationOption,
    population_af: float = typer.Option(
        None, "--population-af", help="Population filtering allele frequency (gnomAD FAF95), not the raw AF."
    ),
    no_kb: bool = NoKbOption,
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
) -> None:
    """Classify a CXCR4 variant with the CXCR4-specific ACMG/AMP rules (Bayesian points).

    The class is always the one the rules compute; the knowledge base supplies evidence and its own asserted
    class is shown beside it (review required when they fall in different tiers)."""
    locus = active_locus()
    ann = annotate(locus, parse_variant(locus, expr, check_build(build))).to_dict()
    kb = knowledge_base(locus, no_kb)
    case = evidence(phenotype, de_novo, segregation, population_af)
    result = classify_variant(ann, case, kb, population_table())
    data = {"variant": ann} | result.to_dict() | {"kb_version": kb.version if kb else None}
    if as_json:
        print_json(data)
        return
    console = Console()
    console.print(f"[bold]{ann['hgvs_c']} {ann['hgvs_p'] or ''}[/]  {ann['consequence']}")
    console.print(escape(data["mechanism"]["statement"]))
    table = Table("criterion", "strength", "points", "justification", "evidence used")
    for c in data["criteria"]:
        cells = (c["code"], c["strength"], str(c["points"]), c["justification"], "; ".join(c["evidence"]))
        table.add_row(*map(escape, cells))
    console.print(table)
    console.print(
        f"[bold]{data['classification']}[/] ({data['points']} points; {data['classification_source']})"
    )
    if data["knowledge_base_classification"] or data["clinvar_classification"]:
        console.print(
            f"asserted: knowledge base {data['knowledge_base_classification'] or '-'}, "
            f"ClinVar {data['clinvar_classification'] or '-'} (shown, not used as the class)"
        )
    for reason in data["review_reasons"]:
        console.print(f"[bold red]REVIEW REQUIRED:[/] {escape(reason)}")
    if locus.info.demo:
        console.print(f"[bold red]{ann['reference']['warning']}[/]")
