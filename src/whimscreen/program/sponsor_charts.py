"""Geometry of the sponsor page's two charts (server-rendered SVG, drawn by the template): enrollment
against capacity by month, and yield bars.  Pure functions of the aggregates; nothing identifying."""

from __future__ import annotations

WIDTH, HEIGHT, PAD = 560, 200, 36


def enrollment_chart(series: list[dict], capacity: int) -> dict:
    """Points of the cumulative-enrollment line and the capacity line in a WIDTH x HEIGHT box."""
    if not series:
        return {"points": "", "dots": [], "capacity_y": None, "labels": [], "top": capacity}
    top = max([capacity, *(s["enrolled"] for s in series), 1])
    n = len(series)

    def x(i: int) -> float:
        return PAD + (WIDTH - 2 * PAD) * (i / (n - 1) if n > 1 else 0.5)

    def y(v: float) -> float:
        return HEIGHT - PAD - (HEIGHT - 2 * PAD) * v / top

    points = " ".join(f"{x(i):.1f},{y(s['enrolled']):.1f}" for i, s in enumerate(series))
    step = max(1, n // 6)
    labels = [{"x": round(x(i), 1), "text": s["month"]} for i, s in enumerate(series) if i % step == 0]
    dots = [
        {"x": round(x(i), 1), "y": round(y(s["enrolled"]), 1), "title": f"{s['month']}: {s['enrolled']}"}
        for i, s in enumerate(series)
    ]
    return {"points": points, "dots": dots, "capacity_y": round(y(capacity), 1), "labels": labels, "top": top}


def yield_bars(rows: list[dict]) -> list[dict]:
    """A bar per row whose yield is shown (withheld rows are listed in the table, not drawn)."""
    bars = []
    for i, r in enumerate(x for x in rows if x["yield"] is not None):
        bars.append(
            {
                "y": 8 + 22 * i,
                "width": round((WIDTH - 220) * r["yield"], 1),
                "label": r["group"],
                "yield": r["yield"],
            }
        )
    return bars


def funnel_bars(funnel: dict, steps: tuple[str, ...]) -> list[dict]:
    """A bar per funnel step, as wide as its share of the candidates; a suppressed ("<5") or zero step is
    drawn as no bar (its label says so), so no small cell can be measured from the drawing."""
    top = funnel["candidates"] if isinstance(funnel["candidates"], int) else 0
    bars = []
    for i, step in enumerate(steps):
        n = funnel[step]
        width = round((WIDTH - 220) * n / top, 1) if isinstance(n, int) and top else 0
        bars.append({"y": 8 + 22 * i, "width": width, "label": step, "n": n})
    return bars
