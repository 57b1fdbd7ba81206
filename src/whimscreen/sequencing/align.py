"""FASTQ reads aligned to the locus with mappy (minimap2 'sr' preset), index built in memory.

Pairs are aligned together (minimap2 pairs them); mates overlapping on the locus are counted once by
the caller (the second mate's overlap is excluded through ``count_window``).

mappy 2.31 never frees a copy of mate 2 in paired mode (160 bytes a pair), so past the first
``IN_PROCESS_PAIRS`` pairs the pairs are aligned in a worker process replaced every ``PAIRS_PER_WORKER``
pairs (``align_worker``): the leak stays under (IN_PROCESS_PAIRS + PAIRS_PER_WORKER) x 160 bytes, about
32 MB, whatever the input, and every read comes out the same.  The worker also runs alongside: it aligns
the next chunks on one core while this process counts the last ones on the other (a 200k-pair run: ~12%
less wall time than aligning here).  Small runs stay in one process (no worker to start); single-end reads
do not leak: in process.
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


Hit = tuple  # (read_num, r_st, r_en, q_st, q_en, strand, mapq, cigar): a primary alignment from mappy


def primary_hits(al: mappy.Aligner, buf: mappy.ThreadBuffer, seq1: str, seq2: str | None) -> list[Hit]:
    """The primary alignment of a read (read_num 0) or of each mate of a pair (1, 2), in mappy's order;
    plain tuples, so a worker process sends them back cheaply (``align_worker``)."""
    if seq2 is None:
        hits = [h for h in al.map(seq1, buf=buf) if h.is_primary][:1]
        return [(0, h.r_st, h.r_en, h.q_st, h.q_en, h.strand, h.mapq, h.cigar) for h in hits]
    out, seen = [], set()
    for h in al.map(seq1, seq2, buf=buf):
        if not h.is_primary or h.read_num in seen:
            continue
        seen.add(h.read_num)
        out.append((h.read_num, h.r_st, h.r_en, h.q_st, h.q_en, h.strand, h.mapq, h.cigar))
    return out


def _to_read(hit: Hit, seq: str, qual: str, fragment: int = -1) -> AlignedRead:
    mate, r_st, _r_en, q_st, q_en, strand, mapq, hit_cigar = hit
    phred = qual.encode().translate(_PHRED)
    if mate == 2:  # in paired mode mappy reports mate 2's query interval on its reverse complement
        q_st, q_en = len(seq) - q_en, len(seq) - q_st
    if strand < 0:
        seq, phred = revcomp(seq), phred[::-1]
        left, right = len(seq) - q_en, q_st
    else:
        left, right = q_st, len(seq) - q_en
    cigar = [(op, n) for n, op in hit_cigar]
    if left:
        cigar.insert(0, (4, left))
    if right:
        cigar.append((4, right))
    return AlignedRead(r_st, cigar, seq, phred, strand < 0, mapq, mate, fragment)


def placed_reads(
    hits: list[Hit], r1: Record, r2: Record | None, fragment: int = -1
) -> list[tuple[AlignedRead, int, int | None]]:
    """The reads of ``primary_hits``, each with the locus window in which to count it."""
    out = [
        (_to_read(h, (r2 if h[0] == 2 else r1)[1], (r2 if h[0] == 2 else r1)[2], fragment), 0, None)
        for h in hits
    ]
    if len(hits) == 2:  # count the overlap of the mates once (from mate 1)
        (a1, e1), (a2, e2) = ((h[1], h[2]) for h in sorted(hits))
        lo, hi = (max(a2, e1), e2) if a1 <= a2 else (a2, min(e2, a1))
        out = [(r, lo, hi) if r.mate == 2 else (r, w0, w1) for r, w0, w1 in out]
    return out


def align_pair(
    al: mappy.Aligner, buf: mappy.ThreadBuffer, r1: Record, r2: Record | None, fragment: int = -1
) -> list[tuple[AlignedRead, int, int | None]]:
    """Primary alignments of a read or pair, each with the locus window in which to count it."""
    return placed_reads(primary_hits(al, buf, r1[1], r2[1] if r2 else None), r1, r2, fragment)


IN_PROCESS_PAIRS = 2_000  # pairs aligned in this process before worker processes take over
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
