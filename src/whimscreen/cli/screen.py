"""``whimscreen screen INPUT... --out DIR``: re-screen a cohort for CXCR4 WHIM variants on Dask."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import typer

from whimscreen.cli.common import active_locus
from whimscreen.cli.interpret import NoKbOption, knowledge_base, population_table
from whimscreen.errors import InputFileError


def screen(
    inputs: list[str] = typer.Argument(
        ...,
        help="VCF/BCF/gVCF (single-sample or joint-called), BAM/CRAM files, globs, or manifests "
        "(CSV with the header sample,path,build).",
    ),
    out: Path = typer.Option(
        ..., "--out", help="Output directory: candidates.tsv, summary.json, summary.html."
    ),
    workers: int = typer.Option(
        None, "--workers", help="Worker processes of the local cluster (default: cores)."
    ),
    scheduler: str = typer.Option(
        None, "--scheduler", help="Join an existing Dask cluster: tcp://HOST:PORT."
    ),
    reference_fasta: Path = typer.Option(
        None, "--reference-fasta", help="Genome FASTA the CRAMs were written with."
    ),
    min_depth: int = typer.Option(
        20, "--min-depth", help="Minimum depth for a reportable base and a PASS call."
    ),
    no_kb: bool = NoKbOption,
) -> None:
    """Screen a cohort; files already screened with the same content (SHA-256) are reused from DIR."""
    if workers is not None and workers < 1:
        raise InputFileError(f"--workers must be at least 1, got {workers}")
    if scheduler is not None and not scheduler.startswith(("tcp://", "tls://", "inproc://")):
        raise InputFileError(f"--scheduler {scheduler!r}: give the scheduler's address as tcp://HOST:PORT")
    if reference_fasta is not None and not reference_fasta.is_file():
        raise InputFileError(f"{reference_fasta}: no such file (--reference-fasta)")
    if scheduler is None:  # (started already when run from the command line: whimscreen.cli)
        from whimscreen.screening.engine import start_worker_server

        start_worker_server()
    from whimscreen.screening.cohort import ScreenContext
    from whimscreen.screening.run import screen as run_screen

    def context() -> ScreenContext:  # made while the local cluster's workers start
        locus = active_locus()
        return ScreenContext(
            locus,
            use_kb=not no_kb,
            knowledge_base=knowledge_base(locus, no_kb),
            population=population_table(),
            reference_fasta=str(reference_fasta) if reference_fasta else None,
            min_depth=min_depth,
        )

    with progress_bar() as progress:
        summary = run_screen(inputs, out, context, workers=workers, scheduler=scheduler, progress=progress)
    f = summary["files"]
    typer.echo(
        f"{f['given']} file(s): {f['screened']} screened, "
        f"{f['reused_from_earlier_run']} reused (same content), "
        f"{f['failed']} failed; {summary['samples_screened']} sample(s); {summary['candidates']} candidate(s)"
    )
    carriers = ", ".join(f"{k}: {v}" for k, v in summary["carriers_by_class"].items() if v)
    typer.echo(f"  carriers by class: {carriers or 'none'}")
    for failure in summary["failed"]:
        typer.echo(f"  FAILED {failure['error']}")
    typer.echo(f"  wrote {out / 'candidates.tsv'}, {out / 'summary.json'}, {out / 'summary.html'}")
    if summary["warning"]:
        typer.echo(f"  {summary['warning']}")


@contextlib.contextmanager
def progress_bar() -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar of the tasks on a terminal; None when the output goes to a file or a pipe, where the
    (transient) bar would show nothing (Rich's progress module is then not imported at all)."""
    if not sys.stdout.isatty():
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (
        TextColumn("screening"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("tasks"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, transient=True) as bar:
        task = bar.add_task("screen", total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)
