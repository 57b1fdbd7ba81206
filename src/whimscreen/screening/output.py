"""A screen's outputs, written all three or none: ``candidates.tsv`` (one row per candidate variant per
sample, sorted by class), ``summary.json`` (files and samples screened, failures with reasons, carriers by
class, each sample's coverage of the reportable range where the input allows it) and ``summary.html``."""

from __future__ import annotations

import csv
import json
import os
import shutil
import tempfile
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from whimscreen.reference.locus import DEMO_WARNING

CLASS_ORDER = (
    "Pathogenic",
    "Likely pathogenic",
    "Uncertain significance",
    "Likely benign",
    "Benign",
)
#: a candidate: a variant of one of these classes, or any whose class needs review
CANDIDATE_CLASSES = CLASS_ORDER[:3]
COLUMNS = (
    "sample",
    "hgvs_c",
    "hgvs_p",
    "hgvs_g",
    "zygosity",
    "vaf",
    "depth",
    "classification",
    "review_required",
    "evidence",
    "filters",
    "in_reportable_range",
    "file",
)


#: the HTML shows these (candidates.tsv has every column)
HTML_COLUMNS = (
    "sample",
    "hgvs_c",
    "hgvs_p",
    "zygosity",
    "vaf",
    "classification",
    "review_required",
    "filters",
    "evidence",
    "file",
)


def _rank(cls: str) -> int:
    return CLASS_ORDER.index(cls) if cls in CLASS_ORDER else len(CLASS_ORDER)


def candidate_rows(results: list[dict]) -> list[dict]:
    rows = []
    for r in results:
        for v in r["variants"]:
            if v["classification"] not in CANDIDATE_CLASSES and not v["review_required"]:
                continue
            evidence = f"{v['points']} points: {v['criteria']}"
            if v.get("knowledge_base_classification"):
                evidence += f"; knowledge base: {v['knowledge_base_classification']}"
            if v["review_reasons"]:
                evidence += "; review: " + "; ".join(v["review_reasons"])
            rows.append(
                {
                    "sample": r["sample"],
                    "hgvs_c": v["hgvs_c"] or "",
                    "hgvs_p": v["hgvs_p"] or "",
                    "hgvs_g": v["hgvs_g"] or "",
                    "zygosity": v["zygosity"],
                    "vaf": "" if v["af"] is None else f"{v['af']:.3f}",
                    "depth": "" if v["depth"] is None else v["depth"],
                    "classification": v["classification"],
                    "review_required": "yes" if v["review_required"] else "no",
                    "evidence": evidence,
                    "filters": ",".join(v["filters"]) or "PASS",
                    "in_reportable_range": "yes" if v["in_reportable_range"] else "no",
                    "file": r["file"],
                }
            )
    rows.sort(
        key=lambda x: (_rank(x["classification"]), x["review_required"] == "no", x["sample"], x["hgvs_c"])
    )
    return rows


def carriers_by_class(results: list[dict]) -> dict[str, int]:
    """Samples counted once, under the highest class among their variants in the reportable range."""
    counts = dict.fromkeys(CLASS_ORDER, 0)
    for r in results:
        classes = [v["classification"] for v in r["variants"] if v["in_reportable_range"]]
        if classes:
            counts[min(classes, key=_rank)] += 1
    return counts


def _summary(tally, ctx, state, workers: int, seconds: float, n_inputs: int, rows: list[dict]) -> dict:
    failed = list({(f["file"], f["error"]): f for f in tally.failed}.values())
    failed_files = {f["file"] for f in failed}
    cov = [r["coverage"] for r in tally.results]
    return {
        "files": {
            "given": n_inputs,
            "screened": tally.files_screened + len(tally.joint_paths - failed_files),
            "reused_from_earlier_run": tally.files_reused,
            "joint_called": len(tally.joint_paths),
            "failed": len(failed_files),
        },
        "samples_screened": len(tally.results),
        "failed": failed,
        "carriers_by_class": carriers_by_class(tally.results),
        "candidates": len(rows),
        "coverage": {
            "measured": sum(1 for c in cov if c["measured"]),
            "fully_covered": sum(1 for c in cov if c["fully_covered"]),
            "not_measurable": sum(1 for c in cov if not c["measured"]),
        },
        "samples": [
            {
                "sample": r["sample"],
                "file": r["file"],
                "kind": r["kind"],
                "build": r["build"],
                "variants": len(r["variants"]),
                "coverage": r["coverage"],
            }
            for r in sorted(tally.results, key=lambda r: (r["file"], r["sample"]))
        ],
        "context": ctx.key,
        "reference": ctx.locus.info.stamp(),
        "warning": DEMO_WARNING if ctx.locus.info.demo else None,
        "resumed": state.resumed,
        "workers": workers,
        "elapsed_seconds": round(seconds, 2),
    }


def _html(summary: dict, rows: list[dict]) -> str:
    env = Environment(
        loader=PackageLoader("whimscreen.screening", "templates"), autoescape=select_autoescape()
    )
    return env.get_template("screen_summary.html").render(
        s=summary, rows=rows, columns=HTML_COLUMNS, limit=500
    )


def summary_json(summary: dict) -> str:
    """The summary indented, each sample on one line (json's indenting encoder is pure Python: a third of
    the time for a cohort's thousands of samples)."""
    head = json.dumps({k: v for k, v in summary.items() if k != "samples"}, indent=1, ensure_ascii=False)
    lines = ",\n  ".join(json.dumps(s, ensure_ascii=False) for s in summary["samples"])
    samples = f'"samples": [\n  {lines}\n ]' if lines else '"samples": []'
    return f"{head[:-2]},\n {samples}\n}}\n"


def write_outputs(out: Path, tally, ctx, state, workers: int, seconds: float, n_inputs: int) -> dict:
    rows = candidate_rows(tally.results)
    summary = _summary(tally, ctx, state, workers, seconds, n_inputs, rows)
    tmp = Path(tempfile.mkdtemp(prefix=".screen-", dir=out))
    try:
        with open(tmp / "candidates.tsv", "w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, COLUMNS, delimiter="\t", lineterminator="\n")
            w.writeheader()
            w.writerows(rows)
        (tmp / "summary.json").write_text(summary_json(summary), encoding="utf-8")
        (tmp / "summary.html").write_text(_html(summary, rows), encoding="utf-8")
        for name in ("candidates.tsv", "summary.html", "summary.json"):  # summary.json last: the run is done
            os.replace(tmp / name, out / name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return summary
