"""GIVEN a CXCR4 variant and case evidence, WHEN classified, THEN these criteria and classes."""

import pytest

from whimscreen.errors import InterpretationError
from whimscreen.interpretation.classify import classify
from whimscreen.interpretation.criteria import Criterion, Strength, class_for
from whimscreen.interpretation.evidence import Evidence
from whimscreen.interpretation.knowledge_base import load
from whimscreen.reference.annotate import annotate
from whimscreen.reference.parse import parse_variant


@pytest.fixture(scope="module")
def kb(locus):
    return load(locus)


def run(locus, text, kb=None, **ev):
    return classify(annotate(locus, parse_variant(locus, text)).to_dict(), Evidence(**ev), kb)


def codes(c):
    return {(x.code, x.strength.value) for x in c.criteria}


@pytest.mark.parametrize(
    "points, cls",
    [
        (10, "Pathogenic"),
        (6, "Likely pathogenic"),
        (9, "Likely pathogenic"),
        (5, "Uncertain significance"),
        (0, "Uncertain significance"),
        (-1, "Likely benign"),
        (-6, "Likely benign"),
        (-7, "Benign"),
    ],
)
def test_point_bands_tavtigian(points, cls):
    assert class_for(points) == cls


def test_benign_criteria_count_negative():
    assert (
        Criterion("BS1", Strength.STRONG, "x").points == -4
        and Criterion("PM1", Strength.STRONG, "x").points == 4
    )


@pytest.mark.parametrize("text", ["c.1000C>T", "c.1016_1017del", "c.1006G>T", "c.1013C>G", "c.1027G>T"])
def test_published_truncations_are_lp_or_p_by_rules_alone(locus, text):
    c = run(locus, text)  # GIVEN no knowledge base and no case evidence
    assert ("PM1", "strong") in codes(c) and ("PM4", "moderate") in codes(c)
    assert c.classification in ("Likely pathogenic", "Pathogenic")
    assert "PVS1" not in {x.code for x in c.criteria}  # gain of function: never PVS1


def test_phenotype_and_de_novo_make_a_critical_truncation_pathogenic(locus):
    c = run(locus, "c.1013C>G", phenotype=("myelokathexis",), de_novo="confirmed")
    assert {("PP4", "moderate"), ("PS2", "strong")} <= codes(c) and c.classification == "Pathogenic"
    assert run(locus, "c.1013C>G", de_novo="assumed").criteria[-1].code == "PM6"


def test_upstream_truncation_is_not_the_wgof_mechanism(locus):
    # GIVEN a truncation at residue 34 (a null allele) in a de novo patient with myelokathexis
    c = run(locus, "c.100_101del", phenotype=("myelokathexis",), de_novo="confirmed")
    # THEN no criterion applies: CXCR4 haploinsufficiency is not WHIM syndrome
    assert c.criteria == () and c.classification == "Uncertain significance"
    assert run(locus, "c.1A>G", de_novo="confirmed").classification == "Uncertain significance"


def test_tail_truncation_outside_the_critical_region_is_pm4_only(locus):
    c = run(locus, "c.1040del")  # p.(Ser347*), removes 6 residues
    assert codes(c) == {("PM4", "moderate")} and c.classification == "Uncertain significance"


def test_ps1_and_pm5_from_the_knowledge_base(locus, kb):
    same_protein = run(locus, "c.1000_1001delinsTA", kb)  # p.(Arg334*) like WHIM001 c.1000C>T
    assert ("PS1", "strong") in codes(same_protein)
    other_change = run(locus, "c.1028A>G", kb)  # p.(Glu343Gly) where E343K is likely pathogenic
    assert ("PM5", "moderate") in codes(other_change)
    assert ("PM5", "moderate") not in codes(run(locus, "c.1028A>G"))  # no KB, no PM5


def test_synonymous_is_likely_benign_and_phenotype_does_not_rescue_it(locus):
    c = run(locus, "c.708G>A", phenotype=("myelokathexis",))
    assert codes(c) == {("BP7", "supporting")} and c.classification == "Likely benign"


@pytest.mark.parametrize("af, code", [(0.01, "BA1"), (0.0005, "BS1"), (0.0, "PM2")])
def test_allele_frequency_criteria(locus, af, code):
    assert code in {x.code for x in run(locus, "c.1027G>A", population_af=af).criteria}
    assert run(locus, "c.1027G>A", population_af=0.01).classification == "Benign"


def test_no_frequency_given_means_no_frequency_criterion(locus):
    assert not {"PM2", "BS1", "BA1"} & {x.code for x in run(locus, "c.1027G>A").criteria}


@pytest.mark.parametrize("meioses, strength", [(3, "supporting"), (5, "moderate"), (7, "strong")])
def test_segregation(locus, meioses, strength):
    assert ("PP1", strength) in codes(run(locus, "c.1027G>A", segregation_meioses=meioses))
    assert "PP1" not in {x.code for x in run(locus, "c.1027G>A", segregation_meioses=2).criteria}


def test_every_curated_kb_variant_gets_its_recorded_class(locus, kb):
    curated = [e for e in kb.entries if e.classification]
    assert curated
    for e in curated:
        c = run(locus, f"NM_003467.3:{e.hgvs_c}", kb)
        assert c.classification == e.classification and c.entry is e


def test_bad_evidence_is_refused():
    with pytest.raises(InterpretationError):
        Evidence(de_novo="probably")
    with pytest.raises(InterpretationError):
        Evidence(population_af=2)


def test_verified_hpo_ids_count_as_their_feature_and_others_are_not_scored(locus):
    by_name = codes(run(locus, "NM_003467.3:c.1000C>T", phenotype=("neutropenia", "lymphopenia")))
    by_id = codes(run(locus, "NM_003467.3:c.1000C>T", phenotype=("HP:0001875", "hp:0001888")))
    unknown = codes(run(locus, "NM_003467.3:c.1000C>T", phenotype=("HP:0001875", "HP:9999999")))
    assert ("PP4", "supporting") in by_name and by_id == by_name
    assert not any(code == "PP4" for code, _ in unknown)


def test_myelokathexis_by_hpo_id_is_the_specific_feature_and_synonymous_ids_count_once(locus):
    mk = run(locus, "NM_003467.3:c.1000C>T", phenotype=("HP:0031160",))
    assert ("PP4", "moderate") in codes(mk)
    # three ids of one feature (hypogammaglobulinemia) are one feature, not the two PP4 asks for
    one = codes(run(locus, "NM_003467.3:c.1000C>T", phenotype=("HP:0004313", "HP:0004315", "HP:0003139")))
    assert not any(code == "PP4" for code, _ in one)
    two = codes(run(locus, "NM_003467.3:c.1000C>T", phenotype=("HP:0200043", "HP:0012312")))
    assert ("PP4", "supporting") in two
