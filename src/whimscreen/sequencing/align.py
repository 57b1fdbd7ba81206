"""FASTQ reads aligned to the locus with mappy (minimap2 'sr' preset), index built in memory.

Pairs are aligned together (minimap2 pairs them); mates overlapping on the locus are counted once by
the caller (the second mate's overlap is excluded through ``count_window``).

mappy 2.31 never frees a copy of mate 2 in paired mode (160 bytes a pair), so past the first
``IN_PROCESS_PAIRS`` pairs the pairs are aligned in a worker process replaced every ``PAIRS_PER_WORKER``
pairs (``align_worker``): the leak stays under (IN_PROCESS_PAIRS + PAIRS_PER_WORKER) x 160 bytes, about
48 MB, whatever the input, and every read comes out the same.  Single-end reads do not leak: in process.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import chain, islice

import mappy

from whimscreen.reference.locus import Locus
from whimscreen.reference.sequence import revcomp
from whimscreen.sequencing.fastq import Record
from whimscreen.sequencing.reads import AlignedRead

_PHRED = bytes(33) + bytes(range(223))  # Phred+33 text -> Phred values via bytes.translate


def aligner(locus: Locus) -> mappy.Aligner:
    return mappy.Aligner(seq=locus.sequence, preset="sr", n_threads=1)


def _to_read(hit, seq: str, qual: str, mate: int, fragment: int = -1) -> AlignedRead:
    phred = qual.encode().translate(_PHRED)
    q_st, q_en = hit.q_st, hit.q_en
    if mate == 2:  # in paired mode mappy reports mate 2's query interval on its reverse complement
        q_st, q_en = len(seq) - q_en, len(seq) - q_st
    if hit.strand < 0:
        seq, phred = revcomp(seq), phred[::-1]
        left, right = len(seq) - q_en, q_st
    else:
        left, right = q_st, len(seq) - q_en
    cigar = [(op, n) for n, op in hit.cigar]
    if left:
        cigar.insert(0, (4, left))
    if right:
        cigar.append((4, right))
    return AlignedRead(hit.r_st, cigar, seq, phred, hit.strand < 0, hit.mapq, mate, fragment)


def align_pair(
    al: mappy.Aligner, buf: mappy.ThreadBuffer, r1: Record, r2: Record | None, fragment: int = -1
) -> list[tuple[AlignedRead, int, int | None]]:
    """Primary alignments of a read or pair, each with the locus window in which to count it."""
    if r2 is None:
        hits = [h for h in al.map(r1[1], buf=buf) if h.is_primary]
        return [(_to_read(h, r1[1], r1[2], 0, fragment), 0, None) for h in hits[:1]]
    out, spans = [], {}
    for h in al.map(r1[1], r2[1], buf=buf):
        if not h.is_primary or h.read_num in spans:
            continue
        rec = r1 if h.read_num == 1 else r2
        spans[h.read_num] = (h.r_st, h.r_en)
        out.append((_to_read(h, rec[1], rec[2], h.read_num, fragment), 0, None))
    if len(spans) == 2:  # count the overlap of the mates once (from mate 1)
        (a1, e1), (a2, e2) = spans[1], spans[2]
        lo, hi = (max(a2, e1), e2) if a1 <= a2 else (a2, min(e2, a1))
        out = [(r, lo, hi) if r.mate == 2 else (r, w0, w1) for r, w0, w1 in out]
    return out


IN_PROCESS_PAIRS = 100_000  # pairs aligned in this process before worker processes take over
PAIRS_PER_WORKER = 200_000  # pairs a worker process aligns before it is replaced (its leak: ~32 MB)


def align_records(locus: Locus, pairs: Iterator[tuple[Record, Record | None]]) -> Iterator[tuple]:
    """``align_pair`` of every read or pair, fragments numbered in input order (see the module doc)."""
    it = iter(pairs)
    first = next(it, None)
    if first is None:
        return
    it = chain([first], it)
    paired = first[1] is not None
    al, buf = aligner(locus), mappy.ThreadBuffer()
    n = 0
    for r1, r2 in it if not paired else islice(it, IN_PROCESS_PAIRS):
        yield from align_pair(al, buf, r1, r2, n)
        n += 1
    if paired:
        from whimscreen.sequencing.align_worker import align_in_workers

        del al, buf
        yield from align_in_workers(locus, it, n, PAIRS_PER_WORKER)
