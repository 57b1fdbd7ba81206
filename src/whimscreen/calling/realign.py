"""Indel allele counts by comparing each read with the reference and the alternate haplotype.

The aligner places an indel in a read only when enough bases follow it; a read ending a few bases past a
long deletion is soft-clipped instead, and a read ending inside the deleted bases is reference.  Counting
CIGAR events against reads that span the event therefore favours the shorter haplotype (a 20% mosaic
24-bp deletion measured 39%).  Here every read overlapping the event is compared, base by base at its
own quality and including soft clips, with both local haplotypes (placed from its left and from its right
end): a read is alternate or reference when the better haplotype wins by at least ``MIN_MARGIN`` quality
points, otherwise uninformative.  A read thus counts only when its own bases tell the alleles apart, the
same rule for both alleles.  Only the bases of a read's counted window (mate overlap and primers
excluded) within ``FLANK`` bases of the event are compared, so nearby variants do not interfere.

Soft clips also propose indels the aligner never wrote: a clipped tail that matches the locus a little
further on is a deletion junction, one that does so after some extra bases an insertion (``clip_indels``).
"""

from __future__ import annotations

import heapq

import numpy as np

from whimscreen.reference.locus import Locus
from whimscreen.reference.variant import Edit, GenomicVariant, edit_from_vcf, shift, to_vcf

FLANK = 25  # bases on each side of the event's repeat span that are compared
MIN_MARGIN = 30  # quality points by which one haplotype must explain a read better
QUAL_CAP = 40
_PAD = 400  # local haplotypes extend this far beyond the event
CLIP_SEED = 12  # soft-clipped bases needed to propose a deletion from a clip
MAX_CLIP_DELETION = 60  # longest indel proposed from a clip
_CHUNK = 4096  # reads compared at a time (bounds memory at high depth)
CHECK = 30  # clipped bases compared with the locus (a further variant may follow)
INSERT_ANCHOR = 8  # reference bases after the inserted ones that place an insertion read in a clip


MAX_READS_PER_WINDOW = 1500  # reads kept for the haplotype comparison per SAMPLE_WINDOW of read starts
SAMPLE_WINDOW = 100  # bases: 2x150 reads over a position start in at most 3 windows -> <= 4,500 reads


def _priority(key: int) -> int:
    """A fixed rank of ``key`` spread over 64 bits (Fibonacci hashing): both mates of a fragment get the
    same, and consecutive fragments (FASTQ order) land far apart, so the lowest ranks are spread evenly
    over the input."""
    return (key * 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF


class ReadStore:
    """The reads kept for ``classify`` (sequence, qualities, placement, window): every read up to
    ``MAX_READS_PER_WINDOW`` reads starting in a ``SAMPLE_WINDOW`` of the locus, beyond that a sample.

    Memory is thus bounded by the locus, not by the input: deep data keep at most ~4,500 reads over any
    position (2x150), which still gives a 3% allele ~130 reads, while SNV counts and coverage are counted
    from every read (``pileup``).  The sample of a window is its reads of lowest ``_priority(fragment)``
    (bottom-k): deterministic, unbiased by position or allele, and the same fragments in every window, so
    both mates of a kept fragment are kept (fragments count once in ``_by_fragment``)."""

    ROW_FIELDS = 10  # start, end, window lo, hi, read offsets lo, hi, strand, length, offset, fragment

    def __init__(self, cap: int | None = None, window: int = SAMPLE_WINDOW) -> None:
        self.cap, self.window = cap or MAX_READS_PER_WINDOW, window
        self._heaps: dict[int, list] = {}  # window -> max-heap of (-priority, n, read)
        self._seen: dict[int, int] = {}  # window -> reads offered
        self._n = 0
        self._packed: tuple | None = None

    @classmethod
    def empty(cls) -> ReadStore:
        return cls()

    def add(self, seq: bytes, qual: bytes, start: int, end: int, window, q_window, strand, fragment) -> None:
        """``start``/``end``: locus indices of the first/after-last base including soft clips;
        ``window``: the locus interval compared (primers excluded); ``q_window``: its read offsets."""
        self._n += 1
        w = max(start, 0) // self.window
        self._seen[w] = self._seen.get(w, 0) + 1
        rank = -_priority(fragment if fragment >= 0 else (1 << 40) + self._n)
        heap = self._heaps.setdefault(w, [])
        if len(heap) >= self.cap and rank <= heap[0][0]:
            return
        row = (start, end, *window, *q_window, int(strand), len(seq), fragment)
        item = (rank, self._n, bytes(seq) + bytes(qual), row)
        if len(heap) < self.cap:
            heapq.heappush(heap, item)
        else:
            heapq.heapreplace(heap, item)
        self._packed = None

    @property
    def reads(self) -> int:
        return sum(len(h) for h in self._heaps.values())

    def sampled(self, lo: int, hi: int) -> bool:
        """Whether reads over locus indices [lo, hi) may have been left out (a window was full)."""
        first, last = max(lo - 1000, 0) // self.window, max(hi, 0) // self.window
        return any(n > self.cap for w, n in self._seen.items() if first <= w <= last)

    def arrays(self):
        if self._packed is None:
            items = sorted((it for h in self._heaps.values() for it in h), key=lambda it: it[1])
            data = b"".join(it[2] for it in items)
            rows = np.zeros((len(items), self.ROW_FIELDS), np.int64)
            seqs = np.empty(len(data) // 2, np.uint8)
            quals = np.empty(len(data) // 2, np.uint8)
            offset = 0
            for k, (_, _, raw, row) in enumerate(items):
                n = len(raw) // 2
                seqs[offset : offset + n] = np.frombuffer(raw, np.uint8, n)
                quals[offset : offset + n] = np.frombuffer(raw, np.uint8, n, n)
                rows[k, :8] = row[:8]
                rows[k, 8], rows[k, 9] = offset, row[8]
                offset += n
            self._packed = (seqs, np.minimum(quals, QUAL_CAP), rows)
        return self._packed


def _haplotypes(locus: Locus, edit: Edit) -> tuple[int, np.ndarray, np.ndarray]:
    r0 = max(0, edit.start - _PAD)
    r1 = min(len(locus.sequence), edit.end + _PAD)
    seq = locus.sequence
    alt = seq[r0 : edit.start] + edit.inserted + seq[edit.end : r1]
    return r0, np.frombuffer(seq[r0:r1].encode(), np.uint8), np.frombuffer(alt.encode(), np.uint8)


def _scores(rows, bases, q, in_window, hap, r0, region, delta) -> np.ndarray:
    """Quality-weighted mismatches of each read against ``hap``, best over the read's candidate diagonals.

    The diagonals (reference position minus read offset) are those of the read's first and last aligned
    blocks, each also moved by the event's length; the same set is tried on both haplotypes, so a read
    whose compared bases do not reach the bases that differ scores the same on both."""
    j = np.arange(bases.shape[1])[None, :]
    left, right = rows[:, 0], rows[:, 1] - rows[:, 7]
    best = None
    for first in (left, right, left + delta, left - delta, right + delta, right - delta):
        pos = (first - r0)[:, None] + j  # haplotype index of each read offset
        inside = in_window & (pos >= region[0] - r0) & (pos < region[1] - r0) & (pos >= 0) & (pos < len(hap))
        mism = inside & (hap[np.clip(pos, 0, len(hap) - 1)] != bases) & (bases != ord("N"))
        s = (mism * q).sum(axis=1, dtype=np.int64) + 3 * QUAL_CAP * (inside.sum(axis=1) == 0)
        best = s if best is None else np.minimum(best, s)
    return best


def _diff(rows, seqs, quals, r0, h_ref, h_alt, region, delta, whole=False) -> np.ndarray:
    """Reference score minus alternate score per read (positive: the alternate explains it better).
    ``whole``: compare the whole read, primers included (the event lies clear of every primer, whose
    bases then only anchor the read); otherwise only its counted window."""
    qlen = rows[:, 7]
    j = np.arange(int(qlen.max()))[None, :]
    valid = j < qlen[:, None]
    idx = np.where(valid, rows[:, 8][:, None] + j, 0)
    bases, q = seqs[idx], np.where(valid, quals[idx], 0)
    in_window = valid if whole else valid & (j >= rows[:, 4][:, None]) & (j < rows[:, 5][:, None])
    s_ref = _scores(rows, bases, q, in_window, h_ref, r0, region, delta)
    s_alt = _scores(rows, bases, q, in_window, h_alt, r0, (region[0], region[1] + delta), delta)
    return s_ref - s_alt


def classify(
    locus: Locus, store: ReadStore, v: GenomicVariant, primers=(), region: tuple[int, int] | None = None
) -> tuple[list[int], list[int], float]:
    """([alt forward, alt reverse], [ref forward, ref reverse], explained) reads for indel ``v``;
        ``explained``: the quality points by which the alternate haplotype beats the reference over the
        fragments it wins (rival readings of one event with equal counts differ here: the true one leaves
        no mismatches where the two differ).  ``primers``:
        locus-index intervals; when the event's repeat span touches none, primer bases may anchor a read (an
        indel starting right after a primer is otherwise invisible to the reads from that primer while their
        reference reads still count).  ``region``: compare over these locus indices instead (rival readings of
    one event are compared over the same bases)."""
    edit = edit_from_vcf(locus, v.pos, v.ref, v.alt)
    left, right = shift(locus, edit, "left"), shift(locus, edit, "right")
    a, b = left.start, right.end  # the repeat span: bases the event can touch, [a, b)
    delta = len(edit.inserted) - len(edit.deleted)
    seqs, quals, rows = store.arrays()
    lo_r, hi_r = region or (a - FLANK, b + FLANK)  # compared region on the reference (locus indices)
    sel = (rows[:, 0] < hi_r) & (rows[:, 1] > lo_r) & (rows[:, 2] < hi_r) & (rows[:, 3] > lo_r)
    alt, ref = [0, 0], [0, 0]
    if not sel.any():
        return alt, ref, 0.0
    rows = rows[sel]
    r0, h_ref, h_alt = _haplotypes(locus, left)
    clear = not _changes_primer(left, right, primers)
    diff = np.concatenate(
        [
            _diff(rows[i : i + _CHUNK], seqs, quals, r0, h_ref, h_alt, (lo_r, hi_r), delta, clear)
            for i in range(0, len(rows), _CHUNK)
        ]
    )
    diff, strand = _by_fragment(diff, rows[:, 6], rows[:, 9])
    for s in (0, 1):
        alt[s] = int(np.count_nonzero((diff >= MIN_MARGIN) & (strand == s)))
        ref[s] = int(np.count_nonzero((diff <= -MIN_MARGIN) & (strand == s)))
    return alt, ref, float(diff[diff >= MIN_MARGIN].sum())


def _changes_primer(left: Edit, right: Edit, primers) -> bool:
    """Does the event change a primer's bases in every placement (so that primer bases may hide it)?  A
    deletion deletes the bases all its placements share; an insertion changes a primer only when every
    insertion point lies inside it.  Otherwise the template carries the primer's sequence and the
    primer bases of a read are faithful anchors."""
    for p in primers:
        p0, p1 = p[0], p[1]
        if left.deleted:
            lo, hi = right.start, left.end  # deleted by every placement
            if lo < hi and p0 < hi and lo < p1:
                return True
        elif p0 < left.start and right.start < p1:
            return True
    return False


def _by_fragment(diff: np.ndarray, strand: np.ndarray, fragment: np.ndarray) -> tuple:
    """Sum the evidence of the mates of each fragment (a fragment counts once).  Its strand is that of
    the mate with the stronger evidence, unless both mates on their own tell the same allele apart (in
    amplicon data both mates of nearly every fragment read the event): such fragments were seen on both
    strands and are given to the forward and reverse strand alternately, so that the strand-bias filter
    does not see a bias that is only which mate read a few more bases."""
    key = np.where(fragment < 0, -1 - np.arange(len(fragment)), fragment)
    _, inv = np.unique(key, return_inverse=True)
    total = np.bincount(inv, weights=diff)
    order = np.lexsort((-np.abs(diff), inv))
    _, first = np.unique(inv[order], return_index=True)
    side = strand[order[first]].copy()
    agree = np.sign(diff) == np.sign(total[inv])
    strong = agree & (np.abs(diff) >= MIN_MARGIN)
    per_strand = [np.bincount(inv[strong & (strand == s)], minlength=len(total)) > 0 for s in (0, 1)]
    both = np.nonzero(per_strand[0] & per_strand[1])[0]
    side[both] = np.arange(len(both)) % 2
    return total, side


def clip_indels(locus: Locus, seq: str, ref0: int, end: int, clip_left: int, clip_right: int) -> list:
    """Indels (left-normalized GenomicVariants) whose junction explains a long soft clip: the clipped
    bases continue the locus further on (a deletion) or after some extra bases (an insertion)."""
    found = []
    if clip_right >= CLIP_SEED:
        found += _right_clip(locus, seq[len(seq) - clip_right :], end)
    if clip_left >= CLIP_SEED:
        found += _left_clip(locus, seq[:clip_left], ref0)
    return found


def _right_clip(locus: Locus, tail: str, end: int) -> list:
    s, out = locus.sequence, []
    check = tail[:CHECK]
    hit = s.find(tail[:CLIP_SEED], end + 1, end + MAX_CLIP_DELETION + CLIP_SEED)
    if hit > end > 0 and _close(check, s[hit : hit + len(check)]):
        out.append(to_vcf(locus, Edit(end, s[end:hit], "")))
    back = s.find(tail[:CLIP_SEED], max(1, end - MAX_CLIP_DELETION), end)  # a tandem duplication
    if 0 < back < end and _close(check, s[back : back + len(check)]):
        out.append(to_vcf(locus, Edit(end, "", s[back:end])))
    for size in range(1, min(len(tail) - INSERT_ANCHOR, MAX_CLIP_DELETION) + 1):  # inserted bases first
        rest = tail[size : size + CHECK]
        if rest[:INSERT_ANCHOR] == s[end : end + INSERT_ANCHOR] and _close(rest, s[end : end + len(rest)]):
            out.append(to_vcf(locus, Edit(end, "", tail[:size])))
            break
    return out


def _left_clip(locus: Locus, head: str, ref0: int) -> list:
    s, out = locus.sequence, []
    check = head[-CHECK:]
    lo = max(0, ref0 - MAX_CLIP_DELETION - CLIP_SEED)
    hit = s.rfind(head[-CLIP_SEED:], lo, ref0 - 1)
    if hit >= 0:
        stop = hit + CLIP_SEED  # first deleted base
        if stop < ref0 and stop - len(check) > 0 and _close(check, s[stop - len(check) : stop]):
            out.append(to_vcf(locus, Edit(stop, s[stop:ref0], "")))
    ahead = s.find(head[-CLIP_SEED:], ref0 + 1, ref0 + MAX_CLIP_DELETION + CLIP_SEED)  # a duplication
    if ahead > ref0 > 0 and _close(check, s[ahead + CLIP_SEED - len(check) : ahead + CLIP_SEED]):
        out.append(to_vcf(locus, Edit(ref0, "", s[ref0 : ahead + CLIP_SEED])))
    for size in range(1, min(len(head) - INSERT_ANCHOR, MAX_CLIP_DELETION) + 1):
        rest = head[: len(head) - size][-CHECK:]
        ref = s[ref0 - len(rest) : ref0]
        if ref0 - len(rest) > 0 and rest[-INSERT_ANCHOR:] == ref[-INSERT_ANCHOR:] and _close(rest, ref):
            out.append(to_vcf(locus, Edit(ref0, "", head[len(head) - size :])))
            break
    return out


def _close(a: str, b: str, max_mismatch: int = 2) -> bool:
    return len(a) == len(b) and sum(x != y for x, y in zip(a, b, strict=True)) <= max_mismatch
