"""Measured detection limits: the table ``bench/detection_limit.py`` writes (package data
``calling/data/detection_limits.tsv``, docs/validation-detection-limit.md), read for the signed report.

Each row: a method (``ngs`` by depth, ``sanger``), a variant type (SNV, indel, all) and, per allele
fraction simulated, ``detected/n``.  ``vaf_95`` is the lowest fraction whose detection is >= 95% and stays
so at every higher fraction measured; the limit stated is the pooled row's (SNVs and indels together,
the most variants per cell), each type's own beside it.  ``detection_limit`` gives, for NGS, the row of
the largest tabulated depth at or below the sample's depth (never a deeper row than the sample reached);
below the lowest tabulated depth the limit is not measured (None).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from whimscreen.errors import AnalysisError

TABLE = Path(str(files("whimscreen.calling") / "data" / "detection_limits.tsv"))
VAFS = (0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5)
COLUMNS = ("method", "variant_type", "depth", "vaf_95", "n", *(f"det_{v:g}" for v in VAFS))
METHODS = ("ngs", "sanger")
KIND_METHOD = {"fastq": "ngs", "bam": "ngs", "cram": "ngs", "ab1": "sanger"}
TYPES = ("SNV", "indel")
TARGET = 0.95


def vaf_95(cells: dict[float, tuple[int, int]]) -> float | None:
    """Lowest allele fraction with detection >= 95% there and at every higher fraction measured (a
    fraction with no variant simulated is not measured and skipped)."""
    best = None
    for vaf in sorted(cells, reverse=True):
        k, n = cells[vaf]
        if n == 0:
            continue
        if k / n < TARGET:
            break
        best = vaf
    return best


@dataclass(frozen=True)
class DetectionLimit:
    method: str
    depth: int | None  # the tabulated depth the limit was measured at (NGS), None for Sanger
    vaf_95: float | None  # SNVs and indels pooled (the most variants per cell); None: not reached
    by_type: dict  # variant type -> its own vaf_95 (fewer variants per cell)
    cells: dict  # variant type -> {vaf: (detected, n)}
    generated: str  # date of the validation run (YYYY-MM-DD)


@dataclass(frozen=True)
class DetectionTable:
    generated: str
    software: str
    rows: dict  # (method, depth or None) -> {variant type: {vaf: (detected, n)}}

    def depths(self, method: str) -> list[int]:
        """The tabulated depths of ``method``, ascending."""
        return sorted(d for m, d in self.rows if m == method and d is not None)


def _cell(text: str) -> tuple[int, int] | None:
    if text == "-":
        return None
    k, n = (int(x) for x in text.split("/"))
    if not 0 <= k <= n:
        raise ValueError(text)
    return k, n


def load_table(path: Path = TABLE) -> DetectionTable:
    """Parse the table; a damaged or foreign file raises ``AnalysisError`` naming it and the line."""
    path = Path(path)
    try:
        lines = path.read_text().splitlines()
    except OSError as exc:
        raise AnalysisError(f"{path}: cannot read the detection-limit table ({exc})") from exc
    meta, rows, header = {}, {}, None
    for number, line in enumerate(lines, start=1):
        if line.startswith("#"):
            key, _, value = line[1:].strip().partition(": ")
            meta[key] = value
            continue
        if not line.strip():
            continue
        fields = line.split("\t")
        if header is None:
            if tuple(fields) != COLUMNS:
                raise AnalysisError(f"{path}: line {number}: not the detection-limit table's columns")
            header = fields
            continue
        try:
            if len(fields) != len(COLUMNS) or fields[0] not in METHODS or fields[1] not in (*TYPES, "all"):
                raise ValueError("wrong fields")
            depth = None if fields[2] == "-" else int(fields[2])
            cells = {v: c for v, t in zip(VAFS, fields[5:], strict=True) if (c := _cell(t)) is not None}
        except ValueError as exc:
            raise AnalysisError(f"{path}: line {number}: malformed detection-limit row") from exc
        rows.setdefault((fields[0], depth), {})[fields[1]] = cells
    if header is None or "generated" not in meta:
        raise AnalysisError(f"{path}: no detection-limit table (header or 'generated' date missing)")
    if any("all" not in by_kind for by_kind in rows.values()):
        raise AnalysisError(f"{path}: a method/depth lacks its pooled ('all') row")
    return DetectionTable(meta["generated"], meta.get("software", ""), rows)


@functools.cache
def shipped_table() -> DetectionTable:
    return load_table(TABLE)


def detection_limit(method: str, depth: int | None = None, table: DetectionTable | None = None):
    """The measured limit for ``method`` ('ngs' at ``depth``, 'sanger'); None when not measured (NGS below
    the lowest tabulated depth, or no depth known).  An unknown method raises ``ValueError``."""
    if method not in METHODS:
        raise ValueError(f"no measured detection limit for method {method!r} (known: {', '.join(METHODS)})")
    table = table or shipped_table()
    if method == "sanger":
        key = ("sanger", None)
    else:
        below = [d for d in table.depths("ngs") if depth is not None and d <= depth]
        if not below:
            return None
        key = ("ngs", below[-1])
    by_kind = table.rows.get(key)
    if not by_kind:
        return None
    by_type = {t: vaf_95(by_kind[t]) for t in TYPES if t in by_kind}
    pooled = vaf_95(by_kind["all"]) if "all" in by_kind else None
    return DetectionLimit(method, key[1], pooled, by_type, by_kind, table.generated)
