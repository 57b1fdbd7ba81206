"""Reads overlapping either end of the locus, long reads spanning all of it, both builds and contig names:
BAMs written with pysam from the locus sequence, analysed end to end (the pileup once crashed with a
reshape ValueError on reads running past the 3' end)."""

import random

import pysam
import pytest

from whimscreen.calling.pipeline import analyze_paths
from whimscreen.reference.install import CHR2_LENGTH


def _bam(path, locus, reads, build="GRCh38", contig="chr2"):
    """``reads``: (locus index of the first base, sequence, cigar, reverse).  Reference bases beyond the
    locus are random (the reads carry them; they are off the locus)."""
    offset = locus.to_build(locus.start, build) - 1
    header = {"HD": {"VN": "1.6", "SO": "coordinate"}, "SQ": [{"SN": contig, "LN": CHR2_LENGTH[build]}]}
    with pysam.AlignmentFile(str(path) + ".tmp.bam", "wb", header=header) as out:
        for n, (ref0, seq, cigar, reverse) in enumerate(reads):
            seg = pysam.AlignedSegment(out.header)
            seg.query_name, seg.query_sequence = f"r{n}", seq
            seg.query_qualities = pysam.qualitystring_to_array("I" * len(seq))
            seg.reference_id, seg.reference_start = 0, ref0 + offset
            seg.cigartuples, seg.mapping_quality, seg.flag = cigar, 60, 0x10 if reverse else 0
            out.write(seg)
    pysam.sort("-o", str(path), str(path) + ".tmp.bam")
    pysam.index(str(path))
    return path


def _flank(n, seed):
    rng = random.Random(seed)
    return "".join(rng.choice("ACGT") for _ in range(n))


def _edge_reads(locus, snv_index, alt, length=150, n=30):
    """``n`` reads starting near the 3' end and running past it, ``n`` reads starting before the 5' end,
    half of each carrying ``alt`` at ``snv_index`` when they cover it."""
    seq, size, reads = locus.sequence, len(locus.sequence), []
    pad3, pad5 = _flank(length, 1), _flank(length, 2)
    for i in range(n):
        a = size - 120 + i  # 3' end: 120..91 bases on the locus, the rest past its end
        s = list((seq[a:] + pad3)[:length])
        if a <= snv_index < size and i % 2:
            s[snv_index - a] = alt
        reads.append((a, "".join(s), [(0, length)], bool(i % 2)))
        b = -(length - 100) + i  # 5' end: starts before the locus
        s = (pad5[:-b] if b < 0 else "") + seq[max(b, 0) : b + length]
        reads.append((b, s[:length], [(0, length)], bool(i % 2)))
    return reads


@pytest.mark.parametrize(
    "build, contig", [("GRCh38", "chr2"), ("GRCh38", "NC_000002.12"), ("GRCh37", "2"), ("GRCh37", "chr2")]
)
def test_reads_past_either_end_of_the_locus(tmp_path, locus, build, contig):
    size = len(locus.sequence)
    k = size - 40  # a heterozygous SNV 40 bases before the 3' end
    alt = "A" if locus.sequence[k] != "A" else "C"
    reads = sorted(_edge_reads(locus, k, alt), key=lambda r: r[0])
    bam = _bam(tmp_path / "edge.bam", locus, [r for r in reads if r[0] + len(r[1]) > 0], build, contig)
    analysis = analyze_paths([bam], "E1", None, locus, min_depth=10)
    assert analysis.build == build
    pos = locus.to_build(locus.start + k, build)
    assert [(c.pos, c.alt, c.genotype) for c in analysis.calls] == [(pos, alt, "0/1")]
    assert analysis.calls[0].depth == 30


def test_long_reads_spanning_the_whole_locus(tmp_path, locus):
    """20 reads of the locus plus 500 bases each side; a deletion and an SNV in half of them."""
    seq, size = locus.sequence, len(locus.sequence)
    snv, d0, dlen = size // 2, size // 3, 4
    alt = "A" if seq[snv] != "A" else "C"
    left, right = _flank(500, 3), _flank(500, 4)
    reads = []
    for i in range(20):
        if i % 2:
            body = seq[:d0] + seq[d0 + dlen : snv] + alt + seq[snv + 1 :]
            cigar = [(0, 500 + d0), (2, dlen), (0, size - d0 - dlen + 500)]
        else:
            body, cigar = seq, [(0, size + 1000)]
        reads.append((-500, left + body + right, cigar, bool(i % 2)))
    bam = _bam(tmp_path / "long.bam", locus, reads)
    analysis = analyze_paths([bam], "L1", None, locus, min_depth=10)
    got = {(c.pos - locus.start, len(c.ref) - len(c.alt), c.genotype) for c in analysis.calls}
    assert (snv, 0, "0/1") in got
    assert any(dl == dlen and g == "0/1" and abs(p - (d0 - 1)) <= 10 for p, dl, g in got)
    assert len(got) == 2
    assert analysis.qc.fully_covered
