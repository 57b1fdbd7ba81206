"""``whimscreen examples``: name the bundled example variants (the smallest end-to-end run)."""

from __future__ import annotations

from importlib import resources

from rich.console import Console
from rich.table import Table

from whimscreen.cli.common import active_locus
from whimscreen.reference.annotate import annotate
from whimscreen.reference.parse import parse_variant


def examples() -> None:
    """Annotate the bundled example variants on the active reference."""
    locus = active_locus()
    text = (resources.files("whimscreen.demo_data") / "example_variants.txt").read_text()
    table = Table(title="CXCR4 example variants")
    for col in ("input", "c. (NM_003467.3)", "p.", "GRCh38", "GRCh37", "consequence"):
        table.add_column(col)
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        build = "GRCh37" if line.startswith("2-") else "GRCh38"
        d = annotate(locus, parse_variant(locus, line, build)).to_dict()
        b38, b37 = d["grch38"], d["grch37"]
        table.add_row(
            line,
            d["hgvs_c"].split(":")[1],
            str(d["hgvs_p"]),
            f"{b38['pos']} {b38['ref']}>{b38['alt']}",
            f"{b37['pos']} {b37['ref']}>{b37['alt']}",
            d["consequence"],
        )
    console = Console(width=max(Console().width, 132))
    console.print(table)
    if locus.info.demo:
        console.print(f"[bold red]{locus.info.stamp()['warning']}[/]")
