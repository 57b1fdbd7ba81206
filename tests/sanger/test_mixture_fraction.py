"""Generated traces with the variant allele at a chosen share of the signal (mosaic mixtures)."""

import pytest

from whimscreen.sequencing.abif import read_trace
from whimscreen.sequencing.simulate_amplicons import AMPLICONS, write_sample

from .conftest import snv

EX2B = {"ex2b": AMPLICONS["ex2b"]}


def _secondary_share(locus, tmp_path, fraction, v):
    [path] = write_sample(
        locus, tmp_path / f"f{fraction}", [(v, "het")], seed=4, amplicons=EX2B, strands="+", fraction=fraction
    )
    trace = read_trace(path)
    start = AMPLICONS["ex2b"][0] + 20  # the trace starts after the primer
    i = v.pos - start
    peak = trace.peaks[i]
    alt = trace.channels[v.alt][peak]
    ref = trace.channels[v.ref][peak]
    return alt / (alt + ref)


def test_the_variant_allele_takes_the_fraction_asked(locus, tmp_path):
    v = snv(locus, 136115420)
    shares = [_secondary_share(locus, tmp_path, f, v) for f in (0.1, 0.3, 0.5)]
    assert shares[0] < shares[1] < shares[2]
    assert shares[0] == pytest.approx(0.1, abs=0.06) and shares[2] == pytest.approx(0.5, abs=0.15)


def test_a_fraction_outside_zero_to_one_is_refused(locus, tmp_path):
    with pytest.raises(ValueError, match="fraction"):
        write_sample(locus, tmp_path, [], fraction=1.0)
