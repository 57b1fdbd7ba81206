"""The CXCR4 locus sequence (gene plus flank) and where it came from.

A ``Locus`` is the plus-strand GRCh38 sequence of chr2:``start``-``end``; GRCh37 coordinates follow by the
constant offset.  ``ReferenceInfo`` says whether the sequence is a lab-installed, verified genome extract
or the synthetic demo locus; every result carries it, so nothing made on the demo locus can pass for
GRCh38.
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from dataclasses import dataclass, field

from whimscreen.errors import OutOfLocusError
from whimscreen.reference import sources
from whimscreen.reference.coords import from_build, to_build

FLANK = 2000
DEMO_WARNING = "DEMO REFERENCE — NOT FOR CLINICAL USE"


def locus_bounds() -> tuple[int, int]:
    gene = sources.features()["gene"]
    return gene.start - FLANK, gene.end + FLANK


@dataclass(frozen=True)
class ReferenceInfo:
    kind: str  # "demo" or "installed"
    description: str
    sha256: str
    builds: tuple[str, ...] = ("GRCh38", "GRCh37")
    source: str = ""
    checks: tuple[str, ...] = ()
    installed_at: str = ""
    # the refget digest ("SQ....") of the whole chr2 the locus was cut from, its build and length
    # (installed genomes only; VRS identifiers are placed on it, see reference/vrs.py)
    chrom_refget: str = ""
    chrom_build: str = ""
    chrom_length: int = 0

    @property
    def demo(self) -> bool:
        return self.kind == "demo"

    def stamp(self) -> dict:
        """The dictionary stamped on every result."""
        out = {
            "kind": self.kind,
            "demo": self.demo,
            "description": self.description,
            "sha256": self.sha256,
            "source": self.source,
            "data_digest": sources.data_digest(),
        }
        if self.demo:
            out["warning"] = DEMO_WARNING
        return out


@dataclass(frozen=True)
class Locus:
    chrom: str
    start: int  # GRCh38, 1-based inclusive
    sequence: str = field(repr=False)
    info: ReferenceInfo

    @property
    def end(self) -> int:
        return self.start + len(self.sequence) - 1

    def contains(self, pos38: int) -> bool:
        return self.start <= pos38 <= self.end

    def fetch(self, start: int, end: int) -> str:
        """Plus-strand GRCh38 bases ``start``..``end`` (1-based inclusive); empty when end < start."""
        if end < start:
            return ""
        if start < self.start or end > self.end:
            raise OutOfLocusError(
                f"chr2:{start}-{end} (GRCh38) lies outside the CXCR4 locus chr2:{self.start}-{self.end}"
            )
        return self.sequence[start - self.start : end - self.start + 1]

    def base(self, pos38: int) -> str:
        return self.fetch(pos38, pos38)

    def bounds(self, build: str = "GRCh38") -> tuple[int, int]:
        return to_build(self.start, build), to_build(self.end, build)

    def to_build(self, pos38: int, build: str) -> int:
        return to_build(pos38, build)

    def from_build(self, pos: int, build: str) -> int:
        return from_build(pos, build)

    def fasta(self, build: str = "GRCh38", width: int = 60) -> str:
        a, b = self.bounds(build)
        lines = [f">{self.chrom}:{a}-{b}"]
        lines += [self.sequence[i : i + width] for i in range(0, len(self.sequence), width)]
        return "\n".join(lines) + "\n"


def sha256(seq: str) -> str:
    return hashlib.sha256(seq.encode()).hexdigest()


class LocusProvider(ABC):
    """Where the locus comes from (injected, as data providers are in biocommons hgvs)."""

    @abstractmethod
    def locus(self) -> Locus: ...
