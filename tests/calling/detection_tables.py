"""A small detection-limit table for tests (the layout bench/detection_limit.py writes)."""

from whimscreen.calling.detection import COLUMNS, VAFS, vaf_95


def _row(method, kind, depth, cells: dict) -> str:
    det = [f"{cells[v][0]}/{cells[v][1]}" if v in cells else "-" for v in VAFS]
    limit = vaf_95(cells)
    return "\t".join([method, kind, str(depth), "-" if limit is None else f"{limit:g}", "40", *det])


def _cells(threshold: float, n: int = 40) -> dict:
    """Every variant found from ``threshold`` up, half of them below."""
    grid = (0.02, 0.05, 0.1, 0.2, 0.5)
    return {v: (n if v >= threshold else n // 2, n) for v in grid}


def write_table(path, generated="2026-11-30"):
    rows = [
        _row("ngs", "SNV", 20, _cells(0.2)),
        _row("ngs", "indel", 20, _cells(0.5)),
        _row("ngs", "all", 20, _cells(0.5)),
        _row("ngs", "SNV", 100, _cells(0.05)),
        _row("ngs", "indel", 100, _cells(0.1)),
        _row("ngs", "all", 100, _cells(0.1)),
        _row("ngs", "SNV", 500, _cells(0.02)),
        _row("ngs", "indel", 500, _cells(0.05)),
        _row("ngs", "all", 500, _cells(0.02)),
        _row("sanger", "SNV", "-", _cells(0.2)),
        _row("sanger", "indel", "-", _cells(0.5)),
        _row("sanger", "all", "-", _cells(0.2)),
    ]
    path.write_text(f"# generated: {generated}\n# software: whimscreen 0.0\n" + "\t".join(COLUMNS) + "\n")
    path.write_text(path.read_text() + "\n".join(rows) + "\n")
    return path
