"""``whimscreen analyze INPUT... --sample ID --out DIR``: FASTQ, BAM/CRAM, VCF (or AB1) to calls and QC."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator
from pathlib import Path

import typer

from whimscreen.calling.output import to_json
from whimscreen.calling.pipeline import analyze_paths
from whimscreen.cli.common import active_locus, report_warnings
from whimscreen.cli.interpret import (
    DeNovoOption,
    NoKbOption,
    PhenotypeOption,
    SegregationOption,
    evidence,
    knowledge_base,
    population_table,
)
from whimscreen.errors import InterpretationError, WhimscreenError
from whimscreen.interpretation.result import interpret_analysis

# What only some runs need is imported where it is used (parents, a familial variant, the progress display
# of reads): one Sanger trace's process does not pay for it.


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
    segregation: int = SegregationOption,
    no_kb: bool = NoKbOption,
    familial_variant: str = typer.Option(
        None,
        "--familial-variant",
        help="Known familial variant test: report only this variant (HGVS or VCF key).",
    ),
    mother: list[Path] = typer.Option(None, "--mother", help="The mother's input file(s): inheritance."),
    father: list[Path] = typer.Option(None, "--father", help="The father's input file(s): inheritance."),
    parentage: str = typer.Option(
        "assumed", "--parentage", help="confirmed or assumed: PS2 or PM6 for a de novo variant."
    ),
) -> None:
    """Call CXCR4 variants and check coverage of the reportable range; writes ID.vcf.gz(.tbi) and ID.json."""
    render = None
    if images:
        from whimscreen.reporting.chromatogram import render  # matplotlib: loaded only when drawing

    locus = active_locus()
    kb, case = knowledge_base(locus, no_kb), evidence(phenotype, de_novo, segregation)
    population = population_table()
    if (mother or father) and (de_novo or familial_variant):
        raise InterpretationError("give the parents' files or --de-novo / --familial-variant, not both")
    if parentage not in ("confirmed", "assumed"):
        raise InterpretationError(f"--parentage must be confirmed or assumed, not {parentage!r}")
    familial = None
    if familial_variant:
        from whimscreen.reference.annotate import annotate
        from whimscreen.reference.parse import parse_variant

        familial = annotate(locus, parse_variant(locus, familial_variant, build or "GRCh38")).to_dict()
    options = {"build": build, "min_depth": min_depth, "min_bq": min_bq, "min_mq": min_mq, "primers": primers}
    parents = {
        who: to_json(analyze_paths(files, f"{sample}-{who}", None, locus, **options), locus)
        for who, files in (("mother", mother), ("father", father))
        if files
    }

    def enrich(doc: dict) -> dict:
        if familial is not None:
            from whimscreen.interpretation.familial import interpret_familial

            return interpret_familial(doc, familial, kb, case, population)
        if not parents:
            return interpret_analysis(doc, kb, case, population)
        from whimscreen.interpretation.inheritance import trio

        inheritance = trio(doc, parents.get("mother"), parents.get("father"), parentage)
        out = interpret_analysis(doc, kb, case, population, inheritance=inheritance)
        out["family"] = {
            who: {"inputs": p["inputs"], "input_files": p["input_files"], "qc": p["qc"]}
            for who, p in parents.items()
        } | {"parentage": parentage}
        return out

    with report_warnings(), _reads_progress(sample, inputs) as progress:
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
            progress=progress,
            enrich=enrich,
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
        c = v.get("classification") or {}
        cls = c.get("classification")
        where = "" if v.get("in_reportable_range", True) else " (outside the reportable range)"
        typer.echo(
            f"  {v['chrom']}:{v['pos']}:{v['ref']}:{v['alt']} {names} {v.get('zygosity', v['genotype'])} "
            f"AF={af} {flags}{f' — {cls}' if cls else ''}{where}"
        )
        for reason in c.get("review_reasons") or []:
            typer.echo(f"    REVIEW REQUIRED: {reason}")
        mode = (v.get("inheritance") or {}).get("inheritance")
        if parents and mode:
            typer.echo(f"    inheritance: {mode.replace('_', ' ')}")
    result = doc.get("result")
    if result:
        typer.echo(f"  RESULT: {result['summary']}")
    typer.echo(f"  wrote {out / (sample + '.json')} and {out / (sample + '.vcf.gz')}")
    if locus.info.demo and reference is None:
        typer.echo("  DEMO REFERENCE — NOT FOR CLINICAL USE")


@contextlib.contextmanager
def _reads_progress(sample: str, inputs: list[Path]) -> Iterator[Callable[[int], None] | None]:
    """A transient bar counting the reads read; none for Sanger traces (no reads to count, and Rich's
    progress display costs a one-trace analysis ~0.05 s of CPU), nor for an input that cannot be read
    (``analyze_paths`` stops at once, naming the file and the problem)."""
    from whimscreen.calling.pipeline import detect_kind

    try:
        traces = all(detect_kind(p) == "ab1" for p in inputs)
    except WhimscreenError:
        traces = True
    if traces:
        yield None
        return
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed} reads"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, transient=True) as bar:
        task = bar.add_task(f"analysing {sample}", total=None)
        yield lambda n: bar.update(task, completed=n)
