"""``whimscreen analyze-run SAMPLESHEET.csv --out DIR``: a plate of samples (Sanger or NGS) in one process.

The sample sheet (CSV, one row per sample, ``#`` lines ignored) has the columns ``sample`` and ``files``
(paths separated by ``;``, relative to the sheet's folder) and optionally ``kind`` (fastq, bam, cram, vcf
or ab1: checked against the files' content), ``build``, ``primers``, ``min_depth``, ``reference`` (AB1:
single-sequence FASTA), ``reference_fasta`` (CRAM), ``sample_name`` (multi-sample VCF), ``phenotype``
(features separated by ``;``) and ``de_novo``.  A sheet that cannot be read, an unknown column or a sample
ID given twice stops the run before any analysis.  Each sample is written to ``DIR/<sample>/`` all or
nothing (``calling.result_dir``); a sample that fails is recorded with its error and the run goes on.
``DIR/run_summary.csv`` and ``DIR/run_summary.html`` are rewritten after every sample.
"""

from __future__ import annotations

import csv
import json
import time
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from whimscreen.calling.model import INPUT_KINDS
from whimscreen.calling.pipeline import analyze_paths, detect_kind
from whimscreen.cli.common import active_locus, report_warnings
from whimscreen.cli.interpret import NoKbOption, evidence, knowledge_base
from whimscreen.cli.run_summary import write_summary
from whimscreen.errors import AnalysisError, InputFileError, WhimscreenError
from whimscreen.interpretation.result import interpret_analysis

REQUIRED = ("sample", "files")
OPTIONAL = (
    "kind",
    "build",
    "primers",
    "min_depth",
    "reference",
    "reference_fasta",
    "sample_name",
    "phenotype",
    "de_novo",
)


def read_sheet(path: Path) -> list[dict]:
    """The sheet's rows (stripped; empty cells dropped); ``InputFileError`` naming the sheet and line."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputFileError(f"{path}: cannot read the sample sheet: {exc}") from exc
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    try:
        rows = list(csv.DictReader(lines))
    except csv.Error as exc:
        raise InputFileError(f"{path}: not a CSV sample sheet: {exc}") from exc
    header = [h.strip() for h in (csv.DictReader(lines).fieldnames or [])]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise InputFileError(
            f"{path}: the sample sheet needs the columns {', '.join(REQUIRED)} (missing {missing[0]})"
        )
    unknown = [c for c in header if c not in REQUIRED + OPTIONAL]
    if unknown:
        raise InputFileError(
            f"{path}: unknown column {unknown[0]!r} (known: {', '.join(REQUIRED + OPTIONAL)})"
        )
    out, seen = [], {}
    for n, row in enumerate(rows, start=2):
        if None in row:
            raise InputFileError(f"{path}: line {n} has more cells than the header")
        clean = {k.strip(): v.strip() for k, v in row.items() if v and v.strip()}
        if not clean.get("sample") or not clean.get("files"):
            raise InputFileError(f"{path}: line {n} has no sample or no files")
        if clean["sample"] in seen:
            raise InputFileError(
                f"{path}: sample {clean['sample']} is on lines {seen[clean['sample']]} and {n}"
            )
        seen[clean["sample"]] = n
        out.append(clean)
    if not out:
        raise InputFileError(f"{path}: the sample sheet lists no sample")
    return out


def _paths(base: Path, cell: str) -> list[Path]:
    return [
        p if p.is_absolute() else base / p for p in (Path(x.strip()) for x in cell.split(";") if x.strip())
    ]


def _one(row: dict, base: Path, out: Path, locus, kb, render) -> dict:
    """Analyse one row; returns its summary line (raises on a bad sample)."""
    paths = _paths(base, row["files"])
    if row.get("kind"):
        want = row["kind"].lower().replace("sanger", "ab1")
        if want not in INPUT_KINDS:
            raise InputFileError(f"kind {row['kind']!r} is not one of {', '.join(INPUT_KINDS)}")
        for p in paths:
            if (got := detect_kind(p)) != want:
                raise InputFileError(f"{p}: the sheet says {want} but the file is {got}")
    try:
        min_depth = int(row.get("min_depth", 20))
    except ValueError as exc:
        raise InputFileError(f"min_depth {row['min_depth']!r} is not a whole number") from exc
    case = evidence([x.strip() for x in row.get("phenotype", "").split(";") if x.strip()], row.get("de_novo"))
    opt = {k: _paths(base, row[k])[0] for k in ("primers", "reference", "reference_fasta") if row.get(k)}
    analysis = analyze_paths(
        paths,
        row["sample"],
        out / row["sample"],
        locus,
        build=row.get("build"),
        min_depth=min_depth,
        sample_name=row.get("sample_name"),
        enrich=lambda doc: interpret_analysis(doc, kb, case),
        render=render,
        **opt,
    )
    doc = json.loads((out / row["sample"] / f"{row['sample']}.json").read_text(encoding="utf-8"))
    passed = [v for v in doc["variants"] if not v["filters"]]
    result = doc.get("result") or {}
    return {
        "kind": analysis.input_kind,
        "build": analysis.build,
        "variants": len(doc["variants"]),
        "pass_variants": len(passed),
        "names": "; ".join(
            " ".join(x for x in (v.get("hgvs_c") or v.get("hgvs_g"), v.get("hgvs_p")) if x) for v in passed
        ),
        "fully_covered": analysis.qc.fully_covered,
        "result": result.get("result", ""),
        "summary": result.get("summary", ""),
    }


def analyze_run(
    sheet: Path = typer.Argument(
        ..., help="Sample sheet (CSV: sample, files, optional columns; see README)."
    ),
    out: Path = typer.Option(..., "--out", help="Run directory: one result directory per sample + summary."),
    images: bool = typer.Option(
        False, "--images/--no-images", help="AB1: also draw each variant's chromatogram excerpt."
    ),
    no_kb: bool = NoKbOption,
) -> None:
    """Analyse every sample of a sample sheet; a failed sample is recorded and the others go on."""
    rows = read_sheet(sheet)
    base = Path(sheet).resolve().parent
    out.mkdir(parents=True, exist_ok=True)
    render = None
    if images:
        from whimscreen.reporting.chromatogram import render  # matplotlib: loaded only when drawing
    locus = active_locus()
    kb = knowledge_base(locus, no_kb)
    lines = [{"sample": r["sample"], "files": r["files"], "status": "pending"} for r in rows]
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    t_run = time.perf_counter()
    with report_warnings(), Progress(*columns, transient=True) as bar:
        task = bar.add_task("run", total=len(rows))
        for row, line in zip(rows, lines, strict=True):
            bar.update(task, description=f"analysing {row['sample']}")
            t0 = time.perf_counter()
            try:
                line |= _one(row, base, out, locus, kb, render) | {"status": "done"}
            except WhimscreenError as exc:
                line |= {"status": "failed", "error": str(exc)}
            except Exception as exc:  # an unexpected failure of one sample never stops the others
                line |= {
                    "status": "failed",
                    "error": f"internal error ({type(exc).__name__}: {exc}); please report",
                }
            line["seconds"] = round(time.perf_counter() - t0, 2)
            line["result_dir"] = str(out / row["sample"]) if line["status"] == "done" else ""
            bar.console.print(_echo(line), highlight=False, markup=False, soft_wrap=True)
            write_summary(out, lines)
            bar.advance(task)
    failed = [x for x in lines if x["status"] == "failed"]
    typer.echo(
        f"{len(rows) - len(failed)} of {len(rows)} samples analysed in {time.perf_counter() - t_run:.1f} s; "
        f"summary: {out / 'run_summary.csv'} and {out / 'run_summary.html'}"
    )
    if failed:  # the CLI prints "error: ..." and exits 2
        raise AnalysisError(
            f"{len(failed)} of {len(rows)} samples failed: {', '.join(x['sample'] for x in failed[:10])}"
        )


def _echo(line: dict) -> str:
    if line["status"] == "failed":
        return f"{line['sample']}: FAILED — {line['error']}"
    result = f" — {line['result']}" if line.get("result") else ""
    return f"{line['sample']}: {line['kind']}, {line['pass_variants']} PASS variant(s){result}"
