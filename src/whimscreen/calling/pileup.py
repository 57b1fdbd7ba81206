"""Per-base allele counts over the locus from aligned reads, counted straight from CIGARs.

Reads arrive as ``AlignedRead`` (locus-indexed, reference orientation).  Aligned blocks are buffered and
counted in vectorized batches: base x strand counts at base quality >= ``min_bq``, deletion coverage,
spans, and indel events keyed by their left-normalized form (so the same indel placed differently by the
aligner in a repeat counts once).  Reads below ``min_mq`` are skipped; with primer intervals, the bases of
a read lying in the primer it starts in, or in a primer it reads to the outer edge of (its amplicon's
other primer), are not counted; a read merely ending inside an overlapping amplicon's primer keeps them.
"""

from __future__ import annotations

import bisect
from array import array
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from whimscreen.calling.qc import MAX_INSERTION, ReachCounter
from whimscreen.calling.realign import CLIP_SEED, ReadStore, clip_indels
from whimscreen.reference.locus import Locus
from whimscreen.reference.variant import Edit, GenomicVariant, to_vcf
from whimscreen.sequencing.reads import AlignedRead

_CODE = np.full(256, 4, dtype=np.int64)
for _i, _b in enumerate(b"ACGT"):
    _CODE[_b] = _i
_M_OPS = (0, 7, 8)  # M, =, X
_BATCH = 5_000  # reads counted at a time (the vectorized counting of a batch takes ~50 MB)
PRIMER_SLACK = 5  # bases a read's end may lie inside a primer's outer edge and still be that primer's read


@dataclass
class Counts:
    """The accumulated pileup (locus index 0..n-1)."""

    bases: np.ndarray  # (n, 4, 2): A C G T x forward/reverse, base quality >= min_bq
    low_quality: np.ndarray  # (n,) bases below min_bq (not counted in ``bases``)
    deletions: np.ndarray  # (n,) reads with a deletion over the base
    indels: Counter  # (GenomicVariant, strand) -> reads
    indel_quality: dict = field(default_factory=dict)  # GenomicVariant -> sum of flanking base quality
    spans: SpanCounts = field(default_factory=lambda: SpanCounts(0))  # counted spans, by strand
    clip_indels: Counter = field(default_factory=Counter)  # (GenomicVariant, strand) -> clipped reads
    reads: ReadStore = field(default_factory=ReadStore.empty)  # for haplotype comparison of indels
    clip_ends: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # clips >= 5 bases, by base
    reach: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # ``qc.ReachCounter``
    primers: tuple = ()  # primer intervals (locus index, half-open, strand) the counting trimmed
    reads_used: int = 0
    reads_skipped: Counter = field(default_factory=Counter)

    def depth(self) -> np.ndarray:
        """Informative depth per base: high-quality bases plus deletions."""
        return self.bases.sum(axis=(1, 2)) + self.deletions

    def spanning(self, a: int, b: int) -> tuple[int, int]:
        """(forward, reverse) reads whose counted span covers locus indices a..b (inclusive)."""
        return self.spans.spanning(a, b)


class SpanCounts:
    """How many reads have each counted span (start, end, strand): exact, and as large as the number of
    distinct spans (bounded by the locus and the read lengths), whatever the number of reads."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.keys = np.zeros(0, np.int64)  # (start * (n + 1) + end) * 2 + strand, sorted, unique
        self.counts = np.zeros(0, np.int64)

    def add(self, spans: np.ndarray) -> None:
        """``spans``: rows (start, end, strand)."""
        new = (spans[:, 0] * (self.n + 1) + spans[:, 1]) * 2 + spans[:, 2]
        keys, inv = np.unique(np.concatenate([self.keys, new]), return_inverse=True)
        weights = np.concatenate([self.counts, np.ones(len(new), np.int64)])
        self.keys, self.counts = keys, np.bincount(inv, weights=weights, minlength=len(keys)).astype(np.int64)

    def spanning(self, a: int, b: int) -> tuple[int, int]:
        strand, rest = self.keys % 2, self.keys // 2
        start, end = rest // (self.n + 1), rest % (self.n + 1)
        inside = (start <= a) & (end > b)
        reverse = int(self.counts[inside & (strand == 1)].sum())
        return int(self.counts[inside].sum()) - reverse, reverse


class Pileup:
    def __init__(
        self,
        locus: Locus,
        min_bq: int = 20,
        min_mq: int = 20,
        primers: list[tuple[int, int]] = (),
        max_insertion: int = MAX_INSERTION,
    ):
        self.locus, self.min_bq, self.min_mq = locus, min_bq, min_mq
        n = len(locus.sequence)
        self.counts = Counts(
            np.zeros((n, 4, 2), np.int64), np.zeros(n, np.int64), np.zeros(n, np.int64), Counter()
        )
        self.counts.clip_ends = np.zeros(n, np.int64)
        self.counts.spans = SpanCounts(n)
        # locus-index half-open intervals, with the strand when the BED gives it ("+", "-" or None)
        self._primers = sorted((p[0], p[1], p[2] if len(p) > 2 else None) for p in primers)
        self._primer_starts = [p[0] for p in self._primers]
        self.counts.primers = tuple(self._primers)
        self._blocks: list[tuple[int, int, int, int]] = []  # ref0, offset in buffer, length, strand
        self._dels: list[tuple[int, int]] = []
        self._seqs: list[bytes] = []
        self._quals: list[bytes] = []
        self._offset = 0
        self._spans: list[tuple[int, int]] = []
        self._norm: dict[tuple[int, int, str], GenomicVariant] = {}
        self._reach = ReachCounter(n, max_insertion)
        self._reach_rows = array("q")  # lo, hi, reverse, fragment per kept read (flat), this batch

    def _primer_at(self, pos: int, strand: str) -> tuple[int, int] | None:
        """The primer of ``strand`` ('+' reads rightwards from its left edge) containing ``pos``; a
        primer without a strand qualifies when ``pos`` lies within ``PRIMER_SLACK`` of the edge it would
        be read from (a read merely ending inside an overlapping amplicon's primer keeps those bases)."""
        i = bisect.bisect_right(self._primer_starts, pos) - 1
        while i >= 0 and self._primers[i][1] > pos - 200:
            a, b, s = self._primers[i]
            edge = pos - a if strand == "+" else b - 1 - pos
            if a <= pos < b and (s == strand or (s is None and edge <= PRIMER_SLACK)):
                return a, b
            i -= 1
        return None

    def add(self, read: AlignedRead, lo: int = 0, hi: int | None = None) -> None:
        """Count one read's bases at locus indices within [lo, hi)."""
        if read.mapq < self.min_mq:
            self.counts.reads_skipped["mapping_quality"] += 1
            return
        end = read.ref0 + sum(n for op, n in read.cigar if op in (0, 2, 3, 7, 8))
        primer_lo, primer_hi = read.ref0, end  # the read without its primers (for indel haplotypes)
        first = last = None
        if self._primers:  # a read starts at its primer and may run into its amplicon's other primer
            first, last = self._primer_at(read.ref0, "+"), self._primer_at(end - 1, "-")
            if first:
                primer_lo = first[1]
            if last:
                primer_hi = last[0]
        if primer_hi > primer_lo:
            self._keep(read, primer_lo, primer_hi, end, first is not None, last is not None)
        hi = min(primer_hi if hi is None else min(hi, primer_hi), len(self.locus.sequence))
        lo = max(lo, primer_lo, 0)  # a read may run past either end of the locus: count what lies on it
        if hi <= lo:
            self.counts.reads_skipped["no_bases_left"] += 1
            return
        self._count(read, lo, hi)

    def _keep(self, read: AlignedRead, lo: int, hi: int, end: int, primer_lo: bool, primer_hi: bool) -> None:
        """Store the read for the haplotype comparison of indels, with the read offsets of [lo, hi), and
        its reach: the locus interval its bases cover, soft clips included, primers excluded (what an
        insertion the read might carry would have to fit in; ``qc.insertion_reach``)."""
        r, q, q_lo, q_hi = read.ref0, 0, (0 if lo <= read.ref0 else None), None
        for op, n in read.cigar:
            if op in _M_OPS or op == 2:
                if q_lo is None and r <= lo < r + n:
                    q_lo = q + (lo - r if op != 2 else 0)
                if q_hi is None and r <= hi < r + n:
                    q_hi = q + (hi - r if op != 2 else 0)
            r += n if op in (*_M_OPS, 2, 3) else 0
            q += n if op in (*_M_OPS, 1, 4) else 0
        clip_l = read.cigar[0][1] if read.cigar[0][0] == 4 else 0
        clip_r = read.cigar[-1][1] if read.cigar[-1][0] == 4 and len(read.cigar) > 1 else 0
        seq = read.seq.encode() if isinstance(read.seq, str) else read.seq
        if clip_l >= 5:
            self.counts.clip_ends[min(read.ref0, len(self.locus.sequence) - 1)] += 1
        if clip_r >= 5:
            self.counts.clip_ends[min(end, len(self.locus.sequence) - 1)] += 1
        if max(clip_l, clip_r) >= CLIP_SEED:
            for v in clip_indels(self.locus, read.seq, read.ref0, end, clip_l, clip_r):
                self.counts.clip_indels[(v, int(read.reverse))] += 1
        window = (q_lo or 0, len(seq) if q_hi is None else q_hi)
        start, stop = read.ref0 - clip_l, end + clip_r
        self._reach_rows.extend(
            (lo if primer_lo else start, hi if primer_hi else stop, int(read.reverse), read.fragment)
        )
        reads = self.counts.reads
        reads.add(seq, bytes(read.qual), start, stop, (lo, hi), window, read.reverse, read.fragment)

    def _count(self, read: AlignedRead, lo: int, hi: int) -> None:
        strand = 1 if read.reverse else 0
        r, q, base_off = read.ref0, 0, self._offset
        seq, qual = read.seq, read.qual
        for op, n in read.cigar:
            if op in _M_OPS:
                a, b = max(r, lo), min(r + n, hi)
                if a < b:
                    self._blocks.append((a, base_off + q + a - r, b - a, strand))
                r, q = r + n, q + n
            elif op == 1:  # insertion before locus index r
                if lo < r < hi and 0 < q < len(seq):
                    self._indel(r, 0, seq[q : q + n], strand, qual[q - 1] + qual[min(q + n, len(qual) - 1)])
                q += n
            elif op in (2, 3):
                a, b = max(r, lo), min(r + n, hi)
                if op == 2 and a < b:
                    self._dels.append((a, b - a))
                    if lo <= r and r + n <= hi and q > 0:
                        self._indel(r, n, "", strand, qual[q - 1] + qual[min(q, len(qual) - 1)])
                r += n
            elif op == 4:
                q += n
        raw = seq.encode() if isinstance(seq, str) else seq
        self._seqs.append(raw)
        self._quals.append(bytes(qual))
        self._offset += len(seq)
        self._spans.append((lo, hi, strand))
        self.counts.reads_used += 1
        if len(self._spans) >= _BATCH:
            self.flush()

    def _indel(self, r: int, n_del: int, inserted: str, strand: int, flank_q: int) -> None:
        if r == 0:
            return
        key = (r, n_del, inserted)
        v = self._norm.get(key)
        if v is None:
            deleted = self.locus.sequence[r : r + n_del]
            if inserted and set(inserted) - set("ACGT"):
                return
            v = self._norm[key] = to_vcf(self.locus, Edit(r, deleted, inserted))
        self.counts.indels[(v, strand)] += 1
        self.counts.indel_quality[v] = self.counts.indel_quality.get(v, 0) + flank_q / 2

    def flush(self) -> None:
        c = self.counts
        if self._blocks:
            blocks = np.asarray(self._blocks, dtype=np.int64)
            ref0, off, length, strand = blocks.T
            total = int(length.sum())
            step = np.ones(total, np.int64)
            heads = np.cumsum(length)[:-1]
            step[0] = 0
            step[heads] = off[1:] - (off[:-1] + length[:-1] - 1)
            qidx = np.cumsum(step) + off[0]
            rstep = np.ones(total, np.int64)
            rstep[0] = 0
            rstep[heads] = ref0[1:] - (ref0[:-1] + length[:-1] - 1)
            ridx = np.cumsum(rstep) + ref0[0]
            seq = np.frombuffer(b"".join(self._seqs), np.uint8)[qidx]
            qual = np.frombuffer(b"".join(self._quals), np.uint8)[qidx]
            code = _CODE[seq]
            st = np.repeat(strand, length)
            good = (code < 4) & (qual >= self.min_bq)
            n = len(c.low_quality)
            c.bases += np.bincount(ridx[good] * 8 + code[good] * 2 + st[good], minlength=n * 8).reshape(
                n, 4, 2
            )
            c.low_quality += np.bincount(ridx[~good], minlength=n)
        if self._dels:
            for a, k in self._dels:
                c.deletions[a : a + k] += 1
        if self._spans:
            c.spans.add(np.asarray(self._spans, np.int64))
        if self._reach_rows:
            self._reach.add(np.frombuffer(self._reach_rows, np.int64).reshape(-1, 4))
            self._reach_rows = array("q")
        self._blocks, self._dels, self._seqs, self._quals, self._spans = [], [], [], [], []
        self._offset = 0

    def result(self) -> Counts:
        self.flush()
        self.counts.reach = self._reach.result()
        return self.counts
