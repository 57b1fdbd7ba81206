"""PM1 (the residues where WHIM variants cluster) and PM4 (protein length change of the tail), scored as one
fact with a cap: together never more than one Strong criterion (docs/cxcr4-rules.md, "No double counting")."""

from __future__ import annotations

from whimscreen.interpretation.criteria import Criterion, Strength
from whimscreen.interpretation.mechanism import IN_FRAME_INDEL, TRUNCATING, cluster
from whimscreen.interpretation.rules.facts import Facts

GENCC = "GenCC/ClinGen CXCR4-WHIM curation (docs/kb-evidence-notes.md)"
CAP = "one fact capped at Strong: PM1 + PM4 <= 4 points (after the PP3 + PM1 cap of Pejaver et al. 2022)"


def pm1_pm4_location(f: Facts) -> list[Criterion]:
    m, csq, pos = f.mechanism, f.ann["consequence"], f.ann["protein_position"]
    if not m.fits_whim:
        return []  # no location criterion for predicted loss of function, whatever its position
    used = (f"annotation: {csq} at residue {pos}", f"mechanism: {m.category}")
    out: list[Criterion] = []
    length_change = csq == "stop_lost" or (m.in_tail and csq in TRUNCATING | IN_FRAME_INDEL)
    if length_change:
        out.append(
            Criterion(
                "PM4",
                Strength.MODERATE,
                "Stop loss: the receptor is extended at its C-terminus."
                if csq == "stop_lost"
                else f"Changes the length of the C-terminal tail from residue {pos}; the coding sequence "
                "lies in the last exon, so the shortened receptor is made, not removed by nonsense-mediated "
                "decay.",
                "Richards et al. 2015 (PMID 25741868)",
                used,
            )
        )
    if m.in_cluster:
        first, last = cluster()
        kind = "Truncation or length change" if length_change else "Change"
        out.append(
            Criterion(
                "PM1",
                Strength.MODERATE,
                f"{kind} at residue {pos}, inside residues {first}-{last} where all genetically defined WHIM "
                "variants alter the tail"
                + (f" ({CAP})." if length_change else " (missense effects there are less predictable)."),
                GENCC,
                used,
            )
        )
    return out
