"""The verified CXCR4 facts shipped as package data (see data/SOURCES.md for provenance).

Nothing here is typed from memory: every sequence and coordinate is read from the files copied from
``shared/data/cxcr4``.  Loaded lazily and cached; no I/O at import time.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from functools import cache
from importlib import resources

DATA = resources.files("whimscreen.reference") / "data"

#: GRCh37 position = GRCh38 position + this offset over the CXCR4 gene (SOURCES.md: checked at both
#: ClinVar anchors and at the gene's ends).
GRCH37_OFFSET = 757570

BUILD_ACCESSIONS = {"GRCh38": "NC_000002.12", "GRCh37": "NC_000002.11"}
BUILDS = tuple(BUILD_ACCESSIONS)


@dataclass(frozen=True)
class Feature:
    name: str
    chrom: str
    start: int  # GRCh38, 1-based inclusive
    end: int
    strand: str
    note: str


@dataclass(frozen=True)
class ClinVarAnchor:
    clinvar_id: str
    grch37: str
    grch38: str
    transcript: str


def _text(name: str) -> str:
    return (DATA / name).read_text()


def _fasta_sequence(name: str) -> str:
    lines = [ln.strip() for ln in _text(name).splitlines()]
    return "".join(ln for ln in lines if ln and not ln.startswith(">")).upper()


def _rows(name: str) -> list[list[str]]:
    lines = [ln for ln in _text(name).splitlines() if ln.strip() and not ln.startswith("#")]
    return list(csv.reader(lines, delimiter="\t"))


@cache
def protein() -> str:
    """P61073, 352 aa, without a stop symbol."""
    return _fasta_sequence("P61073.protein.fa")


@cache
def candidate_cds() -> str:
    """NM_003467.3 c.1-c.1059 (candidate: verified by translation and anchors only)."""
    return _fasta_sequence("NM_003467.cds.candidate.fa")


@cache
def features() -> dict[str, Feature]:
    header, *rows = _rows("coordinates.GRCh38.tsv")
    assert header[:5] == ["feature", "chrom", "start", "end", "strand"], header
    return {r[0]: Feature(r[0], r[1], int(r[2]), int(r[3]), r[4], r[5] if len(r) > 5 else "") for r in rows}


@cache
def clinvar_anchors() -> tuple[ClinVarAnchor, ...]:
    header, *rows = _rows("clinvar_anchors.tsv")
    return tuple(ClinVarAnchor(*r[:4]) for r in rows)


@cache
def data_digest() -> str:
    """SHA-256 over the shipped reference files, stamped on results (which facts were used); the package's
    files do not change while it runs, so it is computed once (every page carries the reference stamp)."""
    h = hashlib.sha256()
    for name in sorted(p.name for p in DATA.iterdir() if p.name.endswith((".fa", ".tsv"))):
        h.update(name.encode())
        h.update(_text(name).encode())
    return h.hexdigest()
