"""BAM/CRAM reads over the locus, through the index, on either build and with either chr2 naming.

The build is recognised from the length of chromosome 2 in the header (``CHR2_LENGTH``); only the locus
region is fetched.  Unmapped, secondary, supplementary, QC-failed and duplicate-flagged reads are skipped
and counted.  Overlapping mates are counted once (the second mate's overlap is excluded).
"""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pysam

from whimscreen.errors import InputFileError
from whimscreen.reference.install import CHR2_LENGTH
from whimscreen.reference.locus import Locus
from whimscreen.sequencing.reads import AlignedRead

CHR2_NAMES = ("chr2", "2", "NC_000002.12", "NC_000002.11")
_SKIP = (
    ("unmapped", 0x4),
    ("secondary", 0x100),
    ("qc_fail", 0x200),
    ("duplicate", 0x400),
    ("supplementary", 0x800),
)


@dataclass
class AlignmentSource:
    path: Path
    kind: str  # "bam" or "cram"
    build: str
    contig: str
    skipped: Counter = field(default_factory=Counter)


def build_from_header(path: Path, lengths: dict[str, int]) -> tuple[str, str]:
    """(build, contig name) from the header's chromosome 2 length."""
    for name in CHR2_NAMES:
        if name in lengths:
            for build, length in CHR2_LENGTH.items():
                if lengths[name] == length:
                    return build, name
            raise InputFileError(
                f"{path}: contig {name} has length {lengths[name]}, which is neither GRCh38 "
                f"({CHR2_LENGTH['GRCh38']}) nor GRCh37 ({CHR2_LENGTH['GRCh37']})"
            )
    raise InputFileError(f"{path}: no chromosome 2 in the header (looked for {', '.join(CHR2_NAMES)})")


def open_alignments(path: Path, kind: str, reference_fasta: Path | None = None) -> pysam.AlignmentFile:
    if kind == "cram" and reference_fasta is None:
        raise InputFileError(
            f"{path}: CRAM decoding needs the genome FASTA the file was written with: pass --reference-fasta"
        )
    try:
        af = pysam.AlignmentFile(
            str(path),
            "rc" if kind == "cram" else "rb",
            reference_filename=str(reference_fasta) if reference_fasta else None,
        )
    except (OSError, ValueError) as exc:
        raise InputFileError(f"{path}: cannot open as {kind.upper()}: {exc}") from exc
    if not af.has_index():
        af.close()
        raise InputFileError(
            f"{path}: no index (.bai/.csi/.crai) found; index it with 'samtools index {path}'"
        )
    return af


def source_for(path: Path, kind: str, reference_fasta: Path | None = None) -> AlignmentSource:
    with open_alignments(path, kind, reference_fasta) as af:
        lengths = dict(zip(af.references, af.lengths, strict=True))
    build, contig = build_from_header(path, lengths)
    return AlignmentSource(Path(path), kind, build, contig)


def locus_reads(src: AlignmentSource, locus: Locus, reference_fasta: Path | None = None) -> Iterator[tuple]:
    """(AlignedRead, lo, hi) for every usable read overlapping the locus."""
    start, end = locus.bounds(src.build)
    mates: dict[str, tuple[int, int]] = {}
    with open_alignments(src.path, src.kind, reference_fasta) as af:
        try:
            for rec in af.fetch(src.contig, start - 1, end):
                item = _convert(rec, start, src, mates)
                if item is not None:
                    yield item
        except (OSError, ValueError) as exc:
            raise InputFileError(
                f"{src.path}: cannot read the locus region (truncated or corrupt?): {exc}"
            ) from exc


def _convert(rec: pysam.AlignedSegment, start: int, src: AlignmentSource, mates: dict) -> tuple | None:
    for reason, bit in _SKIP:
        if rec.flag & bit:
            src.skipped[reason] += 1
            return None
    seq, qual = rec.query_sequence, rec.query_qualities
    if not seq or rec.cigartuples is None:
        src.skipped["no_sequence"] += 1
        return None
    if qual is None:
        qual = bytes([30]) * len(seq)
    ref0 = rec.reference_start - (start - 1)
    read = AlignedRead(
        ref0,
        rec.cigartuples,
        seq.upper(),
        bytes(qual),
        rec.is_reverse,
        rec.mapping_quality,
        2 if rec.is_read2 else (1 if rec.is_paired else 0),
        zlib.crc32(rec.query_name.encode()) if rec.query_name else -1,
    )
    end0 = rec.reference_end - (start - 1)
    if not rec.is_paired or rec.mate_is_unmapped:
        return read, 0, None
    first = mates.pop(rec.query_name, None)
    if first is None:
        mates[rec.query_name] = (ref0, end0)
        return read, 0, None
    a1, e1 = first  # the mate came first (fetch is by position): count only beyond its end
    return read, max(ref0, e1), None
