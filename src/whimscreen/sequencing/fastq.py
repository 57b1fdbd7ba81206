"""FASTQ reading with format checks: plain or gzip, single or paired, errors naming file and record."""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterator
from pathlib import Path

from whimscreen.errors import InputFileError

Record = tuple[str, str, str]  # name, sequence, qualities (Phred+33 text)
_VALID = frozenset("ACGTNacgtn.")


def _open(path: Path):
    with open(path, "rb") as fh:
        magic = fh.read(2)
    if magic == b"\x1f\x8b":
        return gzip.open(path, "rt", encoding="ascii", errors="replace")
    return open(path, encoding="ascii", errors="replace")


def read_fastq(path: Path) -> Iterator[Record]:
    """Records of one FASTQ file; raises ``InputFileError`` on anything that is not well-formed FASTQ."""
    path = Path(path)
    n = 0
    try:
        with _open(path) as fh:
            while True:
                head = fh.readline()
                if not head:
                    break
                if head == "\n" and not fh.readline():
                    break  # one trailing blank line
                seq, plus, qual = fh.readline().rstrip("\r\n"), fh.readline(), fh.readline().rstrip("\r\n")
                n += 1
                _check(path, n, head, seq, plus, qual)
                yield head[1:].split()[0] if head.strip() != "@" else f"read{n}", seq.upper(), qual
    except (OSError, EOFError, zlib.error, UnicodeDecodeError) as exc:
        raise InputFileError(f"{path}: cannot read as FASTQ (record {n + 1}): {exc}") from exc
    if n == 0:
        raise InputFileError(f"{path}: no FASTQ records (empty file)")


def _check(path: Path, n: int, head: str, seq: str, plus: str, qual: str) -> None:
    where = f"{path}: record {n}"
    if not head.startswith("@"):
        raise InputFileError(f"{where}: header line does not start with '@' (not FASTQ?): {head[:40]!r}")
    if not plus.startswith("+"):
        raise InputFileError(f"{where}: third line must start with '+' (truncated or not FASTQ)")
    if not seq or set(seq) - _VALID:
        raise InputFileError(f"{where}: sequence is empty or has characters other than A/C/G/T/N")
    if len(qual) != len(seq):
        raise InputFileError(f"{where}: {len(seq)} bases but {len(qual)} qualities (truncated file?)")
    if min(qual) < "!" or max(qual) > "~":
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
