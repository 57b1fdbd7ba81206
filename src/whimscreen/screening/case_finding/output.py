"""Case-finding outputs, written all or none: ``candidates.tsv`` (patient_id first, best candidate first,
score, level, reasons), ``candidates.html`` and ``summary.json`` (records read and used, LOINC codes
ignored, results whose unit did not convert)."""

from __future__ import annotations

import csv
import json
import os
import shutil
import tempfile
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

COLUMNS = ("patient_id", "score", "level", "reasons", "counts")


def _rows(ranked) -> list[dict]:
    return [
        {
            "patient_id": a.patient,
            "score": a.score,
            "level": a.level,
            "reasons": "; ".join(a.reasons),
            "counts": a.counts,
        }
        for a in ranked
        if a.reasons  # any WHIM-like feature or a pattern explained otherwise
    ]


def write_outputs(out: Path, ranked, stats, labs: list[str], diagnoses: list[str], n_diagnoses: int) -> dict:
    rows = _rows(ranked)
    summary = {
        "lab_files": labs,
        "diagnosis_files": diagnoses,
        "records_read": stats.records,
        "records_used": stats.used,
        "ignored_loinc": dict(stats.ignored_loinc.most_common()),
        "unconverted_units": stats.unconverted_count,
        "unconverted": stats.unconverted,
        "skipped_status": stats.skipped_status,
        "diagnoses_read": n_diagnoses,
        "patients": len(ranked),
        "listed": len(rows),
        "candidates": sum(1 for a in ranked if a.score > 0),
        "by_level": {
            lvl: sum(1 for r in rows if r["level"] == lvl) for lvl in dict.fromkeys(r["level"] for r in rows)
        },
    }
    env = Environment(
        loader=PackageLoader("whimscreen.screening", "templates"), autoescape=select_autoescape()
    )
    html = env.get_template("case_finding.html").render(s=summary, rows=rows)
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".case-find-", dir=out))
    try:
        with open(tmp / "candidates.tsv", "w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, COLUMNS, delimiter="\t", lineterminator="\n")
            w.writeheader()
            w.writerows(rows)
        (tmp / "candidates.html").write_text(html, encoding="utf-8")
        (tmp / "summary.json").write_text(json.dumps(summary, indent=1, ensure_ascii=False) + "\n")
        for name in ("candidates.tsv", "candidates.html", "summary.json"):
            os.replace(tmp / name, out / name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return summary
