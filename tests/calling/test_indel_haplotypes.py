"""Indel allele counts from haplotype comparison: long deletions near amplicon read ends keep their true
allele fraction, deletions the aligner soft-clips are still called, and a variant under a primer drops the
amplicon out (QC lists the gap)."""

import pytest

from whimscreen.calling.pipeline import analyze_paths
from whimscreen.sequencing.simulate import TruthVariant, amplicon_layout, random_truth, simulate


def _deletion(locus, pos, length, af):
    return TruthVariant(pos, locus.fetch(pos, pos + length), locus.base(pos), af)


# the positions below were chosen on this design (280-bp amplicons, 2x150 reads)
LONG = {"length": 280, "overlap": 30, "margin": 0}


def _run(tmp_path, locus, truth, depth, seed=1):
    run = simulate(locus, truth, amplicon_layout(**LONG), depth, tmp_path / "s", seed=seed)
    analysis = analyze_paths(list(run.fastq), "H1", None, locus, primers=run.primers_bed)
    return {(c.pos, c.ref, c.alt): c for c in analysis.calls}, analysis.qc


@pytest.mark.parametrize("pos, length", [(136115404, 24), (136114990, 23), (136115602, 25)])
def test_mosaic_long_deletion_af_is_not_inflated(tmp_path, locus, pos, length):
    # each ends where reads from one primer stop: counted against spanning reads only it measured ~38%
    t = _deletion(locus, pos, length, 0.2)
    calls, _ = _run(tmp_path, locus, [t], 600)
    call = calls[(t.pos, t.ref, t.alt)]
    assert call.passed and call.mosaic, call
    assert 0.13 < call.af < 0.27, call


@pytest.mark.parametrize("af", [1.0, 0.2])
def test_deletion_soft_clipped_by_the_aligner_is_called(tmp_path, locus, af):
    # 26 bp deleted 5 bp before the last amplicon's primer: reads from that primer have 25 bases past the
    # junction, which the aligner soft-clips instead of writing the deletion
    t = _deletion(locus, 136115917, 26, af)
    calls, _ = _run(tmp_path, locus, [t], 150 if af == 1.0 else 600)
    call = calls.get((t.pos, t.ref, t.alt))
    assert call is not None and call.passed, call
    assert call.genotype == ("1/1" if af == 1.0 else "0/1") and call.mosaic == (af < 0.35)
    assert call.evidence["clip_reads"] > 0


def test_homozygous_variant_under_a_primer_is_uncovered(tmp_path, locus):
    layout = amplicon_layout()
    a, b = layout.amplicons[3]
    t = _deletion(locus, a - 4, 5, 1.0)  # deletes the first bases of amplicon 3's forward primer
    run = simulate(locus, [t], layout, 150, tmp_path / "s", seed=1)
    qc = analyze_paths(list(run.fastq), "H1", None, locus, primers=run.primers_bed).qc
    assert not qc.fully_covered and qc.uncovered
    assert all(a < s <= e < b for s, e in qc.uncovered)  # the part only amplicon 3 reaches


def test_deletion_read_by_both_mates_is_not_strand_biased(tmp_path, locus):
    # 28 bp deleted 98 bases into a 220-bp amplicon: both mates of every fragment read it, and the
    # reverse mate always read a few more bases of it; counted by its stronger mate, every alternate
    # fragment was "reverse" and the call was filtered StrandBias
    t = _deletion(locus, 136115577, 28, 0.5)
    run = simulate(locus, [t], amplicon_layout(), 150, tmp_path / "s", seed=29)
    calls = analyze_paths(list(run.fastq), "H2", None, locus, primers=run.primers_bed).calls
    call = {(c.pos, c.ref, c.alt): c for c in calls}[(t.pos, t.ref, t.alt)]
    assert call.passed, call.filters
    assert min(call.evidence["alt_forward"], call.evidence["alt_reverse"]) > 0.3 * call.alt_depth


def test_deletion_starting_right_after_a_primer_is_counted_from_both_amplicons(tmp_path, locus):
    # 6 bp deleted from the first base after a forward primer: the reads from that primer show the
    # junction only against their primer bases; without them those reads counted as reference only
    # (AF 0.35, every alternate read reverse: StrandBias)
    layout = amplicon_layout()
    a, _ = next(x for x in layout.amplicons if x[0] <= 136115609 <= x[1] and x[0] == 136115609)
    t = _deletion(locus, a + 19, 6, 0.5)  # anchor = last primer base
    run = simulate(locus, [t], layout, 150, tmp_path / "s", seed=127)
    calls = analyze_paths(list(run.fastq), "H3", None, locus, primers=run.primers_bed).calls
    norm = {(c.pos, c.ref, c.alt): c for c in calls}
    call = next(c for k, c in norm.items() if len(c.ref) - len(c.alt) == 6)
    assert call.passed and 0.4 < call.af < 0.6, (call.filters, call.af)


def test_rival_reading_of_a_deletion_in_a_repeat_is_not_reported(tmp_path, locus):
    # bench sample 424 (germline amplicon): GTAGA repeats around a het 12-bp deletion at 136115572; the
    # aligner writes some reads as a 3-bp insertion 12 bp on, and both readings beat the reference on
    # the same 74 fragments.  The insertion was reported PASS; the deletion, which leaves no mismatches
    # where the two differ, must be.
    layout = amplicon_layout()
    truth = random_truth(locus, 200, seed=424 * 13, afs=(0.5, 1.0), spacing=60, avoid=layout.primers())
    run = simulate(locus, truth, layout, 150, tmp_path / "s", seed=424)
    calls = analyze_paths(list(run.fastq), "H4", None, locus, primers=run.primers_bed).calls
    passed = {(c.pos, c.ref, c.alt) for c in calls if c.passed}
    assert (136115572, "TTGACTGTGTAGA", "T") in passed and (136115584, "A", "AGGT") not in passed
