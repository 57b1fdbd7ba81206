"""HGVS nucleotide names (c. on a transcript, g. on a build) for a minimal locus ``Edit``.

The 3' rule is applied in each sequence's own orientation: for c. on a minus-strand transcript that is a
shift to the genomic left, for g. a shift to the genomic right.  An insertion that repeats the sequence
immediately 5' of it (after shifting) is a duplication.  Deleted and duplicated bases are not spelled out
(HGVS recommendation); inserted bases always are.
"""

from __future__ import annotations

from whimscreen.reference.coords import TranscriptMapper, to_build
from whimscreen.reference.locus import Locus
from whimscreen.reference.sequence import revcomp
from whimscreen.reference.sources import BUILD_ACCESSIONS
from whimscreen.reference.variant import Edit, shift


def _range(first: str, last: str) -> str:
    return first if first == last else f"{first}_{last}"


def _dup_span(locus: Locus, edit: Edit, five_prime_is_left: bool) -> tuple[int, int] | None:
    """0-based [a, b) of the bases an insertion duplicates, when it repeats its 5' neighbours."""
    unit, s, seq = edit.inserted, edit.start, locus.sequence
    a, b = (s - len(unit), s) if five_prime_is_left else (s, s + len(unit))
    if a >= 0 and b <= len(seq) and seq[a:b] == unit:
        return a, b
    return None


def c_name(locus: Locus, mapper: TranscriptMapper, edit: Edit) -> str:
    """``ACCESSION:c.…`` with the 3' rule in transcript orientation."""
    minus = mapper.tx.strand == "-"
    edit = shift(locus, edit, "left" if minus else "right")
    orient = revcomp if minus else (lambda s: s)

    def c(i: int) -> str:  # locus index -> c. position text
        return str(mapper.g_to_c(locus.start + i))

    def span(a: int, b: int) -> str:  # 0-based [a, b) in transcript order
        return _range(c(b - 1), c(a)) if minus else _range(c(a), c(b - 1))

    kind = edit.kind
    if kind == "sub":
        body = f"{c(edit.start)}{orient(edit.deleted)}>{orient(edit.inserted)}"
    elif kind == "del":
        body = f"{span(edit.start, edit.end)}del"
    elif kind == "delins":
        body = f"{span(edit.start, edit.end)}delins{orient(edit.inserted)}"
    else:
        dup = _dup_span(locus, edit, five_prime_is_left=not minus)
        if dup:
            body = f"{span(*dup)}dup"
        else:
            left, right = c(edit.start - 1), c(edit.start)
            body = (
                f"{right}_{left}ins{orient(edit.inserted)}" if minus else f"{left}_{right}ins{edit.inserted}"
            )
    return f"{mapper.tx.accession}:c.{body}"


def g_name(locus: Locus, edit: Edit, build: str = "GRCh38") -> str:
    """``NC_…:g.…`` on the plus strand of ``build`` with the 3' rule (shift to the right)."""
    edit = shift(locus, edit, "right")

    def g(i: int) -> str:
        return str(to_build(locus.start + i, build))

    kind = edit.kind
    if kind == "sub":
        body = f"{g(edit.start)}{edit.deleted}>{edit.inserted}"
    elif kind == "del":
        body = f"{_range(g(edit.start), g(edit.end - 1))}del"
    elif kind == "delins":
        body = f"{_range(g(edit.start), g(edit.end - 1))}delins{edit.inserted}"
    else:
        dup = _dup_span(locus, edit, five_prime_is_left=True)
        if dup:
            body = f"{_range(g(dup[0]), g(dup[1] - 1))}dup"
        else:
            body = f"{g(edit.start - 1)}_{g(edit.start)}ins{edit.inserted}"
    return f"{BUILD_ACCESSIONS[build]}:g.{body}"
