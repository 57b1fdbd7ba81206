#!/usr/bin/env python3
"""Check the CXCR4 variant knowledge base against the candidate NM_003467.3 coding sequence.

For every row of src/whimscreen/interpretation/data/cxcr4_kb.tsv this script
  * parses hgvs_c (substitution, deletion, duplication, insertion, delins on the CDS),
  * checks that the reference base(s) named (substitutions) lie at that position of the CDS,
  * checks that deletions/duplications are written 3'-most (HGVS 3' rule, transcript orientation)
    and do not list the deleted/duplicated bases,
  * applies the change, translates the mutated CDS with Biopython and derives the protein
    consequence, which must equal hgvs_p exactly,
  * checks ids, classification vocabulary, PubMed id syntax and the header comment block.
Exit status 0 when every row passes, 1 otherwise.  Usage: python tools/check_kb.py [kb.tsv]
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

from Bio.Seq import Seq
from Bio.SeqUtils import seq3

ROOT = Path(__file__).resolve().parent.parent
KB = ROOT / "src/whimscreen/interpretation/data/cxcr4_kb.tsv"
CDS = ROOT / "src/whimscreen/reference/data/NM_003467.cds.candidate.fa"
PROTEIN = ROOT / "src/whimscreen/reference/data/P61073.protein.fa"

COLUMNS = [
    "id",
    "hgvs_c",
    "hgvs_p",
    "legacy_names",
    "clinvar_id",
    "classification",
    "clinvar_classification",
    "probands",
    "probands_source",
    "de_novo_confirmed",
    "de_novo_assumed",
    "de_novo_source",
    "segregation_meioses",
    "segregation_source",
    "functional",
    "functional_strength",
    "functional_source",
    "population_af",
    "filtering_af",
    "filtering_af_source",
    "pmids",
    "notes",
]
#: the columns a knowledge-base release adds (src/whimscreen/interpretation/kb_release.py)
RELEASE_COLUMNS = ["clinvar_variation_id", "clinvar_review_status", "clinvar_release", "curator"]
CLASSES = {"Pathogenic", "Likely pathogenic", "Uncertain significance", "Likely benign", "Benign"}
BASES = set("ACGT")
NONCODING = re.compile(r"c\.(-|\*|\d+[+-]\d)")


def read_fasta(path: Path) -> str:
    return "".join(
        ln.strip() for ln in path.read_text().splitlines() if ln and not ln.startswith(">")
    ).upper()


def aa3(one: str) -> str:
    return "*" if one == "*" else seq3(one)


def apply_c(cds: str, hgvs_c: str) -> tuple[str, list[str]]:
    """Return (mutated CDS, problems) for a c. description inside the CDS."""
    problems: list[str] = []
    m = re.fullmatch(r"c\.(\d+)([ACGT])>([ACGT])", hgvs_c)
    if m:
        pos, ref, alt = int(m[1]), m[2], m[3]
        if not 1 <= pos <= len(cds):
            return cds, [f"{hgvs_c}: position outside CDS"]
        if cds[pos - 1] != ref:
            problems.append(f"{hgvs_c}: reference base at c.{pos} is {cds[pos - 1]}, not {ref}")
        if ref == alt:
            problems.append(f"{hgvs_c}: ref equals alt")
        return cds[: pos - 1] + alt + cds[pos:], problems
    m = re.fullmatch(r"c\.(\d+)(?:_(\d+))?(del|dup)", hgvs_c)
    if m:
        start = int(m[1])
        end = int(m[2]) if m[2] else start
        if m[2] and end <= start:
            problems.append(f"{hgvs_c}: range not increasing")
        seg = cds[start - 1 : end]
        # 3' rule: the same event must not be describable further 3'
        if end < len(cds) and cds[end] == cds[start - 1]:
            problems.append(f"{hgvs_c}: not 3'-shifted (HGVS 3' rule)")
        if m[3] == "del":
            return cds[: start - 1] + cds[end:], problems
        return cds[:end] + seg + cds[end:], problems
    m = re.fullmatch(r"c\.(\d+)_(\d+)ins([ACGT]+)", hgvs_c)
    if m:
        a, b, ins = int(m[1]), int(m[2]), m[3]
        if b != a + 1:
            problems.append(f"{hgvs_c}: insertion must be between adjacent positions")
        return cds[:a] + ins + cds[a:], problems
    m = re.fullmatch(r"c\.(\d+)(?:_(\d+))?delins([ACGT]+)", hgvs_c)
    if m:
        start = int(m[1])
        end = int(m[2]) if m[2] else start
        return cds[: start - 1] + m[3] + cds[end:], problems
    return cds, [f"{hgvs_c}: unsupported or malformed c. description"]


def protein_consequence(ref_cds: str, mut_cds: str) -> str:
    """HGVS p. description (three-letter, predicted, in parentheses) for a CDS change."""
    ref_p = str(Seq(ref_cds).translate())  # ends with '*'
    # translate the mutant in frame; stop at the first stop codon
    usable = len(mut_cds) - len(mut_cds) % 3
    mut_p_full = str(Seq(mut_cds[:usable]).translate())
    stop = mut_p_full.find("*")
    mut_p = mut_p_full[: stop + 1] if stop >= 0 else mut_p_full  # no stop: runs off the CDS
    frameshift = (len(mut_cds) - len(ref_cds)) % 3 != 0
    # first differing residue
    i = 0
    while i < min(len(ref_p), len(mut_p)) and ref_p[i] == mut_p[i]:
        i += 1
    if i == len(ref_p) and i == len(mut_p):
        return "p.(=)"  # caller handles synonymous by position
    pos = i + 1
    ref_aa = ref_p[i]
    if frameshift:
        if i < len(mut_p) and mut_p[i] == "*":
            return f"p.({aa3(ref_aa)}{pos}*)"
        new_aa = mut_p[i]
        if stop >= 0:
            return f"p.({aa3(ref_aa)}{pos}{aa3(new_aa)}fs*{stop - i + 1})"
        return f"p.({aa3(ref_aa)}{pos}{aa3(new_aa)}fs*?)"  # stop lies beyond the CDS (3'UTR unknown here)
    # in-frame events
    if len(mut_cds) == len(ref_cds):
        if i < len(mut_p) and mut_p[i] == "*":
            return f"p.({aa3(ref_aa)}{pos}*)"
        n_diff = sum(1 for a, b in zip(ref_p, mut_p, strict=True) if a != b)
        if n_diff == 1:
            if ref_aa == "*":
                return f"p.(*{pos}{aa3(mut_p[i])}ext*?)"
            return f"p.({aa3(ref_aa)}{pos}{aa3(mut_p[i])})"
    return "UNSUPPORTED"


def synonymous_name(ref_cds: str, mut_cds: str, hgvs_c: str) -> str | None:
    if len(ref_cds) != len(mut_cds):
        return None
    if str(Seq(ref_cds).translate()) != str(Seq(mut_cds).translate()):
        return None
    pos = int(re.match(r"c\.(\d+)", hgvs_c)[1])
    codon = (pos - 1) // 3 + 1
    return f"p.({aa3(str(Seq(ref_cds).translate())[codon - 1])}{codon}=)"


def main(argv: list[str]) -> int:
    kb = Path(argv[1]) if len(argv) > 1 else KB
    cds = read_fasta(CDS)
    errors: list[str] = []
    if set(cds) - BASES or len(cds) % 3:
        errors.append("CDS file is not a clean ACGT coding sequence")
    if str(Seq(cds).translate()) != read_fasta(PROTEIN) + "*":
        errors.append("CDS does not translate to P61073 + stop")
    text = kb.read_text().splitlines()
    header = [ln for ln in text if ln.startswith("#")]
    if not any(re.match(r"# version: \d{4}\.\d+\.\d+(\+[a-z0-9.]+)?$", ln) for ln in header):
        errors.append("header comment block lacks '# version: YYYY.N.N' (a release: YYYY.N.N+...)")
    if not any(ln.startswith("# date:") for ln in header):
        errors.append("header comment block lacks '# date:'")
    body = [ln for ln in text if ln and not ln.startswith("#")]
    rows = list(csv.DictReader(body, delimiter="\t"))
    if not body or body[0].split("\t") not in (COLUMNS, COLUMNS + RELEASE_COLUMNS):
        errors.append(f"column header must be exactly: {' '.join(COLUMNS)} [+ {' '.join(RELEASE_COLUMNS)}]")
    seen_ids, seen_c, noncoding = set(), set(), 0
    for r in rows:
        rid = r.get("id", "?")
        if None in r or any(v is None for v in r.values()):
            errors.append(f"{rid}: wrong number of fields")
            continue
        if not re.fullmatch(r"WHIM\d{3}", rid) or rid in seen_ids:
            errors.append(f"{rid}: bad or duplicate id")
        seen_ids.add(rid)
        if r["hgvs_c"] in seen_c:
            errors.append(f"{rid}: duplicate variant {r['hgvs_c']}")
        seen_c.add(r["hgvs_c"])
        if NONCODING.match(r["hgvs_c"]):  # UTR or intron (a ClinVar import's uncurated rows): no CDS to check
            if r["hgvs_p"] or r["classification"]:
                errors.append(f"{rid}: {r['hgvs_c']} lies outside the CDS: no hgvs_p, and not curated here")
            noncoding += 1
            continue
        mut, probs = apply_c(cds, r["hgvs_c"])
        errors += [f"{rid}: {p}" for p in probs]
        if probs:
            continue
        expected = synonymous_name(cds, mut, r["hgvs_c"]) or protein_consequence(cds, mut)
        if expected != r["hgvs_p"]:
            errors.append(f"{rid}: hgvs_p {r['hgvs_p']!r} but translation gives {expected!r}")
        if r["classification"] not in CLASSES and (r["classification"] or not r["notes"].strip()):
            errors.append(
                f"{rid}: classification must be one of {sorted(CLASSES)} (or empty with the reason in notes)"
            )
        if r["pmids"] and not re.fullmatch(r"\d{6,9}(;\d{6,9})*", r["pmids"]):
            errors.append(f"{rid}: pmids must be ';'-separated PubMed ids")
        if r["clinvar_id"] and not r["clinvar_id"].isdigit():
            errors.append(f"{rid}: clinvar_id must be a number")
        for col in ("probands", "de_novo_confirmed", "de_novo_assumed", "segregation_meioses"):
            if r[col] and not r[col].isdigit():
                errors.append(f"{rid}: {col} must be a count or empty")
        if not r["pmids"] and not r["notes"].strip():
            errors.append(f"{rid}: no PubMed id and no source named in notes")
    for e in errors:
        print("FAIL", e)
    if noncoding:
        print(
            f"{noncoding} rows outside the CDS (UTR/intron) not translated here: "
            "'whimscreen kb validate' names them"
        )
    print(f"{len(rows)} rows checked, {len(errors)} problems")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
