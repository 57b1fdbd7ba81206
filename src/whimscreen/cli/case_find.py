"""``whimscreen case-find LABS... --out DIR [--diagnoses FILE]``: rank patients by WHIM-likeness."""

from __future__ import annotations

from pathlib import Path

import typer


def case_find(
    labs: list[Path] = typer.Argument(
        ..., help="Laboratory results: CSV (patient_id,date,loinc,value,unit) or FHIR R4 Observation NDJSON."
    ),
    out: Path = typer.Option(
        ..., "--out", help="Output directory: candidates.tsv, candidates.html, summary.json."
    ),
    diagnoses: list[Path] = typer.Option(
        None, "--diagnoses", help="ICD-10 diagnoses: CSV (patient_id,date,icd10) or FHIR Condition NDJSON."
    ),
) -> None:
    """Rank patients by a documented WHIM-likeness score, each with its reasons (docs/case-finding.md)."""
    from whimscreen.screening.case_finding.run import case_find as run

    summary = run(labs, out, diagnoses or [])
    typer.echo(
        f"{summary['records_read']} result(s) read, {summary['records_used']} used; {summary['patients']} "
        f"patient(s), {summary['candidates']} with a WHIM-like feature"
    )
    if summary["unconverted_units"]:
        typer.echo(
            f"  {summary['unconverted_units']} result(s) with a unit that does not convert (not used):"
        )
        for line in summary["unconverted"][:5]:
            typer.echo(f"    {line}")
    ignored = sum(summary["ignored_loinc"].values())
    if ignored:
        typer.echo(f"  {ignored} result(s) of other LOINC codes ignored")
    typer.echo(f"  wrote {out / 'candidates.tsv'}, {out / 'candidates.html'}, {out / 'summary.json'}")
