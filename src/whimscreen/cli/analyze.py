"""``whimscreen analyze INPUT... --sample ID --out DIR``: FASTQ, BAM/CRAM, VCF (or AB1) to calls and QC."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from whimscreen.calling.pipeline import analyze_paths
from whimscreen.cli.common import active_locus, report_warnings
from whimscreen.cli.interpret import DeNovoOption, NoKbOption, PhenotypeOption, evidence, knowledge_base
from whimscreen.interpretation.result import interpret_analysis


def analyze(
    inputs: list[Path] = typer.Argument(..., help="FASTQ (one, or R1 R2), BAM/CRAM, VCF/BCF or AB1 files."),
    sample: str = typer.Option(..., "--sample", help="Sample ID (names the output files)."),
    out: Path = typer.Option(..., "--out", help="Output directory (created if missing)."),
    build: str = typer.Option(
        None, "--build", help="GRCh38 or GRCh37 (BAM/CRAM/VCF: checked against the header)."
    ),
    min_depth: int = typer.Option(
        20, "--min-depth", help="Minimum depth for a reportable base and a PASS call."
    ),
    min_bq: int = typer.Option(20, "--min-bq", help="Minimum base quality for a base to count."),
    min_mq: int = typer.Option(20, "--min-mq", help="Minimum mapping quality for a read to count."),
    primers: Path = typer.Option(None, "--primers", help="BED of amplicon primer positions (trimmed)."),
    max_insertion: int = typer.Option(
        30,
        "--max-insertion",
        help="Reads only: longest insertion every reportable base must be readable for.",
    ),
    sample_name: str = typer.Option(None, "--sample-name", help="Which sample of a multi-sample VCF."),
    reference_fasta: Path = typer.Option(
        None, "--reference-fasta", help="Genome FASTA a CRAM was written with."
    ),
    reference: Path = typer.Option(
        None, "--reference", help="AB1 only: single-sequence FASTA to analyse against instead of CXCR4."
    ),
    images: bool = typer.Option(
        False,
        "--images/--no-images",
        help="AB1 only: also draw each variant's chromatogram excerpt (ID.<n>.png/.svg; slower).",
    ),
    phenotype: list[str] = PhenotypeOption,
    de_novo: str = DeNovoOption,
    no_kb: bool = NoKbOption,
) -> None:
    """Call CXCR4 variants and check coverage of the reportable range; writes ID.vcf.gz(.tbi) and ID.json."""
    render = None
    if images:
        from whimscreen.reporting.chromatogram import render  # matplotlib: loaded only when drawing

    locus = active_locus()
    kb, case = knowledge_base(locus, no_kb), evidence(phenotype, de_novo)
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed} reads"),
        TimeElapsedColumn(),
    )
    with report_warnings(), Progress(*columns, transient=True) as bar:
        task = bar.add_task(f"analysing {sample}", total=None)
        analysis = analyze_paths(
            inputs,
            sample,
            out,
            locus,
            build=build,
            min_depth=min_depth,
            min_bq=min_bq,
            min_mq=min_mq,
            primers=primers,
            sample_name=sample_name,
            reference_fasta=reference_fasta,
            progress=lambda n: bar.update(task, completed=n),
            enrich=lambda doc: interpret_analysis(doc, kb, case),
            reference=reference,
            render=render,
            max_insertion=max_insertion,
        )
    qc = analysis.qc
    status = "fully covered" if qc.fully_covered else f"NOT fully covered ({len(qc.uncovered)} gaps)"
    typer.echo(
        f"{sample}: {analysis.input_kind} on {analysis.build}; {len(analysis.calls)} variant(s); "
        f"reportable range {status} at {qc.min_depth}x"
    )
    if qc.reason:
        typer.echo(f"  QC: {qc.reason}")
    doc = json.loads((out / f"{sample}.json").read_text())
    for v in doc["variants"]:
        flags = ",".join(v["filters"]) or "PASS"
        af = v["af"] if v["af"] is None else round(v["af"], 3)
        names = " ".join(n.split(":")[-1] for n in (v.get("hgvs_c"), v.get("hgvs_p")) if n)
        cls = (v.get("classification") or {}).get("classification")
        typer.echo(
            f"  {v['chrom']}:{v['pos']}:{v['ref']}:{v['alt']} {names} {v['genotype']} AF={af} "
            f"{flags}{' MOSAIC' if v['mosaic'] else ''}{f' — {cls}' if cls else ''}"
        )
    result = doc.get("result")
    if result:
        typer.echo(f"  RESULT: {result['summary']}")
    typer.echo(f"  wrote {out / (sample + '.json')} and {out / (sample + '.vcf.gz')}")
    if locus.info.demo and reference is None:
        typer.echo("  DEMO REFERENCE — NOT FOR CLINICAL USE")
