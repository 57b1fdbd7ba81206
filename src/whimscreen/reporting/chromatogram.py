"""Chromatogram excerpt for a report: ~40 bases of trace around a variant (A green, C blue, G black,
T red), the reference and the called bases under it, the variant position marked and labelled.

``render(excerpt, png, svg)`` takes the dictionary ``calling.sanger.output.excerpt`` builds (plus-strand
orientation; reverse reads are shown complemented and reversed) and writes both files (matplotlib, Agg).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

COLOURS = {"A": "#1a9641", "C": "#2b83ba", "G": "#000000", "T": "#d7191c"}


def render(excerpt: dict, png: Path, svg: Path) -> None:
    fig, ax = plt.subplots(figsize=(10, 3.2), dpi=110)
    try:
        _draw(ax, excerpt)
        fig.tight_layout()
        fig.savefig(png, format="png")
        fig.savefig(svg, format="svg")
    finally:
        plt.close(fig)


def _draw(ax, ex: dict) -> None:
    top = max(float(max(c.max() for c in ex["channels"].values())), 1.0)
    for base, colour in COLOURS.items():
        ax.plot(ex["channels"][base], color=colour, linewidth=1.0, label=base)
    peaks = list(ex["peaks"])
    for i, p in enumerate(peaks):
        called, ref = ex["called"][i], ex["reference"][i]
        ax.text(
            p,
            -0.08 * top,
            called,
            ha="center",
            va="top",
            color=COLOURS.get(called, "grey"),
            fontsize=8,
            family="monospace",
        )
        ax.text(p, -0.2 * top, ref, ha="center", va="top", color="grey", fontsize=8, family="monospace")
    mark = peaks[ex["mark"]]
    ax.axvspan(mark - 5, mark + 5, color="gold", alpha=0.35, zorder=0)
    ax.annotate(
        ex["label"],
        (mark, top),
        xytext=(0, 4),
        textcoords="offset points",
        ha="center",
        fontsize=9,
        weight="bold",
    )
    # x in axes coordinates, y in data coordinates: the same rows as the base letters
    ax.text(
        -0.01, -0.08 * top, "called", transform=ax.get_yaxis_transform(), ha="right", va="top", fontsize=7
    )
    ax.text(
        -0.01,
        -0.2 * top,
        "reference",
        transform=ax.get_yaxis_transform(),
        ha="right",
        va="top",
        fontsize=7,
        color="grey",
    )
    ax.set_ylim(-0.3 * top, 1.15 * top)
    ax.set_yticks([])
    ax.set_xticks([])
    ax.set_title(f"{ex['read']} ({ex['strand']} strand, shown on the genomic plus strand)", fontsize=8)
    ax.legend(loc="upper right", fontsize=7, ncol=4, frameon=False)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
