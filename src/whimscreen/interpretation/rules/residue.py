"""PS1 and PM5 for missense changes only: the same amino-acid change as a P/LP missense of the knowledge base
made by another nucleotide change (PS1), or another missense at a residue with a P/LP missense (PM5).
Truncations are scored by their location (PM1/PM4): a second truncation at the same codon is the same fact."""

from __future__ import annotations

from whimscreen.interpretation.criteria import Criterion, Strength
from whimscreen.interpretation.mechanism import MISSENSE
from whimscreen.interpretation.rules.facts import Facts


def ps1_pm5_known_residue(f: Facts) -> list[Criterion]:
    ann = f.ann
    if f.kb is None or ann["consequence"] not in MISSENSE or ann["protein_position"] is None:
        return []
    others = [e for e in f.kb.pathogenic_at(ann["protein_position"], MISSENSE) if e is not f.entry]
    cite = f"knowledge base {f.kb.version}"
    same = [e for e in others if e.hgvs_p == ann["hgvs_p"]]
    if same:
        e = same[0]
        return [
            Criterion(
                "PS1",
                Strength.STRONG,
                f"Same amino-acid change as {e.id} {e.hgvs_c} {e.hgvs_p}, curated {e.classification}, "
                "made by a different nucleotide change.",
                cite,
                (f"knowledge base: {e.id} {e.hgvs_c} {e.hgvs_p} ({e.classification})",),
            )
        ]
    if others:
        e = others[0]
        return [
            Criterion(
                "PM5",
                Strength.MODERATE,
                f"A different missense change at residue {ann['protein_position']}, where {e.id} "
                f"{e.hgvs_p} is curated {e.classification}.",
                cite,
                (f"knowledge base: {e.id} {e.hgvs_c} {e.hgvs_p} ({e.classification})",),
            )
        ]
    return []
