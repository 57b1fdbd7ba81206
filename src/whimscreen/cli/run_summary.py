"""The run summary of ``analyze-run``: ``run_summary.csv`` and ``run_summary.html``, one row per sample,
each file replaced whole (written beside it, then renamed over it)."""

from __future__ import annotations

import csv
import io
import os
from datetime import UTC, datetime
from pathlib import Path

from jinja2 import Environment

COLUMNS = (
    "sample",
    "status",
    "kind",
    "build",
    "files",
    "variants",
    "pass_variants",
    "names",
    "fully_covered",
    "result",
    "summary",
    "error",
    "seconds",
    "result_dir",
)

_HTML = Environment(autoescape=True).from_string(
    """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>WHIMscreen run summary</title>
<style>
body { font-family: sans-serif; margin: 1.5em; } table { border-collapse: collapse; font-size: 0.9em; }
th, td { border: 1px solid #ccc; padding: 0.3em 0.5em; text-align: left; vertical-align: top; }
th { background: #f0f0f0; } tr.failed td { background: #fde8e8; } tr.pending td { color: #888; }
</style></head><body>
<h1>WHIMscreen run summary</h1>
<p>{{ done }} analysed, {{ failed }} failed, {{ pending }} pending, of {{ rows|length }} samples
(updated {{ updated }}).</p>
<table><thead><tr>{% for c in columns %}<th>{{ c }}</th>{% endfor %}</tr></thead><tbody>
{% for r in rows %}<tr class="{{ r.status }}">
{% for c in columns %}<td>{{ r.get(c, "") }}</td>{% endfor %}</tr>
{% endfor %}</tbody></table></body></html>
"""
)


def write_summary(out: Path, lines: list[dict]) -> None:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(lines)
    _replace(out / "run_summary.csv", buf.getvalue())
    count = {s: sum(x["status"] == s for x in lines) for s in ("done", "failed", "pending")}
    html = _HTML.render(
        rows=lines, columns=COLUMNS, updated=datetime.now(UTC).isoformat(timespec="seconds"), **count
    )
    _replace(out / "run_summary.html", html)


def _replace(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
