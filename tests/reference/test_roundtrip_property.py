"""Property tests: random edits across the locus round-trip VCF <-> HGVS on both transcripts and
builds, and the p. name equals what translating the mutated coding sequence directly gives
(an independent oracle)."""

import re

from Bio.SeqUtils import seq1
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from whimscreen.reference import sources
from whimscreen.reference.annotate import annotate
from whimscreen.reference.demo import demo_locus
from whimscreen.reference.parse import parse_variant
from whimscreen.reference.sequence import revcomp, translate
from whimscreen.reference.transcripts import mane
from whimscreen.reference.variant import GenomicVariant, normalize

LOCUS = demo_locus()
REGIONS = {
    "coding exon 2": (136114869 - 20, 136115912 + 20),
    "C-terminal tail": (136114869 - 5, 136114869 + 90),
    "coding exon 1": (136118046 - 8, 136118060 + 8),
    "anywhere": (LOCUS.start + 40, LOCUS.end - 40),
}


@st.composite
def variants(draw):
    lo, hi = REGIONS[draw(st.sampled_from(sorted(REGIONS)))]
    g = draw(st.integers(lo, hi))
    s, seq = g - LOCUS.start, LOCUS.sequence
    kind = draw(st.sampled_from(["sub", "del", "ins", "dup", "delins"]))
    n = draw(st.integers(1, 30))
    if kind == "sub":
        ref = seq[s]
        return GenomicVariant(g, ref, draw(st.sampled_from([b for b in "ACGT" if b != ref])))
    if kind == "del":
        return GenomicVariant(g - 1, seq[s - 1 : s + n], seq[s - 1])
    if kind == "ins":
        ins = draw(st.text("ACGT", min_size=n, max_size=n))
        return GenomicVariant(g - 1, seq[s - 1], seq[s - 1] + ins)
    if kind == "dup":
        anchor = seq[s + n - 1]
        return GenomicVariant(g + n - 1, anchor, anchor + seq[s : s + n])
    ref = seq[s : s + n]
    alt = draw(st.text("ACGT", min_size=1, max_size=12))
    assume(alt != ref)
    return GenomicVariant(g, ref, alt)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(variants())
def test_every_name_parses_back_to_the_same_vcf(raw):
    v = normalize(LOCUS, raw)
    ann = annotate(LOCUS, v)
    assert ann.variant == v
    for name in (ann.hgvs_c, ann.hgvs_c_alt, ann.hgvs_g, ann.hgvs_g37):
        assert parse_variant(LOCUS, name) == v, name
    d = ann.to_dict()
    assert parse_variant(LOCUS, f"2-{d['grch37']['pos']}-{v.ref}-{v.alt}", "GRCh37") == v


def _direct_protein(v: GenomicVariant) -> str | None:
    """Apply the change to the genome, splice the altered exons, translate from c.1 to the first stop."""
    tx = mane()
    e_lo, e_hi = v.pos, v.pos + len(v.ref) - 1  # affected genomic bases (VCF anchor included)
    exon = next((x for x in tx.exons if x.start < e_lo and e_hi < x.end), None)
    if exon is None:
        return None  # touches an exon edge or an intron: no simple translation
    delta = len(v.alt) - len(v.ref)
    seq = LOCUS.sequence
    s = v.pos - LOCUS.start
    alt_seq = seq[:s] + v.alt + seq[s + len(v.ref) :]
    parts, cs = [], None
    for x in tx.exons:
        lo, hi = x.start - LOCUS.start, x.end - LOCUS.start
        if x is exon:
            hi += delta
        elif x.start > exon.end:
            lo, hi = lo + delta, hi + delta
        if x.start <= tx.cds_start <= x.end:
            cds_idx = tx.cds_start - LOCUS.start + (delta if tx.cds_start > e_hi else 0)
            cs = sum(len(p) for p in parts) + (hi - cds_idx)
        parts.append(revcomp(alt_seq[lo : hi + 1]))
    aa = translate("".join(parts)[cs:])
    return aa[: aa.index("*") + 1] if "*" in aa else aa


def _three_to_one(text: str) -> str:
    return "".join("*" if t == "*" else seq1(t) for t in re.findall(r"\*|[A-Z][a-z]{2}", text))


def _apply_p(ref: str, p: str) -> dict:
    """What the p. name claims about the altered protein."""
    body = p[3:-1]
    m = re.fullmatch(r"(\*|[A-Z][a-z]{2})(\d+)(?:_(\*|[A-Z][a-z]{2})(\d+))?(.*)", body)
    a1, n1, _, n2, rest = m.groups()
    n1 = int(n1)
    n2 = int(n2) if n2 else n1
    assert _three_to_one(a1) == ref[n1 - 1], f"{p}: residue {n1} is {ref[n1 - 1]}"
    if rest == "=":
        return {"exact": ref}
    if m2 := re.fullmatch(r"(\*|[A-Z][a-z]{2})fs\*(\d+|\?)", rest):
        return {"prefix": ref[: n1 - 1] + _three_to_one(m2.group(1)), "stop_at": m2.group(2), "start": n1}
    if m2 := re.fullmatch(r"([A-Z][a-z]{2})ext\*(\d+|\?)", rest):
        return {"prefix": ref[: n1 - 1] + _three_to_one(m2.group(1)), "stop_at": m2.group(2), "start": n1}
    if rest == "del":
        return {"exact": ref[: n1 - 1] + ref[n2:]}
    if rest == "dup":
        return {"exact": ref[:n2] + ref[n1 - 1 : n2] + ref[n2:]}
    if rest.startswith("delins"):
        new = _three_to_one(rest[6:])
        if new.endswith("*"):
            return {"exact": ref[: n1 - 1] + new}
        return {"exact": ref[: n1 - 1] + new + ref[n2:]}
    if rest.startswith("ins"):
        new = _three_to_one(rest[3:])
        return {"exact": ref[:n1] + new + ("" if new.endswith("*") else ref[n1:])}
    if rest == "*":
        return {"exact": ref[: n1 - 1] + "*"}
    return {"exact": ref[: n1 - 1] + _three_to_one(rest) + ref[n1:]}  # missense


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(variants())
def test_protein_name_matches_direct_translation(raw):
    v = normalize(LOCUS, raw)
    ann = annotate(LOCUS, v)
    assume(ann.hgvs_p not in (None, "p.?", "p.(Met1?)"))
    direct = _direct_protein(v)
    assume(direct is not None)
    ref = sources.protein() + "*"
    claim = _apply_p(ref, ann.hgvs_p)
    if "exact" in claim:
        assert direct == claim["exact"], ann.hgvs_p
    else:
        assert direct.startswith(claim["prefix"]), ann.hgvs_p
        if claim["stop_at"] == "?":
            assert not direct.endswith("*")
        else:
            assert len(direct) == claim["start"] - 1 + int(claim["stop_at"]), ann.hgvs_p
