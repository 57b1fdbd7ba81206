"""``whimscreen variant EXPR``: every name of one CXCR4 variant."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from whimscreen.cli.common import BuildOption, active_locus, check_build, print_json
from whimscreen.reference.annotate import annotate
from whimscreen.reference.parse import parse_variant


def variant(
    expr: str = typer.Argument(
        ..., help="HGVS c./g. on CXCR4, or chr2:POS:REF:ALT / 2-POS-REF-ALT on --build."
    ),
    build: str = BuildOption,
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
) -> None:
    """Name a CXCR4 variant on NM_003467.3, NM_001008540.2, GRCh38 and GRCh37, with its consequence."""
    locus = active_locus()
    data = annotate(locus, parse_variant(locus, expr, check_build(build))).to_dict()
    if as_json:
        print_json({"input": expr} | data)
        return
    table = Table(show_header=False, title=f"CXCR4 variant {expr}")
    for key in (
        "hgvs_c",
        "hgvs_p",
        "hgvs_c_alt",
        "hgvs_g",
        "consequence",
        "exon",
        "intron",
        "protein_position",
        "splice_region",
    ):
        table.add_row(key, str(data[key]))
    for build_name in ("grch38", "grch37"):
        b = data[build_name]
        table.add_row(build_name, f"{b['chrom']}:{b['pos']}:{b['ref']}:{b['alt']}  {b['hgvs_g']}")
    console = Console()
    console.print(table)
    if locus.info.demo:
        console.print(f"[bold red]{data['reference']['warning']}[/]")
