"""``whimscreen kb validate|show``: the knowledge base's version, counts and problems; ``import-clinvar``,
``add-curated``, ``releases`` and ``activate``: versioned releases under the data home."""

from __future__ import annotations

import getpass
from collections import Counter
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from whimscreen.cli.common import active_locus
from whimscreen.errors import InterpretationError
from whimscreen.interpretation.knowledge_base import load
from whimscreen.interpretation.population_table import import_population, load_table, table_path
from whimscreen.settings import get_settings

app = typer.Typer(no_args_is_help=True, help="The cited CXCR4 variant knowledge base.")


ReleaseOption = typer.Option(
    None, "--release", help="A release file (HOME/kb/releases/VERSION.tsv) instead of the package's."
)


@app.command()
def show(release: Path = ReleaseOption) -> None:
    """Print the version and the entries."""
    kb = load(active_locus(), release)
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
def validate(release: Path = ReleaseOption) -> None:
    """Every name parses and maps through the foundation, p. agrees, no duplicates; exit 2 otherwise."""
    kb = load(active_locus(), release)
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


def _diff_table(release) -> None:
    table = Table(title=f"knowledge-base release {release.version} (from {release.based_on})")
    for col in ("change", "id", "c.", "p.", "before", "after", "detail"):
        table.add_column(col)
    for c in release.changes:
        table.add_row(c.kind, c.id, c.hgvs_c, c.hgvs_p, c.old or "-", c.new or "-", c.detail)
    console = Console(width=160)
    console.print(table)
    for p in release.problems:
        console.print(f"problem: {p}", markup=False, highlight=False)
    typer.echo(
        f"wrote {release.path} (sha256 {release.sha256}); not active: "
        f"'whimscreen kb activate {release.version} --by EMAIL' activates it"
    )


@app.command("import-clinvar")
def import_clinvar(
    vcf: Path = typer.Option(None, "--vcf", help="ClinVar's weekly clinvar.vcf.gz (GRCh38), indexed or not."),
    summary: Path = typer.Option(None, "--variant-summary", help="ClinVar's monthly variant_summary.txt.gz."),
    release_date: str = typer.Option(
        None, "--release-date", help="YYYY-MM[-DD] of a variant summary whose file name carries no date."
    ),
) -> None:
    """Write a new knowledge-base release (not active) with ClinVar's CXCR4 records: the lab's curated
    entries kept, the ClinVar columns updated, new ClinVar variants added uncurated; prints the diff."""
    from whimscreen.interpretation.clinvar_release import read_release
    from whimscreen.interpretation.kb_release import build_clinvar

    locus = active_locus()
    clinvar = read_release(locus, vcf, summary, release_date)
    _diff_table(build_clinvar(locus, get_settings().home, clinvar, f"cli:{getpass.getuser()}"))


@app.command("add-curated")
def add_curated(
    file: Path = typer.Argument(
        ..., help="TSV of knowledge-base columns; each row with curator and citation."
    ),
    curator: str = typer.Option(..., "--curator", help="Who enters the file (recorded in the release)."),
) -> None:
    """Merge the lab's curated entries into a new release (not active); a row without a citation or a
    curator refuses the file, naming its line."""
    from whimscreen.interpretation.kb_release import add_curated as merge

    if not curator.strip():
        raise InterpretationError("--curator must name who enters the file")
    _diff_table(merge(active_locus(), get_settings().home, file, curator.strip()))


def _database():
    from whimscreen.program.storage.db import make_engine, session_factory
    from whimscreen.program.storage.migrate import upgrade

    url = get_settings().resolved_database_url()
    upgrade(url)
    engine = make_engine(url)
    return engine, session_factory(engine)


@app.command()
def releases() -> None:
    """List the releases of the data home; '*' marks the active one."""
    from whimscreen.program.kb_releases import diff_of, sync
    from whimscreen.program.storage.db import unit_of_work

    engine, factory = _database()
    try:
        with unit_of_work(factory) as db:
            found = sync(db, get_settings().home)
            if not found:
                typer.echo("no release: the package's knowledge base is used")
            for r in found:
                n = Counter(c["kind"] for c in diff_of(r).get("changes", []))
                changes = ", ".join(f"{k} {v}" for k, v in sorted(n.items())) or "no change"
                mark = "*" if r.active else " "
                typer.echo(f"{mark} {r.version}  by {r.created_by}  sha256 {r.sha256[:12]}  ({changes})")
    finally:
        engine.dispose()


@app.command()
def activate(
    version: str = typer.Argument(
        ..., help="The release to activate (see 'whimscreen kb releases'); 'package' = the package's KB."
    ),
    by: str = typer.Option(..., "--by", help="Email of the active director or administrator activating it."),
) -> None:
    """Make a release the active knowledge base and re-evaluate every signed order (tasks for changes)."""
    from sqlalchemy import select

    from whimscreen.program.kb_releases import PACKAGE, activate_package
    from whimscreen.program.kb_releases import activate as do_activate
    from whimscreen.program.storage.db import unit_of_work
    from whimscreen.program.storage.models import User

    engine, factory = _database()
    try:
        with unit_of_work(factory) as db:
            actor = db.scalar(select(User).where(User.email == by.strip().lower()))
            if actor is None:
                raise InterpretationError(f"no account {by}")
            home, locus = get_settings().home, active_locus()
            if version == PACKAGE:
                tasks, name = activate_package(db, actor, home, locus), "the package's knowledge base"
            else:
                release, tasks = do_activate(db, actor, version, home, locus)
                name = release.version
            said = f"active: {name}; {len(tasks)} reclassification task(s) created"
        typer.echo(said)
    finally:
        engine.dispose()
