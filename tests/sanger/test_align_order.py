"""``align.place`` scores the likelier strand, the other only when its score bound does not exclude it, and
aligns the better one only in a window around the read's seeds (whole-strand alignment only when the window
misses the optimal score): the placement must be exactly the one of scoring both strands and aligning the
better over the whole strand (reverse only when strictly better), whatever the window; and the bound must
never be below a real score."""

from __future__ import annotations

import numpy as np
import pytest

from whimscreen.calling.sanger import align
from whimscreen.calling.sanger.target import locus_target
from whimscreen.calling.sanger.trim import mott_trim
from whimscreen.sequencing.abif import read_trace
from whimscreen.sequencing.simulate_amplicons import AMPLICONS, write_sample

from .conftest import deletion, snv


def _three_pass(name, calls, trim, forward, reverse):
    """The placement as computed before: both strands scored, the better one aligned."""
    t0, t1 = trim
    query = calls[t0:t1].replace("N", "A")
    aligner = align._aligner()
    scores = [aligner.score(ref, query) for ref in (forward, reverse)]
    ref = reverse if scores[1] > scores[0] else forward
    return scores[1] > scores[0], ref, aligner.align(ref, query)[0].aligned


@pytest.fixture(scope="module")
def traces(locus, tmp_path_factory):
    root = tmp_path_factory.mktemp("traces")
    amplicons = {k: v for k, v in AMPLICONS.items() if k.startswith("ex2")}
    paths = write_sample(
        locus,
        root,
        [(snv(locus, 136115111), "het"), (deletion(locus, 136115500, 4), "het")],
        seed=3,
        amplicons=amplicons,
    )
    return [read_trace(p) for p in paths]


@pytest.mark.parametrize(
    "window, bound", [("seeds", "proven"), ("missing the read", "proven"), ("none", "none")]
)
def test_placement_is_the_three_pass_one(locus, traces, window, bound, monkeypatch):
    target = locus_target(locus)
    whole, scored, passes = [], [], []
    real_align, real_score = align._align, align.PairwiseAligner.score

    def spy(aligner, ref, query, best, kmers):
        aln, offset = real_align(aligner, ref, query, best, kmers)
        whole.append(offset == 0)
        return aln, offset

    def count(self, ref, query):
        scored.append(ref)
        return real_score(self, ref, query)

    monkeypatch.setattr(align, "_align", spy)
    monkeypatch.setattr(align.PairwiseAligner, "score", count)
    if window != "seeds":  # a window without the alignment costs a pass, never changes the placement
        forced = (0, 200) if window == "missing the read" else None
        monkeypatch.setattr(align, "_seed_window", lambda query, ref, kmers: forced)
    if bound == "none":  # both strands scored
        monkeypatch.setattr(align, "score_bound", lambda length, shared: float("inf"))
    strands = set()
    for tr in traces:
        trim = mott_trim(tr.quality)
        before = len(scored)
        pl = align.place(tr.name, tr.bases, trim, target.sequence, target.reverse)
        passes.append(len(scored) - before)
        rev, ref, aligned = _three_pass(tr.name, tr.bases, trim, target.sequence, target.reverse)
        assert (pl.reverse, pl.ref) == (rev, ref)
        blocks = [
            (int(a0), int(a1), int(b0) + trim[0], int(b1) + trim[0])
            for (a0, a1), (b0, b1) in zip(*aligned, strict=True)
        ]
        assert np.array_equal(pl.index, align._index(len(tr.bases), len(ref), blocks))
        assert pl.aligned == (blocks[0][2], blocks[-1][3]) and pl.gaps == align._gaps(blocks, tr.bases)
        strands.add(pl.reverse)
    assert strands == {False, True}  # both strands were exercised
    # the seed window holds the alignment of every read; a wrong or no window falls back to the whole strand
    assert set(whole) == {window != "seeds"}
    # these good reads share almost no 12-mer with the other strand: its score is bounded, not computed
    assert passes == [1 if bound == "proven" else 2] * len(traces), passes


def test_the_score_bound_is_never_below_a_local_score():
    """Random sequences and mutated copies (mismatches, insertions, deletions, repeats), a short k so that
    the bound is tight enough to be tested: no local score exceeds it."""
    rng = np.random.default_rng(12)
    aligner = align._aligner()
    tight = 0
    for _ in range(300):
        ref = "".join(rng.choice(list("ACGT"), int(rng.integers(20, 160))))
        query = list(ref[int(rng.integers(0, 10)) :][: int(rng.integers(15, 120))])
        for _ in range(int(rng.integers(0, 25))):
            i, kind = int(rng.integers(0, len(query))), rng.integers(0, 3)
            if kind == 0:
                query[i] = str(rng.choice(list("ACGT")))
            elif kind == 1:
                query.insert(i, str(rng.choice(list("ACGT"))))
            elif len(query) > 10:
                del query[i]
        query = "".join(query) if rng.random() < 0.8 else "".join(rng.choice(list("AC"), len(query)))
        for k in (4, 6, 12):
            kmers = {ref[i : i + k]: i for i in range(len(ref) - k + 1)}
            shared = align._shared(query, kmers, k)
            score, bound = aligner.score(ref, query), align.score_bound(len(query), shared, k)
            assert score <= bound, (ref, query, k)
            tight += bound - score < 10
    assert tight > 20  # the bound came close to the score often: the test can catch a wrong bound


def test_seed_window_is_around_the_read(locus):
    target = locus_target(locus)
    read = target.sequence[4000:4500]
    lo, hi = align._seed_window(read, target.sequence, align._first_kmers(target.sequence))
    assert lo == 4000 - align.SEED_MARGIN and hi == 4500 + align.SEED_MARGIN
    assert (
        align._seed_window("ACGT" * 100, "T" * 1000, align._first_kmers("T" * 1000)) is None
    )  # no shared k-mer: whole strand


def test_a_tie_goes_to_the_forward_strand():
    """A target that is its own reverse complement scores the same on both strands: forward wins."""
    rng = np.random.default_rng(5)
    half = "".join(rng.choice(list("ACGT"), 150))
    comp = {"A": "T", "C": "G", "G": "C", "T": "A"}
    target = half + "".join(comp[b] for b in reversed(half))
    reverse = "".join(comp[b] for b in reversed(target))
    assert target == reverse
    calls = target[20:200]
    pl = align.place("palindrome", calls, (0, len(calls)), target, reverse)
    assert pl.reverse is False and pl.identity == 1.0
