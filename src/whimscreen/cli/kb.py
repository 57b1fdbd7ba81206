"""``whimscreen kb validate|show``: the knowledge base's version, counts and problems."""

from __future__ import annotations

from collections import Counter

import typer

from whimscreen.cli.common import active_locus
from whimscreen.errors import InterpretationError
from whimscreen.interpretation.knowledge_base import load

app = typer.Typer(no_args_is_help=True, help="The cited CXCR4 variant knowledge base.")


@app.command()
def show() -> None:
    """Print the version and the entries."""
    kb = load(active_locus())
    typer.echo(f"CXCR4 knowledge base version {kb.version}: {len(kb.entries)} entries")
    for e in kb.entries:
        typer.echo(f"  {e.id}  {e.hgvs_c:22} {e.hgvs_p:22} {e.classification or '(not curated)'}")


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
