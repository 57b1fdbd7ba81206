"""Reportable bases where no read could read a long insertion through are not assessable (QC), so a
duplication hidden at a read's end can never give a Negative; amplicon primers are trimmed by strand."""

import numpy as np
import pytest

from whimscreen.calling.pipeline import analyze_paths, read_primers
from whimscreen.calling.qc import insertion_reach
from whimscreen.sequencing.simulate import TruthVariant, amplicon_layout, simulate

LONG = {"length": 280, "overlap": 30, "margin": 0}  # 280-bp amplicons read 2x150: blind middles


def test_reach_of_forward_and_reverse_reads():
    # forward read over [100, 250): an insertion of 30 before p is read through with 10 anchor bases
    # for p in [110, 210]; a reverse read over the same bases (5' end at 250) for p in [140, 240]
    reach = np.array([[100, 250, 0, -1], [100, 250, 1, -1]])
    r = insertion_reach(reach, 400, 30, anchor=10)
    assert r[109] == 0 and r[110] == 1 and r[139] == 1 and r[140] == 2 and r[210] == 2
    assert r[211] == 1 and r[240] == 1 and r[241] == 0
    longer = insertion_reach(reach, 400, 10, anchor=10)  # shorter insertions: read through further
    assert longer[230] == 2


def test_mates_of_one_fragment_count_once():
    reach = np.array([[100, 250, 0, 7], [150, 300, 1, 7], [100, 250, 0, 8]])
    r = insertion_reach(reach, 400, 30, anchor=10)
    assert r[200] == 2  # fragment 7 (both mates reach it) once, fragment 8 once
    assert r[120] == 2 and r[260] == 1


def test_hidden_duplication_at_a_read_end_is_not_assessable(tmp_path, locus):
    # 29 bp duplicated 119 bases into a 280-bp amplicon: the forward read ends 2 bases past it and looks
    # like the reference; the reverse read starts after it.  Before this QC the sample came out Negative.
    t = TruthVariant(136115808, "G", "GAAGATTTTATTGAAATTAGCATTTTCTTC", 0.5)
    run = simulate(locus, [t], amplicon_layout(**LONG), 150, tmp_path / "s", seed=5)
    analysis = analyze_paths(list(run.fastq), "R1", None, locus, primers=run.primers_bed)
    called = {(c.pos, c.ref, c.alt) for c in analysis.calls if c.passed}
    assert (t.pos, t.ref, t.alt) not in called  # the data cannot show it ...
    assert not analysis.qc.fully_covered  # ... and QC says so, over the variant's position
    assert any(a <= t.pos <= b for a, b in analysis.qc.uncovered)
    assert "insertion of up to 30 bp" in analysis.qc.reason


@pytest.mark.parametrize("seed", [1, 2])
def test_default_design_reads_every_reportable_base_through(tmp_path, locus, seed):
    run = simulate(locus, [], amplicon_layout(), 100, tmp_path / "s", seed=seed)
    qc = analyze_paths(list(run.fastq), "W1", None, locus, primers=run.primers_bed).qc
    assert qc.fully_covered, qc.reason


def test_long_insertion_inside_the_default_design_is_found(tmp_path, locus):
    # the same duplication on the 220-bp design: a read spans it with anchors, so it is called
    t = TruthVariant(136115808, "G", "GAAGATTTTATTGAAATTAGCATTTTCTTC", 0.5)
    run = simulate(locus, [t], amplicon_layout(), 150, tmp_path / "s", seed=5)
    analysis = analyze_paths(list(run.fastq), "R2", None, locus, primers=run.primers_bed)
    assert (t.pos, t.ref, t.alt) in {(c.pos, c.ref, c.alt) for c in analysis.calls if c.passed}


def test_primer_strand_from_bed_and_strandless_heuristic(tmp_path, locus):
    bed = tmp_path / "p.bed"
    bed.write_text("chr2\t136115000\t136115020\tA_L\t0\t-\nchr2\t136115200\t136115220\tA_R\t0\t+\n")
    assert [s for *_, s in read_primers(bed, locus, "GRCh38")] == ["-", "+"]  # as the file says
    bed.write_text("chr2\t136115000\t136115020\nchr2\t136115200\t136115220\n")
    (a, b, s1), (c, d, s2) = read_primers(bed, locus, "GRCh38")
    assert (b - a, s1, d - c, s2) == (20, "+", 20, "-")  # strandless pairs read as left, right
    bed.write_text("chr2\t136115000\t136115020\n")
    assert [s for *_, s in read_primers(bed, locus, "GRCh38")] == [None]  # edge heuristic then
    # a run without a strand column gives the same calls and QC as one with it
    layout = amplicon_layout()
    run = simulate(locus, [TruthVariant(136115260, "A", "G", 0.5)], layout, 80, tmp_path / "s", seed=4)
    plain = tmp_path / "plain.bed"
    plain.write_text(
        "".join("\t".join(line.split("\t")[:3]) + "\n" for line in run.primers_bed.read_text().splitlines())
    )
    one = analyze_paths(list(run.fastq), "P1", None, locus, primers=run.primers_bed)
    two = analyze_paths(list(run.fastq), "P2", None, locus, primers=plain)
    assert [(x.pos, x.alt, x.depth) for x in one.calls] == [(x.pos, x.alt, x.depth) for x in two.calls]
    assert one.qc.uncovered == two.qc.uncovered and one.qc.fully_covered
