"""Simulated amplicon and capture data: every truth variant recovered with its genotype, nothing else."""

import pytest

from whimscreen.calling.pipeline import analyze_paths
from whimscreen.sequencing.simulate import (
    TruthVariant,
    amplicon_layout,
    capture_layout,
    random_truth,
    simulate,
)


def _keyed(analysis):
    return {(c.pos, c.ref, c.alt): c for c in analysis.calls}


@pytest.fixture(scope="module")
def amplicon_run(tmp_path_factory, locus):
    layout = amplicon_layout()
    truth = random_truth(locus, 15, seed=11, afs=(0.5, 1.0, 0.1), avoid=layout.primers())
    run = simulate(locus, truth, layout, 600, tmp_path_factory.mktemp("amp") / "s", seed=5)
    return truth, run


def test_amplicon_germline_and_mosaic_truth_recovered(amplicon_run, locus):
    truth, run = amplicon_run
    analysis = analyze_paths(list(run.fastq), "A1", None, locus, primers=run.primers_bed)
    calls = _keyed(analysis)
    for t in truth:
        call = calls.get((t.pos, t.ref, t.alt))
        assert call is not None, f"missed {t}"
        assert call.passed, (t, call.filters)
        if t.af == 0.1:
            assert call.mosaic and 0.05 < call.af < 0.16
        else:
            assert not call.mosaic and call.genotype == t.genotype
    assert set(calls) == {(t.pos, t.ref, t.alt) for t in truth}
    assert analysis.qc.fully_covered


def test_capture_germline_truth_recovered(tmp_path, locus):
    truth = random_truth(locus, 12, seed=4, afs=(0.5, 1.0))
    run = simulate(locus, truth, capture_layout(), 300, tmp_path / "c", seed=2)
    analysis = analyze_paths(list(run.fastq), "C1", None, locus)
    calls = _keyed(analysis)
    assert {k for k, c in calls.items() if c.passed} == {(t.pos, t.ref, t.alt) for t in truth}
    assert all(calls[(t.pos, t.ref, t.alt)].genotype == t.genotype for t in truth)


def test_long_indels_in_repeats_are_left_normalized(tmp_path, locus):
    # a 30-bp duplication and a deletion written right-shifted: calls come back at the left-most position
    # (both clear of the primers: a variant under a primer drops its amplicon's alternate reads out)
    p = 136115115
    dup = TruthVariant(p, locus.base(p), locus.base(p) + locus.fetch(p + 1, p + 30), 0.5)
    q = 136115500
    run = simulate(
        locus,
        [dup, TruthVariant(q, locus.fetch(q, q + 12), locus.base(q), 0.5)],
        amplicon_layout(),
        150,
        tmp_path / "d",
        seed=9,
        paired=False,
    )
    truth_norm = {(t.pos, t.ref, t.alt) for t in _read_truth(run)}
    calls = _keyed(analyze_paths(list(run.fastq), "D1", None, locus))
    assert truth_norm <= {k for k, c in calls.items() if c.passed}


def _read_truth(run):
    from whimscreen.sequencing.simulate import read_truth_vcf

    return read_truth_vcf(run.truth_vcf)


def test_amplicon_dropout_is_listed_as_uncovered(tmp_path, locus):
    layout = amplicon_layout(dropout=(2,))
    run = simulate(locus, [], layout, 60, tmp_path / "x", seed=1)
    qc = analyze_paths(list(run.fastq), "X1", None, locus, primers=run.primers_bed).qc
    assert not qc.fully_covered
    a, b = layout.amplicons[2]
    assert len(qc.uncovered) == 1
    start, end = qc.uncovered[0]
    # the gap is the part of amplicon 2's insert that its neighbours' inserts do not reach
    assert a + layout.primer_length <= start <= end <= b - layout.primer_length
    assert qc.covered_bases == qc.reportable_bases - (end - start + 1)
