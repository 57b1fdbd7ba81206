"""``whimscreen kb validate|show``: the knowledge base's version, counts and problems."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import typer

from whimscreen.cli.common import active_locus
from whimscreen.errors import InterpretationError
from whimscreen.interpretation.knowledge_base import load
from whimscreen.interpretation.population_table import import_population, load_table, table_path
from whimscreen.settings import get_settings

app = typer.Typer(no_args_is_help=True, help="The cited CXCR4 variant knowledge base.")


@app.command()
def show() -> None:
    """Print the version and the entries."""
    kb = load(active_locus())
    typer.echo(
        f"CXCR4 knowledge base version {kb.version}: {len(kb.entries)} entries (evidence; asserted class)"
    )
    for e in kb.entries:
        typer.echo(f"  {e.id}  {e.hgvs_c:22} {e.hgvs_p:22} {e.classification or '(not curated)'}")
    table = load_table(get_settings().home)
    if table is None:
        typer.echo("population table: none imported (the knowledge base's frequencies are used)")
    else:
        typer.echo(f"{table.source}: {len(table.entries)} alleles")


@app.command()
def validate() -> None:
    """Every name parses and maps through the foundation, p. agrees, no duplicates; exit 2 otherwise."""
    kb = load(active_locus())
    counts = Counter(e.classification or "not curated" for e in kb.entries)
    by_class = ", ".join(f"{k}: {v}" for k, v in counts.items())
    typer.echo(f"version {kb.version}: {len(kb.entries)} entries ({by_class})")
    if kb.problems:
        raise InterpretationError(f"{len(kb.problems)} problem(s): " + "; ".join(kb.problems))
    typer.echo("valid")


@app.command("import-population")
def import_population_cmd(
    vcf: Path = typer.Argument(
        ..., help="gnomAD sites VCF/BCF (or a slice of chr2 over CXCR4), indexed or not."
    ),
    build: str = typer.Option(None, "--build", help="GRCh38 or GRCh37 when the header has no chr2 length."),
) -> None:
    """Install the population frequencies of the CXCR4 locus (BA1/BS1/PM2) from a population sites VCF,
    verified against the reference; replaces the previous table as a whole."""
    home = get_settings().home
    summary = import_population(vcf, active_locus(), home, build)
    typer.echo(
        f"imported {summary.alleles} alleles from {summary.records} records of {vcf} ({summary.build}, "
        f"filtering AF from {summary.faf_field}); sha256 {summary.sha256[:12]}; wrote {table_path(home)}"
    )
