"""Uploads checked beyond their first bytes, before they are accepted.

- Compressed files (gzip/BGZF: .fastq.gz, .vcf.gz, BAM) are decompressed as a stream and refused once the
  decompressed size passes ``max(FLOOR, RATIO x compressed size)`` or ``CAP``: a 4.7 MB .fastq.gz holding
  1 GB never reaches the analysis.  Memory stays at one block whatever the file.
- The first records are parsed with the readers the analysis uses (FASTQ: sequencing/fastq.py; VCF:
  cyvcf2; BAM: pysam; AB1: Biopython), so ``@<html>`` does not pass as FASTQ.
"""

from __future__ import annotations

import gzip
import zlib
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from whimscreen.errors import InputFileError

FIRST_RECORDS = 1000
BLOCK = 1 << 20


@dataclass(frozen=True)
class Limits:
    ratio: float = 50.0  # decompressed / compressed; real FASTQ, BAM and gVCF stay well below
    floor: int = 256 * 1024**2  # small files may expand this far whatever their ratio
    cap: int = 16 * 1024**3  # never more than this

    def allowed(self, compressed: int) -> int:
        return int(min(self.cap, max(self.floor, self.ratio * compressed)))


def _is_gzip(path: Path) -> bool:
    with open(path, "rb") as fh:
        return fh.read(2) == b"\x1f\x8b"


def check_decompressed_size(path: Path, label: str, compressed: int, limits: Limits) -> int:
    """The decompressed size, refusing (InputFileError) as soon as it passes the limit."""
    allowed, total = limits.allowed(compressed), 0
    try:
        with gzip.open(path, "rb") as fh:
            while block := fh.read(BLOCK):
                total += len(block)
                if total > allowed:
                    raise InputFileError(
                        f"{label}: decompresses to more than {allowed:,} bytes ({compressed:,} compressed); "
                        "refused as a possible decompression bomb"
                    )
    except (OSError, EOFError, zlib.error) as exc:
        raise InputFileError(f"{label}: corrupt gzip/BGZF data: {exc}") from None
    return total


def _first_fastq(path: Path) -> None:
    from whimscreen.sequencing.fastq import read_fastq

    n = sum(1 for _ in islice(read_fastq(path), FIRST_RECORDS))
    if n == 0:
        raise InputFileError(f"{path}: no FASTQ records")


def _first_vcf(path: Path) -> None:
    from cyvcf2 import VCF

    try:
        vcf = VCF(str(path))
        for _ in islice(vcf, FIRST_RECORDS):
            pass
        vcf.close()
    except Exception as exc:  # cyvcf2 raises plain exceptions on malformed input
        raise InputFileError(f"{path}: not a readable VCF/BCF ({exc})") from None


def _first_bam(path: Path) -> None:
    import pysam

    quiet = pysam.set_verbosity(0)
    try:
        with pysam.AlignmentFile(str(path), "rb", check_sq=False) as bam:
            for _ in islice(bam.fetch(until_eof=True), FIRST_RECORDS):
                pass
    except (OSError, ValueError) as exc:
        raise InputFileError(f"{path}: not a readable BAM ({exc})") from None
    finally:
        pysam.set_verbosity(quiet)


def _first_ab1(path: Path) -> None:
    from Bio import SeqIO

    try:
        SeqIO.read(str(path), "abi")
    except Exception as exc:  # Biopython raises ValueError/AssertionError/struct.error on bad traces
        raise InputFileError(f"{path}: not a readable AB1 trace ({exc})") from None


_READERS = {"fastq": _first_fastq, "vcf": _first_vcf, "bam": _first_bam, "ab1": _first_ab1}


def check(path: Path, kind: str, label: str, size: int, limits: Limits = Limits()) -> None:
    """Refuse a bomb or a file whose first records are not ``kind``; messages name ``label``, not the
    temporary path."""
    try:
        if _is_gzip(path):
            check_decompressed_size(path, label, size, limits)
        reader = _READERS.get(kind)  # CRAM records need the reference: its header was checked by kind
        if reader is not None:
            reader(path)
    except InputFileError as exc:
        raise InputFileError(str(exc).replace(str(path), label)) from None
