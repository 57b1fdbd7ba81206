"""Memory bounded by the locus, not the reads: the reads kept for the indel comparison are capped per
window (a fixed-rank sample of fragments), span and insertion-reach counts are kept as histograms; the
calls of a deep sample do not change, SNV counts stay exact."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from whimscreen.calling import realign
from whimscreen.calling.pileup import SpanCounts
from whimscreen.calling.pipeline import analyze_paths
from whimscreen.calling.qc import ReachCounter, insertion_reach
from whimscreen.calling.realign import ReadStore
from whimscreen.sequencing.simulate import TruthVariant, amplicon_layout, simulate


def _offer(store, start, fragment, strand=0):
    store.add(b"ACGT", bytes([30] * 4), start, start + 4, (start, start + 4), (0, 4), strand, fragment)


def test_a_window_keeps_at_most_the_cap_and_both_mates_of_a_kept_fragment():
    store = ReadStore(cap=50, window=100)
    for f in range(5000):  # both mates of 5,000 fragments start in window 0, 1,000 more in window 3
        _offer(store, 10, f, 0)
        _offer(store, 60, f, 1)
    for f in range(5000, 6000):
        _offer(store, 320, f)
    _, _, rows = store.arrays()
    assert store.reads == len(rows) == 100
    first = rows[rows[:, 0] < 100]
    assert len(first) == 50 and all(np.count_nonzero(first[:, 9] == f) == 2 for f in first[:, 9])
    assert store.sampled(0, 50) and store.sampled(300, 310)
    assert not ReadStore(cap=50).sampled(0, 10)


def test_a_sample_is_spread_over_the_input_not_its_first_reads():
    store = ReadStore(cap=100, window=100)
    for f in range(10_000):
        _offer(store, 0, f)
    kept = np.sort(store.arrays()[2][:, 9])
    assert kept[0] < 500 and kept[-1] > 9_500  # drawn from the whole run


reach_rows = st.lists(
    st.tuples(st.integers(0, 300), st.integers(1, 160), st.booleans(), st.booleans(), st.booleans()),
    max_size=60,
)


@settings(max_examples=150, deadline=None)
@given(rows=reach_rows, cuts=st.lists(st.integers(1, 60), max_size=5), sort=st.booleans())
def test_reach_counted_in_batches_equals_counted_at_once(rows, cuts, sort):
    # mates of a fragment one after the other (FASTQ) or anywhere in position order (BAM)
    table = []
    for k, (lo, length, rev, paired, mate) in enumerate(rows):
        table.append((lo, lo + length, int(rev), k if paired else -1))
        if paired and mate:
            table.append((lo + 20, lo + 20 + length, 1 - int(rev), k))
    if sort:
        table.sort()
    arr = np.array(table, np.int64).reshape(-1, 4)
    whole = _reference_reach(arr, 500, 30, 10)
    counter, last = ReachCounter(500, 30, 10), 0
    for cut in sorted(set(cuts)) + [len(arr)]:
        counter.add(arr[last:cut])
        last = max(last, cut)
    assert np.array_equal(counter.result(), whole)
    assert np.array_equal(insertion_reach(arr, 500, 30, anchor=10), whole)


def _reference_reach(rows, n, max_insertion, anchor):
    """Per position, fragments with a read able to read the insertion through (brute force)."""
    size = max_insertion + anchor
    out = np.zeros(n, np.int64)
    by_fragment: dict = {}
    for k, (lo, hi, rev, frag) in enumerate(rows.tolist()):
        a = lo + (size if rev else anchor)
        b = (hi - anchor if rev else hi - size) + 1
        cover = np.zeros(n, bool)
        cover[max(a, 0) : max(min(b, n), 0)] = True
        key = frag if frag >= 0 else -1 - k
        by_fragment[key] = by_fragment.get(key, np.zeros(n, bool)) | cover
    for cover in by_fragment.values():
        out += cover
    return out


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 50), st.integers(0, 50), st.integers(0, 1)), min_size=1, max_size=80)
)
def test_span_histogram_answers_like_the_list_of_spans(spans):
    spans = [(min(a, b), max(a, b) + 1, s) for a, b, s in spans]
    hist = SpanCounts(60)
    for k in range(0, len(spans), 7):
        hist.add(np.array(spans[k : k + 7], np.int64))
    for a in range(0, 52, 5):
        for b in range(a, 52, 7):
            inside = [s for lo, hi, s in spans if lo <= a and hi > b]
            assert hist.spanning(a, b) == (inside.count(0), inside.count(1))


@pytest.fixture(scope="module")
def deep_run(locus, tmp_path_factory):
    layout = amplicon_layout()
    truth = [
        TruthVariant(136115185, locus.fetch(136115185, 136115185 + 10), locus.base(136115185), 0.5),
        TruthVariant(136115446, locus.base(136115446), "T" if locus.base(136115446) != "T" else "A", 0.5),
        TruthVariant(136114993, locus.base(136114993), locus.base(136114993) + "GATTACA", 0.2),
    ]
    return simulate(locus, truth, layout, 300, tmp_path_factory.mktemp("deep") / "d", seed=5)


def test_capping_the_reads_changes_no_call_and_no_snv_count(locus, deep_run, monkeypatch):
    full = analyze_paths(list(deep_run.fastq), "D", None, locus, primers=deep_run.primers_bed)
    monkeypatch.setattr(realign, "MAX_READS_PER_WINDOW", 60)  # 300 pairs per amplicon: 5x over the cap
    capped = analyze_paths(list(deep_run.fastq), "D", None, locus, primers=deep_run.primers_bed)

    def key(c):
        return (c.pos, c.ref, c.alt, c.genotype, c.filters, c.mosaic)

    assert sorted(map(key, capped.calls)) == sorted(map(key, full.calls))
    assert len([c for c in full.calls if c.passed]) == 3
    assert capped.qc == full.qc
    for c, f in zip(capped.calls, full.calls, strict=True):
        if len(c.ref) == len(c.alt):
            assert (c.depth, c.alt_depth) == (f.depth, f.alt_depth)  # SNVs: every read
        else:
            assert c.depth < f.depth / 2 and c.evidence["reads_sampled"]
            assert not f.evidence["reads_sampled"]
            assert abs(c.af - f.af) < 0.1
