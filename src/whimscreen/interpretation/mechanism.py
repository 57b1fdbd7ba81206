"""Where a variant acts on the receptor, and whether that is the WHIM mechanism.

WHIM syndrome is caused by gain of function: the receptor is made with its seven transmembrane helices
intact and a shortened or altered C-terminal tail (docs/cxcr4-rules.md).  Truncations that remove
transmembrane helices, start loss, canonical splice changes of the exon 1 boundary and deletions of the
whole gene are predicted loss of function, which is not an established WHIM mechanism.  The topology comes
from UniProt P61073 (data/cxcr4_spec.yaml, ``protein``).
"""

from __future__ import annotations

from dataclasses import dataclass

from whimscreen.interpretation.criteria import spec

TRUNCATING = frozenset({"stop_gained", "frameshift_variant"})
IN_FRAME_INDEL = frozenset({"inframe_deletion", "inframe_insertion"})
MISSENSE = frozenset({"missense_variant", "protein_altering_variant"})
NOT_WHIM = "not an established WHIM mechanism (CXCR4 loss of function is not known to cause WHIM syndrome)"


@dataclass(frozen=True)
class Mechanism:
    category: str  # e.g. tail_truncation, transmembrane_truncation, start_loss, whole_gene_deletion
    fits_whim: bool  # compatible with gain of function (an intact receptor with an altered tail)
    in_tail: bool  # the first changed residue lies in the C-terminal cytoplasmic tail
    in_cluster: bool  # ... inside the residues where published WHIM variants cluster (PM1 region)
    statement: str

    def to_dict(self) -> dict:
        return {
            "category": self.category,
            "fits_whim_mechanism": self.fits_whim,
            "statement": self.statement,
        }


def _region(name: str) -> tuple[int, int]:
    r = spec()["protein"][name]
    return r["first"], r["last"]


def tail() -> tuple[int, int]:
    """The C-terminal cytoplasmic tail: after the end of transmembrane helix 7 to the last residue."""
    return _region("c_terminal_tail")


def cluster() -> tuple[int, int]:
    return _region("whim_cluster")


def helices_from(pos: int | None) -> str:
    """The transmembrane helices a change at ``pos`` cuts or removes, e.g. "5-7"."""
    helices = spec()["protein"]["transmembrane"]
    first = next(
        (i for i, (_, end) in enumerate(helices, start=1) if pos is None or end >= pos), len(helices)
    )
    return str(first) if first == len(helices) else f"{first}-{len(helices)}"


def _inside(pos: int | None, region: tuple[int, int]) -> bool:
    return pos is not None and region[0] <= pos <= region[1]


def mechanism(ann: dict) -> Mechanism:
    csq, pos = ann["consequence"], ann["protein_position"]
    in_tail, in_cluster = _inside(pos, tail()), _inside(pos, cluster())
    first, last = tail()
    if csq == "transcript_ablation":
        return Mechanism(
            "whole_gene_deletion", False, False, False, f"Deletion of the whole gene: {NOT_WHIM}."
        )
    if csq == "start_lost":
        return Mechanism("start_loss", False, False, False, f"Loss of the start codon: {NOT_WHIM}.")
    if csq in ("splice_donor_variant", "splice_acceptor_variant"):
        return Mechanism(
            "canonical_splice",
            False,
            False,
            False,
            f"Canonical splice site of intron {ann.get('intron') or '1'}: predicted loss of function, "
            f"{NOT_WHIM}.",
        )
    if csq in TRUNCATING:
        if in_tail:
            return Mechanism(
                "tail_truncation",
                True,
                True,
                in_cluster,
                f"Truncates the C-terminal tail from residue {pos} (tail {first}-{last}) and keeps all seven "
                "transmembrane helices: the shortened receptor escapes nonsense-mediated decay (last exon) "
                "and is compatible with the WHIM gain-of-function mechanism.",
            )
        lost = helices_from(pos)
        helices = f"transmembrane helix {lost} is" if "-" not in lost else f"transmembrane helices {lost} are"
        return Mechanism(
            "transmembrane_truncation",
            False,
            False,
            False,
            f"Truncates the receptor at residue {pos}, before the end of transmembrane helix 7 (residue "
            f"{first - 1}): {helices} lost or cut, predicted loss of function, {NOT_WHIM}.",
        )
    if csq == "stop_lost":
        return Mechanism(
            "tail_extension",
            True,
            True,
            False,
            "Stop loss: the C-terminal tail is extended; an intact receptor with an altered tail.",
        )
    if csq in IN_FRAME_INDEL | MISSENSE:
        where = "in the C-terminal tail" if in_tail else "outside the C-terminal tail"
        return Mechanism(
            "tail_change" if in_tail else "protein_change",
            True,
            in_tail,
            in_cluster,
            f"Changes residue {pos} {where}"
            + (
                f" (inside residues {cluster()[0]}-{cluster()[1]} where WHIM variants cluster)."
                if in_cluster
                else "."
            ),
        )
    return Mechanism("no_protein_change", True, False, False, "No predicted change of the protein sequence.")
