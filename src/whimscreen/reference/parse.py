"""Parse variant text into a normalized GRCh38 ``GenomicVariant``.

Accepted: HGVS c. on NM_003467 or NM_001008540 (any version; bare ``c.`` means NM_003467.3), HGVS g. on
NC_000002.12 / NC_000002.11 (bare ``g.`` means ``build``), and VCF-style ``chr2:POS:REF:ALT`` or
``2-POS-REF-ALT`` on ``build``.  The grammar is biocommons ``hgvs``; stated reference bases are checked.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

from whimscreen.errors import (
    OutOfLocusError,
    ReferenceMismatchError,
    UnsupportedTranscriptError,
    VariantError,
    VariantSyntaxError,
)
from whimscreen.reference.coords import CPos, TranscriptMapper, from_build
from whimscreen.reference.locus import Locus
from whimscreen.reference.sequence import revcomp
from whimscreen.reference.sources import BUILD_ACCESSIONS
from whimscreen.reference.transcripts import MANE, by_accession
from whimscreen.reference.variant import GenomicVariant, edit_from_vcf, to_vcf

if TYPE_CHECKING:
    import hgvs.parser

_VCF = re.compile(r"^(?:chr)?2[:\-](\d+)[:\-]([ACGTacgt]+)[:\-]([ACGTacgt]+)$")
_BUILD_OF = {acc: build for build, acc in BUILD_ACCESSIONS.items()}


@cache
def _parser() -> hgvs.parser.Parser:
    import hgvs.parser  # the grammar costs ~0.1 s to load: only when a name needs it

    return hgvs.parser.Parser()


def load_grammar() -> None:
    """Load the HGVS grammar now (a server does it as it starts, not inside its first request)."""
    _parser()


MAX_DIGITS = 10  # no position or offset on or near the locus (chr2 is 243 Mb) needs more digits
MAX_LENGTH = 10_000  # characters of an expression (an insertion may spell out a few thousand bases)


def shown(text: str, width: int = 60) -> str:
    """``text`` for a one-line message: long input cut, with its length."""
    return text if len(text) <= width else f"{text[:width]}... ({len(text)} characters)"


def _check_text(text: str) -> None:
    """Refuse, before any parsing or big-integer work, what can never name a CXCR4 variant."""
    odd = next((ch for ch in text if not ch.isascii() or not ch.isprintable()), None)
    if odd is not None:
        raise VariantSyntaxError(
            f"{shown(text)}: character {odd!r} (U+{ord(odd):04X}) is not accepted; write positions with "
            "the digits 0-9 and bases with A/C/G/T"
        )
    for m in re.finditer(r"\d+", text):
        if len(m.group()) > MAX_DIGITS and not text[: m.start()].endswith(("NM_", "NC_", "NG_", "NR_")):
            raise OutOfLocusError(
                f"{shown(text)}: the number {m.group()[:12]}... ({len(m.group())} digits) lies beyond the "
                "CXCR4 locus"
            )
    if len(text) > MAX_LENGTH:
        raise VariantSyntaxError(f"{shown(text)}: longer than {MAX_LENGTH} characters")


def parse_variant(locus: Locus, text: str, build: str = "GRCh38") -> GenomicVariant:
    text = text.strip()
    _check_text(text)
    m = _VCF.match(text)
    if m:
        pos = from_build(int(m.group(1)), build)
        edit = edit_from_vcf(locus, pos, m.group(2), m.group(3), where=f"{text} ({build})")
        return to_vcf(locus, edit)
    if re.match(r"^[cg]\.", text):
        text = f"{MANE if text.startswith('c.') else BUILD_ACCESSIONS[build]}:{text}"
    elif text.upper().startswith("CXCR4:"):
        text = f"{MANE}:{text.split(':', 1)[1]}"
    import hgvs.exceptions

    try:
        var = _parser().parse_hgvs_variant(text)
    except (hgvs.exceptions.HGVSError, ValueError) as exc:  # the grammar's int() can fail too
        raise VariantSyntaxError(
            f"{shown(text)}: not a valid HGVS or chr2:POS:REF:ALT expression ({shown(str(exc), 120)})"
        ) from exc
    if var.posedit.uncertain or getattr(var.posedit.pos, "uncertain", False):
        raise VariantSyntaxError(
            f"{shown(text)}: uncertain positions such as (100_200) are not accepted: a result names one "
            "exact variant"
        )
    ac = var.ac
    if var.type == "c":
        tx = by_accession(ac)
        if tx is None:
            raise UnsupportedTranscriptError(
                f"{text}: {ac} is not a CXCR4 transcript (use NM_003467 or NM_001008540)"
            )
        mapper = TranscriptMapper(tx)
        to_g = lambda p: mapper.c_to_g(_cpos(p, text))  # noqa: E731
        minus = tx.strand == "-"
    elif var.type == "g":
        g_build = _BUILD_OF.get(ac)
        if g_build is None:
            raise UnsupportedTranscriptError(f"{text}: {ac} is not chromosome 2 of GRCh38 or GRCh37")
        to_g = lambda p: from_build(p.base, g_build)  # noqa: E731
        minus = False
    else:
        raise VariantSyntaxError(f"{text}: only c. and g. descriptions are accepted here, not {var.type}.")
    return _to_genomic(locus, var, to_g, minus, text)


def _cpos(pos, text: str) -> CPos:
    if getattr(pos, "uncertain", False):
        raise VariantSyntaxError(f"{text}: uncertain positions are not accepted")
    datum = str(pos.datum)
    return CPos(pos.base, pos.offset, utr3=datum.endswith("CDS_END"))


def _to_genomic(locus: Locus, var, to_g, minus: bool, text: str) -> GenomicVariant:
    edit = var.posedit.edit
    if edit.type not in ("sub", "del", "dup", "ins", "delins", "inv"):
        raise VariantSyntaxError(f"{text}: the edit type {edit.type!r} is not supported")
    try:
        g1, g2 = to_g(var.posedit.pos.start), to_g(var.posedit.pos.end)
    except VariantError as exc:
        raise VariantError(f"{text}: {exc}") from exc
    lo, hi = min(g1, g2), max(g1, g2)
    if not (locus.contains(lo) and locus.contains(hi)):
        raise OutOfLocusError(f"{text}: outside the CXCR4 locus chr2:{locus.start}-{locus.end} (GRCh38)")
    strand = revcomp if minus else (lambda s: s)
    plus_ref = locus.fetch(lo, hi)
    stated = getattr(edit, "ref", None) or ""
    if stated.isdigit() and int(stated) != hi - lo + 1:
        raise VariantSyntaxError(
            f"{text}: the stated length {stated} disagrees with the interval, which holds {hi - lo + 1} "
            f"base{'s' if hi > lo else ''}"
        )
    if stated and not stated.isdigit() and strand(plus_ref) != stated.upper():
        raise ReferenceMismatchError(
            f"{text}: the stated reference {stated} does not match the reference ({strand(plus_ref)})"
        )
    alt = (getattr(edit, "alt", None) or "").upper()
    if edit.type == "ins":
        if hi - lo != 1:
            raise VariantSyntaxError(f"{text}: an insertion must lie between two adjacent positions")
        if not alt or set(alt) - set("ACGT"):
            raise VariantSyntaxError(f"{text}: the inserted sequence must be spelled out in A/C/G/T")
        anchor = locus.base(lo)
        edit_obj = edit_from_vcf(locus, lo, anchor, anchor + strand(alt), where=text)
    elif edit.type == "dup":
        edit_obj = edit_from_vcf(locus, lo, plus_ref, plus_ref + plus_ref, where=text)
    elif edit.type == "inv":
        edit_obj = edit_from_vcf(locus, lo, plus_ref, revcomp(plus_ref), where=text)
    elif edit.type == "del":
        if lo == locus.start:
            raise OutOfLocusError(f"{text}: cannot anchor a deletion at the first base of the locus")
        anchor = locus.base(lo - 1)
        edit_obj = edit_from_vcf(locus, lo - 1, anchor + plus_ref, anchor, where=text)
    else:  # sub, delins
        if not alt or set(alt) - set("ACGT"):
            raise VariantSyntaxError(f"{text}: the new sequence must be spelled out in A/C/G/T")
        if edit.type == "sub" and lo != hi:
            raise VariantSyntaxError(f"{text}: a substitution changes one base")
        edit_obj = edit_from_vcf(locus, lo, plus_ref, strand(alt), where=text)
    return to_vcf(locus, edit_obj)
