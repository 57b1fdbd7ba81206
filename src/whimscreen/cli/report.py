"""``whimscreen report``: a DRAFT report from an analysis JSON, without the portal (PDF, HTML, FHIR,
Phenopacket); ``whimscreen lab``: the laboratory identity printed on reports."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import typer
import yaml

from whimscreen.cli.lab import stored_identity
from whimscreen.errors import InputFileError, ReportError
from whimscreen.reference import get_locus

FORMATS = {
    "pdf": "report.pdf",
    "html": "report.html",
    "fhir": "fhir.json",
    "phenopacket": "phenopacket.json",
}
PATIENT_KEYS = {
    "name", "birth_date", "sex", "record_number", "accession", "physician", "institution",
    "specimen", "collected", "received", "indication",
}  # fmt: skip
LAB_KEYS = {
    "name", "address", "clia", "cap", "directors", "sponsor_disclosure", "footer", "confirmation_policy",
    "method_ngs", "method_sanger",
}  # fmt: skip


def _read_mapping(path: Path, what: str, allowed: set[str]) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))  # JSON is YAML
    except OSError as exc:
        raise InputFileError(f"{path}: cannot read the {what} file ({exc.strerror or exc})") from exc
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InputFileError(f"{path}: not a YAML/JSON {what} file ({type(exc).__name__})") from exc
    if not isinstance(data, dict):
        raise InputFileError(f"{path}: the {what} file must be a mapping of fields (key: value)")
    unknown = sorted(set(map(str, data)) - allowed)
    if unknown:
        raise InputFileError(
            f"{path}: unknown {what} field(s) {', '.join(unknown)} (known: {', '.join(sorted(allowed))})"
        )
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in data.items()}


def _read_analysis(path: Path) -> dict:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputFileError(f"{path}: cannot read the analysis ({exc.strerror or exc})") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputFileError(f"{path}: not an analysis JSON ({exc})") from exc
    if not isinstance(doc, dict):
        raise InputFileError(f"{path}: not an analysis JSON (not an object)")
    return doc


def _formats(text: str) -> list[str]:
    wanted = [f.strip().lower() for f in text.split(",") if f.strip()]
    bad = [f for f in wanted if f not in FORMATS]
    if bad or not wanted:
        raise ReportError(f"--format: unknown format {', '.join(bad) or '(none)'} (use {', '.join(FORMATS)})")
    return list(dict.fromkeys(wanted))


def _lab(path: Path) -> dict:
    lab = _read_mapping(path, "laboratory", LAB_KEYS)
    if isinstance(lab.get("directors"), str):
        lab["directors"] = [lab["directors"]]
    lab["methods"] = {"ngs": lab.get("method_ngs"), "sanger": lab.get("method_sanger")}
    return lab


def render(fmt: str, document: dict) -> bytes:
    if fmt == "pdf":
        from whimscreen.reporting.pdf import render_pdf

        return render_pdf(document)
    if fmt == "html":
        from whimscreen.reporting.pdf import render_html

        return render_html(document).encode("utf-8")
    if fmt == "fhir":
        from whimscreen.reporting.fhir import fhir_bundle

        return json.dumps(fhir_bundle(document), indent=1).encode("utf-8")
    from whimscreen.reporting.phenopacket import phenopacket

    return json.dumps(phenopacket(document), indent=1).encode("utf-8")


def write_all(out: Path, stem: str, files: dict[str, bytes]) -> list[Path]:
    """Write every file or none: staged beside the targets, then renamed into place."""
    out.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=".whimscreen-report-", dir=out))
    try:
        for suffix, data in files.items():
            (stage / f"{stem}.{suffix}").write_bytes(data)
        done = []
        for suffix in files:
            os.replace(stage / f"{stem}.{suffix}", out / f"{stem}.{suffix}")
            done.append(out / f"{stem}.{suffix}")
        return done
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def report(
    analysis: Path = typer.Argument(..., help="An analysis JSON written by 'whimscreen analyze'."),
    out: Path = typer.Option(..., "--out", help="Output directory (created if missing)."),
    patient: Path | None = typer.Option(
        None, "--patient", help="YAML/JSON of patient details (name, birth_date, sex, record_number, ...)."
    ),
    lab: Path | None = typer.Option(None, "--lab", help="YAML/JSON of the laboratory identity."),
    formats: str = typer.Option(
        "pdf,html", "--format", help="Comma-separated: pdf, html, fhir, phenopacket."
    ),
) -> None:
    """Render the report of an analysis, marked DRAFT — NOT SIGNED: ID.report.pdf, ID.report.html,
    ID.fhir.json, ID.phenopacket.json.  Without --patient only the sample id identifies it."""
    from whimscreen.reporting.document import build_document

    wanted = _formats(formats)
    doc = _read_analysis(analysis)
    details = _read_mapping(patient, "patient", PATIENT_KEYS) if patient else {}
    physician = (
        {"name": details.get("physician"), "institution": details.get("institution")}
        if details.get("physician")
        else None
    )
    subject = {k: details.get(k) for k in ("name", "birth_date", "sex", "record_number", "accession")}
    try:
        document = build_document(
            doc,
            status="DRAFT",
            lab=_lab(lab) if lab is not None else stored_identity(),
            subject={k: str(v) for k, v in subject.items() if v is not None},
            physician=physician,
            specimen={
                "type": details.get("specimen"),
                "collected": details.get("collected"),
                "received": details.get("received"),
            },
            indication=details.get("indication"),
            locus=get_locus(),
        )
    except (KeyError, TypeError, AttributeError) as exc:
        raise ReportError(
            f"{analysis}: not a complete WHIMscreen analysis ({type(exc).__name__}: {exc})"
        ) from exc
    stem = str(doc["sample"])
    files = {FORMATS[f]: render(f, document) for f in wanted}
    for path in write_all(out, stem, files):
        typer.echo(f"wrote {path}")
    typer.echo("DRAFT — NOT SIGNED: not a clinical report until reviewed and signed in the portal.")
