"""Small sequence helpers shared by every layer (Biopython does the translation)."""

from __future__ import annotations

from Bio.Data.IUPACData import protein_letters_1to3_extended
from Bio.Seq import Seq

_COMPLEMENT = str.maketrans("ACGTNacgtn", "TGCANtgcan")


def revcomp(seq: str) -> str:
    return seq.translate(_COMPLEMENT)[::-1]


def translate(cds: str, to_stop: bool = False) -> str:
    """Translate whole codons with the standard table; ``*`` marks a stop."""
    usable = len(cds) - len(cds) % 3
    return str(Seq(cds[:usable]).translate(to_stop=to_stop))


_AA3 = {**protein_letters_1to3_extended, "*": "*"}


def three_letter(aa: str) -> str:
    return "".join(_AA3[a] for a in aa)
