"""GIVEN a CXCR4 variant and case evidence, WHEN classified, THEN these criteria and classes."""

import pytest

from whimscreen.errors import InterpretationError
from whimscreen.interpretation.classify import classify
from whimscreen.interpretation.criteria import Criterion, Strength, class_for, spec
from whimscreen.interpretation.evidence import Evidence
from whimscreen.interpretation.knowledge_base import load
from whimscreen.reference.annotate import annotate
from whimscreen.reference.parse import parse_variant


@pytest.fixture(scope="module")
def kb(locus):
    return load(locus)


def stop_at(residue: int) -> str:
    """A change making codon ``residue`` a stop, found in the verified coding sequence."""
    from Bio.Seq import Seq

    from whimscreen.reference.sources import candidate_cds

    cds = candidate_cds()
    codon = cds[3 * (residue - 1) : 3 * residue]
    for i in range(3):
        for base in "ACGT":
            changed = codon[:i] + base + codon[i + 1 :]
            if base != codon[i] and str(Seq(changed).translate()) == "*":
                return f"c.{3 * (residue - 1) + i + 1}{codon[i]}>{base}"
    first = 3 * (residue - 1) + 1
    return f"c.{first}_{first + 2}delinsTAA"  # no single-base change makes this codon a stop


def synonymous_snvs(first: int, last: int):
    from Bio.Seq import Seq

    from whimscreen.reference.sources import candidate_cds

    cds = candidate_cds()
    for residue in range(first, last + 1):
        codon = cds[3 * (residue - 1) : 3 * residue]
        for base in "ACGT":
            changed = codon[:2] + base
            if base != codon[2] and Seq(changed).translate() == Seq(codon).translate():
                yield f"c.{3 * residue}{codon[2]}>{base}"


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


def test_tail_boundary_is_read_from_the_uniprot_topology():
    p = spec()["protein"]
    assert p["transmembrane"][-1] == [283, 302]  # TRANSMEM "Helical; Name=7" of P61073
    assert p["c_terminal_tail"] == {"first": 303, "last": 352}  # TOPO_DOM Cytoplasmic 303-352
    assert len(p["transmembrane"]) == 7 and p["whim_cluster"] == {"first": 334, "last": 343}


@pytest.mark.parametrize("text", ["c.1000C>T", "c.1016_1017del", "c.1006G>T", "c.1013C>G", "c.1027G>T"])
def test_cluster_truncation_scores_pm1_and_pm4_capped_at_strong(locus, text):
    c = run(locus, text)  # GIVEN no knowledge base and no case evidence
    # THEN the one fact (a truncation where WHIM variants cluster) counts at most as one Strong criterion
    assert codes(c) == {("PM1", "moderate"), ("PM4", "moderate")} and c.points == 4
    assert c.classification == "Uncertain significance"
    assert "PVS1" not in {x.code for x in c.criteria}  # gain of function: never PVS1
    assert all(x.evidence for x in c.criteria)  # every criterion names the facts it used


@pytest.mark.parametrize("position", [333, 345, 304])
def test_tail_truncations_keep_case_evidence(locus, position):
    # GIVEN a truncation of the tail, inside or outside the cluster, in a de novo patient with myelokathexis
    c = run(locus, stop_at(position), phenotype=("myelokathexis",), de_novo="confirmed")
    assert c.mechanism.category == "tail_truncation" and c.mechanism.fits_whim
    # THEN PM4 and the de novo criterion count: Likely pathogenic (p.(Lys333*) was VUS with 0 points)
    assert {("PM4", "moderate"), ("PS2", "strong")} <= codes(c) and c.classification == "Likely pathogenic"
    # and PP4 is not added: the phenotype's specificity is inside PS2 (ClinGen SVI)
    assert "PP4" not in {x.code for x in c.criteria}


def test_truncation_removing_transmembrane_helices_is_not_the_whim_mechanism(locus):
    # GIVEN a truncation at residue 34 in a de novo patient with myelokathexis
    c = run(locus, "c.100_101del", phenotype=("myelokathexis",), de_novo="confirmed")
    # THEN no location criterion, the mechanism statement says so, but the case evidence still counts
    assert c.mechanism.category == "transmembrane_truncation" and not c.mechanism.fits_whim
    assert "not an established WHIM mechanism" in c.mechanism.statement
    assert codes(c) == {("PS2", "strong")} and c.classification == "Uncertain significance"
    # a truncation just before the end of helix 7 is the same
    assert run(locus, stop_at(302)).mechanism.category == "transmembrane_truncation"
    assert run(locus, stop_at(303)).mechanism.category == "tail_truncation"


def test_start_loss_and_splice_and_whole_gene_get_accurate_terms(locus):
    start = run(locus, "c.1A>G", de_novo="confirmed")
    assert start.mechanism.category == "start_loss" and codes(start) == {("PS2", "supporting")}
    splice = run(locus, "c.16-2A>G")
    assert splice.mechanism.category == "canonical_splice" and not splice.criteria
    gene = annotate(locus, parse_variant(locus, whole_gene_deletion(locus))).to_dict()
    assert gene["consequence"] == "transcript_ablation" and gene["hgvs_p"] == "p.0?"
    assert classify(gene).mechanism.category == "whole_gene_deletion"


def whole_gene_deletion(locus) -> str:
    from whimscreen.reference.transcripts import transcripts

    lo = min(t.start for t in transcripts().values()) - 5
    hi = max(t.end for t in transcripts().values()) + 5
    return f"NC_000002.12:g.{lo}_{hi}del"


def test_bases_coding_only_on_the_other_transcript_are_annotated_there(locus):
    ann = annotate(locus, parse_variant(locus, "c.16-2A>G")).to_dict()
    alt = ann["alt_transcript"]
    assert ann["consequence"] == "splice_acceptor_variant"
    assert alt["transcript"] == "NM_001008540.2" and alt["consequence"] == "missense_variant"
    assert annotate(locus, parse_variant(locus, "c.1000C>T")).to_dict()["alt_transcript"] is None


def test_ps1_and_pm5_only_for_missense(locus, kb):
    other_change = run(locus, "c.1028A>G", kb)  # p.(Glu343Gly) where E343K is likely pathogenic
    assert ("PM5", "moderate") in codes(other_change)
    assert ("PM5", "moderate") not in codes(run(locus, "c.1028A>G"))  # no KB, no PM5
    # a second nucleotide change making p.(Arg334*) is the same location fact, not PS1
    same_stop = run(locus, "c.1000_1001delinsTA", kb)
    assert not {"PS1", "PM5"} & {x.code for x in same_stop.criteria}
    # a frameshift at a residue with a P/LP missense gets no PM5
    assert "PM5" not in {x.code for x in run(locus, "c.1027del", kb).criteria}


def test_ps1_for_the_same_missense_by_another_nucleotide_change(locus, kb):
    # E343K is c.1027G>A (GAG>AAG); GAA>AAA would need two changes, so build it from the KB's protein name
    from whimscreen.interpretation.knowledge_base import KnowledgeBase

    e = next(x for x in kb.entries if x.id == "WHIM003")
    fake = KnowledgeBase("t", (e,))
    c = run(locus, "c.1027_1029delinsAAA", fake)  # p.(Glu343Lys) by a delins
    assert c.criteria and ("PS1", "strong") in codes(c)


def test_synonymous_bp7_needs_the_splice_assessment(locus):
    c = run(locus, "c.708G>A", phenotype=("myelokathexis",))
    assert codes(c) == {("BP7", "supporting")} and c.classification == "Likely benign"
    assert "no new GT or AG" in c.criteria[0].justification


def test_synonymous_creating_a_gt_gets_no_bp7(locus):
    from whimscreen.reference.splicing import new_motifs

    anns = [annotate(locus, parse_variant(locus, t)).to_dict() for t in synonymous_snvs(200, 260)]
    creating = [a for a in anns if a["splice"]["new_motifs"]]
    clean = [a for a in anns if not a["splice"]["new_motifs"]]
    assert creating and clean  # both kinds exist among 60 codons
    assert all(not classify(a).criteria for a in creating)
    assert all({x.code for x in classify(a).criteria} == {"BP7"} for a in clean)
    assert callable(new_motifs)


@pytest.mark.parametrize("af, code", [(0.01, "BA1"), (0.0005, "BS1"), (0.0, "PM2")])
def test_allele_frequency_criteria(locus, af, code):
    assert code in {x.code for x in run(locus, "c.1027G>A", population_af=af).criteria}
    assert run(locus, "c.1027G>A", population_af=0.01).classification == "Benign"


def test_no_frequency_given_means_no_frequency_criterion(locus):
    assert not {"PM2", "BS1", "BA1"} & {x.code for x in run(locus, "c.1027G>A").criteria}


def test_the_knowledge_base_supplies_the_frequency_unless_the_case_states_one(locus, kb):
    g335s = run(locus, "c.1003G>A", kb)  # KB filtering AF 4.55e-05 (estimated from gnomAD)
    assert ("BS1", "strong") in codes(g335s)
    assert "knowledge base WHIM006" in g335s.criteria[-1].evidence[0]
    stated = run(locus, "c.1003G>A", kb, population_af=0.0)
    assert ("PM2", "supporting") in codes(stated) and "BS1" not in {x.code for x in stated.criteria}


def test_a_singleton_gets_no_pm2(locus, kb):
    # WHIM005 S341Y: one allele in gnomAD (raw AF 7e-6): filtering AF tiny, raw AF above the PM2 threshold
    assert not {"PM2", "BS1"} & {x.code for x in run(locus, "c.1022C>A", kb).criteria}


@pytest.mark.parametrize("meioses, strength", [(3, "supporting"), (4, "moderate"), (5, "strong")])
def test_segregation_jarvik_browning(locus, meioses, strength):
    assert ("PP1", strength) in codes(run(locus, "c.1027G>A", segregation_meioses=meioses))
    assert "PP1" not in {x.code for x in run(locus, "c.1027G>A", segregation_meioses=2).criteria}


@pytest.mark.parametrize(
    "de_novo, phenotype, expected",
    [
        ("confirmed", ("myelokathexis",), ("PS2", "strong")),  # 2 points
        ("confirmed", ("neutropenia", "warts"), ("PS2", "moderate")),  # 1 point
        ("confirmed", (), ("PS2", "supporting")),  # 0.5
        ("assumed", ("myelokathexis",), ("PM6", "moderate")),  # 1
        ("assumed", ("neutropenia", "warts"), ("PM6", "supporting")),  # 0.5
    ],
)
def test_de_novo_by_the_svi_points(locus, de_novo, phenotype, expected):
    c = run(locus, "c.1027G>A", de_novo=de_novo, phenotype=phenotype)
    assert expected in codes(c)
    assert "PP4" not in {x.code for x in c.criteria}  # never beside this patient's de novo criterion


def test_an_assumed_de_novo_with_a_heterogeneous_phenotype_scores_nothing(locus):
    c = run(locus, "c.1027G>A", de_novo="assumed")  # 0.25 points < 0.5
    assert not {"PS2", "PM6"} & {x.code for x in c.criteria}


def test_pp4_only_for_the_specific_phenotype(locus):
    assert ("PP4", "moderate") in codes(run(locus, "c.1027G>A", phenotype=("myelokathexis",)))
    # the eligibility features that selected the patient do not score
    assert "PP4" not in {x.code for x in run(locus, "c.1027G>A", phenotype=("neutropenia", "warts")).criteria}
    assert ("PP4", "moderate") in codes(run(locus, "c.1027G>A", phenotype=("HP:0031160",)))
    assert "PP4" not in {x.code for x in run(locus, "c.1027G>A", phenotype=("HP:9999999",)).criteria}


def test_probands_and_function_from_the_knowledge_base(locus, kb):
    r334x = run(locus, "c.1000C>T", kb)
    assert {("PS4", "moderate"), ("PS3", "supporting")} <= codes(r334x)  # 3 probands; GoF assay
    ps4 = next(x for x in r334x.criteria if x.code == "PS4")
    assert "21890643" in ps4.evidence[0]
    assert r334x.classification == "Likely pathogenic" and not r334x.review_required  # KB: P (same tier)


def test_a_knowledge_base_class_never_replaces_the_computed_one(locus, kb):
    # G335S curated Likely benign; de novo + myelokathexis: the rules decide, the director reviews
    g335s = run(locus, "NM_003467.3:c.1003G>A", kb, de_novo="confirmed", phenotype=("myelokathexis",))
    assert g335s.classification == "Uncertain significance" and g335s.review_required
    assert "WHIM006 asserts Likely benign" in g335s.review[0]
    # R334X with a population frequency that rules it out: Benign computed, Pathogenic asserted: review
    r334x = run(locus, "c.1000C>T", kb, population_af=0.002)
    assert r334x.classification == "Benign" and r334x.review_required
    assert any("asserts Pathogenic" in r for r in r334x.review)
    d = r334x.to_dict()
    assert d["computed_classification"] == "Benign" and d["knowledge_base_classification"] == "Pathogenic"


def test_bad_evidence_is_refused():
    with pytest.raises(InterpretationError):
        Evidence(de_novo="probably")
    with pytest.raises(InterpretationError):
        Evidence(population_af=2)


def test_knowledge_base_evidence_is_checked():
    from whimscreen.interpretation.knowledge_base import evidence_problems

    assert evidence_problems({"probands": "3", "probands_source": "PMID 1"}) == []
    missing = evidence_problems({"probands": "3"})
    assert missing == ["probands is given without its citation (probands_source)"]
    assert "count" in evidence_problems({"probands": "three", "probands_source": "x"})[0]
    assert "frequency" in evidence_problems({"filtering_af": "2", "filtering_af_source": "x"})[0]
    assert "functional must be" in evidence_problems({"functional": "better", "functional_source": "x"})[0]


def test_shipped_knowledge_base_has_no_problems(kb):
    assert kb.problems == () and kb.version == "2026.12.2"
