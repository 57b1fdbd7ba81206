"""The read loop runs the cyclic garbage collector rarely (it made ~15% of a 200k-pair run) and gives the
caller's thresholds back afterwards, also when the analysis fails."""

from __future__ import annotations

import gc

import pytest

from whimscreen.calling import pipeline
from whimscreen.calling.pileup import Pileup
from whimscreen.errors import InputFileError
from whimscreen.sequencing.simulate_inputs import write_inputs


def test_the_read_loop_collects_rarely_and_restores_the_thresholds(tmp_path, locus, monkeypatch):
    inputs = write_inputs(locus, tmp_path / "in", depth=10)
    seen = []
    add = Pileup.add

    def spy(self, read, lo=0, hi=None):
        seen.append(gc.get_threshold())
        return add(self, read, lo, hi)

    monkeypatch.setattr(Pileup, "add", spy)
    before = gc.get_threshold()
    pipeline.analyze_paths(inputs["fastq pair"], "P1", None, locus)
    assert seen and all(t[0] >= 50_000 for t in seen)
    assert gc.get_threshold() == before

    bad = tmp_path / "bad_R1.fastq"
    bad.write_text("@r1\nACGT\n+\nII\n")
    with pytest.raises(InputFileError):
        pipeline.analyze_paths([bad], "P2", None, locus)
    assert gc.get_threshold() == before
