"""The predicted protein consequence, obtained by translating the altered coding sequence.

As in biocommons hgvs (``altseqbuilder``/``altseq_to_hgvsp``): apply the edit to the spliced transcript,
translate from c.1 until the first stop (reading on into the 3'UTR when the frame runs past the original
stop), compare with the reference protein and name the difference (HGVS p., three-letter code, predicted
so in parentheses).  Only edits lying wholly in exons are translated; the rest get no p. here (the caller
decides between ``p.?`` and none from the splice context).
"""

from __future__ import annotations

from dataclasses import dataclass

from whimscreen.reference.coords import TranscriptMapper
from whimscreen.reference.locus import Locus
from whimscreen.reference.sequence import revcomp, three_letter, translate
from whimscreen.reference.variant import Edit


@dataclass(frozen=True)
class ProteinChange:
    hgvs: str | None  # e.g. "p.(Arg334*)"; None when the edit is not in the coding sequence
    consequence: str  # Sequence Ontology term
    position: int | None = None  # first affected residue


def spliced(locus: Locus, mapper: TranscriptMapper) -> tuple[str, list[int]]:
    """Transcript sequence (5'->3') and, per transcript base, its locus index."""
    seq, index = [], []
    for exon in mapper.tx.exons:
        lo, hi = exon.start - locus.start, exon.end - locus.start
        idx = list(range(hi, lo - 1, -1)) if mapper.tx.strand == "-" else list(range(lo, hi + 1))
        index += idx
        seq.append(
            revcomp(locus.sequence[lo : hi + 1]) if mapper.tx.strand == "-" else locus.sequence[lo : hi + 1]
        )
    return "".join(seq), index


def _tx_edit(locus: Locus, mapper: TranscriptMapper, edit: Edit) -> tuple[int, int, str] | None:
    """The edit in transcript coordinates: 0-based [a, b) and inserted bases; None if not wholly exonic."""
    _, index = spliced(locus, mapper)
    pos = {g: n for n, g in enumerate(index)}
    minus = mapper.tx.strand == "-"
    ins = revcomp(edit.inserted) if minus else edit.inserted
    if edit.deleted:
        ns = [pos.get(i) for i in range(edit.start, edit.end)]
        if any(n is None for n in ns) or max(ns) - min(ns) + 1 != len(ns):
            return None
        return min(ns), max(ns) + 1, ins
    left, right = pos.get(edit.start - 1), pos.get(edit.start)
    if left is None or right is None or abs(left - right) != 1:
        return None
    return max(left, right), max(left, right), ins


def _p(text: str) -> str:
    return f"p.({text})"


def protein_change(locus: Locus, mapper: TranscriptMapper, edit: Edit) -> ProteinChange | None:
    """None when the edit is not wholly exonic; otherwise the UTR or coding consequence."""
    located = _tx_edit(locus, mapper, edit)
    if located is None:
        return None
    a, b, ins = located
    ref_tx, _ = spliced(locus, mapper)
    cs = mapper.five_prime_utr_length
    ce = cs + mapper.cds_length  # exclusive end of the stop codon
    if b <= cs:  # a deletion ending before c.1, or an insertion before c.1
        return ProteinChange(None, "5_prime_UTR_variant")
    if a >= ce:  # a deletion starting after the stop codon, or an insertion after it
        return ProteinChange(None, "3_prime_UTR_variant")
    if a < cs + 3 and b > cs:
        return ProteinChange(_p("Met1?"), "start_lost", 1)
    alt_tx = ref_tx[:a] + ins + ref_tx[b:]
    ref_aa = translate(ref_tx[cs:ce])
    alt_aa = translate(alt_tx[cs:])
    if "*" in alt_aa:
        alt_aa = alt_aa[: alt_aa.index("*") + 1]
    first_codon = (a - cs) // 3 + 1
    if alt_aa == ref_aa:
        if b > ce - 3:
            return ProteinChange(_p(f"*{len(ref_aa)}="), "stop_retained_variant", len(ref_aa))
        return ProteinChange(
            _p(f"{three_letter(ref_aa[first_codon - 1])}{first_codon}="), "synonymous_variant", first_codon
        )
    return _compare(ref_aa, alt_aa, delta=len(ins) - (b - a), deleted=b - a)


def _fs(ref_aa: str, alt_aa: str, i: int, consequence: str) -> ProteinChange:
    tail = str(len(alt_aa) - i) if alt_aa.endswith("*") else "?"
    name = f"{three_letter(ref_aa[i])}{i + 1}{three_letter(alt_aa[i])}fs*{tail}"
    return ProteinChange(_p(name), consequence, i + 1)


def _compare(ref_aa: str, alt_aa: str, delta: int, deleted: int) -> ProteinChange:
    """Name the difference of two proteins (``*``-terminated when a stop was reached); ``delta`` in nt."""
    i = 0
    while i < min(len(ref_aa), len(alt_aa)) and ref_aa[i] == alt_aa[i]:
        i += 1
    if i >= len(alt_aa):  # the altered transcript ran out before any difference
        return ProteinChange(_p("?"), "protein_altering_variant", i + 1)
    aa = three_letter
    in_frame = delta % 3 == 0
    if in_frame and alt_aa.endswith("*") and len(alt_aa) == len(ref_aa) + delta // 3:
        # the original stop is kept in frame: strip the common suffix and name what lies between
        s, limit = 0, min(len(ref_aa), len(alt_aa)) - i
        while s < limit and ref_aa[-1 - s] == alt_aa[-1 - s]:
            s += 1
        ref_part, alt_part = ref_aa[i : len(ref_aa) - s], alt_aa[i : len(alt_aa) - s]
        if "*" not in ref_part and "*" not in alt_part:
            return _inframe(ref_aa, i, ref_part, alt_part)
    if ref_aa[i] == "*":
        tail = str(len(alt_aa) - i) if alt_aa.endswith("*") else "?"
        return ProteinChange(_p(f"*{i + 1}{aa(alt_aa[i])}ext*{tail}"), "stop_lost", i + 1)
    if alt_aa[i] == "*":
        return ProteinChange(_p(f"{aa(ref_aa[i])}{i + 1}*"), "stop_gained", i + 1)
    if not in_frame:
        return _fs(ref_aa, alt_aa, i, "frameshift_variant")
    if alt_aa.endswith("*") and len(alt_aa) < len(ref_aa) + delta // 3:
        # an in-frame change creating a premature stop: name the residues up to the new stop
        new = aa(alt_aa[i:])
        if deleted == 0:
            return ProteinChange(
                _p(f"{aa(ref_aa[i - 1])}{i}_{aa(ref_aa[i])}{i + 1}ins{new}"), "stop_gained", i + 1
            )
        end = min(len(alt_aa) - 1, len(ref_aa) - 2)
        span = f"{aa(ref_aa[i])}{i + 1}" + (f"_{aa(ref_aa[end])}{end + 1}" if end > i else "")
        return ProteinChange(_p(f"{span}delins{new}"), "stop_gained", i + 1)
    return _fs(ref_aa, alt_aa, i, "stop_lost")  # the stop was removed and the frame reads on


def _inframe(ref_aa: str, i: int, ref_part: str, alt_part: str) -> ProteinChange:
    aa = three_letter

    def res(k: int) -> str:  # 0-based residue index -> "Xxx{k+1}"
        return f"{aa(ref_aa[k])}{k + 1}"

    def rng(a: int, b: int) -> str:
        return res(a) if a == b else f"{res(a)}_{res(b)}"

    if not ref_part:
        n = len(alt_part)
        if i - n >= 0 and ref_aa[i - n : i] == alt_part:
            return ProteinChange(_p(f"{rng(i - n, i - 1)}dup"), "inframe_insertion", i - n + 1)
        return ProteinChange(_p(f"{res(i - 1)}_{res(i)}ins{aa(alt_part)}"), "inframe_insertion", i)
    last = i + len(ref_part) - 1
    if not alt_part:
        return ProteinChange(_p(f"{rng(i, last)}del"), "inframe_deletion", i + 1)
    if len(ref_part) == len(alt_part) == 1:
        return ProteinChange(_p(f"{res(i)}{aa(alt_part)}"), "missense_variant", i + 1)
    kind = (
        "inframe_insertion"
        if len(alt_part) > len(ref_part)
        else "inframe_deletion"
        if len(alt_part) < len(ref_part)
        else "missense_variant"
    )
    return ProteinChange(_p(f"{rng(i, last)}delins{aa(alt_part)}"), kind, i + 1)
