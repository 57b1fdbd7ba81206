"""BP7 only with a splice assessment: a synonymous (or stop-retained) change more than 3 exonic bases from an
exon/intron boundary that creates no new GT or AG dinucleotide on the transcript strand (no new donor or
acceptor core), and that changes no protein on the other transcript.  No SpliceAI is available offline; this
motif rule is the written-down substitute (docs/cxcr4-rules.md, BP7)."""

from __future__ import annotations

from whimscreen.interpretation.criteria import Criterion, Strength
from whimscreen.interpretation.rules.facts import Facts

SILENT = {"synonymous_variant", "stop_retained_variant"}
MIN_DISTANCE = 4  # exonic bases from the boundary: outside the 3-base exonic splice region


def bp7_synonymous(f: Facts) -> list[Criterion]:
    ann, splice = f.ann, f.ann.get("splice")
    if ann["consequence"] not in SILENT or not splice or ann["splice_region"] or ann.get("alt_transcript"):
        return []
    distance, motifs = splice["boundary_distance"], splice["new_motifs"]
    if (distance is not None and distance < MIN_DISTANCE) or motifs:
        return []
    where = (
        "no exon/intron boundary" if distance is None else f"{distance} bases from the nearest exon boundary"
    )
    return [
        Criterion(
            "BP7",
            Strength.SUPPORTING,
            f"Synonymous change {where}, creating no new GT or AG dinucleotide (no new splice donor or "
            "acceptor core): not predicted to affect splicing by the offline rule (no SpliceAI).",
            "Richards et al. 2015 (PMID 25741868); docs/cxcr4-rules.md (BP7)",
            (f"splice assessment: distance {distance}, new motifs none", f"annotation: {ann['consequence']}"),
        )
    ]
