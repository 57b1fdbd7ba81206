"""HGVS nucleotide names (c. on a transcript, g. on a build) for a minimal locus ``Edit``.

The 3' rule is applied in each sequence's own orientation: for c. on a minus-strand transcript that is a
shift to the genomic left, for g. a shift to the genomic right.  On a transcript the shift stays inside the
region (5'UTR, coding part or 3'UTR of one exon; one intron; upstream; downstream) that holds the variant's
transcript-5'-most form, as biocommons hgvs normalizes by default; a variant whose 5'-most form already
spans two regions is shifted fully.  An insertion that repeats the sequence immediately 5' of it (after
shifting) is a duplication; a change to the reverse complement of two or more bases is an inversion.
Deleted and duplicated bases are not spelled out (HGVS recommendation); inserted bases always are.
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


def _cuts(mapper: TranscriptMapper) -> list[int]:
    """Genomic positions p where p-1 and p lie in different transcript regions."""
    tx = mapper.tx
    cds_lo, cds_hi = sorted((tx.cds_start, tx.cds_end))
    return sorted({p for e in tx.exons for p in (e.start, e.end + 1)} | {cds_lo, cds_hi + 1})


def _affected(edit: Edit) -> tuple[int, int]:
    """0-based first and last locus index an edit touches (an insertion touches its two flanks)."""
    return (edit.start, edit.end - 1) if edit.deleted else (edit.start - 1, edit.start)


def transcript_edit(locus: Locus, mapper: TranscriptMapper, edit: Edit) -> Edit:
    """The representation named on this transcript: 3'-most within its region (see module docstring)."""
    minus = mapper.tx.strand == "-"
    three, five = ("left", "right") if minus else ("right", "left")
    if edit.deleted and edit.inserted:
        return edit
    first = shift(locus, edit, five)
    a, b = (locus.start + i for i in _affected(first))
    cuts = _cuts(mapper)
    lo = max([c for c in cuts if c <= a], default=locus.start)
    hi = min([c for c in cuts if c > a], default=locus.end + 1) - 1
    if b > hi:  # the 5'-most form spans two regions already
        return shift(locus, edit, three)
    if not first.deleted:  # an insertion may move up to just after the region's 3'-most base
        lo, hi = (lo - 1, hi) if minus else (lo, hi + 1)
    return shift(locus, first, three, lo - locus.start, hi - locus.start)


def _is_inversion(edit: Edit) -> bool:
    return len(edit.deleted) >= 2 and edit.inserted == revcomp(edit.deleted)


def _body(locus: Locus, edit: Edit, pos, minus: bool) -> str:
    """The part after ``c.``/``g.``; ``pos`` names a locus index, ``minus`` reads the plus strand reversed."""
    orient = revcomp if minus else (lambda seq: seq)

    def span(a: int, b: int) -> str:  # 0-based [a, b), written 5' to 3' in the sequence's orientation
        return _range(pos(b - 1), pos(a)) if minus else _range(pos(a), pos(b - 1))

    kind = edit.kind
    if kind == "sub":
        return f"{pos(edit.start)}{orient(edit.deleted)}>{orient(edit.inserted)}"
    if kind == "del":
        return f"{span(edit.start, edit.end)}del"
    if kind == "delins":
        tail = "inv" if _is_inversion(edit) else f"delins{orient(edit.inserted)}"
        return f"{span(edit.start, edit.end)}{tail}"
    dup = _dup_span(locus, edit, five_prime_is_left=not minus)
    if dup:
        return f"{span(*dup)}dup"
    return f"{span(edit.start - 1, edit.start + 1)}ins{orient(edit.inserted)}"


def c_name(locus: Locus, mapper: TranscriptMapper, edit: Edit) -> str:
    """``ACCESSION:c.…`` with the 3' rule in transcript orientation."""
    edit = transcript_edit(locus, mapper, edit)
    body = _body(locus, edit, lambda i: str(mapper.g_to_c(locus.start + i)), mapper.tx.strand == "-")
    return f"{mapper.tx.accession}:c.{body}"


def g_name(locus: Locus, edit: Edit, build: str = "GRCh38") -> str:
    """``NC_…:g.…`` on the plus strand of ``build`` with the 3' rule (shift to the right)."""
    edit = shift(locus, edit, "right")
    body = _body(locus, edit, lambda i: str(to_build(locus.start + i, build)), minus=False)
    return f"{BUILD_ACCESSIONS[build]}:g.{body}"


def sequence_name(locus: Locus, edit: Edit, accession: str) -> str:
    """``ACCESSION:g.…`` on a plain sequence numbered from 1 (the generic mode of the Sanger engine)."""
    body = _body(locus, shift(locus, edit, "right"), lambda i: str(i + 1), minus=False)
    return f"{accession}:g.{body}"
