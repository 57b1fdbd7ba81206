"""The WHIM-likeness of one patient from their counts and diagnoses: a score and the reasons in words.

Counts within a window around a coded chemotherapy or drug-induced neutropenia are set aside first.
Features for WHIM (chronic neutropenia, lymphopenia, monocytopenia, low IgG, warts, recurrent infections)
add points; the patterns of two commoner explanations (the Duffy-null associated neutrophil count, cyclic
neutropenia) take points away.  ``rules`` holds every number; docs/case-finding.md the sources.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, timedelta

from whimscreen.screening.case_finding import rules as R
from whimscreen.screening.case_finding.labs import Diagnosis

NEUTROPHILS, LYMPHOCYTES, MONOCYTES, LEUKOCYTES, IGG = "751-8", "731-0", "742-7", "6690-2", "2465-3"
Series = list[tuple[date, float]]


@dataclass
class Assessment:
    patient: str
    score: int = 0
    reasons: list[str] = field(default_factory=list)
    features: list[str] = field(default_factory=list)
    counts: int = 0

    def add(self, feature: str, reason: str) -> None:
        points = R.WEIGHTS[feature]
        self.score += points
        self.features.append(feature)
        self.reasons.append(f"{reason} ({points:+d})")

    def note(self, reason: str) -> None:
        self.reasons.append(reason)

    @property
    def level(self) -> str:
        return next((name for floor, name in R.LEVELS if self.score >= floor), "none")


def _months(days: int) -> str:
    return f"{days / 30.4:.0f} months" if days >= 61 else f"{days} days"


def icd(code: str) -> str:
    """An ICD-10 code as written, with its dot (B078 -> B07.8)."""
    return f"{code[:3]}.{code[3:]}" if len(code) > 3 else code


def _has(diagnoses: list[Diagnosis], prefixes: tuple[str, ...]) -> list[Diagnosis]:
    return [d for d in diagnoses if d.code.startswith(prefixes)]


def _drug_windows(diagnoses: list[Diagnosis]) -> list[tuple[date, date, str]]:
    lo, hi = R.DRUG_WINDOW
    return [
        (d.day + timedelta(lo), d.day + timedelta(hi), d.code) for d in _has(diagnoses, R.DRUG_NEUTROPENIA)
    ]


def _outside(series: Series, windows) -> tuple[Series, int]:
    kept = [(d, v) for d, v in series if not any(a <= d <= b for a, b, _ in windows)]
    return kept, len(series) - len(kept)


def _chronic(series: Series, limit: float) -> tuple[bool, str]:
    """Low counts persisting across months: at least ``CHRONIC_MIN_LOW`` below ``limit`` spanning
    ``CHRONIC_DAYS`` or more, with most counts in that span low."""
    low = [d for d, v in series if v < limit]
    if not low:
        return False, ""
    span = (max(low) - min(low)).days
    inside = [v for d, v in series if min(low) <= d <= max(low)]
    fraction = len(low) / len(inside)
    text = f"{len(low)} of {len(series)} counts below {limit:g} ×10⁹/L over {_months(span)}"
    ok = len(low) >= R.CHRONIC_MIN_LOW and span >= R.CHRONIC_DAYS and fraction >= R.CHRONIC_FRACTION
    return ok, text


def _persistent(series: Series, limit: float) -> tuple[bool, str]:
    low = [v for _, v in series if v < limit]
    ok = len(low) >= R.PERSISTENT_MIN_LOW and len(low) >= R.PERSISTENT_FRACTION * len(series)
    return ok, f"{len(low)} of {len(series)} counts below {limit:g} ×10⁹/L"


def _nadirs(series: Series) -> list[date]:
    """The day of the lowest count of each run below the severe limit separated by a recovery to normal."""
    out, run, recovered = [], [], True
    for d, v in series:
        if v < R.SEVERE_NEUTROPENIA:
            if recovered and not run:
                run = [(d, v)]
            elif run:
                run.append((d, v))
            recovered = False
        elif v >= R.NEUTROPENIA:
            if run:
                out.append(min(run, key=lambda x: x[1])[0])
                run = []
            recovered = True
    if run:
        out.append(min(run, key=lambda x: x[1])[0])
    return out


def cyclic_period(series: Series) -> float | None:
    """The median days between nadirs when the counts cycle (``CYCLE_MIN_NADIRS`` nadirs, regular
    intervals within ``CYCLE_DAYS``), else None."""
    nadirs = _nadirs(series)
    if len(nadirs) < R.CYCLE_MIN_NADIRS:
        return None
    gaps = [(b - a).days for a, b in zip(nadirs, nadirs[1:], strict=False)]
    mid = statistics.median(gaps)
    lo, hi = R.CYCLE_DAYS
    if lo <= mid <= hi and all(abs(g - mid) <= R.CYCLE_TOLERANCE for g in gaps):
        return mid
    return None


def _infection_episodes(diagnoses: list[Diagnosis], prefixes) -> list[Diagnosis]:
    episodes: list[Diagnosis] = []
    for d in sorted(_has(diagnoses, prefixes), key=lambda d: d.day):
        if not episodes or (d.day - episodes[-1].day).days >= R.INFECTION_EPISODE_GAP:
            episodes.append(d)
    return episodes


def assess(patient: str, results: dict[str, Series], diagnoses: list[Diagnosis]) -> Assessment:
    a = Assessment(patient, counts=sum(len(s) for s in results.values()))
    windows = _drug_windows(diagnoses)
    series: dict[str, Series] = {}
    set_aside = 0
    for loinc, values in results.items():
        kept, n = _outside(sorted(values), windows if loinc != IGG else [])
        series[loinc], set_aside = kept, set_aside + n
    if set_aside:
        codes = ", ".join(
            sorted({f"{icd(c)} on {a_ + timedelta(-R.DRUG_WINDOW[0])}" for a_, _, c in windows})
        )
        a.note(
            f"{set_aside} count(s) within {R.DRUG_WINDOW[1]} days after coded chemotherapy or drug-induced "
            f"neutropenia ({codes}) set aside: a commoner, transient cause"
        )
    anc, alc, mono = series.get(NEUTROPHILS, []), series.get(LYMPHOCYTES, []), series.get(MONOCYTES, [])
    chronic, text = _chronic(anc, R.NEUTROPENIA) if anc else (False, "")
    if chronic:
        a.add("chronic_neutropenia", f"chronic neutropenia: {text}")
        median = statistics.median(v for _, v in anc)
        if median < R.SEVERE_NEUTROPENIA:
            a.add("severe_neutropenia", f"severe: median ANC {median:.2f} ×10⁹/L")
    elif text:
        a.note(f"neutropenia not chronic ({text}): not counted")
    if not anc and series.get(LEUKOCYTES):
        ok, text = _chronic(series[LEUKOCYTES], R.LEUKOPENIA)
        if ok:
            a.add("chronic_leukopenia", f"chronic leukopenia without a differential count: {text}")
    lymph, text_l = _persistent(alc, R.LYMPHOPENIA) if alc else (False, "")
    if lymph:
        a.add("lymphopenia", f"lymphopenia: {text_l}")
    monoc, text_m = _persistent(mono, R.MONOCYTOPENIA) if mono else (False, "")
    if monoc:
        a.add("monocytopenia", f"monocytopenia: {text_m}")
    igg = series.get(IGG, [])
    low_igg = [v for _, v in igg if v < R.LOW_IGG]
    coded_hypo = _has(diagnoses, R.HYPOGAMMAGLOBULINEMIA)
    if low_igg:
        a.add("low_igg", f"low IgG: lowest {min(low_igg):.1f} g/L (below {R.LOW_IGG:g})")
    elif coded_hypo:
        a.add("low_igg", f"hypogammaglobulinaemia coded ({icd(coded_hypo[0].code)} on {coded_hypo[0].day})")
    warts = _has(diagnoses, R.WARTS)
    if warts:
        a.add("warts", f"warts / papillomavirus coded ({', '.join(sorted({icd(d.code) for d in warts}))})")
    infections = _infection_episodes(diagnoses, R.INFECTIONS)
    if len(infections) >= 2:
        kinds = ", ".join(sorted({icd(d.code) for d in infections}))
        a.add("recurrent_infections", f"recurrent infections: {len(infections)} episodes ({kinds})")
        pneumonias = _infection_episodes(diagnoses, R.PNEUMONIA)
        if len(pneumonias) >= 2:
            a.add("recurrent_pneumonia", f"{len(pneumonias)} pneumonias")
    period = cyclic_period(anc)
    coded_cyclic = _has(diagnoses, R.CYCLIC_NEUTROPENIA)
    if period is not None or coded_cyclic:
        why = (
            f"ANC falls below {R.SEVERE_NEUTROPENIA:g} about every {period:.0f} days and recovers between"
            if period is not None
            else f"cyclic neutropenia coded ({icd(coded_cyclic[0].code)})"
        )
        a.add("cyclic_pattern", f"{why}: the pattern of cyclic neutropenia, not WHIM")
    elif chronic:
        _duffy(a, anc, alc, mono, infections, warts)
    return a


def _duffy(a: Assessment, anc: Series, alc: Series, mono: Series, infections, warts) -> None:
    values = [v for _, v in anc]
    median, lowest = statistics.median(values), min(values)
    if median < R.DUFFY_MEDIAN_ANC or lowest < R.DUFFY_MIN_ANC or infections or warts:
        return
    if not alc or not mono:
        a.note(
            f"mild stable neutropenia (median {median:.2f}) without infections, but lymphocytes or monocytes "
            "not measured: the Duffy-null associated neutrophil count cannot be told apart"
        )
        return
    if "lymphopenia" in a.features or "monocytopenia" in a.features:
        return
    a.add(
        "duffy_null_pattern",
        f"mild stable neutropenia (median ANC {median:.2f}, lowest {lowest:.2f} ×10⁹/L) with normal "
        "lymphocytes and monocytes and no infections: the pattern of the Duffy-null associated neutrophil "
        "count, a commoner benign explanation",
    )
