"""Case-level evidence: de novo occurrences (PS2/PM6, ClinGen SVI points), the patient's specific phenotype
(PP4), segregation (PP1) and unrelated affected probands (PS4).  Counted for every variant, whatever its
mechanism: a location never blocks case evidence."""

from __future__ import annotations

from whimscreen.interpretation.criteria import Criterion, Strength, spec
from whimscreen.interpretation.de_novo import DeNovoProband, phenotype_tier, strength_for
from whimscreen.interpretation.rules.facts import Facts

SVI_DE_NOVO = "ClinGen SVI recommendation for de novo criteria (PS2/PM6), point system"
PROTEIN_ALTERING = {"tail_truncation", "tail_extension", "tail_change", "protein_change"}


def _de_novo_probands(f: Facts) -> list[DeNovoProband]:
    out = []
    for parentage in ("confirmed", "assumed"):
        for _ in range(f.kb_int(f"de_novo_{parentage}")):
            out.append(DeNovoProband(parentage, "highly_specific", f.kb_source("de_novo_source")))
    if f.evidence.de_novo:
        out.append(DeNovoProband(f.evidence.de_novo, phenotype_tier(f.features), "this patient"))
    return out


def ps2_pm6_de_novo(f: Facts) -> list[Criterion]:
    probands = _de_novo_probands(f)
    total = sum(p.points for p in probands)
    strength = strength_for(total)
    if strength is None:
        return []
    code = "PS2" if any(p.parentage == "confirmed" for p in probands) else "PM6"
    used = tuple(
        f"de novo, parentage {p.parentage}, phenotype {p.tier.replace('_', ' ')}: {p.points:g} point(s) "
        f"[{p.source}]"
        for p in probands
    )
    return [
        Criterion(
            code,
            strength,
            f"{len(probands)} de novo occurrence(s) scoring {total:g} point(s) by parentage and phenotype "
            f"specificity: {strength.value.replace('_', ' ')}.",
            SVI_DE_NOVO,
            used,
        )
    ]


def pp4_phenotype(f: Facts) -> list[Criterion]:
    """Only the specific feature (myelokathexis) scores, only for a protein change fitting the mechanism, and
    not when this patient's de novo criterion already weighed the phenotype (ClinGen SVI)."""
    specific = set(spec()["phenotype"]["specific"]) & f.features
    if not specific or f.mechanism.category not in PROTEIN_ALTERING or not f.mechanism.fits_whim:
        return []
    if f.evidence.de_novo:
        return []  # the phenotype's specificity is already inside PS2/PM6 for this patient
    return [
        Criterion(
            "PP4",
            Strength.MODERATE,
            "Myelokathexis: over 10% myelokathectic marrow neutrophils was 100% specific for CXCR4 "
            "C-terminal truncations.",
            "docs/kb-evidence-notes.md",
            (f"case phenotype: {', '.join(sorted(specific))}",),
        )
    ]


def pp1_segregation(f: Facts) -> list[Criterion]:
    published, case = f.kb_int("segregation_meioses"), f.evidence.segregation_meioses
    meioses = published + case
    thresholds = spec()["segregation_meioses"]
    for strength in (Strength.STRONG, Strength.MODERATE, Strength.SUPPORTING):
        if meioses >= thresholds[strength.value]:
            used = []
            if case:
                used.append(f"case: {case} informative meioses")
            if published:
                used.append(f"knowledge base: {published} meioses [{f.kb_source('segregation_source')}]")
            return [
                Criterion(
                    "PP1",
                    strength,
                    f"Co-segregates with WHIM syndrome over {meioses} informative meioses.",
                    "Jarvik & Browning 2016 (PMID 27236918)",
                    tuple(used),
                )
            ]
    return []


def ps4_probands(f: Facts) -> list[Criterion]:
    n = f.kb_int("probands")
    bands = spec()["probands"]
    for strength in (Strength.STRONG, Strength.MODERATE, Strength.SUPPORTING):
        if n and n >= bands[strength.value]:
            return [
                Criterion(
                    "PS4",
                    strength,
                    f"Reported in {n} unrelated affected proband(s) with WHIM syndrome, an ultra-rare "
                    "disorder.",
                    f"knowledge base {f.kb.version if f.kb else ''}".strip(),
                    (f"knowledge base: {n} probands [{f.kb_source('probands_source')}]",),
                )
            ]
    return []
