"""Eligibility criteria: met / not met / unknown with reasons, the decision, and the Duffy-null note."""

from __future__ import annotations

from datetime import date, timedelta

from whimscreen.program.eligibility import (
    ELIGIBLE,
    INSUFFICIENT,
    MET,
    NOT_ELIGIBLE,
    NOT_MET,
    UNKNOWN,
    ClinicalFacts,
    Count,
    Criteria,
    evaluate,
)

D0 = date(2025, 1, 1)


def counts(*ancs, alc=None, step=60):
    return tuple(Count(D0 + timedelta(days=i * step), anc=a, alc=alc) for i, a in enumerate(ancs))


def test_nothing_known_is_insufficient_not_negative():
    e = evaluate(ClinicalFacts())
    assert e.decision == INSUFFICIENT
    assert all(c.status == UNKNOWN for c in e.criteria)
    assert all(c.source for c in e.criteria)


def test_chronic_needs_low_counts_three_months_apart():
    one = evaluate(ClinicalFacts(counts=counts(300, 320, step=30)))
    assert one.status("neutropenia") == UNKNOWN and "chronic" in one.criteria[0].reason
    chronic = evaluate(ClinicalFacts(counts=counts(300, 320, step=120), warts=True))
    assert chronic.status("neutropenia") == MET and chronic.decision == ELIGIBLE


def test_myelokathexis_alone_is_enough_and_normal_anc_is_not_met():
    assert evaluate(ClinicalFacts(myelokathexis=True)).decision == ELIGIBLE
    e = evaluate(ClinicalFacts(counts=counts(2500, 3000), myelokathexis=False, family_history=False))
    assert e.status("neutropenia") == NOT_MET and e.decision == NOT_ELIGIBLE


def test_chronic_neutropenia_without_any_supportive_feature_is_not_eligible():
    normal_others = tuple(Count(D0 + timedelta(days=d), anc=400, alc=1500, monocytes=400) for d in (0, 120))
    facts = ClinicalFacts(
        normal_others, recurrent_infections=False, warts=False, igg=900, igg_lower_limit=600
    )
    assert evaluate(facts).decision == NOT_ELIGIBLE


def test_igg_uses_the_labs_limit_for_age():
    assert evaluate(ClinicalFacts(igg=450, igg_lower_limit=600)).status("hypogammaglobulinemia") == MET
    assert evaluate(ClinicalFacts(igg=450)).status("hypogammaglobulinemia") == UNKNOWN


def test_duffy_note_when_mild_and_not_excluded():
    mild = counts(1100, 1200, step=120)
    note = evaluate(ClinicalFacts(counts=mild)).notes
    assert len(note) == 1 and "Duffy-null" in note[0] and "not excluded" in note[0]
    assert evaluate(ClinicalFacts(counts=mild, duffy_null=False)).notes == []  # tested: not Duffy-null
    assert evaluate(ClinicalFacts(counts=counts(200, 250, step=120))).notes == []  # severe: not DANC range


def test_thresholds_are_configurable():
    facts = ClinicalFacts(counts=counts(1700, 1800, step=120), warts=True)
    assert evaluate(facts).status("neutropenia") == NOT_MET
    assert evaluate(facts, Criteria(anc_below=2000)).status("neutropenia") == MET


def test_phenotype_for_interpretation_uses_met_criteria_only():
    e = evaluate(ClinicalFacts(counts=counts(300, 320, alc=600, step=120), warts=True, myelokathexis=True))
    assert set(e.phenotype()) == {"neutropenia", "lymphopenia", "warts", "myelokathexis"}
