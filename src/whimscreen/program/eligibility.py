"""Eligibility for the CXCR4 test: each criterion met, not met or unknown, with its reason and source.

Thresholds are configurable (``Criteria``); the defaults and their sources:
- neutropenia: ANC < 1500/uL, chronic = low on counts spanning >= 3 months (the usual definition of
  chronic neutropenia); WHIM ANCs are often far lower (Heusinkveld et al. 2019 J Clin Immunol 39:532,
  PMC6698215; Beaussant Cohen et al. 2012 Orphanet J Rare Dis 7:71).
- lymphopenia ALC < 1000/uL and monocytopenia < 200/uL: adult lower limits (children's limits are higher,
  so these are conservative for children); deep lympho- and monocytopenia accompany the neutropenia in WHIM
  (Beaussant Cohen 2012).
- hypogammaglobulinemia: IgG below the measuring lab's lower limit for the patient's age (entered with the
  value; no age table is assumed here).
- myelokathexis on a marrow smear is the specific feature; warts, recurrent bacterial infections and a
  family history of WHIM/CXCR4 variant are supportive (Heusinkveld 2019).
- Duffy-null associated neutrophil count (DANC): healthy people with the Duffy-null phenotype often have ANCs
  below conventional reference ranges without more infections (Merz et al. 2023 Blood Adv 7:317,
  doi:10.1182/bloodadvances.2022007679; Merz et al. 2023 JAMA 329:2088, PMID 37338884).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date

MET, NOT_MET, UNKNOWN = "met", "not met", "unknown"
ELIGIBLE, NOT_ELIGIBLE, INSUFFICIENT = "eligible", "not eligible", "insufficient data"

SOURCES = {
    "neutropenia": "Heusinkveld et al. 2019 J Clin Immunol 39:532 (PMC6698215)",
    "lymphopenia": "Beaussant Cohen et al. 2012 Orphanet J Rare Dis 7:71",
    "monocytopenia": "Beaussant Cohen et al. 2012 Orphanet J Rare Dis 7:71",
    "hypogammaglobulinemia": "Heusinkveld et al. 2019 J Clin Immunol 39:532 (PMC6698215)",
    "recurrent-infections": "Heusinkveld et al. 2019 J Clin Immunol 39:532 (PMC6698215)",
    "warts": "Heusinkveld et al. 2019 J Clin Immunol 39:532 (PMC6698215)",
    "myelokathexis": "Heusinkveld et al. 2019 J Clin Immunol 39:532 (PMC6698215)",
    "family-history": "Heusinkveld et al. 2019 J Clin Immunol 39:532 (PMC6698215)",
    "duffy": "Merz et al. 2023 Blood Adv 7:317 (doi:10.1182/bloodadvances.2022007679); "
    "Merz et al. 2023 JAMA 329:2088 (PMID 37338884)",
}
SUPPORTIVE = ("lymphopenia", "monocytopenia", "hypogammaglobulinemia", "recurrent-infections", "warts")


@dataclass(frozen=True)
class Criteria:
    anc_below: float = 1500.0
    chronic_days: int = 90
    alc_below: float = 1000.0
    monocytes_below: float = 200.0
    min_supportive: int = 1  # supportive features needed beside chronic neutropenia
    duffy_anc_band: tuple[float, float] = (500.0, 1500.0)  # ANC range where DANC is a plausible cause


@dataclass(frozen=True)
class Count:
    taken_on: date
    anc: float | None = None
    alc: float | None = None
    monocytes: float | None = None


@dataclass(frozen=True)
class ClinicalFacts:
    counts: tuple[Count, ...] = ()
    recurrent_infections: bool | None = None
    warts: bool | None = None
    myelokathexis: bool | None = None
    family_history: bool | None = None
    igg: float | None = None
    igg_lower_limit: float | None = None
    duffy_null: bool | None = None


@dataclass(frozen=True)
class CriterionResult:
    key: str
    status: str
    reason: str
    source: str


@dataclass
class Eligibility:
    decision: str
    reason: str
    criteria: list[CriterionResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def status(self, key: str) -> str:
        return next(c.status for c in self.criteria if c.key == key)

    def phenotype(self) -> list[str]:
        """Feature keys of the criteria met (the interpretation's phenotype evidence)."""
        return [c.key for c in self.criteria if c.status == MET and c.key != "family-history"]

    def to_dict(self) -> dict:
        return asdict(self)


def _fmt(values: list[tuple[date, float]]) -> str:
    return ", ".join(f"{v:g}/uL on {d.isoformat()}" for d, v in values)


def _neutropenia(facts: ClinicalFacts, c: Criteria) -> CriterionResult:
    anc = sorted((x.taken_on, x.anc) for x in facts.counts if x.anc is not None)
    key, src = "neutropenia", SOURCES["neutropenia"]
    if not anc:
        return CriterionResult(key, UNKNOWN, "no ANC recorded", src)
    low = [(d, v) for d, v in anc if v < c.anc_below]
    if not low:
        return CriterionResult(key, NOT_MET, f"every ANC is >= {c.anc_below:g}/uL ({_fmt(anc)})", src)
    span = (low[-1][0] - low[0][0]).days
    if len(low) >= 2 and span >= c.chronic_days:
        return CriterionResult(
            key, MET, f"ANC < {c.anc_below:g}/uL on {len(low)} counts over {span} days ({_fmt(low)})", src
        )
    return CriterionResult(
        key,
        UNKNOWN,
        f"ANC < {c.anc_below:g}/uL ({_fmt(low)}) but not shown to be chronic: "
        f"low counts at least {c.chronic_days} days apart are needed",
        src,
    )


def _count_criterion(facts: ClinicalFacts, key: str, attr: str, below: float, label: str) -> CriterionResult:
    values = sorted((x.taken_on, getattr(x, attr)) for x in facts.counts if getattr(x, attr) is not None)
    if not values:
        return CriterionResult(key, UNKNOWN, f"no {label} recorded", SOURCES[key])
    low = [(d, v) for d, v in values if v < below]
    if low:
        return CriterionResult(key, MET, f"{label} < {below:g}/uL ({_fmt(low)})", SOURCES[key])
    return CriterionResult(key, NOT_MET, f"every {label} is >= {below:g}/uL ({_fmt(values)})", SOURCES[key])


def _igg(facts: ClinicalFacts) -> CriterionResult:
    key, src = "hypogammaglobulinemia", SOURCES["hypogammaglobulinemia"]
    if facts.igg is None or facts.igg_lower_limit is None:
        return CriterionResult(key, UNKNOWN, "IgG and the lab's lower limit for age are both needed", src)
    if facts.igg < facts.igg_lower_limit:
        return CriterionResult(key, MET, f"IgG {facts.igg:g} mg/dL < {facts.igg_lower_limit:g} for age", src)
    return CriterionResult(key, NOT_MET, f"IgG {facts.igg:g} mg/dL >= {facts.igg_lower_limit:g} for age", src)


def _flag(key: str, value: bool | None, yes: str, no: str) -> CriterionResult:
    if value is None:
        return CriterionResult(key, UNKNOWN, "not recorded", SOURCES[key])
    return CriterionResult(key, MET if value else NOT_MET, yes if value else no, SOURCES[key])


def _duffy_note(facts: ClinicalFacts, c: Criteria) -> str | None:
    anc = [x.anc for x in facts.counts if x.anc is not None]
    lo, hi = c.duffy_anc_band
    if not anc or facts.duffy_null is False or not lo <= min(anc) < hi:
        return None
    status = "is recorded" if facts.duffy_null else "has not been tested"
    return (
        f"The lowest ANC ({min(anc):g}/uL) lies in a range often seen in healthy people with the Duffy-null "
        f"phenotype (Duffy-null associated neutrophil count, a benign finding common in people of African or "
        f"Middle Eastern ancestry). Duffy-null status {status}, so this benign cause is not excluded; Duffy "
        f"phenotyping (or ACKR1 rs2814778 genotyping) helps to interpret the ANC. It does not explain "
        f"myelokathexis, lymphopenia or recurrent infections. Source: {SOURCES['duffy']}."
    )


def evaluate(facts: ClinicalFacts, criteria: Criteria | None = None) -> Eligibility:
    c = criteria or Criteria()
    results = [
        _neutropenia(facts, c),
        _count_criterion(facts, "lymphopenia", "alc", c.alc_below, "ALC"),
        _count_criterion(facts, "monocytopenia", "monocytes", c.monocytes_below, "monocyte count"),
        _igg(facts),
        _flag(
            "recurrent-infections",
            facts.recurrent_infections,
            "recurrent infections",
            "no recurrent infections",
        ),
        _flag("warts", facts.warts, "warts", "no warts"),
        _flag(
            "myelokathexis",
            facts.myelokathexis,
            "myelokathexis on marrow (highly specific)",
            "marrow without myelokathexis",
        ),
        _flag(
            "family-history",
            facts.family_history,
            "a relative with WHIM syndrome or a CXCR4 variant",
            "no family history",
        ),
    ]
    by = {r.key: r.status for r in results}
    supportive = [k for k in SUPPORTIVE if by[k] == MET]
    decision, reason = _decide(by, supportive, c)
    notes = [n for n in [_duffy_note(facts, c)] if n]
    return Eligibility(decision, reason, results, notes)


def _decide(by: dict[str, str], supportive: list[str], c: Criteria) -> tuple[str, str]:
    if by["myelokathexis"] == MET:
        return ELIGIBLE, "myelokathexis on marrow (highly specific for WHIM syndrome)"
    if by["family-history"] == MET:
        return ELIGIBLE, "a relative has WHIM syndrome or a CXCR4 variant"
    if by["neutropenia"] == MET and len(supportive) >= c.min_supportive:
        return ELIGIBLE, f"chronic neutropenia with {', '.join(supportive)}"
    if by["neutropenia"] == MET and any(by[k] == UNKNOWN for k in SUPPORTIVE):
        return INSUFFICIENT, f"chronic neutropenia; fewer than {c.min_supportive} supportive feature(s) known"
    if by["neutropenia"] == MET:
        return (
            NOT_ELIGIBLE,
            "chronic neutropenia without lymphopenia, monocytopenia, low IgG, infections or warts",
        )
    if by["neutropenia"] == UNKNOWN:
        return INSUFFICIENT, "chronic neutropenia not established and no myelokathexis or family history"
    return NOT_ELIGIBLE, "no neutropenia, myelokathexis or family history"
