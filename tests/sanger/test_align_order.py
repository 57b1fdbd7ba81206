"""``align.place`` aligns the likelier strand first and scores the other (two passes, not three): the
placement must be exactly the one of scoring both strands and aligning the better (reverse only when
strictly better), whichever strand the k-mer guess picks."""

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


@pytest.mark.parametrize("guess", ["kmers", "forward", "reverse"])
def test_placement_is_the_three_pass_one(locus, traces, guess, monkeypatch):
    target = locus_target(locus)
    if guess != "kmers":  # a wrong guess costs a pass, never changes the placement
        forced = {"forward": (1, 0), "reverse": (0, 1)}[guess]
        monkeypatch.setattr(
            align, "_shared_kmers", lambda q, ref: forced[0] if ref == target.sequence else forced[1]
        )
    strands = set()
    for tr in traces:
        trim = mott_trim(tr.quality)
        pl = align.place(tr.name, tr.bases, trim, target.sequence, target.reverse)
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


@pytest.mark.parametrize("first_rev", [False, True])
def test_a_tie_goes_to_the_forward_strand(first_rev, monkeypatch):
    """A target that is its own reverse complement scores the same on both strands: forward wins."""
    rng = np.random.default_rng(5)
    half = "".join(rng.choice(list("ACGT"), 150))
    comp = {"A": "T", "C": "G", "G": "C", "T": "A"}
    target = half + "".join(comp[b] for b in reversed(half))
    reverse = "".join(comp[b] for b in reversed(target))
    assert target == reverse
    guesses = iter([1, 0] if first_rev else [0, 1])  # called for the reverse strand, then the forward one
    monkeypatch.setattr(align, "_shared_kmers", lambda q, ref: next(guesses))
    calls = target[20:200]
    pl = align.place("palindrome", calls, (0, len(calls)), target, reverse)
    assert next(guesses, None) is None  # the guess was asked for
    assert pl.reverse is False and pl.identity == 1.0
