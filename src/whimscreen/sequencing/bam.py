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
from whimscreen.sequencing import htslib
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
    records: int = 0  # records read from the file (the locus region), skipped ones included


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


_LIB_ERRORS = (OSError, ValueError, KeyError, IndexError, OverflowError, UnicodeDecodeError, RuntimeError)


def _check_reference(path: Path, kind: str, reference_fasta: Path | None) -> None:
    if kind != "cram":
        return
    if reference_fasta is None:
        raise InputFileError(
            f"{path}: CRAM decoding needs the genome FASTA the file was written with: pass --reference-fasta"
        )
    if not Path(reference_fasta).is_file():  # htslib would silently take the header's UR: path instead
        raise InputFileError(f"{reference_fasta}: no such file (--reference-fasta for {path})")


def _reference_lengths(path: Path, reference_fasta: Path) -> dict[str, int]:
    """Contig lengths of the --reference-fasta: it must be a readable (indexed or indexable) FASTA, or
    htslib falls back to the CRAM header's UR: path without a word."""
    with htslib.captured() as said:
        try:
            with pysam.FastaFile(str(reference_fasta)) as fa:
                return dict(zip(fa.references, fa.lengths, strict=True))
        except _LIB_ERRORS as exc:
            error = exc
    raise InputFileError(
        f"{reference_fasta}: cannot read as an indexed FASTA (--reference-fasta for {path}): "
        f"{_problem(error, said)}"
    ) from error


def _problem(exc: BaseException, said: htslib.Captured) -> str:
    text = said.message()
    if "MD5" in text or "md5" in text:
        return (
            "the --reference-fasta sequence differs from the one the CRAM was written with "
            f"(MD5 mismatch: wrong genome or build?) (htslib: {text})"
        )
    return f"{exc or type(exc).__name__}{said.suffix()}"


def open_alignments(path: Path, kind: str, reference_fasta: Path | None = None) -> pysam.AlignmentFile:
    _check_reference(path, kind, reference_fasta)
    with htslib.captured() as said:
        try:
            af = pysam.AlignmentFile(
                str(path),
                "rc" if kind == "cram" else "rb",
                reference_filename=str(reference_fasta) if reference_fasta else None,
            )
        except _LIB_ERRORS as exc:
            af = None
            error = exc
        if af is not None:
            try:
                indexed = af.has_index()
                if indexed:
                    af.check_index()
            except _LIB_ERRORS as exc:
                _close(af)
                raise InputFileError(f"{path}: the index cannot be read: {_problem(exc, said)}") from exc
    if af is None:
        raise InputFileError(f"{path}: cannot open as {kind.upper()}: {_problem(error, said)}") from error
    if not indexed:
        _close(af)
        found = [p for p in _index_paths(Path(path)) if p.exists()]
        if found:
            raise InputFileError(
                f"{found[0]}: the index cannot be read (empty, corrupt or not this file's); re-index with "
                f"'samtools index {path}'"
            )
        raise InputFileError(
            f"{path}: no index (.bai/.csi/.crai) found; index it with 'samtools index {path}'"
        )
    return af


def _index_paths(path: Path) -> list[Path]:
    return [Path(f"{path}{ext}") for ext in (".bai", ".csi", ".crai")] + [path.with_suffix(".bai")]


def _close(af: pysam.AlignmentFile) -> str | None:
    """Close, keeping htslib quiet; returns the problem when closing fails (a damaged BGZF stream)."""
    with htslib.captured() as said:
        try:
            af.close()
        except _LIB_ERRORS as exc:
            return _problem(exc, said)
    return None


def source_for(path: Path, kind: str, reference_fasta: Path | None = None) -> AlignmentSource:
    af = open_alignments(path, kind, reference_fasta)
    try:
        lengths = dict(zip(af.references, af.lengths, strict=True))
    finally:
        _close(af)
    build, contig = build_from_header(path, lengths)
    if kind == "cram":
        ref = _reference_lengths(path, reference_fasta)
        if ref.get(contig) != lengths[contig]:
            have = f"length {ref[contig]}" if contig in ref else "no such contig"
            raise InputFileError(
                f"{reference_fasta}: not the genome {path} was written with: the CRAM's {contig} has length "
                f"{lengths[contig]}, the FASTA has {have}"
            )
    return AlignmentSource(Path(path), kind, build, contig)


def locus_reads(src: AlignmentSource, locus: Locus, reference_fasta: Path | None = None) -> Iterator[tuple]:
    """(AlignedRead, lo, hi) for every usable read overlapping the locus; ``src.records`` counts every
    record read (skipped ones included).  Any failure of the file names it and the last good record."""
    start, end = locus.bounds(src.build)
    mates: dict[str, tuple[int, int]] = {}
    af = open_alignments(src.path, src.kind, reference_fasta)
    last = None
    failure: str | None = None
    try:
        with htslib.silenced():
            try:
                for rec in af.fetch(src.contig, start - 1, end):
                    src.records += 1
                    item = _convert(rec, start, src, mates)
                    last = rec  # the last good record, named only if a later one fails
                    if item is not None:
                        yield item
            except _LIB_ERRORS as exc:
                failure = f"{exc or type(exc).__name__}"
    finally:
        problem = _close(af)
    failure = failure or problem
    if failure:
        if last is not None:
            last = f"record {src.records} ({last.query_name} at {src.contig}:{last.reference_start + 1})"
        said = _diagnose(src, start, end, reference_fasta)
        if "MD5" in said:
            raise InputFileError(
                f"{reference_fasta}: not the genome {src.path} was written with: the sequence of "
                f"{src.contig} differs (reference MD5 mismatch; wrong genome, build or version?)"
            )
        raise InputFileError(
            f"{src.path}: cannot read the locus region {f'after {last}' if last else 'at its first record'} "
            "(truncated or corrupt?): "
            f"{failure}{f' (htslib: {said})' if said else ''}"
        )


def _diagnose(src: AlignmentSource, start: int, end: int, reference_fasta: Path | None) -> str:
    """htslib's own words on the failure: the region read again with its messages on, captured (only on
    the error path)."""
    with htslib.captured() as said:
        htslib.set_level(htslib.DEFAULT_LEVEL)
        try:
            af = pysam.AlignmentFile(
                str(src.path),
                "rc" if src.kind == "cram" else "rb",
                reference_filename=str(reference_fasta) if reference_fasta else None,
            )
            try:
                for _ in af.fetch(src.contig, start - 1, end):
                    pass
            finally:
                af.close()
        except _LIB_ERRORS:
            pass
        finally:
            htslib.set_level(0)
    return said.message()


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
