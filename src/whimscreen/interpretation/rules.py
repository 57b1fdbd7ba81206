"""The CXCR4 rules: pure functions from a variant's annotation, the knowledge base and case evidence to the
ACMG/AMP criteria met.  docs/cxcr4-rules.md gives each rule's reasoning and sources; thresholds live in
data/cxcr4_spec.yaml."""

from __future__ import annotations

from collections.abc import Callable

from whimscreen.interpretation.criteria import Criterion, Strength, spec
from whimscreen.interpretation.evidence import Evidence
from whimscreen.interpretation.knowledge_base import Entry, KnowledgeBase

TRUNCATING = {"stop_gained", "frameshift_variant"}
IN_FRAME = {"missense_variant", "inframe_deletion", "inframe_insertion", "protein_altering_variant"}
GENCC = "GenCC/ClinGen CXCR4-WHIM curation (docs/kb-evidence-notes.md)"

Rule = Callable[[dict, Entry | None, KnowledgeBase | None, Evidence], Criterion | None]


def _in(region: str, position: int | None) -> bool:
    r = spec()[region]
    return position is not None and r["first"] <= position <= r["last"]


def pm1_critical_region(ann, entry, kb, ev):
    """PM1: the change falls in the C-terminal residues where every genetically defined WHIM variant lies."""
    pos, csq = ann["protein_position"], ann["consequence"]
    r = spec()["critical_region"]
    if csq in TRUNCATING and _in("critical_region", pos):
        return Criterion(
            "PM1",
            Strength.STRONG,
            f"Truncation starting at residue {pos}, inside residues "
            f"{r['first']}-{r['last']} where all genetically defined WHIM variants alter the tail and "
            "remove the sites that switch the receptor off.",
            GENCC,
        )
    if csq in IN_FRAME and _in("critical_region", pos):
        return Criterion(
            "PM1",
            Strength.MODERATE,
            f"In-frame change at residue {pos}, inside the WHIM critical "
            f"region {r['first']}-{r['last']} of the C-terminal tail.",
            GENCC,
        )
    return None


def pm4_length_change(ann, entry, kb, ev):
    """PM4: protein length change in the C-terminal tail (last-exon truncation escaping NMD, or stop loss)."""
    pos, csq = ann["protein_position"], ann["consequence"]
    if csq == "stop_lost":
        return Criterion("PM4", Strength.MODERATE, "Stop-loss: the receptor is extended at its C-terminus.")
    tail = _in("critical_region", pos) or _in("tail_region", pos)
    if tail and csq in TRUNCATING | {"inframe_deletion", "inframe_insertion"}:
        return Criterion(
            "PM4",
            Strength.MODERATE,
            f"Changes the length of the C-terminal tail from residue {pos}; "
            "the coding sequence lies in the last exon, so the shortened receptor is made, not "
            "degraded by nonsense-mediated decay.",
        )
    return None


def ps1_pm5_known_residue(ann, entry, kb, ev):
    """PS1: the amino-acid change of a P/LP knowledge-base variant; PM5: another change at its residue."""
    if kb is None or ann["protein_position"] is None or ann["hgvs_p"] in (None, "p.?"):
        return None
    same_kind = TRUNCATING if ann["consequence"] in TRUNCATING else IN_FRAME
    others = [e for e in kb.pathogenic_at(ann["protein_position"], same_kind) if e is not entry]
    same_p = [e for e in others if e.hgvs_p == ann["hgvs_p"]]
    if same_p:
        e = same_p[0]
        return Criterion(
            "PS1",
            Strength.STRONG,
            f"Same predicted protein change as {e.id} {e.hgvs_c} {e.hgvs_p} ({e.classification}).",
            f"knowledge base {kb.version}",
        )
    if others:
        e = others[0]
        return Criterion(
            "PM5",
            Strength.MODERATE,
            f"A different change at residue {ann['protein_position']}, "
            f"where {e.id} {e.hgvs_p} is {e.classification}.",
            f"knowledge base {kb.version}",
        )
    return None


LOSS_OF_FUNCTION = {"start_lost", "splice_donor_variant", "splice_acceptor_variant"}


def fits_mechanism(ann: dict) -> bool:
    """False for predicted loss of function (truncation before the tail, start loss, canonical splice):
    CXCR4 haploinsufficiency is not WHIM syndrome, so case evidence cannot point at such a variant."""
    pos, csq = ann["protein_position"], ann["consequence"]
    if csq in LOSS_OF_FUNCTION:
        return False
    return not (csq in TRUNCATING and pos is not None and pos < spec()["critical_region"]["first"])


def ps2_pm6_de_novo(ann, entry, kb, ev):
    if not fits_mechanism(ann):
        return None
    if ev.de_novo == "confirmed":
        return Criterion(
            "PS2",
            Strength.STRONG,
            "De novo with maternity and paternity confirmed, in a patient with the disease.",
        )
    if ev.de_novo == "assumed":
        return Criterion("PM6", Strength.MODERATE, "De novo without confirmation of parentage.")
    return None


def pp1_segregation(ann, entry, kb, ev):
    thresholds = spec()["segregation_meioses"]
    for strength in (Strength.STRONG, Strength.MODERATE, Strength.SUPPORTING):
        if ev.segregation_meioses >= thresholds[strength.value]:
            return Criterion(
                "PP1",
                strength,
                f"Co-segregates with WHIM features over {ev.segregation_meioses} informative meioses.",
                "Jarvik & Browning 2016 Am J Hum Genet",
            )
    return None


def pp4_phenotype(ann, entry, kb, ev):
    """PP4: the patient's phenotype is highly specific for CXCR4 gain of function (protein-altering only)."""
    if ann["consequence"] not in TRUNCATING | IN_FRAME | {"stop_lost"} or not fits_mechanism(ann):
        return None
    hpo = spec()["phenotype"].get("hpo", {})
    features = {hpo.get(p, p) for p in ev.phenotype}
    if set(spec()["phenotype"]["specific"]) & features:
        return Criterion(
            "PP4",
            Strength.MODERATE,
            "Myelokathexis: over 10% myelokathectic marrow neutrophils was "
            "100% specific for CXCR4 C-terminal truncations.",
            "docs/kb-evidence-notes.md",
        )
    supportive = sorted(set(spec()["phenotype"]["supportive"]) & features)
    if len(supportive) >= 2:
        return Criterion("PP4", Strength.SUPPORTING, f"WHIM features: {', '.join(supportive)}.")
    return None


def pm2_ba1_bs1_frequency(ann, entry, kb, ev):
    """Allele frequency: only when the lab supplies it (no population database is available offline)."""
    af, s = ev.population_af, spec()
    if af is None:
        return None
    if af > s["ba1_af"]:
        return Criterion(
            "BA1",
            Strength.VERY_STRONG,
            f"Population allele frequency {af:g} is above {s['ba1_af']:g}, "
            "impossible for an ultra-rare dominant disorder.",
            "docs/cxcr4-rules.md",
        )
    if af > s["bs1_af"]:
        return Criterion(
            "BS1",
            Strength.STRONG,
            f"Population allele frequency {af:g} is above the maximum "
            f"credible {s['bs1_af']:g} for WHIM syndrome.",
            "docs/cxcr4-rules.md",
        )
    if af <= s["pm2_af"]:
        return Criterion(
            "PM2",
            Strength.SUPPORTING,
            f"Absent or at frequency {af:g} in population databases "
            "(PM2 at supporting strength, ClinGen SVI).",
        )
    return None


def bp7_synonymous(ann, entry, kb, ev):
    if ann["consequence"] in ("synonymous_variant", "stop_retained_variant") and not ann["splice_region"]:
        return Criterion(
            "BP7",
            Strength.SUPPORTING,
            "Synonymous change outside the splice region; no splice "
            "predictor is available offline, so none was run.",
        )
    return None


def kb_case_evidence(ann, entry, kb, ev):
    """PS4 from the knowledge base's unrelated affected cases of a P/LP entry."""
    if entry is None or not entry.pathogenic:
        return None
    try:
        cases = int(entry.fields.get("cases") or 0)
    except ValueError:
        cases = 0
    if cases >= 2:
        return Criterion(
            "PS4",
            Strength.MODERATE,
            f"{cases} unrelated affected cases ({entry.id}).",
            f"knowledge base {kb.version}",
        )
    return None


RULES: tuple[Rule, ...] = (
    pm1_critical_region,
    pm4_length_change,
    ps1_pm5_known_residue,
    ps2_pm6_de_novo,
    pp1_segregation,
    pp4_phenotype,
    pm2_ba1_bs1_frequency,
    bp7_synonymous,
    kb_case_evidence,
)
