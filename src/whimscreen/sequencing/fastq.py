"""FASTQ reading with format checks: plain or gzip, single or paired, errors naming file and record."""

from __future__ import annotations

import gzip
import re
import zlib
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

import pysam

from whimscreen.errors import InputFileError

Record = tuple[str, str, str]  # name, sequence, qualities (Phred+33 text)


def _open(path: Path):
    with open(path, "rb") as fh:
        magic = fh.read(2)
    if magic == b"\x1f\x8b":
        return gzip.open(path, "rt", encoding="ascii", errors="replace")
    return open(path, encoding="ascii", errors="replace")


CHUNK = 4 * 8192  # lines read at a time
_BAD_BASES = str.maketrans("", "", "ACGTNacgtn.")  # what remains after deleting valid bases


def read_fastq(path: Path) -> Iterator[Record]:
    """Records of one FASTQ file; raises ``InputFileError`` on anything that is not well-formed FASTQ.

    Parsed with pysam's FASTX reader (htslib's kseq) and every record checked here; at the first record
    that fails, or any reader error, the file is read again with the line-by-line reader below, which
    names the record and the problem (a bad file is rare, a clear message matters).  A header that is not
    UTF-8 (pysam cannot decode it) is read by that reader too, with the undecodable bytes replaced."""
    path = Path(path)
    n = 0
    quiet = pysam.set_verbosity(0)  # htslib would print its own errors; ours name the file and record
    try:
        with pysam.FastxFile(str(path), persist=False) as fh:
            for rec in fh:
                name, seq, qual = rec.name, rec.sequence or "", rec.quality  # may raise: nothing counted yet
                if qual is None or not _fine(seq, qual):
                    break
                n += 1
                yield name or f"read{n}", seq.upper(), qual
            else:
                if n:
                    return
    except (OSError, ValueError, UnicodeDecodeError):
        pass
    finally:
        pysam.set_verbosity(quiet)
    yield from islice(_read_fastq_lines(path), n, None)  # the same records, then the precise error


_BASES_RE = re.compile(r"[ACGTNacgtn.]+")
_QUALS_RE = re.compile(r"[!-~]+")


def _fine(seq: str, qual: str) -> bool:
    return len(qual) == len(seq) and bool(_BASES_RE.fullmatch(seq)) and bool(_QUALS_RE.fullmatch(qual))


def _read_fastq_lines(path: Path) -> Iterator[Record]:
    n = 0
    try:
        with _open(path) as fh:
            while True:
                lines = list(islice(fh, CHUNK))
                if not lines:
                    break
                if len(lines) % 4:
                    tail = lines[len(lines) - len(lines) % 4 :]
                    lines = lines[: len(lines) - len(tail)]
                    if tail != ["\n"]:  # one trailing blank line is allowed; anything else is cut short
                        lines += tail + [""] * (4 - len(tail))
                for k in range(0, len(lines), 4):
                    head, seq, plus, qual = lines[k], lines[k + 1].rstrip("\r\n"), lines[k + 2], lines[k + 3]
                    qual = qual.rstrip("\r\n")
                    n += 1
                    _check(path, n, head, seq, plus, qual)
                    yield head[1:].split()[0] if head.strip() != "@" else f"read{n}", seq.upper(), qual
    except (OSError, EOFError, zlib.error, UnicodeDecodeError) as exc:
        raise InputFileError(f"{path}: cannot read as FASTQ (record {n + 1}): {exc}") from exc
    if n == 0:
        raise InputFileError(f"{path}: no FASTQ records (empty file)")


def _check(path: Path, n: int, head: str, seq: str, plus: str, qual: str) -> None:
    if head[:1] == "@" and plus[:1] == "+" and _fine(seq, qual):
        return
    where = f"{path}: record {n}"
    if not head.startswith("@"):
        raise InputFileError(f"{where}: header line does not start with '@' (not FASTQ?): {head[:40]!r}")
    if not plus.startswith("+"):
        raise InputFileError(f"{where}: third line must start with '+' (truncated or not FASTQ)")
    if not seq or seq.translate(_BAD_BASES):
        raise InputFileError(f"{where}: sequence is empty or has characters other than A/C/G/T/N")
    if len(qual) != len(seq):
        raise InputFileError(f"{where}: {len(seq)} bases but {len(qual)} qualities (truncated file?)")
    raise InputFileError(f"{where}: quality characters outside Phred+33")


def read_pairs(path1: Path, path2: Path | None) -> Iterator[tuple[Record, Record | None]]:
    """Records of one file, or of two mate files in lockstep (same number of records required)."""
    first = read_fastq(path1)
    if path2 is None:
        for rec in first:
            yield rec, None
        return
    second = read_fastq(path2)
    sentinel = object()
    n = 0
    while True:
        a, b = next(first, sentinel), next(second, sentinel)
        if a is sentinel and b is sentinel:
            return
        n += 1
        if a is sentinel or b is sentinel:
            short = path1 if a is sentinel else path2
            raise InputFileError(
                f"{short}: ends at record {n - 1} while its mate file goes on (truncated pair)"
            )
        yield a, b
