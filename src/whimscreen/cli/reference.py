"""``whimscreen reference show|install|fasta``."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from whimscreen.cli.common import BuildOption, active_locus, check_build, print_json
from whimscreen.reference.install import install as install_reference
from whimscreen.settings import get_settings

app = typer.Typer(
    no_args_is_help=True, help="The CXCR4 locus reference: which one is active, install a lab's genome."
)


@app.command()
def show(as_json: bool = typer.Option(False, "--json", help="Machine-readable output.")) -> None:
    """Say which reference is active and how it was verified."""
    locus = active_locus()
    stamp = locus.info.stamp() | {
        "checks": list(locus.info.checks),
        "region_grch38": f"chr2:{locus.start}-{locus.end}",
        "region_grch37": "chr2:{}-{}".format(*locus.bounds("GRCh37")),
    }
    if as_json:
        print_json(stamp)
        return
    console = Console()
    if locus.info.demo:
        console.print(f"[bold red]{stamp['warning']}[/]")
    console.print(f"[bold]{locus.info.description}[/]")
    console.print(
        f"GRCh38 chr2:{locus.start}-{locus.end}  GRCh37 {stamp['region_grch37']}  ({len(locus.sequence)} bp)"
    )
    console.print(f"source: {locus.info.source}")
    console.print(f"sha256: {locus.info.sha256}")
    for check in locus.info.checks:
        console.print(f"  [green]✓[/] {check}")


@app.command()
def install(
    fasta: Path = typer.Option(
        ..., "--fasta", help="The lab's validated genome FASTA (plain or bgzip + faidx)."
    ),
    build: str = BuildOption,
) -> None:
    """Extract the CXCR4 locus from a genome FASTA, verify it and make it the active reference."""
    info = install_reference(fasta, check_build(build), get_settings().home)
    typer.echo(f"installed {info.description}")
    for check in info.checks:
        typer.echo(f"  verified: {check}")


@app.command()
def fasta(build: str = BuildOption) -> None:
    """Print the active locus as FASTA (header >chr2:START-END, 1-based, on the chosen build)."""
    typer.echo(active_locus().fasta(check_build(build)), nl=False)
